package notify

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// The text and HTML of a booking confirmation, in Swedish and in English, match
// the golden files (go test ./notify -run Golden -update rewrites them).
func TestMailGolden(t *testing.T) {
	p := newPool(t, time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC))
	if err := p.svc.SetLocale(p.ctx, p.manager, "en"); err != nil {
		t.Fatal(err)
	}
	srv := newMailServer(t)
	n := p.notifier(p.svc, srv, 24*time.Hour)
	p.book("2026-03-30 09:00", "2026-03-30 11:00")
	run(t, n, "outbox", p.clock.Now())
	msgs := byKind(srv.messages(), booking.MailBookingConfirmed)
	if len(msgs) != 2 {
		t.Fatalf("%d confirmations, want 2", len(msgs))
	}
	for i, lang := range []string{"sv", "en"} {
		for _, part := range []struct{ ext, mediaType string }{{"txt", "text/plain"}, {"html", "text/html"}} {
			golden(t, filepath.Join("testdata", "booking_confirmed."+lang+"."+part.ext), msgs[i].Subject+"\n\n"+msgs[i].text(part.mediaType))
		}
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
