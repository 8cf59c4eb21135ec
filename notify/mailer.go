package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wneessen/go-mail"
)

// Mailer delivers messages. Send tries msgs in order and calls done with each
// message's result (nil when the server took it) as soon as it is known, before
// it tries the next, so each outbox row is recorded on its own while the rest of
// the batch waits: a crash mid-batch then repeats at most the message in flight,
// not every message the server took before it. When done returns an error, Send
// stops and returns it.
type Mailer interface {
	Send(ctx context.Context, msgs []*mail.Msg, done func(i int, err error) error) error
}

// errNotTried: the batch ran out of time before this message was tried.
var errNotTried = errors.New("not tried in this round")

// permanentError is a refusal that a retry will not change (an SMTP 5xx).
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// isPermanent reports whether err will not get better by trying again.
func isPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// SMTP sends over one SMTP connection per batch, with the TLS and AUTH the URL asks for.
type SMTP struct {
	host string
	opts []mail.Option
}

// NewSMTP reads smtp://user:pass@host:port?tls=starttls|implicit|none[&auth=plain|login]
// (smtps:// means implicit TLS). Without tls, STARTTLS is used when the server
// offers it; tls=starttls insists on it; tls=none is for local relays. With a user,
// AUTH PLAIN or LOGIN is used, whichever the server offers (auth= picks one).
func NewSMTP(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, fmt.Errorf("SMTP URL %q: want smtp://user:pass@host:port", raw)
	}
	q := u.Query()
	tlsMode := q.Get("tls")
	if u.Scheme == "smtps" && tlsMode == "" {
		tlsMode = "implicit"
	}
	port := 0
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("SMTP URL %q: bad port", raw)
		}
	}
	opts := []mail.Option{mail.WithTimeout(20 * time.Second)}
	switch tlsMode {
	case "":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
		port = orDefault(port, 587)
	case "starttls":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
		port = orDefault(port, 587)
	case "implicit":
		opts = append(opts, mail.WithSSL())
		port = orDefault(port, 465)
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
		port = orDefault(port, 25)
	default:
		return nil, fmt.Errorf("SMTP URL %q: tls=%q must be starttls, implicit or none", raw, tlsMode)
	}
	opts = append(opts, mail.WithPort(port))
	if user := u.User.Username(); user != "" {
		pass, _ := u.User.Password()
		auth := map[string]mail.SMTPAuthType{"": mail.SMTPAuthAutoDiscover, "plain": mail.SMTPAuthPlain, "login": mail.SMTPAuthLogin}
		if tlsMode == "none" {
			// The operator chose a plain connection (a local relay); the NoEnc
			// mechanisms send the password over it as asked.
			auth = map[string]mail.SMTPAuthType{"": mail.SMTPAuthPlainNoEnc, "plain": mail.SMTPAuthPlainNoEnc, "login": mail.SMTPAuthLoginNoEnc}
		}
		a, ok := auth[q.Get("auth")]
		if !ok {
			return nil, fmt.Errorf("SMTP URL %q: auth=%q must be plain or login", raw, q.Get("auth"))
		}
		opts = append(opts, mail.WithSMTPAuth(a), mail.WithUsername(user), mail.WithPassword(pass))
	}
	return &SMTP{host: u.Hostname(), opts: opts}, nil
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// Send delivers msgs over one connection. A failed connection fails every
// message as temporary; a 5xx answer to one message is permanent for it alone.
func (s *SMTP) Send(ctx context.Context, msgs []*mail.Msg, done func(i int, err error) error) error {
	c, err := mail.NewClient(s.host, s.opts...)
	if err == nil {
		err = c.DialWithContext(ctx)
	}
	if err != nil {
		for i := range msgs {
			if stop := done(i, fmt.Errorf("connect to %s: %w", s.host, err)); stop != nil {
				return stop
			}
		}
		return nil
	}
	defer c.Close()
	for i, m := range msgs {
		err := ctx.Err()
		if err != nil {
			err = fmt.Errorf("%w: %w", errNotTried, err)
		} else if err = c.Send(m); err != nil {
			var se *mail.SendError
			var ne net.Error
			if errors.As(err, &se) && !se.IsTemp() && se.ErrorCode() >= 500 && !errors.As(err, &ne) {
				err = permanentError{err}
			}
		}
		if stop := done(i, err); stop != nil {
			return stop
		}
	}
	return nil
}

// LogMailer is used when no SMTP URL is set: each message is logged and counts as sent.
type LogMailer struct{ Log *slog.Logger }

// Send logs each message's recipients and subject.
func (l LogMailer) Send(ctx context.Context, msgs []*mail.Msg, done func(i int, err error) error) error {
	dec := new(mime.WordDecoder)
	for i, m := range msgs {
		subject := strings.Join(m.GetGenHeader(mail.HeaderSubject), " ")
		if s, err := dec.DecodeHeader(subject); err == nil {
			subject = s
		}
		l.Log.Info("mail (no SMTP URL set, logged only)", "to", strings.Join(m.GetToString(), ", "), "subject", subject,
			"message_id", m.GetMessageID())
		if err := done(i, nil); err != nil {
			return err
		}
	}
	return nil
}
