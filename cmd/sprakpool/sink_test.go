package main

import (
	"io"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"
)

// mailSink is a real SMTP server on loopback that keeps the Message-ID, kind
// and recipients of every message it accepted. Once told to hold, it accepts the
// first message of each connection and leaves the later ones unanswered until
// released, when it refuses them: a sender stuck in the middle of a batch.
type mailSink struct {
	mu       sync.Mutex
	got      []sunkMail
	holding  bool
	held     int
	released chan struct{}
	once     sync.Once
	addr     string
}

// sunkMail is one accepted message; to is its recipients joined by commas.
type sunkMail struct{ messageID, kind, to string }

// String is "recipient kind", how the tests that look for one mail write it.
func (m sunkMail) String() string { return m.to + " " + m.kind }

func newMailSink(t *testing.T) *mailSink {
	k := &mailSink{released: make(chan struct{})}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &sinkSession{sink: k}, nil }))
	srv.Domain, srv.AllowInsecureAuth = "localhost", true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	k.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { k.release(); ln.Close(); srv.Close() })
	return k
}

func (k *mailSink) hold() { k.mu.Lock(); k.holding = true; k.mu.Unlock() }

// release ends holding: the held messages are refused as temporary failures,
// and from now on every message is accepted.
func (k *mailSink) release() {
	k.mu.Lock()
	k.holding = false
	k.mu.Unlock()
	k.once.Do(func() { close(k.released) })
}

func (k *mailSink) heldCount() int { k.mu.Lock(); defer k.mu.Unlock(); return k.held }

func (k *mailSink) received() []sunkMail {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]sunkMail(nil), k.got...)
}

type sinkSession struct {
	sink     *mailSink
	to       []string
	accepted int // messages accepted on this connection
}

func (s *sinkSession) Reset()                               { s.to = nil }
func (s *sinkSession) Logout() error                        { return nil }
func (s *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *sinkSession) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, msg.Body); err != nil {
		return err
	}
	k := s.sink
	k.mu.Lock()
	if k.holding && s.accepted > 0 {
		k.held++
		k.mu.Unlock()
		<-k.released
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "held until the sender was gone"}
	}
	s.accepted++
	k.got = append(k.got, sunkMail{messageID: strings.Trim(msg.Header.Get("Message-Id"), "<>"),
		kind: msg.Header.Get("X-Sprakpool-Kind"), to: strings.Join(s.to, ",")})
	k.mu.Unlock()
	return nil
}
