package web

import (
	"net/url"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/request"
	"github.com/sprakpool/sprakpool/booking/vocab"
)

// sampleTimes is the free-times page in each of its states: the form alone,
// a grid with times, and nothing free with the reason and the request form.
func sampleTimes(start time.Time, wp booking.Workplace) []*timesPage {
	f := newForm()
	f.Values["language"], f.Values["duration"], f.Values["purpose"], f.Values["mode"] = "ar", "60", "other", "on_site"
	link := slotLink{Start: start, End: start.Add(time.Hour), Href: "/book?" + url.Values{"date": {"2026-03-30"}}.Encode()}
	week := slotWeek{Monday: start, WeekNo: 14, Count: 1, Days: []slotDay{{Date: start, Weekday: 1, Times: []slotLink{link}},
		{Date: start.AddDate(0, 0, 1), Weekday: 2}, {Date: start.AddDate(0, 0, 4), Weekday: 5, Closed: vocab.ClosedDay{Date: "2026-04-03", NameSV: "Långfredagen", NameEN: "Good Friday"}}}}
	req := requestDefaults(f, start, start.AddDate(0, 0, 13))
	return []*timesPage{
		{Form: failedForm("workplace_id", "language", "duration", "meeting_url"), Workplaces: []booking.Workplace{wp, wp}, Lengths: sessionLengths},
		{Form: f, Workplaces: []booking.Workplace{wp}, Lengths: sessionLengths, Searched: true, Weeks: []slotWeek{week}, Count: 1,
			Prev: "/book/times?from=x", Next: "/book/times?from=y", Request: req, RequestURL: "/requests/new"},
		{Form: f, Workplaces: []booking.Workplace{wp}, Lengths: sessionLengths, Searched: true, Request: failedForm("earliest_date"),
			NoSlots: &noSlotView{Reason: "noslot.busy", ClosedDays: []vocab.ClosedDay{{Date: "2026-04-03", NameSV: "Långfredagen", NameEN: "Good Friday"}}, Next: []slotLink{link}}},
	}
}

func sampleRequests(start time.Time, sv booking.Supervisor, wp booking.Workplace) []*requestsPage {
	reason, bid := "Ingen ledig", int64(9)
	r := request.Request{ID: 4, WorkplaceID: wp.ID, Language: "ar", Mode: "on_site", Purpose: "other", DurationMinutes: 90,
		ParticipantsExpected: 3, Notes: "Entré B", Status: request.StatusOpen}
	filled, declined := r, r
	filled.ID, filled.Status, filled.BookingID = 5, request.StatusFilled, &bid
	declined.ID, declined.Status, declined.DeclineReason = 6, request.StatusDeclined, &reason
	view := func(r request.Request, cands bool) requestView {
		v := requestView{Request: r, Workplace: wp, Earliest: start, Latest: start.AddDate(0, 0, 7), Decline: failedForm("reason")}
		if cands {
			v.Candidates = []candidateView{{Supervisor: sv, Start: start, End: start.Add(time.Hour), StartRFC: "a", EndRFC: "b"}}
		}
		return v
	}
	return []*requestsPage{
		{List: []requestView{view(r, false), view(filled, false), view(declined, false)}, Done: "sent"},
		{Queue: true, List: []requestView{view(r, true), view(r, false)}, Done: "filled", Problem: "upptagen", FailedID: 4},
		{Queue: true},
		{Done: "withdrawn"},
	}
}

func failedForm(fields ...string) *form {
	f := newForm()
	for _, n := range fields {
		f.Values[n] = "x"
		f.Fail(n, "fel")
	}
	return f
}
