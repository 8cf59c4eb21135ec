package calendar

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/sprakpool/sprakpool/booking"
)

// A kept feed is never served stale: after each change a feed shows (a new,
// moved or cancelled booking, a renamed supervisor, a workplace's new address, a
// new manager, a booking leaving the window by age), all under a clock that
// stamps every change with one instant, the feed served equals a fresh render
// and differs from the one before; without a change it is the kept one. The
// fresh render is another Service's, whose caches start empty: the kept feed and
// the kept events (eventCache) are both checked.
func TestFeedCacheSeesEveryChange(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	f := newFixture(t, now)
	sv := f.Supervisor("Amina Yusuf", []string{"ar"})
	full, err := f.S.Supervisor(f.Ctx, f.Admin, sv.ID)
	if err != nil {
		t.Fatal(err)
	}
	old, err := f.Book(sv, f.WpA, "2026-03-03 08:00", "2026-03-03 09:00")
	if err != nil {
		t.Fatal(err)
	}
	var prev *Feed
	check := func(what string, changed bool) {
		t.Helper()
		got, err := f.cal.SupervisorFeed(f.Ctx, full.FeedToken)
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := New(f.S).SupervisorFeed(f.Ctx, full.FeedToken)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Body, fresh.Body) || got.ETag != fresh.ETag {
			t.Errorf("%s: the feed served is not a fresh render", what)
		}
		if prev != nil && changed == bytes.Equal(got.Body, prev.Body) {
			t.Errorf("%s: feed changed %v, want %v", what, !changed, changed)
		}
		if prev != nil && !changed && got != prev {
			t.Errorf("%s: rendered again, not kept", what)
		}
		prev = got
	}
	check("first", true)
	check("no change", false)
	b, err := f.Book(sv, f.WpA, "2026-03-04 10:00", "2026-03-04 11:00")
	if err != nil {
		t.Fatal(err)
	}
	check("new booking", true)
	start, end := f.At("2026-03-04 12:00"), f.At("2026-03-04 13:00")
	if _, err := f.S.UpdateBooking(f.Ctx, f.Admin, b.ID, booking.BookingPatch{Start: &start, End: &end}); err != nil {
		t.Fatal(err)
	}
	check("moved", true)
	if _, err := f.S.CancelBooking(f.Ctx, f.Admin, b.ID, "illness", ""); err != nil {
		t.Fatal(err)
	}
	check("cancelled", true)
	name := "Amina Yusuf Ali"
	if _, err := f.S.UpdateSupervisor(f.Ctx, f.Admin, sv.ID, booking.SupervisorInput{Name: &name}); err != nil {
		t.Fatal(err)
	}
	sv.Name = name
	check("renamed supervisor", true)
	addr := "Solvägen 3"
	if _, err := f.S.UpdateWorkplace(f.Ctx, f.Admin, f.WpA.ID, booking.WorkplaceInput{Address: &addr}); err != nil {
		t.Fatal(err)
	}
	check("workplace address", true)
	f.Manager("chef@example.se", f.WpA.ID)
	check("new manager", true)
	check("no change again", false)
	// The first booking ends 2026-03-03 08:00 UTC; 60 days later it leaves.
	f.S.Now = func() time.Time { return old.End.Add(FeedWindow + time.Minute) }
	check("left the window", true)
}

// BenchmarkFeed2000Render renders a feed of 2,000 bookings every time, as if
// the people it shows changed between requests (every event is rendered again);
// BenchmarkFeed2000OneChanged as if one booking did (one is); BenchmarkFeed2000
// measures the kept feed.
func BenchmarkFeed2000Render(b *testing.B) {
	f, token := feed2000(b)
	ctx := context.Background()
	for b.Loop() {
		f.cal.people.Add(1)
		if _, err := f.cal.SupervisorFeed(ctx, token); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFeed2000OneChanged(b *testing.B) {
	f, token := feed2000(b)
	ctx := context.Background()
	var ids []int64
	if err := f.S.DB().Gorm().Model(&booking.Booking{}).Order("id").Pluck("id", &ids).Error; err != nil || len(ids) != 2000 {
		b.Fatalf("%d bookings, %v", len(ids), err)
	}
	if _, err := f.cal.SupervisorFeed(ctx, token); err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		i++
		if err := f.S.DB().Gorm().Model(&booking.Booking{}).Where("id = ?", ids[i%len(ids)]).
			Update("sequence", gorm.Expr("sequence + 1")).Error; err != nil {
			b.Fatal(err)
		}
		feed, err := f.cal.SupervisorFeed(ctx, token)
		if err != nil {
			b.Fatal(err)
		}
		if !bytes.Contains(feed.Body, []byte(fmt.Sprintf("SEQUENCE:%d", 1+(i-1)/len(ids)))) {
			b.Fatal("the change is not in the feed")
		}
	}
}

// TestKeptStaysWithinItsBound: a value is found only under the version it was
// kept with; the bytes kept never pass the bound, however many are put; one
// larger than a quarter of the bound is not kept; a value put again replaces the
// old one in the count.
func TestKeptStaysWithinItsBound(t *testing.T) {
	c := newKept[int](1000, func(b []byte) int { return len(b) })
	c.put(1, "v1", make([]byte, 100))
	if _, ok := c.get(1, "v2"); ok {
		t.Error("found under another version")
	}
	if v, ok := c.get(1, "v1"); !ok || len(v) != 100 {
		t.Errorf("not found under its version: %d %v", len(v), ok)
	}
	c.put(1, "v2", make([]byte, 200))
	if c.bytes != 200 || len(c.entries) != 1 {
		t.Errorf("put again: %d bytes in %d entries, want 200 in 1", c.bytes, len(c.entries))
	}
	c.put(2, "v1", make([]byte, 251))
	if _, ok := c.get(2, "v1"); ok {
		t.Error("a value over a quarter of the bound was kept")
	}
	for i := range 100 {
		c.put(10+i, "v1", make([]byte, 90+i))
		sum := 0
		for _, e := range c.entries {
			sum += len(e.value)
		}
		if sum != c.bytes || c.bytes > 1000 {
			t.Fatalf("after %d puts: %d bytes counted, %d kept, bound 1000", i+1, c.bytes, sum)
		}
		if _, ok := c.get(10+i, "v1"); !ok {
			t.Fatalf("the value just put (%d) is not kept", 10+i)
		}
	}
}
