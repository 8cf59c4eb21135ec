// Package channel is the seam between notify, which renders each outbox
// message for its channel, and the senders that deliver it: notify/email over
// SMTP, and whatever channel comes next (SMS). It holds only what both sides
// agree on: the rendered message, the sender's interface, and the two ways a
// send can end other than "sent" or "try again later".
package channel

import (
	"context"
	"errors"
)

// Message is one outbox message rendered for its channel, in its recipient's
// language. A channel uses what it can carry: e-mail all of it, a text
// message its Text.
type Message struct {
	// To is the address on the channel: an e-mail address for e-mail.
	To string
	// Kind is the outbox kind (booking_confirmed, reminder, …).
	Kind string
	// MessageID is the same for every send of one outbox message, so a
	// receiver can drop a send repeated after a crash.
	MessageID string
	// Lang is the language it is written in: "sv" or "en".
	Lang string
	// Subject is one line; Text is the message in plain text, HTML the same
	// with its links live.
	Subject, Text, HTML string
	// Calendar is the iTIP message (an invitation or its cancellation) that
	// goes with a booking's message, or nil.
	Calendar *Calendar
	// Attachments are files sent with it (the monthly report's CSV).
	Attachments []Attachment
}

// Calendar is an iCalendar object and its iTIP METHOD (REQUEST or CANCEL).
type Calendar struct {
	Method string
	Body   []byte
}

// Attachment is a file sent with a message.
type Attachment struct {
	Name, ContentType string
	Data              []byte
}

// Sender delivers messages on one channel. Send tries msgs in order and calls
// done with each message's result (nil when it was delivered) as soon as it is
// known, before it tries the next, so each outbox row is recorded on its own
// while the rest of the batch waits: a crash mid-batch then repeats at most the
// message in flight, not every message delivered before it. When done returns
// an error, Send stops and returns it.
type Sender interface {
	Send(ctx context.Context, msgs []Message, done func(i int, err error) error) error
}

// ErrNotTried is a message's result when its batch ran out of time before it
// was tried: it goes back to the outbox as it was, its attempt not counted.
var ErrNotTried = errors.New("not tried in this round")

// Permanent marks err as a refusal that a retry will not change (an SMTP
// 5xx): the message is given up on at once.
func Permanent(err error) error { return permanentError{err} }

// IsPermanent reports whether err will not get better by trying again.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }
