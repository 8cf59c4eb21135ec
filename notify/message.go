package notify

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/outbox"
	"github.com/sprakpool/sprakpool/booking/request"
	"github.com/sprakpool/sprakpool/booking/vocab"
)

//go:embed templates/*.txt templates/layout.html
var templateFiles embed.FS

// Languages mail is written in; Swedish unless the user chose English.
var Languages = []string{"sv", "en"}

// Kinds are the kinds of mail notify can render.
var Kinds = []string{outbox.KindBookingConfirmed, outbox.KindBookingChanged, outbox.KindBookingCancelled,
	outbox.KindBookingRemoved, outbox.KindReminder, outbox.KindDayplan, outbox.KindFollowupRequest, outbox.KindMonthlyReport,
	outbox.KindInvite, outbox.KindPasswordReset, outbox.KindConfirmationReminder, outbox.KindAttention,
	outbox.KindSeriesMade, outbox.KindSeriesCancelled,
	request.KindMade, request.KindFilled, request.KindDeclined}

// templates holds every message template, parsed once at start.
type templates struct {
	text   map[string]*template.Template // by "kind.lang"
	layout *htmltemplate.Template
}

func parseTemplates() (*templates, error) {
	t := &templates{text: map[string]*template.Template{}}
	funcs := template.FuncMap{"hours": hours, "percent": percent}
	for _, lang := range Languages {
		for _, kind := range Kinds {
			name := kind + "." + lang + ".txt"
			tt, err := template.New(name).Funcs(funcs).Option("missingkey=error").
				ParseFS(templateFiles, "templates/"+name, "templates/booking."+lang+".txt")
			if err != nil {
				return nil, fmt.Errorf("parse mail template %s: %w", name, err)
			}
			t.text[kind+"."+lang] = tt
		}
	}
	layout, err := htmltemplate.ParseFS(templateFiles, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("parse mail layout: %w", err)
	}
	t.layout = layout
	return t, nil
}

// rendered is one message's subject and bodies.
type rendered struct {
	Subject, Text, HTML string
}

// render fills the template of kind in lang (Swedish for any other) with data.
func (t *templates) render(kind, lang string, data mailData) (*rendered, error) {
	if lang != "en" {
		lang = "sv"
	}
	data.Name = oneLine(data.Name)
	tt := t.text[kind+"."+lang]
	if tt == nil {
		return nil, fmt.Errorf("no mail template for %s", kind)
	}
	var buf bytes.Buffer
	if err := tt.Execute(&buf, data); err != nil {
		return nil, fmt.Errorf("render %s mail: %w", kind, err)
	}
	head, body, ok := strings.Cut(buf.String(), "\n")
	subject, found := strings.CutPrefix(head, "Subject: ")
	if !ok || !found {
		return nil, fmt.Errorf("render %s mail: the template does not start with a Subject line", kind)
	}
	r := &rendered{Subject: strings.TrimSpace(subject), Text: strings.TrimSpace(body) + "\n"}
	var html bytes.Buffer
	paras := paragraphs(r.Text, data.links())
	if err := t.layout.Execute(&html, map[string]any{"Lang": lang, "Subject": r.Subject, "Paragraphs": paras}); err != nil {
		return nil, fmt.Errorf("render %s mail as HTML: %w", kind, err)
	}
	r.HTML = html.String()
	return r, nil
}

// line is one line of a paragraph in the HTML part, with its link, if it ends in one.
type line struct{ Text, URL string }

// paragraphs splits plain text at blank lines, and each line before a trailing
// link, so the HTML part says the same as the text part with live links. Only
// the links Språkpool made for this message (links) are made live: free text
// that ends in a URL (notes, a cancellation reason, a name) stays text, so no
// one can put a link in the pool's mail.
func paragraphs(text string, links map[string]bool) [][]line {
	var out [][]line
	for _, p := range strings.Split(strings.TrimSpace(text), "\n\n") {
		var ls []line
		for _, l := range strings.Split(strings.Trim(p, "\n"), "\n") {
			i := strings.LastIndexAny(l, " \t") + 1
			if links[l[i:]] {
				ls = append(ls, line{Text: l[:i], URL: l[i:]})
			} else {
				ls = append(ls, line{Text: l})
			}
		}
		out = append(out, ls)
	}
	return out
}

// links are the URLs Språkpool itself put in the message: the booking's page,
// the message's link (a follow-up form, an account link), each listed
// session's link. A meeting URL is a manager's free text and not among them.
func (d *mailData) links() map[string]bool {
	out := map[string]bool{}
	for _, l := range []string{d.Link, d.B.Link} {
		if l != "" {
			out[l] = true
		}
	}
	for _, v := range d.Day {
		if v.Link != "" {
			out[v.Link] = true
		}
	}
	return out
}

// oneLine makes a name fit on one line (a subject, a "Var:" line): a line
// break typed into it would otherwise start a new line of the message, or cut
// the subject off. Names are checked to be one line when they are saved; this
// keeps older ones and every other way in harmless too.
func oneLine(v string) string {
	return strings.Join(strings.FieldsFunc(v, func(r rune) bool { return r == '\r' || r == '\n' || r == '\u2028' || r == '\u2029' }), " ")
}

// clockText is a time of day as mail writes it: "09:00", and with its zone in the
// hour that repeats when summer time ends, where "02:30" alone names two
// instants ("02:30 CEST", "02:30 CET").
func clockText(t time.Time) string {
	if booking.InRepeatedHour(t, t.Location()) {
		return t.Format("15:04 MST")
	}
	return t.Format("15:04")
}

func hours(minutes int) string {
	h := strconv.FormatFloat(float64(minutes)/60, 'f', 1, 64)
	return strings.Replace(strings.TrimSuffix(h, ".0"), ".", ",", 1)
}

// percent is a share as Swedish and English readers both take it: "13,8 %", or "–" for none.
func percent(v *float64) string {
	if v == nil {
		return "–"
	}
	return strings.Replace(strconv.FormatFloat(*v*100, 'f', 1, 64), ".", ",", 1) + " %"
}

// bookingView is a booking as a message shows it, in the recipient's language
// and the pool's zone: 24-hour times, Swedish names unless English was chosen.
type bookingView struct {
	ID                                         int64
	Weekday, Date, Start, End                  string
	Workplace, Address, Supervisor             string
	LanguageName, ModeText, PurposeText, Notes string
	MeetingURL, Link                           string
	// Mode is the booking's mode code: the templates say where by it (the
	// address on site, "Telefon" for a call, the meeting link for video).
	Mode         string
	Participants int
}

func (n *Notifier) view(d *outbox.BookingDetails, lang string) bookingView {
	b := d.Booking
	start, end := b.Start.In(n.loc), b.End.In(n.loc)
	v := bookingView{ID: b.ID, Weekday: weekday(start, lang), Date: dateText(start, lang),
		Start: clockText(start), End: clockText(end), Workplace: oneLine(d.Workplace.Name),
		Supervisor: oneLine(d.Supervisor.Name), ModeText: vocab.Label(vocab.VocabMode, b.Mode, lang), PurposeText: vocab.Label(vocab.VocabPurpose, b.Purpose, lang),
		Notes: b.Notes, Participants: b.ParticipantsExpected, Link: fmt.Sprintf("%s/bookings/%d", n.cfg.BaseURL, b.ID), Mode: b.Mode}
	if b.Mode == "on_site" {
		v.Address = oneLine(d.Workplace.Address)
	}
	if b.MeetingURL != nil {
		v.MeetingURL = *b.MeetingURL
	}
	v.LanguageName = b.Language
	if l, ok := vocab.LanguageByCode(b.Language); ok {
		v.LanguageName = l.NameSV
		if lang == "en" {
			v.LanguageName = l.NameEN
		}
	}
	return v
}

func weekday(t time.Time, lang string) string {
	return vocab.WeekdayName(t.Weekday(), lang)
}

// dateText is "30 mars 2026" or "30 March 2026".
func dateText(t time.Time, lang string) string {
	return fmt.Sprintf("%d %s %d", t.Day(), vocab.MonthName(t.Month(), lang), t.Year())
}
