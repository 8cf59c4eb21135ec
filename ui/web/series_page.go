package web

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// Series in the pages: the booking form's Upprepa part leads to a preview of
// every occurrence (free, skipped closed day, colliding), booked with "Boka
// alla" or "Boka de lediga"; the series page lists the occurrences, each
// opening its booking page (move, cancel), and cancels the rest from a date.

var repeatFields = []string{"repeat_every", "repeat_count", "repeat_until"}

// seriesPreview is the preview of a series before it is booked.
type seriesPreview struct {
	Book         *bookPage
	Supervisor   *booking.Supervisor
	Occurrences  []occurrenceView
	Alternatives []booking.Supervisor
	Free         int
	Skipped      int
	Colliding    int
	Conflict     bool
	// Change is the booking form filled in as it was sent.
	Change template.URL
}

// occurrenceView is one line of a series: booked (Booking), planned, or skipped.
type occurrenceView struct {
	Start, End time.Time
	Booking    *booking.Booking
	Free       bool
	Holiday    string
	Reasons    []string
}

// seriesPreviewPage shows every occurrence of the series the form describes.
func (s *Server) seriesPreviewPage(c echo.Context) error {
	return s.showSeriesPreview(c, http.StatusOK, false)
}

func (s *Server) showSeriesPreview(c echo.Context, status int, conflict bool) error {
	p, in, ok, err := s.seriesInput(c)
	if err != nil {
		return err
	}
	title := s.lang(c).T("series.preview_title")
	if !ok {
		return s.render(c, http.StatusUnprocessableEntity, "book", title, p.Book)
	}
	in.SkipConflicts = true // the one free for the most occurrences, as "Boka de lediga" would pick
	plan, err := s.svc.PlanSeries(c.Request().Context(), httpx.Actor(c), in)
	if failFrom(p.Book.Form, s.lang(c), err, map[string]string{"repeat.every_weeks": "repeat_every",
		"repeat.count": "repeat_count", "repeat.until": "repeat_until", "repeat": "repeat_count"}) {
		return s.render(c, http.StatusUnprocessableEntity, "book", title, p.Book)
	}
	if err != nil {
		return err
	}
	if err := s.fillPreview(c, p, plan); err != nil {
		return err
	}
	p.Conflict = conflict
	return s.render(c, status, "series_preview", title, p)
}

func (s *Server) fillPreview(c echo.Context, p *seriesPreview, plan *booking.SeriesPlan) error {
	l := s.lang(c)
	n, err := s.names(c.Request().Context(), httpx.Actor(c))
	if err != nil {
		return err
	}
	if sv, ok := n.sups[plan.SupervisorID]; ok {
		p.Supervisor = &sv
	}
	p.Free, p.Colliding = plan.Free()
	for _, o := range plan.Occurrences {
		v := occurrenceView{Start: o.Start.In(s.loc), End: o.End.In(s.loc), Free: o.Free()}
		switch {
		case o.Closed():
			p.Skipped++
			v.Holiday = o.Holiday.NameSV
			if l.Code == "en" {
				v.Holiday = o.Holiday.NameEN
			}
		default:
			for _, vi := range o.Violations {
				v.Reasons = append(v.Reasons, l.T("rule."+vi.Rule))
			}
		}
		p.Occurrences = append(p.Occurrences, v)
	}
	for _, a := range plan.Alternatives {
		p.Alternatives = append(p.Alternatives, n.sups[a.SupervisorID])
	}
	return nil
}

// bookSeries books the previewed series: all (skip_conflicts false) or the free ones.
func (s *Server) bookSeries(c echo.Context) error {
	p, in, ok, err := s.seriesInput(c)
	if err != nil {
		return err
	}
	if !ok {
		return s.render(c, http.StatusUnprocessableEntity, "book", s.lang(c).T("series.preview_title"), p.Book)
	}
	in.SkipConflicts = c.FormValue("skip_conflicts") == "true"
	sr, err := s.svc.CreateSeries(c.Request().Context(), httpx.Actor(c), in)
	var be *booking.Error
	if errors.As(err, &be) && be.Code == booking.CodeConflict {
		return s.showSeriesPreview(c, http.StatusConflict, true)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/series/"+strconv.FormatInt(sr.ID, 10)+"?done=booked")
}

// seriesInput reads the booking form and its Upprepa part.
func (s *Server) seriesInput(c echo.Context) (*seriesPreview, booking.SeriesInput, bool, error) {
	bp, err := s.newBookPage(c)
	if err != nil {
		return nil, booking.SeriesInput{}, false, err
	}
	p := &seriesPreview{Book: bp}
	l := s.lang(c)
	f := bp.Form
	for _, n := range repeatFields {
		f.Values[n] = c.FormValue(n)
	}
	q, _ := url.ParseQuery(bp.Query)
	for _, n := range repeatFields {
		q.Set(n, f.V(n))
	}
	if v := f.V("supervisor_id"); v != "" {
		q.Set("supervisor_id", v)
	}
	p.Change = template.URL("/book?" + q.Encode())
	var in booking.SeriesInput
	b, ok := s.bookingInput(f, l)
	in.BookingInput = b
	every, err := strconv.Atoi(f.V("repeat_every"))
	if err != nil || every < 1 || every > 4 {
		f.Fail("repeat_every", l.T("err.every_weeks"))
	}
	in.EveryWeeks = every
	switch {
	case f.V("repeat_until") != "":
		v := f.V("repeat_until")
		in.Until = &v
	case f.V("repeat_count") != "":
		n, err := strconv.Atoi(f.V("repeat_count"))
		if err != nil {
			f.Fail("repeat_count", l.T("err.repeat_count"))
		}
		in.Count = &n
	default:
		f.Fail("repeat_count", l.T("err.repeat_count_or_until"))
	}
	return p, in, ok && f.OK(), nil
}

// seriesPageData is the series page.
type seriesPageData struct {
	S           *booking.Series
	Supervisor  booking.Supervisor
	Workplace   booking.Workplace
	Start, End  time.Time
	Weekday     int
	Occurrences []occurrenceView
	Cancel      *form
	CanCancel   bool
	Done        string
}

func (s *Server) seriesPage(c echo.Context) error { return s.showSeries(c, http.StatusOK, nil) }

func (s *Server) showSeries(c echo.Context, status int, cancel *form) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u := httpx.Actor(c)
	sr, err := s.svc.SeriesByID(ctx, u, id)
	if err != nil {
		return err
	}
	n, err := s.names(ctx, u)
	if err != nil {
		return err
	}
	l := s.lang(c)
	now := s.svc.Now()
	p := &seriesPageData{S: sr, Supervisor: n.sups[sr.SupervisorID], Workplace: n.wps[sr.WorkplaceID],
		Start: sr.Start.In(s.loc), End: sr.End.In(s.loc), Cancel: cancel, Done: c.QueryParam("done")}
	p.Weekday = int(p.Start.Weekday())
	for i := range sr.Bookings {
		b := &sr.Bookings[i]
		p.Occurrences = append(p.Occurrences, occurrenceView{Start: b.Start.In(s.loc), End: b.End.In(s.loc), Booking: b})
		if b.Status == booking.StatusConfirmed && b.End.After(now) && (u.IsAdmin() || u.Manages(sr.WorkplaceID)) {
			p.CanCancel = true
		}
	}
	for _, sk := range sr.Skipped {
		v := occurrenceView{Start: sk.Start.In(s.loc), End: sk.Start.Add(sr.End.Sub(sr.Start)).In(s.loc)}
		if sk.Holiday != nil {
			v.Holiday = sk.Holiday.NameSV
			if l.Code == "en" {
				v.Holiday = sk.Holiday.NameEN
			}
		}
		for _, vi := range sk.Details {
			v.Reasons = append(v.Reasons, l.T("rule."+vi.Rule))
		}
		p.Occurrences = append(p.Occurrences, v)
	}
	slices.SortFunc(p.Occurrences, func(a, b occurrenceView) int { return a.Start.Compare(b.Start) })
	if p.Cancel == nil {
		p.Cancel = newForm()
		for _, o := range p.Occurrences {
			if o.Booking != nil && o.Booking.Status == booking.StatusConfirmed && o.Booking.Start.After(now) {
				p.Cancel.Values["from"] = o.Start.Format(time.DateOnly)
				break
			}
		}
	}
	return s.render(c, status, "series", l.T("series.title"), p)
}

// cancelSeriesPage cancels the rest of a series from a date, with a reason as for one booking.
func (s *Server) cancelSeriesPage(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	l := s.lang(c)
	f := formFrom(c, "from", "reason_code", "reason")
	if f.V("from") == "" {
		f.Fail("from", l.T("err.required"))
	}
	if f.V("reason_code") == "" {
		f.Fail("reason_code", l.T("err.required"))
	}
	if f.V("reason") == "" {
		f.Fail("reason", l.T("err.reason"))
	}
	if f.OK() {
		_, err = s.svc.CancelSeries(c.Request().Context(), httpx.Actor(c), id, f.V("reason_code"), f.V("reason"), f.V("from"))
		if err != nil && !failFrom(f, l, err, nil) {
			return err
		}
	}
	if !f.OK() {
		return s.showSeries(c, http.StatusUnprocessableEntity, f)
	}
	return c.Redirect(http.StatusSeeOther, "/series/"+strconv.FormatInt(id, 10)+"?done=cancelled")
}
