// Package email is Språkpool's e-mail channel: it writes each rendered message
// as MIME (plain text and HTML, the iTIP invitation of a booking as
// text/calendar and as invite.ics, attachments) and sends it over SMTP, one
// connection per batch, telling a refusal that will not change (5xx) from one
// worth retrying.
package email

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/sprakpool/sprakpool/notify/channel"
)

// SMTP sends over one SMTP connection per batch, with the TLS and AUTH the URL asks for.
type SMTP struct {
	host string
	opts []mail.Option
	// from is the sender address, and the name Språkpool goes with it.
	from string
}

// NewSMTP reads smtp://user:pass@host:port?tls=starttls|implicit|none[&auth=plain|login]
// (smtps:// means implicit TLS). Without tls, STARTTLS is used when the server
// offers it; tls=starttls insists on it; tls=none is for local relays. With a user,
// AUTH PLAIN or LOGIN is used, whichever the server offers (auth= picks one).
// Mail goes out from the address from (sprakpool@localhost when empty); opts
// come after the URL's own (a TLS configuration that trusts a private CA).
func NewSMTP(raw, from string, opts ...mail.Option) (*SMTP, error) {
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
	extra := opts
	opts = []mail.Option{mail.WithTimeout(20 * time.Second)}
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
	if from == "" {
		from = "sprakpool@localhost"
	}
	return &SMTP{host: u.Hostname(), opts: append(opts, extra...), from: from}, nil
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// Send delivers msgs over one connection. A message that cannot be written as
// MIME fails at once, permanently; a failed connection fails every other
// message as temporary; a 5xx answer to one message is permanent for it alone.
func (s *SMTP) Send(ctx context.Context, msgs []channel.Message, done func(i int, err error) error) error {
	mime := make([]*mail.Msg, len(msgs))
	bad := make([]error, len(msgs))
	for i, m := range msgs {
		if mime[i], bad[i] = s.message(m); bad[i] != nil {
			bad[i] = channel.Permanent(bad[i])
		}
	}
	c, err := mail.NewClient(s.host, s.opts...)
	if err == nil {
		err = c.DialWithContext(ctx)
	}
	if err != nil {
		for i := range msgs {
			result := bad[i]
			if result == nil {
				result = fmt.Errorf("connect to %s: %w", s.host, err)
			}
			if stop := done(i, result); stop != nil {
				return stop
			}
		}
		return nil
	}
	defer c.Close()
	for i := range msgs {
		err := bad[i]
		switch {
		case err != nil:
		case ctx.Err() != nil:
			err = fmt.Errorf("%w: %w", channel.ErrNotTried, ctx.Err())
		default:
			if err = c.Send(mime[i]); err != nil {
				var se *mail.SendError
				var ne net.Error
				if errors.As(err, &se) && !se.IsTemp() && se.ErrorCode() >= 500 && !errors.As(err, &ne) {
					err = channel.Permanent(err)
				}
			}
		}
		if stop := done(i, err); stop != nil {
			return stop
		}
	}
	return nil
}
