package calendar

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"github.com/sprakpool/sprakpool/booking"
)

// feedEvent is what a test reads of one event of a feed.
type feedEvent struct {
	seq    int
	status string
	start  time.Time
	stamp  time.Time
}

func feedEvents(t *testing.T, s *Service, token string) (map[string]feedEvent, *Feed) {
	t.Helper()
	feed, err := s.SupervisorFeed(t.Context(), token)
	if err != nil {
		t.Fatal(err)
	}
	cal := checkWellFormed(t, "feed", feed.Body)
	out := map[string]feedEvent{}
	for _, ev := range cal.Events() {
		uid, _ := ev.Props.Text(ical.PropUID)
		seq, _ := strconv.Atoi(ev.Props.Get(ical.PropSequence).Value)
		status, _ := ev.Props.Text(ical.PropStatus)
		start, err := ev.DateTimeStart(nil)
		if err != nil {
			t.Fatal(err)
		}
		stamp, _ := ev.Props.DateTime(ical.PropDateTimeStamp, nil)
		out[uid] = feedEvent{seq: seq, status: status, start: start, stamp: stamp}
	}
	return out, feed
}

// Acceptance 3: one UID for the booking's life, SEQUENCE rising on each change,
// CANCELLED after cancel, gone 60 days after the cancellation.
func TestFeedFollowsABookingsLife(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	f := newFixture(t, now)
	sv := f.Supervisor("Amina Yusuf", []string{"ar"})
	token := mustSupervisor(t, f, sv.ID).FeedToken
	b, err := f.Book(sv, f.WpA, "2026-09-14 09:00", "2026-09-14 10:00")
	if err != nil {
		t.Fatal(err)
	}
	evs, _ := feedEvents(t, f.cal, token)
	first, ok := evs[b.UID]
	if !ok || first.seq != 0 || first.status != "CONFIRMED" || !first.start.Equal(b.Start) || !first.stamp.Equal(now) {
		t.Fatalf("new booking in the feed: %+v (%v)", first, ok)
	}

	f.S.Now = func() time.Time { return now.Add(time.Hour) }
	start, end := f.At("2026-09-15 13:00"), f.At("2026-09-15 14:00")
	moved, err := f.S.UpdateBooking(f.Ctx, f.Admin, b.ID, booking.BookingPatch{Start: &start, End: &end})
	if err != nil {
		t.Fatal(err)
	}
	evs, _ = feedEvents(t, f.cal, token)
	if e := evs[b.UID]; len(evs) != 1 || e.seq != 1 || !e.start.Equal(moved.Start) || !e.stamp.Equal(now.Add(time.Hour)) {
		t.Fatalf("after the move: %+v", evs)
	}

	cancelAt := now.Add(2 * time.Hour)
	f.S.Now = func() time.Time { return cancelAt }
	if _, err := f.S.CancelBooking(f.Ctx, f.Admin, b.ID, "illness", ""); err != nil {
		t.Fatal(err)
	}
	evs, _ = feedEvents(t, f.cal, token)
	if e := evs[b.UID]; len(evs) != 1 || e.seq != 2 || e.status != "CANCELLED" {
		t.Fatalf("after the cancellation: %+v", evs)
	}

	f.S.Now = func() time.Time { return cancelAt.Add(FeedWindow - time.Minute) }
	if evs, _ = feedEvents(t, f.cal, token); evs[b.UID].status != "CANCELLED" {
		t.Fatalf("59 days and some after the cancellation: %+v", evs)
	}
	f.S.Now = func() time.Time { return cancelAt.Add(FeedWindow + time.Minute) }
	evs, feed := feedEvents(t, f.cal, token)
	if len(evs) != 0 {
		t.Fatalf("60 days after the cancellation the booking is still there: %+v", evs)
	}
	// Leaving the window is a change too: Last-Modified says when.
	if !feed.LastModified.Equal(cancelAt.Add(FeedWindow).Truncate(time.Second)) {
		t.Errorf("Last-Modified %s, want %s", feed.LastModified, cancelAt.Add(FeedWindow))
	}
}

// The window: from 60 days back (by end) to every future booking.
func TestFeedWindow(t *testing.T) {
	now := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	f := newFixture(t, now)
	sv := f.Supervisor("Amina Yusuf", []string{"ar"})
	token := mustSupervisor(t, f, sv.ID).FeedToken
	var uids []string
	for _, day := range []string{"2026-03-31", "2026-04-07", "2029-11-30"} { // 62 and 55 days back; far ahead
		b, err := f.Book(sv, f.WpA, day+" 09:00", day+" 10:00")
		if err != nil {
			t.Fatal(day, err)
		}
		uids = append(uids, b.UID)
	}
	evs, _ := feedEvents(t, f.cal, token)
	if _, ok := evs[uids[0]]; ok || len(evs) != 2 {
		t.Errorf("feed holds %d events (the one 62 days back: %v), want the 2 others", len(evs), ok)
	}
	if _, ok := evs[uids[2]]; !ok {
		t.Error("a booking three years ahead is missing")
	}
	// Another supervisor's bookings are not in this feed.
	other := f.Supervisor("Omar Ali", []string{"ar"})
	if _, err := f.Book(other, f.WpA, "2026-06-02 09:00", "2026-06-02 10:00"); err != nil {
		t.Fatal(err)
	}
	if evs, _ := feedEvents(t, f.cal, token); len(evs) != 2 {
		t.Errorf("another supervisor's booking leaked into the feed: %d events", len(evs))
	}
}

// Acceptance 5: a feed with no bookings is a valid calendar.
func TestEmptyFeedIsACalendar(t *testing.T) {
	f := newFixture(t, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	sv := f.Supervisor("Amina Yusuf", []string{"ar"})
	evs, feed := feedEvents(t, f.cal, mustSupervisor(t, f, sv.ID).FeedToken)
	if len(evs) != 0 {
		t.Fatalf("%d events", len(evs))
	}
	body := string(feed.Body)
	for _, want := range []string{"BEGIN:VCALENDAR\r\n", "VERSION:2.0\r\n", "PRODID:", "BEGIN:VTIMEZONE\r\n", "END:VCALENDAR\r\n"} {
		if !strings.Contains(body, want) {
			t.Errorf("empty feed lacks %q", want)
		}
	}
	pool, err := f.S.PoolFeedToken(f.Ctx, f.Admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.cal.PoolFeed(f.Ctx, pool); err != nil {
		t.Fatalf("empty pool feed: %v", err)
	}
}

// Tokens: derived, stored only as a hash, renewable, and each feed's own.
func TestFeedTokens(t *testing.T) {
	f := newFixture(t, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	sv := f.Supervisor("Amina Yusuf", []string{"ar"})
	old := mustSupervisor(t, f, sv.ID).FeedToken
	if len(old) != 43 {
		t.Fatalf("token %q", old)
	}
	var stored booking.Supervisor
	if err := f.S.DB().Gorm().First(&stored, sv.ID).Error; err != nil {
		t.Fatal(err)
	}
	if stored.FeedTokenHash != tokenHash(old) || strings.Contains(stored.FeedNonce, old) {
		t.Errorf("stored %q / %q for token %q", stored.FeedTokenHash, stored.FeedNonce, old)
	}
	// A supervisor's token opens neither a workplace's feed nor the pool's.
	if _, err := f.cal.WorkplaceFeed(f.Ctx, old); booking.ErrorCode(err) != booking.CodeNotFound {
		t.Errorf("supervisor token as workplace token: %v", err)
	}
	if _, err := f.cal.PoolFeed(f.Ctx, old); booking.ErrorCode(err) != booking.CodeNotFound {
		t.Errorf("supervisor token as pool token: %v", err)
	}
	renewed, err := f.S.RenewSupervisorFeedToken(f.Ctx, f.Admin, sv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if renewed.FeedToken == old || mustSupervisor(t, f, sv.ID).FeedToken != renewed.FeedToken {
		t.Fatal("renewal did not change the token, or it is not shown afterwards")
	}
	if _, err := f.cal.SupervisorFeed(f.Ctx, old); booking.ErrorCode(err) != booking.CodeNotFound {
		t.Errorf("old token after renewal: %v", err)
	}
	if _, err := f.cal.SupervisorFeed(f.Ctx, renewed.FeedToken); err != nil {
		t.Errorf("new token: %v", err)
	}
	pool, _ := f.S.PoolFeedToken(f.Ctx, f.Admin)
	newPool, err := f.S.RenewPoolFeedToken(f.Ctx, f.Admin)
	if err != nil || newPool == pool {
		t.Fatal(err)
	}
	if _, err := f.cal.PoolFeed(f.Ctx, pool); booking.ErrorCode(err) != booking.CodeNotFound {
		t.Errorf("old pool token: %v", err)
	}
	if _, err := f.S.PoolFeedToken(f.Ctx, &booking.User{Role: booking.RoleManager}); booking.ErrorCode(err) != booking.CodeForbidden {
		t.Errorf("a manager got the pool token: %v", err)
	}
	// Rows from before derived tokens (feed_nonce = '') get one when migrating.
	if err := f.S.DB().Gorm().Exec("UPDATE workplaces SET feed_nonce = '', feed_token_hash = 'legacy-' || id").Error; err != nil {
		t.Fatal(err)
	}
	if err := f.S.Migrate(f.Ctx); err != nil {
		t.Fatal(err)
	}
	w, err := f.S.Workplace(f.Ctx, f.Admin, f.WpA.ID)
	if err != nil || w.FeedToken == "" {
		t.Fatalf("workplace after migrating: %+v %v", w, err)
	}
	if _, err := f.cal.WorkplaceFeed(f.Ctx, w.FeedToken); err != nil {
		t.Errorf("issued workplace token: %v", err)
	}
}

func mustSupervisor(t *testing.T, f *fixture, id int64) *booking.Supervisor {
	t.Helper()
	sv, err := f.S.Supervisor(f.Ctx, f.Admin, id)
	if err != nil {
		t.Fatal(err)
	}
	return sv
}

// tokenHash is how booking keeps a token: the hex of its SHA-256.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
