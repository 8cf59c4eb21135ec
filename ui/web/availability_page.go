package web

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/calendar"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// windowsPerDay is how many availability windows the editor offers per weekday.
const windowsPerDay = 2

// availabilityPage is the weekly availability editor: for each weekday up to
// two windows, as 24-hour times.
type availabilityPage struct {
	Step       *impactStep // the confirm step of a change that leaves bookings outside
	Form       *form
	Days       []availabilityDay
	Done       bool
	Base, Name string // a coordinator's page of another supervisor: its path prefix and whose it is
}

type availabilityDay struct {
	Weekday int
	Slots   []availabilitySlot
}

type availabilitySlot struct{ Start, End string }

// pageSupervisor is whose availability or absences a page shows: the
// supervisor's own, or, on a coordinator's /supervisors/:id/… page, that
// supervisor's (the service checks who may). base prefixes the page's links.
func (s *Server) pageSupervisor(c echo.Context) (id int64, base string, err error) {
	if c.Param("id") != "" {
		id, err := httpx.PathID(c, "id")
		if err != nil {
			return 0, "", err
		}
		return id, fmt.Sprintf("/supervisors/%d", id), nil
	}
	u := httpx.Actor(c)
	if u.SupervisorID == nil {
		return 0, "", &booking.Error{Code: booking.CodeForbidden, Message: "no supervisor"}
	}
	return *u.SupervisorID, "", nil
}

// supervisorName is the heading a coordinator sees above another's page.
func (s *Server) supervisorName(c echo.Context, id int64, base string) (string, error) {
	if base == "" {
		return "", nil
	}
	sv, err := s.svc.Supervisor(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return "", err
	}
	return sv.Name, nil
}

func slotField(wd, i int, which string) string { return fmt.Sprintf("d%d_%d_%s", wd, i, which) }

func newAvailabilityPage(f *form) *availabilityPage {
	p := &availabilityPage{Form: f}
	for wd := 1; wd <= 7; wd++ {
		d := availabilityDay{Weekday: wd}
		for i := range windowsPerDay {
			d.Slots = append(d.Slots, availabilitySlot{Start: slotField(wd, i, "start"), End: slotField(wd, i, "end")})
		}
		p.Days = append(p.Days, d)
	}
	return p
}

func (s *Server) availabilityPage(c echo.Context) error {
	id, base, err := s.pageSupervisor(c)
	if err != nil {
		return err
	}
	ws, err := s.svc.Availability(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return err
	}
	f := newForm()
	count := map[int]int{}
	for _, w := range ws {
		i := count[w.Weekday]
		if i < windowsPerDay {
			f.Values[slotField(w.Weekday, i, "start")] = httpx.FormatClock(w.Start)
			f.Values[slotField(w.Weekday, i, "end")] = httpx.FormatClock(w.End)
		}
		count[w.Weekday]++
	}
	p := newAvailabilityPage(f)
	p.Done = c.QueryParam("done") == "1"
	if p.Base = base; base != "" {
		if p.Name, err = s.supervisorName(c, id, base); err != nil {
			return err
		}
	}
	return s.render(c, http.StatusOK, "availability", s.lang(c).T("availability.title"), p)
}

// saveAvailability replaces the weekly pattern; a half-filled or reversed
// window is an error on its own fields.
func (s *Server) saveAvailability(c echo.Context) error {
	id, base, err := s.pageSupervisor(c)
	if err != nil {
		return err
	}
	l := s.lang(c)
	f := newForm()
	var ws []booking.Window
	for wd := 1; wd <= 7; wd++ {
		for i := range windowsPerDay {
			sf, ef := slotField(wd, i, "start"), slotField(wd, i, "end")
			f.Values[sf], f.Values[ef] = c.FormValue(sf), c.FormValue(ef)
			if f.V(sf) == "" && f.V(ef) == "" {
				continue
			}
			start, ok1 := httpx.ParseClock(f.V(sf))
			end, ok2 := httpx.ParseClock(f.V(ef))
			switch {
			case !ok1:
				f.Fail(sf, l.T("err.clock"))
			case !ok2:
				f.Fail(ef, l.T("err.clock"))
			case end <= start:
				f.Fail(ef, l.T("err.end_before_start"))
			default:
				ws = append(ws, booking.Window{Weekday: wd, Start: start, End: end})
			}
		}
	}
	var step *impactStep
	if f.OK() {
		// Warned before: the bookings the new pattern leaves outside are listed first.
		list, err := s.svc.AvailabilityImpact(c.Request().Context(), httpx.Actor(c), id, ws)
		if err != nil && !failFrom(f, l, err, map[string]string{"availability": slotField(1, 0, "start")}) {
			return err
		}
		if step, err = s.needsConfirm(c, fmt.Sprint(ws), list); err != nil {
			return err
		}
	}
	if f.OK() && step == nil {
		_, err := s.svc.SetAvailability(c.Request().Context(), httpx.Actor(c), id, ws)
		if err != nil && !failFrom(f, l, err, map[string]string{"availability": slotField(1, 0, "start")}) {
			return err
		}
	}
	if !f.OK() || step != nil {
		p := newAvailabilityPage(f)
		p.Step = step
		if p.Base = base; base != "" {
			if p.Name, err = s.supervisorName(c, id, base); err != nil {
				return err
			}
		}
		status := http.StatusUnprocessableEntity
		if f.OK() {
			status = http.StatusOK
		}
		return s.render(c, status, "availability", l.T("availability.title"), p)
	}
	return c.Redirect(http.StatusSeeOther, base+"/availability?done=1")
}

// absencePage lists the supervisor's coming absences with a form to add one.
type absencePage struct {
	Step              *impactStep // the confirm step of an absence over bookings
	ImportStep        *impactStep // the confirm step of an import over bookings
	ImportText        string      // the file of that import, sent again with the confirmation
	Form              *form
	Absences          []absenceView
	Imported, Skipped string // what the last .ics import did
	Done              string // "added" or "deleted": the last save, said after the redirect
	Base, Name        string // a coordinator's page of another supervisor: its path prefix and whose it is
}

type absenceView struct {
	ID         int64
	Start, End time.Time
	Reason     string
}

func (s *Server) absencesPage(c echo.Context) error {
	return s.showAbsences(c, http.StatusOK, newForm())
}

func (s *Server) showAbsences(c echo.Context, status int, f *form) error {
	id, base, err := s.pageSupervisor(c)
	if err != nil {
		return err
	}
	now := s.svc.Now().In(s.loc)
	list, err := s.svc.Absences(c.Request().Context(), httpx.Actor(c), id, now.Format(time.DateOnly), now.AddDate(1, 0, 0).Format(time.DateOnly))
	if err != nil {
		return err
	}
	p := &absencePage{Form: f, Imported: c.QueryParam("imported"), Skipped: c.QueryParam("skipped"), Base: base}
	if d := c.QueryParam("done"); d == "added" || d == "deleted" {
		p.Done = d
	}
	p.Step, _ = c.Get("impact").(*impactStep)
	if p.ImportStep, _ = c.Get("import_step").(*impactStep); p.ImportStep != nil {
		p.ImportText, _ = c.Get("import_text").(string)
	}
	if p.Name, err = s.supervisorName(c, id, base); err != nil {
		return err
	}
	for _, a := range list {
		p.Absences = append(p.Absences, absenceView{ID: a.ID, Start: a.Start.In(s.loc), End: a.End.In(s.loc), Reason: a.Reason})
	}
	return s.render(c, status, "absences", s.lang(c).T("absences.title"), p)
}

// addAbsence records an absence from a start date and time to an end date and time.
func (s *Server) addAbsence(c echo.Context) error {
	id, base, err := s.pageSupervisor(c)
	if err != nil {
		return err
	}
	l := s.lang(c)
	f := formFrom(c, "start_date", "start_time", "end_date", "end_time", "reason")
	start := s.formTime(f, l, "start_date", "start_time", 0)
	end := s.formTime(f, l, "end_date", "end_time", 1440)
	if f.OK() && !end.After(start) {
		f.Fail("end_date", l.T("err.end_before_start"))
	}
	in := booking.AbsenceInput{Start: start.Format(time.RFC3339), End: end.Format(time.RFC3339), Reason: f.V("reason")}
	if f.OK() {
		// Warned before: the bookings it would leave are listed, and saved only when confirmed.
		list, err := s.svc.AbsenceImpact(c.Request().Context(), httpx.Actor(c), id, in)
		if err != nil && !failFrom(f, l, err, map[string]string{"start": "start_date", "end": "end_date"}) {
			return err
		}
		step, err := s.needsConfirm(c, in.Start+"/"+in.End, list)
		if err != nil {
			return err
		}
		if step != nil {
			c.Set("impact", step)
			return s.showAbsences(c, http.StatusOK, f)
		}
	}
	if f.OK() {
		_, err := s.svc.CreateAbsence(c.Request().Context(), httpx.Actor(c), id, in)
		if err != nil && !failFrom(f, l, err, map[string]string{"start": "start_date", "end": "end_date"}) {
			return err
		}
	}
	if !f.OK() {
		return s.showAbsences(c, http.StatusUnprocessableEntity, f)
	}
	return c.Redirect(http.StatusSeeOther, base+"/absences?done=added")
}

// formTime reads a date field and an optional clock field; an empty clock is
// the given minute of the day (0 for a start, 1440 for an end: the whole day).
func (s *Server) formTime(f *form, l Lang, dateField, clockField string, defMinute int) time.Time {
	day, err := time.ParseInLocation(time.DateOnly, f.V(dateField), s.loc)
	if err != nil {
		f.Fail(dateField, l.T("err.date"))
		return time.Time{}
	}
	minute := defMinute
	if v := f.V(clockField); v != "" {
		m, ok := httpx.ParseClock(v)
		if !ok {
			f.Fail(clockField, l.T("err.clock"))
			return time.Time{}
		}
		minute = m
	}
	t, ok := httpx.WallTime(day, minute, s.loc)
	if !ok {
		f.Fail(clockField, l.T("err.no_such_time"))
	}
	return t
}

func (s *Server) deleteAbsencePage(c echo.Context) error {
	id, base, err := s.pageSupervisor(c)
	if err != nil {
		return err
	}
	aid, err := strconv.ParseInt(c.Param("aid"), 10, 64)
	if err != nil {
		return httpx.NotFound()
	}
	if err := s.svc.DeleteAbsence(c.Request().Context(), httpx.Actor(c), id, aid); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, base+"/absences?done=deleted")
}

// importAbsences reads an .ics file from the supervisor's own calendar: every
// busy event becomes an absence.
func (s *Server) importAbsencesPage(c echo.Context) error {
	id, base, err := s.pageSupervisor(c)
	if err != nil {
		return err
	}
	l := s.lang(c)
	f := newForm()
	data, err := importedFile(c)
	if err != nil {
		f.Fail("ics", l.T("err.ics_file"))
		return s.showAbsences(c, http.StatusUnprocessableEntity, f)
	}
	// Warned before: an import over bookings lists them and waits for "save anyway".
	step, err := s.importImpact(c, id, data)
	if booking.ErrorCode(err) == booking.CodeInvalid {
		f.Fail("ics", l.T("err.ics_file"))
		return s.showAbsences(c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	if step != nil {
		c.Set("import_step", step)
		c.Set("import_text", string(data))
		return s.showAbsences(c, http.StatusOK, f)
	}
	res, err := s.cfg.Calendar.ImportAbsences(c.Request().Context(), httpx.Actor(c), id, bytes.NewReader(data))
	if booking.ErrorCode(err) == booking.CodeInvalid {
		f.Fail("ics", l.T("err.ics_file"))
		return s.showAbsences(c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("%s/absences?imported=%d&skipped=%d", base, res.Created, res.Skipped))
}

// importedFile is the .ics file of an import: the upload, or, from the confirm
// step, the same file sent back as text (unless another file was chosen).
func importedFile(c echo.Context) ([]byte, error) {
	fh, err := c.FormFile("ics")
	if text := c.FormValue("ics_text"); (err != nil || fh.Size == 0) && text != "" && len(text) <= calendar.MaxImportBytes {
		return []byte(text), nil
	}
	if err != nil {
		return nil, err
	}
	file, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer file.Close()
	return io.ReadAll(io.LimitReader(file, calendar.MaxImportBytes))
}
