package notify

import (
	"fmt"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking/outbox"
)

// BenchmarkOutboxToSMTP measures messages per second from the outbox to a real
// SMTP server on loopback: claim, render (text, HTML and for booking mail the
// invitation), send over one connection per batch of 50, record.
func BenchmarkOutboxToSMTP(b *testing.B) {
	for _, kind := range []string{outbox.KindBookingConfirmed, outbox.KindInvite} {
		b.Run(kind, func(b *testing.B) {
			p := newPool(b, time.Date(2026, 9, 1, 6, 0, 0, 0, time.UTC))
			srv := newMailServer(b)
			n := p.notifier(p.svc, srv, 24*time.Hour)
			bk := p.book("2026-09-08 09:00", "2026-09-08 10:00")
			if _, err := n.SendDue(p.ctx, p.clock.Now()); err != nil {
				b.Fatal(err)
			}
			srv.reset()
			for i := range b.N {
				in := outbox.Input{Key: fmt.Sprintf("bench:%d", i), Kind: kind, Recipient: fmt.Sprintf("r%d@kommun.example", i),
					Payload: map[string]any{"link": "https://sprakpool.example.se/invite/abc", "name": "Ny"}}
				if kind == outbox.KindBookingConfirmed {
					in.BookingID = &bk.ID
				}
				if err := outbox.New(p.svc).Queue(p.ctx, in); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			o, err := n.SendDue(p.ctx, p.clock.Now())
			b.StopTimer()
			if err != nil || o.Sent != b.N || len(srv.messages()) != b.N {
				b.Fatalf("%+v, %v: %d arrived, want %d", o, err, len(srv.messages()), b.N)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}
