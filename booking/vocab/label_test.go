package vocab

import (
	"maps"
	"slices"
	"testing"
	"time"
)

// TestEveryVocabularyHasItsWords: the vocabularies, and no others, have words;
// booking's TestEveryCodeHasItsWords checks each one's codes.
func TestEveryVocabularyHasItsWords(t *testing.T) {
	vocabs := []string{VocabPurpose, VocabReason, VocabMode, VocabArea, VocabOutcome,
		VocabRule, VocabStatus, VocabRole, VocabEvent, VocabRating, VocabWhy}
	if got, want := slices.Sorted(maps.Keys(labels)), slices.Sorted(slices.Values(vocabs)); !slices.Equal(got, want) {
		t.Fatalf("vocabularies with words %v, want %v", got, want)
	}
	if got := Label(VocabReason, "supervisor_unavailable", "sv"); got != "handledaren kan inte" {
		t.Errorf("Swedish reason: %q", got)
	}
	if got := Label(VocabReason, "supervisor_unavailable", "fi"); got != "handledaren kan inte" {
		t.Errorf("an unknown language is Swedish: %q", got)
	}
	if got := Label(VocabPurpose, "nonsense", "en"); got != "nonsense" {
		t.Errorf("an unknown code is itself: %q", got)
	}
}

func TestMonthsWeekdaysAndCapitals(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{MonthName(time.March, "sv"), "mars"}, {MonthName(time.December, "en"), "December"},
		{WeekdayName(time.Monday, "sv"), "måndag"}, {WeekdayName(time.Sunday, "en"), "Sunday"},
		{WeekdayShort(time.Thursday, "sv"), "tors"}, {WeekdayShort(time.Saturday, "en"), "Sat"},
		{Capitalize("övrigt"), "Övrigt"}, {Capitalize("Annat"), "Annat"}, {Capitalize(""), ""},
		{Capitalize(Label(VocabPurpose, "workplace_support", "en")), "Language support at work"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	for m := time.January; m <= time.December; m++ {
		if MonthName(m, "en") != m.String() {
			t.Errorf("%v in English: %q", m, MonthName(m, "en"))
		}
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		if WeekdayName(d, "en") != d.String() {
			t.Errorf("%v in English: %q", d, WeekdayName(d, "en"))
		}
	}
}
