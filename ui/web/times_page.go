package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/search"
	"github.com/sprakpool/sprakpool/booking/vocab"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// The free times (issue 14): after choosing the language (and what the
// session is), the manager sees when the pool can come in the next two weeks
// and taps a time, which opens the booking's confirm screen (/book, step 2)
// with the pool picking the supervisor. When nothing fits, the page says why
// and offers the next free times and a request.

var timesFields = []string{"workplace_id", "language", "purpose", "mode", "duration", "meeting_url", "participants_expected", "notes", "from"}

// timesDays is how many days the page shows at once: two weeks.
const timesDays = 14

// sessionLengths are the lengths the pages offer, in minutes.
var sessionLengths = []int{30, 45, 60, 90, 120, 180, 240}

// timesPage is the free-times page.
type timesPage struct {
	Form       *form
	Workplaces []booking.Workplace
	Lengths    []int
	Searched   bool // the form was sent and the search ran
	Weeks      []slotWeek
	Count      int    // free start times shown
	Prev, Next string // the query of the two weeks before and after ("" when before is past)
	NoSlots    *noSlotView
	// Request is the request form, prefilled from the search, for when no time fits.
	Request    *form
	RequestURL string // /requests/new with the search's values
}

// slotWeek is one ISO week of the range: its number and its days (Monday first).
type slotWeek struct {
	Monday time.Time
	WeekNo int
	Count  int // free start times in the week
	Days   []slotDay
}

// slotDay is one day of the range with its free start times.
type slotDay struct {
	Date    time.Time
	Weekday int             // 1 Monday … 7 Sunday, the column on a desktop
	Closed  vocab.ClosedDay // Date is empty on an open day
	Times   []slotLink
}

// slotLink is a free start time and the link that books it.
type slotLink struct {
	Start, End time.Time
	Href       string
}

// noSlotView says why nothing fits, and what comes next.
type noSlotView struct {
	Reason     string // catalog key noslot.<reason>
	Never      bool   // no other weeks would do: nobody speaks it, or no day is long enough
	ClosedDays []vocab.ClosedDay
	Next       []slotLink
}

func (s requestPages) timesPage(c echo.Context) error {
	ctx := c.Request().Context()
	u := httpx.Actor(c)
	l := s.lang(c)
	f := formFrom(c, timesFields...)
	p := &timesPage{Form: f, Lengths: sessionLengths}
	var err error
	if p.Workplaces, err = s.bookableWorkplaces(c); err != nil {
		return err
	}
	defaults(f, p.Workplaces)
	if f.V("duration") == "" {
		f.Values["duration"] = "60"
	}
	title := l.T("times.title")
	if !c.QueryParams().Has("language") {
		return s.render(c, http.StatusOK, "times", title, p)
	}
	today := s.svc.Now().In(s.loc)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, s.loc)
	from := today
	if d, err := time.ParseInLocation(time.DateOnly, f.V("from"), s.loc); err == nil && d.After(today) {
		from = d
	}
	f.Values["from"] = from.Format(time.DateOnly)
	wid, werr := strconv.ParseInt(f.V("workplace_id"), 10, 64)
	if werr != nil || wid <= 0 {
		f.Fail("workplace_id", l.required("workplace_id"))
	}
	if _, ok := vocab.LanguageByCode(f.V("language")); !ok {
		f.Fail("language", l.T("err.choose_language"))
	}
	minutes, derr := strconv.Atoi(f.V("duration"))
	if derr != nil {
		f.Fail("duration", l.T("err.duration"))
	}
	if !f.OK() {
		return s.render(c, http.StatusUnprocessableEntity, "times", title, p)
	}
	last := from.AddDate(0, 0, timesDays-1)
	q := search.SlotQuery{Language: f.V("language"), From: from.Format(time.DateOnly), To: last.Format(time.DateOnly),
		DurationMinutes: minutes, Mode: f.V("mode"), WorkplaceID: &wid}
	slots, err := s.cfg.Search.Slots(ctx, u, q)
	if failFrom(f, l, err, map[string]string{"from": "from", "to": "from"}) {
		return s.render(c, http.StatusUnprocessableEntity, "times", title, p)
	}
	if err != nil {
		return err
	}
	p.Searched = true
	base := s.timesQuery(f)
	p.Weeks, p.Count = s.slotWeeks(from, last, thinSlots(slots, s.loc), base)
	if prev := from.AddDate(0, 0, -timesDays); !from.Equal(today) {
		if prev.Before(today) {
			prev = today
		}
		p.Prev = timesLink(f, prev)
	}
	p.Next = timesLink(f, last.AddDate(0, 0, 1))
	p.Request = requestDefaults(f, from, last)
	rq := url.Values{}
	for k, v := range p.Request.Values {
		if v != "" {
			rq.Set(k, v)
		}
	}
	p.RequestURL = "/requests/new?" + rq.Encode()
	if p.Count > 0 {
		return s.render(c, http.StatusOK, "times", title, p)
	}
	why, err := s.cfg.Search.NoSlotReason(ctx, u, q)
	if err != nil {
		return err
	}
	p.NoSlots = &noSlotView{Reason: "noslot." + why.Reason, ClosedDays: why.ClosedDays}
	if neverFits(why.Reason) {
		// No other two weeks would do either: no paging to them, only the request.
		p.Prev, p.Next, p.NoSlots.Never = "", "", true
	}
	for _, sl := range why.Next {
		p.NoSlots.Next = append(p.NoSlots.Next, s.slotLink(sl, base))
	}
	return s.render(c, http.StatusOK, "times", title, p)
}

// bookableWorkplaces are the active workplaces the user may book for.
func (s requestPages) bookableWorkplaces(c echo.Context) ([]booking.Workplace, error) {
	u := httpx.Actor(c)
	all, err := s.svc.ListWorkplaces(c.Request().Context(), u)
	if err != nil {
		return nil, err
	}
	var out []booking.Workplace
	for _, w := range all {
		if w.Active && (u.IsAdmin() || u.Manages(w.ID)) {
			out = append(out, w)
		}
	}
	return out, nil
}

// defaults fills what the booking form fills when it is left out: the only
// workplace, on site, workplace support.
func defaults(f *form, wps []booking.Workplace) {
	if f.V("workplace_id") == "" && len(wps) == 1 {
		f.Values["workplace_id"] = strconv.FormatInt(wps[0].ID, 10)
	}
	if f.V("mode") == "" {
		f.Values["mode"] = "on_site"
	}
	if f.V("purpose") == "" {
		f.Values["purpose"] = "workplace_support"
	}
}

// timesQuery is what a time's link carries to the booking's confirm screen.
func (s requestPages) timesQuery(f *form) url.Values {
	q := url.Values{"step": {"choose"}}
	for _, n := range []string{"workplace_id", "language", "purpose", "mode", "meeting_url", "participants_expected", "notes"} {
		if v := f.V(n); v != "" {
			q.Set(n, v)
		}
	}
	return q
}

// timesLink is the free-times page of the same search from another date.
func timesLink(f *form, from time.Time) string {
	q := url.Values{}
	for _, n := range timesFields {
		if v := f.V(n); v != "" {
			q.Set(n, v)
		}
	}
	q.Set("from", from.Format(time.DateOnly))
	return "/book/times?" + q.Encode()
}

func (s requestPages) slotLink(sl search.Slot, base url.Values) slotLink {
	start, end := sl.Start.In(s.loc), sl.End.In(s.loc)
	q := url.Values{}
	for k, v := range base {
		q[k] = v
	}
	q.Set("date", start.Format(time.DateOnly))
	q.Set("start", start.Format("15:04"))
	q.Set("end", end.Format("15:04"))
	return slotLink{Start: start, End: end, Href: "/book?" + q.Encode()}
}

// thinSlots keeps the starts on the hour and the half hour, and a start on a
// quarter past or to only when neither half hour beside it is free: the grid
// stays readable on a phone, and a gap that only fits at a quarter hour still
// shows.
func thinSlots(slots []search.Slot, loc *time.Location) []search.Slot {
	free := make(map[int64]bool, len(slots))
	for _, sl := range slots {
		free[sl.Start.Unix()] = true
	}
	out := slots[:0:0]
	for _, sl := range slots {
		if sl.Start.In(loc).Minute()%30 == 0 ||
			(!free[sl.Start.Add(-15*time.Minute).Unix()] && !free[sl.Start.Add(15*time.Minute).Unix()]) {
			out = append(out, sl)
		}
	}
	return out
}

// slotWeeks lays the slots out by ISO week and day, from..last.
func (s requestPages) slotWeeks(from, last time.Time, slots []search.Slot, base url.Values) ([]slotWeek, int) {
	var weeks []slotWeek
	byDay := map[string][]slotLink{}
	for _, sl := range slots {
		link := s.slotLink(sl, base)
		k := link.Start.Format(time.DateOnly)
		byDay[k] = append(byDay[k], link)
	}
	n := 0
	for d := from; !d.After(last); d = d.AddDate(0, 0, 1) {
		wd := isoWeekday(d)
		monday := d.AddDate(0, 0, 1-wd)
		if len(weeks) == 0 || !weeks[len(weeks)-1].Monday.Equal(monday) {
			_, no := monday.ISOWeek()
			weeks = append(weeks, slotWeek{Monday: monday, WeekNo: no})
		}
		day := slotDay{Date: d, Weekday: wd, Times: byDay[d.Format(time.DateOnly)]}
		if cd, ok := vocab.ClosedDayOn(d); ok {
			day.Closed = cd
		}
		n += len(day.Times)
		w := &weeks[len(weeks)-1]
		w.Days = append(w.Days, day)
		w.Count += len(day.Times)
	}
	return weeks, n
}

// requestDefaults is the request form prefilled from a search: the two weeks
// searched, 08:00 to 17:00.
func requestDefaults(f *form, from, last time.Time) *form {
	r := newForm()
	for _, n := range []string{"workplace_id", "language", "purpose", "mode", "meeting_url", "participants_expected", "notes"} {
		r.Values[n] = f.V(n)
	}
	r.Values["duration"] = f.V("duration")
	r.Values["earliest_date"], r.Values["earliest_time"] = from.Format(time.DateOnly), "08:00"
	r.Values["latest_date"], r.Values["latest_time"] = last.Format(time.DateOnly), "17:00"
	return r
}

// Minutes is a session's length, "1 timme" or "90 minuter", from minutes
// given as a number or as a form's text.
func (l Lang) Minutes(v any) string {
	var n int
	switch x := v.(type) {
	case int:
		n = x
	case string:
		n, _ = strconv.Atoi(x)
	}
	return l.Duration(time.Duration(n) * time.Minute)
}
