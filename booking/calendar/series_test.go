package calendar

import (
	"bytes"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
)

// Feeds show each occurrence of a series as its own event, with its booking's
// UID, at the series' wall time across the DST change; the series' recurring
// event is for invitations only.
func TestFeedShowsSeriesOccurrencesAlone(t *testing.T) {
	f := newFixture(t, time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC))
	sv := f.Supervisor("Amina Yusuf", []string{"ar"})
	token := mustSupervisor(t, f, sv.ID).FeedToken
	loc := f.S.Config().Location
	first := time.Date(2027, 3, 22, 10, 0, 0, 0, loc)
	count := 4
	sr, err := f.S.CreateSeries(f.Ctx, f.Admin, booking.SeriesInput{BookingInput: booking.BookingInput{SupervisorID: &sv.ID,
		WorkplaceID: f.WpA.ID, Language: "ar", Purpose: "workplace_support", Start: first.Format(time.RFC3339),
		End: first.Add(time.Hour).Format(time.RFC3339)}, EveryWeeks: 1, Count: &count})
	if err != nil {
		t.Fatal(err)
	}
	evs, feed := feedEvents(t, f.cal, token)
	if len(evs) != len(sr.Bookings) || len(sr.Bookings) != 3 {
		t.Fatalf("feed has %d events for %d occurrences", len(evs), len(sr.Bookings))
	}
	for _, b := range sr.Bookings {
		ev, ok := evs[b.UID]
		if !ok || !ev.start.Equal(b.Start) || ev.start.In(loc).Hour() != 10 {
			t.Errorf("occurrence %s: %+v (%v)", b.Start, ev, ok)
		}
	}
	if _, ok := evs[sr.UID]; ok {
		t.Error("the feed holds the series' recurring event")
	}
	if bytes.Contains(feed.Body, []byte("FREQ=WEEKLY")) {
		t.Error("the feed has a weekly RRULE")
	}
}
