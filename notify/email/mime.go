package email

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/wneessen/go-mail"

	"github.com/sprakpool/sprakpool/notify/channel"
)

// message writes m as MIME: the plain text with the HTML as its alternative,
// the iTIP calendar of a booking, the attachments.
func (s *SMTP) message(m channel.Message) (*mail.Msg, error) {
	msg := mail.NewMsg()
	// The same name as the invitations' ORGANIZER, so a client shows one sender.
	if err := msg.FromFormat("Språkpool", s.from); err != nil {
		return nil, fmt.Errorf("sender %q: %w", s.from, err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("recipient %q: %w", m.To, err)
	}
	msg.Subject(subjectWords(oneLine(m.Subject)))
	msg.SetMessageIDWithValue(m.MessageID)
	msg.SetDate()
	lang := m.Lang
	if lang != "en" {
		lang = "sv"
	}
	msg.SetGenHeader(mail.HeaderContentLang, lang)
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetGenHeader("X-Sprakpool-Kind", m.Kind)
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	}
	if cal := m.Calendar; cal != nil {
		// Base64, as Outlook reads it (it stopped reading quoted-printable
		// invitations for others); and the same calendar as an attachment, for
		// the clients that read only attachments. application/ics, as Google
		// sends it, so no client takes the attachment for a second invitation.
		msg.AddAlternativeString(mail.ContentType("text/calendar; method="+cal.Method), string(cal.Body), mail.WithPartEncoding(mail.EncodingB64))
		if err := msg.AttachReader("invite.ics", bytes.NewReader(cal.Body), mail.WithFileContentType("application/ics"),
			mail.WithFileEncoding(mail.EncodingB64)); err != nil {
			return nil, fmt.Errorf("attach invite.ics: %w", err)
		}
	}
	for _, att := range m.Attachments {
		if err := msg.AttachReader(att.Name, bytes.NewReader(att.Data), mail.WithFileContentType(mail.ContentType(att.ContentType))); err != nil {
			return nil, fmt.Errorf("attach %s: %w", att.Name, err)
		}
	}
	return msg, nil
}

// oneLine keeps a header on one line: a line break in a subject (a name typed
// with one, say) would otherwise start a header of its own, or cut the subject
// off. notify writes subjects on one line already; the sender does not rely on it.
func oneLine(v string) string {
	return strings.Join(strings.FieldsFunc(v, func(r rune) bool { return r == '\r' || r == '\n' || r == '\u2028' || r == '\u2029' }), " ")
}

// subjectWords writes a subject that needs encoding (any letter beyond ASCII,
// such as å, ä, ö) as RFC 2047 encoded words of at most 60 characters, with a
// space between them. go-mail folds the Subject header at spaces; Go's own
// encoder makes words of 75 characters, which go-mail folds before the first
// one, right after "Subject:", and some readers then see the subject with a
// leading space. A subject in plain ASCII is returned as it is.
func subjectWords(s string) string {
	plain := true
	for _, r := range s {
		if r < ' ' || r > '~' {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	const open, close, most = "=?UTF-8?q?", "?=", 60
	var words []string
	var w strings.Builder
	for _, r := range s {
		var enc strings.Builder
		for _, b := range []byte(string(r)) {
			switch {
			case b == ' ':
				enc.WriteByte('_')
			case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9', strings.IndexByte("!*+-/.,:", b) >= 0:
				enc.WriteByte(b)
			default:
				fmt.Fprintf(&enc, "=%02X", b)
			}
		}
		if w.Len() > 0 && len(open)+w.Len()+enc.Len()+len(close) > most {
			words = append(words, open+w.String()+close)
			w.Reset()
		}
		w.WriteString(enc.String())
	}
	if w.Len() > 0 {
		words = append(words, open+w.String()+close)
	}
	return strings.Join(words, " ")
}
