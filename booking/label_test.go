package booking

import (
	"maps"
	"slices"
	"testing"
	"time"
)

// TestEveryCodeHasItsWords: each vocabulary's codes, and no others, have a
// Swedish and an English word, so no page, mail or report shows a bare code.
func TestEveryCodeHasItsWords(t *testing.T) {
	vocabs := map[string][]string{
		VocabPurpose: Purposes, VocabReason: CancelReasons, VocabMode: Modes, VocabArea: Areas, VocabOutcome: Outcomes,
		VocabRule:   append(slices.Clone(OverridableRules), RuleOverlap, RuleNoFreeSupervisor),
		VocabStatus: {StatusConfirmed, StatusCancelled, "active", "inactive"},
		VocabRole:   {RoleAdmin, RoleManager, RoleSupervisor},
		VocabEvent:  {EventCreated, EventChanged, EventCancelled, EventFollowup, EventConfirmed},
		VocabRating: {"1", "2", "3", "4", "5"},
	}
	if got, want := slices.Sorted(maps.Keys(labels)), slices.Sorted(maps.Keys(vocabs)); !slices.Equal(got, want) {
		t.Fatalf("vocabularies with words %v, want %v", got, want)
	}
	for vocab, codes := range vocabs {
		if got, want := slices.Sorted(maps.Keys(labels[vocab])), slices.Sorted(slices.Values(codes)); !slices.Equal(got, want) {
			t.Errorf("%s: words for %v, codes %v", vocab, got, want)
		}
		for _, code := range codes {
			for _, lang := range []string{"sv", "en"} {
				if Label(vocab, code, lang) == "" {
					t.Errorf("%s.%s has no word in %s", vocab, code, lang)
				}
			}
		}
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
