package booking

import (
	"slices"
	"testing"
	"time"
)

// TestTravelBufferByMode: the travel buffer (15m) lies between on-site bookings
// at different workplaces only; a phone or video session on either side needs
// none. Each row books a first session 08:00–10:00 at A, then a second at B (or
// A) gap minutes after it (negative: ending gap minutes before the first starts),
// on a fresh pool.
func TestTravelBufferByMode(t *testing.T) {
	t.Parallel()
	const meet = "https://meet.example.se/handledning"
	cases := []struct {
		name          string
		first, second string // modes
		secondWP      string
		gap           int
		buffer        bool
	}{
		{"on site → on site elsewhere, no gap", "on_site", "on_site", "B", 0, true},
		{"on site → on site elsewhere, one minute short", "on_site", "on_site", "B", 14, true},
		{"on site → on site elsewhere, exactly the buffer", "on_site", "on_site", "B", 15, false},
		{"on site elsewhere → on site, before it", "on_site", "on_site", "B", -10, true},
		{"on site → on site at the same workplace", "on_site", "on_site", "A", 0, false},
		{"on site → phone", "on_site", "phone", "B", 0, false},
		{"on site → video", "on_site", "video", "B", 0, false},
		{"phone → on site", "phone", "on_site", "B", 0, false},
		{"video → on site", "video", "on_site", "B", 0, false},
		{"phone → phone", "phone", "phone", "B", 0, false},
		{"video → video", "video", "video", "B", 0, false},
		{"phone before on site", "on_site", "phone", "B", -1, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			sc := newBkScenario(t, bkNow)
			sc.addSupervisor("amina", []string{"ar"}, bkWeekdays("07:00", "17:00")...)
			url := func(mode string) string {
				if mode == "video" {
					return meet
				}
				return ""
			}
			first := sc.book("first", bkStep{sv: "amina", mode: c.first, url: url(c.first),
				start: "2026-03-30 08:00", end: "2026-03-30 10:00"})
			start := first.End.Add(time.Duration(c.gap) * time.Minute)
			if c.gap < 0 {
				start = first.Start.Add(time.Duration(c.gap)*time.Minute - 30*time.Minute)
			}
			st := bkStep{sv: "amina", wp: c.secondWP, mode: c.second, url: url(c.second),
				start: start.Format(time.RFC3339), end: start.Add(30 * time.Minute).Format(time.RFC3339)}
			if c.buffer {
				st.want = []string{"travel_buffer booking=first"}
			}
			b := sc.do(t, st)
			if !c.buffer && (b == nil || b.Mode != c.second) {
				t.Fatalf("second booking %+v, want mode %s", b, c.second)
			}
		})
	}
}

// TestTravelBufferWhenModeChanges: changing a booking's mode re-checks the
// buffer. A phone call right after an on-site session elsewhere is fine; moving
// it on site breaks the buffer (unless overridden), making it video does not.
func TestTravelBufferWhenModeChanges(t *testing.T) {
	t.Parallel()
	sc := newBkScenario(t, bkNow)
	sc.addSupervisor("amina", []string{"ar"}, bkWeekdays("07:00", "17:00")...)
	sc.book("a", bkStep{sv: "amina", start: "2026-03-30 08:00", end: "2026-03-30 10:00"})
	call := sc.book("call", bkStep{sv: "amina", wp: "B", mode: "phone", start: "2026-03-30 10:00", end: "2026-03-30 10:30"})
	onSite, video, meet := "on_site", "video", "https://meet.example.se/x"

	_, err := sc.s.UpdateBooking(sc.ctx, sc.admin, call.ID, BookingPatch{Mode: &onSite})
	if got := rulesOf(err); !slices.Equal(got, []string{RuleTravelBuffer}) {
		t.Fatalf("phone → on site right after A: rules %v (%v), want travel_buffer", got, err)
	}
	b, err := sc.s.UpdateBooking(sc.ctx, sc.admin, call.ID, BookingPatch{Mode: &video, MeetingURL: &meet})
	if err != nil || b.Mode != "video" || b.MeetingURL == nil || *b.MeetingURL != meet {
		t.Fatalf("phone → video: %+v %v", b, err)
	}
	b, err = sc.s.UpdateBooking(sc.ctx, sc.admin, call.ID, BookingPatch{Mode: &onSite, MeetingURL: new(""),
		Override: []string{RuleTravelBuffer}, Overriding: true})
	if err != nil || b.Mode != "on_site" || b.MeetingURL != nil {
		t.Fatalf("video → on site with override: %+v %v", b, err)
	}
}

// TestMeetingURL: the service refuses a video session without an https
// meeting link, on create and on change, naming meeting_url.
func TestMeetingURL(t *testing.T) {
	t.Parallel()
	sc := newBkScenario(t, bkNow)
	sc.addSupervisor("amina", []string{"ar"})
	day := func(d int) (string, string) {
		s := time.Date(2026, 3, 30+d, 9, 0, 0, 0, sc.s.cfg.Location)
		return s.Format(time.RFC3339), s.Add(time.Hour).Format(time.RFC3339)
	}
	for i, url := range []string{"", "http://meet.example.se/abc", "ftp://meet.example.se/abc", "meet.example.se/abc",
		"https://", "https:///abc", "javascript:alert(1)"} {
		start, end := day(i % 4)
		st := bkStep{sv: "amina", mode: "video", url: url, start: start, end: end, code: CodeInvalid, fields: []string{"meeting_url"}}
		t.Run("create "+url, func(t *testing.T) { sc.do(t, st) })
	}
	start, end := day(0)
	phone := sc.book("phone", bkStep{sv: "amina", mode: "phone", start: start, end: end})
	video, http, ok := "video", "http://meet.example.se/abc", "https://meet.example.se/abc"
	for _, p := range []BookingPatch{{Mode: &video}, {Mode: &video, MeetingURL: &http}, {MeetingURL: &ok}} {
		if _, err := sc.s.UpdateBooking(sc.ctx, sc.admin, phone.ID, p); ErrorCode(err) != CodeInvalid ||
			!slices.Equal(bkFields(err), []string{"meeting_url"}) {
			t.Errorf("patch %+v: %v, want invalid meeting_url", p, err)
		}
	}
	b, err := sc.s.UpdateBooking(sc.ctx, sc.admin, phone.ID, BookingPatch{Mode: &video, MeetingURL: &ok})
	if err != nil || b.Mode != "video" || *b.MeetingURL != ok {
		t.Fatalf("phone → video with a link: %+v %v", b, err)
	}
}
