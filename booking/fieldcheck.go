package booking

import (
	"strings"
)

// The checks a booking's fields go through, exported for the packages under
// booking/ whose input carries the same fields (a request): one rule and one
// message per field, wherever it is typed.

// CheckMode checks a session's mode and meeting link as a booking's are:
// mode defaults to on_site, an empty link is none, a video session needs an
// https link and no other mode has one.
func CheckMode(p *Problems, mode *string, meetingURL **string) {
	b := Booking{Mode: *mode, MeetingURL: *meetingURL}
	if b.Mode == "" {
		b.Mode = "on_site"
	}
	checkMode(p, &b)
	*mode, *meetingURL = b.Mode, b.MeetingURL
}

// CheckSession checks a session's purpose, expected participants and notes as
// a booking's are.
func CheckSession(p *Problems, purpose string, participants int, notes string) {
	checkSessionFields(p, &Booking{Purpose: purpose, ParticipantsExpected: participants, Notes: notes})
}

func checkSessionFields(p *Problems, b *Booking) {
	if !oneOf(b.Purpose, Purposes) {
		p.Add("purpose", "purpose", "must be one of %s", strings.Join(Purposes, ", "))
	}
	if b.ParticipantsExpected < 0 || b.ParticipantsExpected > 10000 {
		p.Add("participants_expected", "count", "must be between 0 and 10000")
	}
	CheckText(p, "notes", b.Notes, 4000, false)
}
