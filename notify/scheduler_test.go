package notify

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/notify/channel"
)

// panickyMailer stands in for a mailer that panics, which no real server can make it do.
type panickyMailer struct{ calls chan struct{} }

func (p panickyMailer) Send(context.Context, []channel.Message, func(int, error) error) error {
	p.calls <- struct{}{}
	panic("mailer exploded")
}

// syncBuffer is a log buffer safe for the scheduler's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The scheduler runs the outbox within seconds, and a panic in a job is
// recovered and logged: the process and the next runs go on.
func TestSchedulerRecoversPanics(t *testing.T) {
	p := newPool(t, time.Now())
	p.svc.Now = time.Now
	var logs syncBuffer
	calls := make(chan struct{}, 10)
	n, err := New(p.svc, Config{From: "sprakpool@kommun.example", Senders: map[string]channel.Sender{booking.ChannelEmail: panickyMailer{calls}},
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	n.lease = time.Second // so the panicked message is due again on the next tick
	stop := n.Start(context.Background())
	start := time.Now().Add(48 * time.Hour).Truncate(time.Hour)
	if _, err := p.svc.CreateBooking(p.ctx, p.admin, bookingAt(p, start)); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		select {
		case <-calls:
		case <-time.After(10 * time.Second):
			t.Fatalf("the scheduler did not run the outbox (call %d):\n%s", i+1, logs.String())
		}
	}
	stop()
	if !strings.Contains(logs.String(), "mailer exploded") {
		t.Errorf("the panic was not logged:\n%s", logs.String())
	}
}
