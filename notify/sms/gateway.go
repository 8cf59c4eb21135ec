// Package sms is Språkpool's SMS channel: each message's text goes to an SMS
// gateway as an HTTP POST of from, to and message (form-encoded, HTTP Basic
// auth), the way the Swedish 46elks API takes it (https://46elks.com/docs/send-sms),
// one request per message. A 4xx answer is a refusal that a retry will not
// change (a bad number, bad credentials) and fails the message at once; a 5xx,
// a timeout or a lost connection is retried by the outbox like mail.
//
// The gateway has no idempotency key of its own; each request carries the
// outbox message's stable id in an Idempotency-Key header, which a gateway or
// proxy that knows it can use to drop a send repeated after a crash.
package sms

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sprakpool/sprakpool/notify/channel"
)

// DefaultFrom is the sender shown on the phone unless another is configured.
const DefaultFrom = "Sprakpool"

// Timeout bounds one request to the gateway: no answer in time is retried.
const Timeout = 15 * time.Second

// Gateway posts text messages to an SMS gateway.
type Gateway struct {
	// endpoint is the gateway's URL without its user and password.
	endpoint   string
	user, pass string
	from       string
	client     *http.Client
}

// NewGateway reads https://user:password@api.46elks.com/a1/sms (http:// too,
// for a gateway on loopback). from is the sender shown on the phone: up to 11
// letters and digits, or a number in E.164; empty is DefaultFrom.
func NewGateway(raw, from string) (*Gateway, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("SMS URL: want https://user:password@host/path")
	}
	if from == "" {
		from = DefaultFrom
	}
	if err := CheckFrom(from); err != nil {
		return nil, err
	}
	g := &Gateway{from: from, client: &http.Client{Timeout: Timeout}}
	if u.User != nil {
		g.user = u.User.Username()
		g.pass, _ = u.User.Password()
		u.User = nil
	}
	g.endpoint = u.String()
	return g, nil
}

// CheckFrom applies the rule of SMS sender ids: 3–11 letters and digits
// starting with a letter, or a phone number in E.164.
func CheckFrom(from string) error {
	if strings.HasPrefix(from, "+") {
		for _, r := range from[1:] {
			if r < '0' || r > '9' {
				return fmt.Errorf("SMS sender %q: a number is + and digits", from)
			}
		}
		return nil
	}
	if len(from) < 3 || len(from) > 11 || !isLetter(rune(from[0])) {
		return fmt.Errorf("SMS sender %q: 3 to 11 letters and digits, starting with a letter", from)
	}
	for _, r := range from {
		if !isLetter(r) && (r < '0' || r > '9') {
			return fmt.Errorf("SMS sender %q: 3 to 11 letters and digits, starting with a letter", from)
		}
	}
	return nil
}

func isLetter(r rune) bool { return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') }

// Send posts msgs one by one, each message's Text to its To, and calls done
// with each result before the next is tried. A message not tried before ctx
// ends is channel.ErrNotTried. Errors name the status and the gateway's short
// answer, never the message's text.
func (g *Gateway) Send(ctx context.Context, msgs []channel.Message, done func(i int, err error) error) error {
	for i, m := range msgs {
		err := ctx.Err()
		if err != nil {
			err = fmt.Errorf("%w: %w", channel.ErrNotTried, err)
		} else {
			err = g.post(ctx, m)
		}
		if stop := done(i, err); stop != nil {
			return stop
		}
	}
	return nil
}

func (g *Gateway) post(ctx context.Context, m channel.Message) error {
	form := url.Values{"from": {g.from}, "to": {m.To}, "message": {m.Text}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return channel.Permanent(fmt.Errorf("SMS request: %w", err))
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Idempotency-Key", m.MessageID)
	if g.user != "" {
		req.SetBasicAuth(g.user, g.pass)
	}
	resp, err := g.client.Do(req)
	if err != nil {
		// The error names the URL, which holds no password (it was taken out).
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("SMS gateway %s: %w", g.host(), err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode == http.StatusTooManyRequests:
		// Busy, not refused: worth another try.
		return fmt.Errorf("SMS gateway %s: %s", g.host(), resp.Status)
	case resp.StatusCode >= 400 && resp.StatusCode < 500:
		return channel.Permanent(fmt.Errorf("SMS gateway %s refused the message: %s: %s", g.host(), resp.Status, oneLine(answer)))
	default:
		return fmt.Errorf("SMS gateway %s: %s", g.host(), resp.Status)
	}
}

// SetTimeout changes how long one request may take (Timeout by default); for
// tests, which cannot wait 15 seconds.
func (g *Gateway) SetTimeout(d time.Duration) { g.client.Timeout = d }

func (g *Gateway) host() string {
	u, err := url.Parse(g.endpoint)
	if err != nil {
		return "?"
	}
	return u.Host
}

// oneLine is the gateway's answer as one short line for the outbox's last error.
func oneLine(b []byte) string {
	return strings.Join(strings.Fields(string(b)), " ")
}
