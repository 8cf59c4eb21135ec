package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/outbox"
	"github.com/sprakpool/sprakpool/booking/vocab"
	"github.com/sprakpool/sprakpool/notify/channel"
)

// SMSLength is the most characters one SMS carries in the GSM 7-bit alphabet:
// every text stays within it, so it goes as one message, not several billed parts.
const SMSLength = 160

// smsTexts are the SMS of each kind, in Swedish and English: %[1]s is when,
// %[2]s where it was before (a move), %[3]s the workplace, %[4]s the place
// (the address on site, phone or video). Only the names are ever shortened.
var smsTexts = map[string][2]string{
	outbox.KindReminder: {
		"Påminnelse från Språkpool: %[1]s, %[3]s, %[4]s.",
		"Reminder from Språkpool: %[1]s, %[3]s, %[4]s.",
	},
	outbox.KindBookingConfirmed: {
		"Språkpool: ny bokning %[1]s, %[3]s, %[4]s.",
		"Språkpool: new booking %[1]s, %[3]s, %[4]s.",
	},
	outbox.KindBookingChanged: {
		"Språkpool: bokningen är nu %[1]s (var %[2]s), %[3]s, %[4]s.",
		"Språkpool: the booking is now %[1]s (was %[2]s), %[3]s, %[4]s.",
	},
	outbox.KindBookingCancelled: {
		"Språkpool: avbokad %[1]s, %[3]s, %[4]s.",
		"Språkpool: cancelled %[1]s, %[3]s, %[4]s.",
	},
	outbox.KindBookingRemoved: {
		"Språkpool: du är inte längre med %[1]s, %[3]s, %[4]s.",
		"Språkpool: you are no longer on %[1]s, %[3]s, %[4]s.",
	},
}

// smsBooking is what an SMS says of a booking, in GSM 7-bit characters.
type smsBooking struct {
	When, Before, Workplace, Place string
}

// composeSMS renders the SMS of outbox row m: its text alone, in its
// recipient's language.
func (n *Notifier) composeSMS(ctx context.Context, m booking.Message) (channel.Message, error) {
	lang := m.Locale
	if lang != "en" {
		lang = "sv"
	}
	if m.BookingID == nil {
		return channel.Message{}, fmt.Errorf("SMS %d of kind %s has no booking", m.ID, m.Kind)
	}
	det, err := n.outbox.Booking(ctx, *m.BookingID)
	if err != nil {
		return channel.Message{}, err
	}
	b := det.Booking
	start, end := b.Start.In(n.loc), b.End.In(n.loc)
	v := smsBooking{When: smsWhen(start, end, lang), Workplace: det.Workplace.Name}
	switch {
	case b.Mode == "on_site" && strings.TrimSpace(det.Workplace.Address) != "":
		v.Place = det.Workplace.Address
	default:
		v.Place = vocab.Label(vocab.VocabMode, b.Mode, lang)
	}
	if m.Kind == outbox.KindBookingChanged {
		v.Before = n.smsBefore(m.Payload, start, lang)
	}
	text, err := smsText(m.Kind, lang, v)
	if err != nil {
		return channel.Message{}, fmt.Errorf("SMS %d: %w", m.ID, err)
	}
	return channel.Message{To: m.Recipient, Kind: m.Kind, MessageID: m.MessageID, Lang: lang, Text: text}, nil
}

// smsWhen is "tis 8 december 09:00-10:00": the short weekday, no year (an SMS
// is about the next day or so), a hyphen (the en dash is not in GSM 7-bit).
func smsWhen(start, end time.Time, lang string) string {
	return fmt.Sprintf("%s %d %s %s-%s", vocab.WeekdayShort(start.Weekday(), lang), start.Day(), vocab.MonthName(start.Month(), lang),
		clockText(start), clockText(end))
}

// smsBefore is where a moved booking was: its times alone when it stayed on
// the same day as now, else its day and times.
func (n *Notifier) smsBefore(payload string, now time.Time, lang string) string {
	var p struct {
		Before struct{ Start, End time.Time } `json:"before"`
	}
	if json.Unmarshal([]byte(payload), &p) != nil || p.Before.Start.IsZero() {
		return "?"
	}
	start, end := p.Before.Start.In(n.loc), p.Before.End.In(n.loc)
	if y, m, d := start.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return clockText(start) + "-" + clockText(end)
	}
	return smsWhen(start, end, lang)
}

// smsText fills the kind's text in lang with v, in GSM 7-bit characters, and
// shortens the workplace and the place, the longer first, until it fits in
// SMSLength: the times are never cut.
func smsText(kind, lang string, v smsBooking) (string, error) {
	forms, ok := smsTexts[kind]
	if !ok {
		return "", fmt.Errorf("no SMS for kind %q", kind)
	}
	form := forms[0]
	if lang == "en" {
		form = forms[1]
	}
	names := []string{gsm7(oneLine(v.Workplace)), gsm7(oneLine(v.Place))}
	for {
		text := fmt.Sprintf(form, gsm7(v.When), gsm7(v.Before), strings.TrimSpace(names[0]), strings.TrimSpace(names[1]))
		if utf8.RuneCountInString(text) <= SMSLength {
			return text, nil
		}
		longer := 0
		if utf8.RuneCountInString(names[1]) > utf8.RuneCountInString(names[0]) {
			longer = 1
		}
		r := []rune(names[longer])
		if len(r) == 0 {
			return "", fmt.Errorf("the %s SMS is longer than %d characters without names", kind, SMSLength)
		}
		names[longer] = string(r[:len(r)-1])
	}
}

// gsm7Basic is the GSM 03.38 default alphabet without its control characters
// and the escape: the characters one septet each carries. The extension table
// (€, [, ], {, }, …) takes two and is left out.
const gsm7Basic = "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"

// gsm7Replace writes common characters outside the alphabet as ones in it.
var gsm7Replace = map[rune]string{
	'–': "-", '—': "-", '‐': "-", '‑': "-", '’': "'", '‘': "'", '´': "'", '`': "'", '“': "\"", '”': "\"", '„': "\"",
	'«': "\"", '»': "\"", '…': "...", '\t': " ", '\u00a0': " ", '[': "(", ']': ")", '{': "(", '}': ")", '~': "-",
	'|': "/", '\\': "/", '^': "'", '€': "EUR", 'ł': "l", 'Ł': "L", 'đ': "d", 'Đ': "D", 'ı': "i", 'œ': "oe", 'Œ': "OE",
}

// gsm7 writes s in the GSM 7-bit default alphabet: characters outside it lose
// their accents (ć → c, ş → s) or become their usual stand-in; anything else
// (another script, an emoji) becomes "?".
func gsm7(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(gsm7Basic, r) {
			b.WriteRune(r)
			continue
		}
		if rep, ok := gsm7Replace[r]; ok {
			b.WriteString(rep)
			continue
		}
		base := []rune(norm.NFD.String(string(r)))
		if len(base) > 0 && base[0] < unicode.MaxASCII && strings.ContainsRune(gsm7Basic, base[0]) {
			b.WriteRune(base[0])
			continue
		}
		b.WriteByte('?')
	}
	return b.String()
}
