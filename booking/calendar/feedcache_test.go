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
// and differs from the one before; without a change it is the kept one.
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
		fresh, err := f.cal.renderFeed(f.S.DB().Read(f.Ctx), "Språkpool – "+sv.Name, sv.UpdatedAt,
			func(q *gorm.DB) *gorm.DB { return q.Where("supervisor_id = ?", sv.ID) })
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

// BenchmarkFeed2000Render renders a feed of 2,000 bookings every time, as if it
// changed between requests; BenchmarkFeed2000 measures the kept feed.
func BenchmarkFeed2000Render(b *testing.B) {
	f := newFixture(b, calNow)
	sv := f.Supervisor("Amina Yusuf", []string{"ar"})
	f.Manager("chef@example.se", f.WpA.ID)
	ctx := context.Background()
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, f.S.Config().Location)
	for i := range 2000 {
		d := day.AddDate(0, 0, i/4)
		start := time.Date(d.Year(), d.Month(), d.Day(), 8+2*(i%4), 0, 0, 0, f.S.Config().Location)
		bk := &booking.Booking{UID: fmt.Sprintf("b%d@bench", i), SupervisorID: sv.ID, WorkplaceID: f.WpA.ID, Language: "ar",
			Area: "childcare", Mode: "on_site", Start: start.UTC(), End: start.Add(90 * time.Minute).UTC(),
			Purpose: "workplace_support", ParticipantsExpected: 5, Notes: longNote, Status: booking.StatusConfirmed,
			CreatedAt: calNow, UpdatedAt: calNow}
		if err := f.S.DB().Gorm().Create(bk).Error; err != nil {
			b.Fatal(err)
		}
	}
	full, err := f.S.Supervisor(ctx, f.Admin, sv.ID)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		f.cal.feeds.people.Add(1)
		if _, err := f.cal.SupervisorFeed(ctx, full.FeedToken); err != nil {
			b.Fatal(err)
		}
	}
}
