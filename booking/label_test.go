package booking_test

import (
	"slices"
	"testing"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/vocab"
)

// TestEveryCodeHasItsWords: each vocabulary's codes, and no others, have a
// Swedish and an English word, so no page, mail or report shows a bare code.
func TestEveryCodeHasItsWords(t *testing.T) {
	vocabs := map[string][]string{
		vocab.VocabPurpose: booking.Purposes, vocab.VocabReason: booking.CancelReasons, vocab.VocabMode: booking.Modes, vocab.VocabArea: booking.Areas, vocab.VocabOutcome: booking.Outcomes,
		vocab.VocabRule: append(slices.Clone(booking.OverridableRules), booking.RuleOverlap, booking.RuleNoFreeSupervisor, booking.RuleSupervisorInactive),
		// "attention" is how pages show a confirmed booking that needs the coordinator.
		vocab.VocabStatus: {booking.StatusConfirmed, booking.StatusCancelled, "active", "inactive", "attention"},
		vocab.VocabRole:   {booking.RoleAdmin, booking.RoleManager, booking.RoleSupervisor},
		vocab.VocabEvent:  {booking.EventCreated, booking.EventChanged, booking.EventCancelled, booking.EventFollowup, booking.EventConfirmed},
		vocab.VocabRating: {"1", "2", "3", "4", "5"},
		vocab.VocabWhy:    booking.FollowupReasons,
	}
	for voc, codes := range vocabs {
		if got, want := vocab.Codes(voc), slices.Sorted(slices.Values(codes)); !slices.Equal(got, want) {
			t.Errorf("%s: words for %v, codes %v", voc, got, want)
		}
		for _, code := range codes {
			for _, lang := range []string{"sv", "en"} {
				if vocab.Label(voc, code, lang) == "" {
					t.Errorf("%s.%s has no word in %s", voc, code, lang)
				}
			}
		}
	}
}
