package web

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sprakpool/sprakpool/booking/vocab"
	"github.com/sprakpool/sprakpool/ui/internal/catalog"
)

// Lang is the language a page is written in: Swedish unless the user chose
// English. Templates call its methods for every user-facing string and date.
type Lang struct {
	Code string
	idx  int // 0 Swedish, 1 English: the column of ui/internal/catalog
}

var (
	swedish = Lang{Code: "sv", idx: 0}
	english = Lang{Code: "en", idx: 1}
)

// langOf returns the language with that code, Swedish for anything else.
func langOf(code string) Lang {
	if code == "en" {
		return english
	}
	return swedish
}

// T returns the text of key, formatted with args; a missing key shows itself,
// and a test makes sure none is missing.
func (l Lang) T(key string, args ...any) string {
	text, ok := l.text(key)
	if !ok {
		return key
	}
	if len(args) == 0 {
		return text
	}
	return fmt.Sprintf(text, args...)
}

// vocabularies are the prefixes of the keys whose texts are the domain's words
// for its codes: "purpose.other" is booking's label of the purpose other.
var vocabularies = []string{vocab.VocabPurpose, vocab.VocabReason, vocab.VocabMode, vocab.VocabArea,
	vocab.VocabOutcome, vocab.VocabRule, vocab.VocabStatus, vocab.VocabRole, vocab.VocabEvent, vocab.VocabRating, vocab.VocabWhy}

// text is the text of key from ui/internal/catalog, or the word for a code from
// booking, capitalised, as a page shows it on its own.
func (l Lang) text(key string) (string, bool) {
	if text, ok := catalog.Text(key, l.idx); ok {
		return text, true
	}
	if voc, code, ok := strings.Cut(key, "."); ok && slices.Contains(vocabularies, voc) {
		return vocab.Capitalize(vocab.Label(voc, code, l.Code)), true
	}
	return "", false
}

func isoWeekday(t time.Time) int { return (int(t.Weekday())+6)%7 + 1 }

// Date is "mån 30 mars 2026".
func (l Lang) Date(t time.Time) string {
	return fmt.Sprintf("%s %d %s %d", vocab.WeekdayShort(t.Weekday(), l.Code), t.Day(), vocab.MonthName(t.Month(), l.Code), t.Year())
}

// DayMonth is "30 mars".
func (l Lang) DayMonth(t time.Time) string {
	return fmt.Sprintf("%d %s", t.Day(), vocab.MonthName(t.Month(), l.Code))
}

// Weekday is "måndag".
func (l Lang) Weekday(n int) string { return vocab.WeekdayName(time.Weekday(n%7), l.Code) }

// WeekdayShort is "mån" for 1 (Monday) to 7.
func (l Lang) WeekdayShort(t time.Time) string { return vocab.WeekdayShort(t.Weekday(), l.Code) }

// Clock is the 24-hour time "09:00".
func (l Lang) Clock(t time.Time) string { return t.Format("15:04") }

// Span is "mån 30 mars 2026, 09:00–11:00".
func (l Lang) Span(start, end time.Time) string {
	return l.Date(start) + ", " + l.Clock(start) + "–" + l.Clock(end)
}

// Week is the ISO week number "v. 14" ("week 14").
func (l Lang) Week(t time.Time) string {
	_, w := t.ISOWeek()
	return l.T("week.n", w)
}

// DateTime is "mån 30 mars 2026, 09:00".
func (l Lang) DateTime(t time.Time) string { return l.Date(t) + ", " + l.Clock(t) }

// Duration is a notice such as "24 timmar" or "90 minuter".
func (l Lang) Duration(d time.Duration) string {
	switch {
	case d == time.Hour:
		return l.T("dur.hour")
	case d%time.Hour == 0:
		return l.T("dur.hours", int(d/time.Hour))
	}
	return l.T("dur.minutes", int(d/time.Minute))
}
