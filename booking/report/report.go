// Package report answers what the pool's funders ask: how much the supervisors
// were booked against the time they were available, how often and how late
// bookings were cancelled, what the workplaces said afterwards, and what each
// workplace should be charged, at the hourly rates the coordinator keeps here
// too. Every report covers the local dates from..to (both included) in the
// pool's zone; a booking counts on the local date of its start. Each report is
// JSON (the contract's shapes, from the structs below) and a table, in Swedish
// for the CSV files and the CLI's text tables, in English for English pages.
//
// The figures come from a few aggregate queries over bookings.start_at (indexed)
// and from availability computed in Go, day by day, so a month's report costs the
// same on a pool with a million bookings as on a small one.
package report

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/internal/sqldb"
	"github.com/sprakpool/sprakpool/booking/vocab"
)

// Service computes the reports and keeps the rates, over the booking service's
// database and clock.
type Service struct {
	svc *booking.Service
	db  *sqldb.DB
	// cfg is the pool's configuration: its zone and the notices that make a
	// cancellation late.
	cfg booking.Config
}

// New builds the reports of the pool that svc serves.
func New(svc *booking.Service) *Service {
	return &Service{svc: svc, db: svc.DB(), cfg: svc.Config()}
}

// now is the service's clock, in UTC.
func (s *Service) now() time.Time { return s.svc.Clock() }

func (s *Service) local(t time.Time) time.Time { return t.In(s.cfg.Location) }

// Kind is one of the reports the pool offers. Kinds lists them once, for the
// API's routes, the web pages, the CLI and its usage text.
type Kind struct {
	// Name names the report in URLs (/api/v1/reports/NAME, /reports/NAME) and
	// on the command line (sprakpool report NAME).
	Name string
	// File starts the name of its CSV download: FILE_FROM_TO.csv.
	File string
	// Keys are what the report can be broken down by (?by=, --by), the default
	// first; nil for a report without a breakdown.
	Keys []string
	// compute makes the report; by is one of Keys or empty.
	compute func(s *Service, ctx context.Context, actor *booking.User, from, to, by string) (Tabular, error)
}

// Kinds are the reports, in the order they are listed.
var Kinds = []Kind{
	{Name: "utilization", File: "belaggning", Keys: UtilizationKeys,
		compute: func(s *Service, ctx context.Context, actor *booking.User, from, to, by string) (Tabular, error) {
			return s.Utilization(ctx, actor, from, to, by)
		}},
	{Name: "cancellations", File: "avbokningar",
		compute: func(s *Service, ctx context.Context, actor *booking.User, from, to, _ string) (Tabular, error) {
			return s.Cancellations(ctx, actor, from, to)
		}},
	{Name: "followups", File: "uppfoljning",
		compute: func(s *Service, ctx context.Context, actor *booking.User, from, to, _ string) (Tabular, error) {
			return s.Followups(ctx, actor, from, to)
		}},
	{Name: "demand", File: "efterfragan", Keys: DemandKeys,
		compute: func(s *Service, ctx context.Context, actor *booking.User, from, to, by string) (Tabular, error) {
			return s.Demand(ctx, actor, from, to, by)
		}},
	{Name: "evaluation", File: "utvardering",
		compute: func(s *Service, ctx context.Context, actor *booking.User, from, to, _ string) (Tabular, error) {
			return s.Evaluation(ctx, actor, from, to)
		}},
	{Name: "billing", File: "debiteringsunderlag",
		compute: func(s *Service, ctx context.Context, actor *booking.User, from, to, _ string) (Tabular, error) {
			return s.Billing(ctx, actor, from, to)
		}},
}

// Find returns the report of that name.
func Find(name string) (Kind, bool) {
	i := slices.IndexFunc(Kinds, func(k Kind) bool { return k.Name == name })
	if i < 0 {
		return Kind{}, false
	}
	return Kinds[i], true
}

// Names are the names of Kinds, in order.
func Names() []string {
	out := make([]string, len(Kinds))
	for i, k := range Kinds {
		out[i] = k.Name
	}
	return out
}

// Report computes the report of that name for the local dates from..to,
// broken down by one of its Keys (empty: the first; ignored by a report
// without keys). An unknown name is not found.
func (s *Service) Report(ctx context.Context, actor *booking.User, name, from, to, by string) (Tabular, error) {
	k, ok := Find(name)
	if !ok {
		return nil, &booking.Error{Code: booking.CodeNotFound, Message: "report " + name + " not found"}
	}
	return k.compute(s, ctx, actor, from, to, by)
}

// forbidden refuses a report or a rate to anyone but a coordinator.
func forbidden(msg string) error { return &booking.Error{Code: booking.CodeForbidden, Message: msg} }

// UtilizationKeys are what a utilization report can be broken down by.
var UtilizationKeys = []string{"supervisor", "workplace", "language", "area", "purpose", "week", "month"}

// UtilizationFigures are the measures of one row of a utilization report.
// Utilization is BookedMinutes/AvailableMinutes rounded to four decimals, nil
// where nothing was available.
type UtilizationFigures struct {
	AvailableMinutes  int      `json:"available_minutes"`
	BookedMinutes     int      `json:"booked_minutes"`
	Utilization       *float64 `json:"utilization"`
	Bookings          int      `json:"bookings"`
	Cancelled         int      `json:"cancelled"`
	LateCancelled     int      `json:"late_cancelled"`
	PersonsSupervised int      `json:"persons_supervised"`
	Followups         int      `json:"followups"`
}

// UtilizationRow is one key of the breakdown: a supervisor id, workplace id,
// language code, area, purpose, ISO week (2027-W03) or month (2027-01).
type UtilizationRow struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	UtilizationFigures
}

// Utilization is the utilization report, in the contract's JSON shape.
type Utilization struct {
	From  string             `json:"from"`
	To    string             `json:"to"`
	By    string             `json:"by"`
	Rows  []UtilizationRow   `json:"rows"`
	Total UtilizationFigures `json:"total"`
}

// Utilization computes the utilization report. by is one of
// UtilizationKeys (empty: supervisor). Available minutes are the weekly windows
// of the active supervisors minus their absences and the closed days; they exist
// for supervisor, week and month rows and the total only.
func (s *Service) Utilization(ctx context.Context, actor *booking.User, from, to, by string) (*Utilization, error) {
	if !actor.IsAdmin() {
		return nil, forbidden("only coordinators may see reports")
	}
	if by == "" {
		by = "supervisor"
	}
	if !slices.Contains(UtilizationKeys, by) {
		return nil, (&booking.Problems{{Field: "by", Key: "report_by", Message: "must be one of " + strings.Join(UtilizationKeys, ", ")}}).Err()
	}
	start, end, err := s.svc.ParseRange(from, to)
	if err != nil {
		return nil, err
	}
	db := s.db.Read(ctx)
	avail, err := s.available(db, start, end)
	if err != nil {
		return nil, fmt.Errorf("utilization report: %w", err)
	}
	var pers []period
	keyExpr, params := utilizationKeySQL[by], map[string]any{}
	if by == "week" || by == "month" {
		pers = periods(by, start, end)
		keyExpr = bucketSQL("b.start_at", pers, params)
	}
	aggs, err := s.aggregate(db, start, end, keyExpr, params)
	if err != nil {
		return nil, fmt.Errorf("utilization report: %w", err)
	}
	rep := &Utilization{From: from, To: to, By: by, Rows: []UtilizationRow{}}
	for _, a := range aggs {
		rep.Total.add(a)
	}
	rep.Total.AvailableMinutes = avail.total
	rep.Total.finish()
	rows, err := s.utilizationRows(db, by, aggs, avail, pers)
	if err != nil {
		return nil, fmt.Errorf("utilization report: %w", err)
	}
	rep.Rows = rows
	return rep, nil
}

var utilizationKeySQL = map[string]string{
	"supervisor": "CAST(b.supervisor_id AS TEXT)",
	"workplace":  "CAST(b.workplace_id AS TEXT)",
	"language":   "b.language",
	"area":       "b.area",
	"purpose":    "b.purpose",
}

func (f *UtilizationFigures) add(a aggRow) {
	f.BookedMinutes += a.bookedMinutes
	f.Bookings += a.bookings
	f.Cancelled += a.cancelled
	f.LateCancelled += a.late
	f.PersonsSupervised += a.persons
	f.Followups += a.followups
}

func (f *UtilizationFigures) finish() { f.Utilization = ratio(f.BookedMinutes, f.AvailableMinutes, 4) }

// utilizationRows builds the rows of the breakdown with their labels, in a
// reader's order: periods by time, names alphabetically, vocabularies as listed.
func (s *Service) utilizationRows(db *gorm.DB, by string, aggs map[string]aggRow, avail availability, pers []period) ([]UtilizationRow, error) {
	rows := []UtilizationRow{}
	row := func(key, label string, available int) {
		r := UtilizationRow{Key: key, Label: label}
		r.AvailableMinutes = available
		r.add(aggs[key])
		r.finish()
		rows = append(rows, r)
	}
	switch by {
	case "week", "month":
		for i, p := range pers {
			row(strconv.Itoa(i), p.label, avail.between(p.start, p.end))
			rows[i].Key = p.key
		}
		return rows, nil
	case "supervisor":
		var list []booking.Supervisor
		if err := db.Select("id, name, active").Find(&list).Error; err != nil {
			return nil, fmt.Errorf("supervisors: %w", err)
		}
		for _, sv := range list {
			key := strconv.FormatInt(sv.ID, 10)
			if _, booked := aggs[key]; booked || sv.Active {
				row(key, sv.Name, avail.perSupervisor[sv.ID])
			}
		}
	case "workplace":
		names, err := workplaceNames(db)
		if err != nil {
			return nil, err
		}
		for key := range aggs {
			id, _ := strconv.ParseInt(key, 10, 64)
			row(key, names[id].Name, 0)
		}
	case "language":
		for key := range aggs {
			label := key
			if l, ok := vocab.LanguageByCode(key); ok {
				label = l.NameSV
			}
			row(key, label, 0)
		}
	case "area", "purpose":
		voc := map[string]string{"area": vocab.VocabArea, "purpose": vocab.VocabPurpose}[by]
		for _, key := range map[string][]string{"area": booking.Areas, "purpose": booking.Purposes}[by] {
			if _, ok := aggs[key]; ok {
				row(key, vocab.Label(voc, key, "sv"), 0)
			}
		}
		return rows, nil
	}
	slices.SortFunc(rows, func(a, b UtilizationRow) int {
		if c := vocab.CompareSwedish(a.Label, b.Label); c != 0 {
			return c
		}
		return cmp.Compare(a.Key, b.Key)
	})
	return rows, nil
}

func workplaceNames(db *gorm.DB) (map[int64]booking.Workplace, error) {
	var list []booking.Workplace
	if err := db.Select("id, name, cost_center").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("workplaces: %w", err)
	}
	out := make(map[int64]booking.Workplace, len(list))
	for _, w := range list {
		out[w.ID] = w
	}
	return out, nil
}

// ratio is a/b rounded to the given decimals, nil when b is 0.
func ratio(a, b, decimals int) *float64 {
	if b == 0 {
		return nil
	}
	p := math.Pow10(decimals)
	v := math.Round(float64(a)/float64(b)*p) / p
	return &v
}

// period is one ISO week or month of a report, clipped to its range.
type period struct {
	key, label string
	start, end time.Time
}

// periods splits start..end (local midnights) into ISO weeks or months.
func periods(by string, start, end time.Time) []period {
	var out []period
	loc := start.Location()
	for p := start; p.Before(end); {
		var next time.Time
		var key, label string
		y, m, d := p.Date()
		if by == "week" {
			next = time.Date(y, m, d-booking.ISOWeekday(p)+8, 0, 0, 0, 0, loc) // the next Monday
			wy, wn := p.ISOWeek()
			key, label = fmt.Sprintf("%04d-W%02d", wy, wn), fmt.Sprintf("vecka %d, %d", wn, wy)
		} else {
			next = time.Date(y, m+1, 1, 0, 0, 0, 0, loc)
			key, label = fmt.Sprintf("%04d-%02d", y, int(m)), fmt.Sprintf("%s %d", vocab.MonthName(m, "sv"), y)
		}
		if next.After(end) {
			next = end
		}
		out = append(out, period{key: key, label: label, start: p, end: next})
		p = next
	}
	return out
}

// bucketSQL is a CASE expression giving the index of the period col falls in
// (as text); the bounds go into params. Times are stored as UTC text of one
// format, so text comparison is time order.
func bucketSQL(col string, pers []period, params map[string]any) string {
	if len(pers) == 1 {
		return "'0'"
	}
	var b strings.Builder
	b.WriteString("CAST(CASE")
	for i, p := range pers[:len(pers)-1] {
		name := fmt.Sprintf("bucket%d", i)
		params[name] = p.end.UTC()
		fmt.Fprintf(&b, " WHEN %s < @%s THEN %d", col, name, i)
	}
	fmt.Fprintf(&b, " ELSE %d END AS TEXT)", len(pers)-1)
	return b.String()
}

// aggRow holds the sums over the bookings of one key.
type aggRow struct {
	bookings, bookedMinutes         int // confirmed
	cancelled, cancelledMinutes     int
	late, lateMinutes               int // cancelled late, by the notice of their mode
	held, heldMinutes               int // confirmed and over; heldMinutes are billable (billableMinutesSQL)
	attested                        int // held and confirmed by the supervisor
	followups, persons, ratingTotal int
}

// minutesSQL is a booking's booked length in whole minutes (times are whole minutes).
func minutesSQL(st *sqldb.DB) string {
	return "CAST(ROUND(" + st.MillisBetween("b.start_at", "b.end_at") + " / 60000.0) AS INTEGER)"
}

// lateSQL is true for a booking cancelled closer to its start than the notice
// of its mode (SPRAKPOOL_LATE_CANCEL, or _REMOTE for phone and video). Both
// databases count whole milliseconds, so the rounding makes the comparison exact.
func lateSQL(st *sqldb.DB) string {
	return "(b.status = 'cancelled' AND " + st.MillisBetween("b.cancelled_at", "b.start_at") + " < " +
		"CASE WHEN b.mode = 'on_site' THEN CAST(@late_on_site AS BIGINT) ELSE CAST(@late_remote AS BIGINT) END)"
}

// heldSQL is true for a held session: confirmed and over.
const heldSQL = "(b.status = 'confirmed' AND b.end_at <= @now)"

// billableMinutesSQL is the one definition of the minutes a held session bills,
// from its supervisor's confirmation (c, joined in aggregate): the confirmed
// actual time when it was held, nothing when it was not held, and the booked
// time after a no-show or while it is unconfirmed, so billing rests on what
// happened wherever that is known. Late cancellations bill their booked time
// (lateSQL with minutesSQL).
func billableMinutesSQL(st *sqldb.DB) string {
	return "CASE WHEN c.outcome = 'held' THEN CAST(ROUND(" + st.MillisBetween("c.actual_start", "c.actual_end") +
		" / 60000.0) AS INTEGER) WHEN c.outcome = 'not_held' THEN 0 ELSE " + minutesSQL(st) + " END"
}

// aggregate sums the bookings that start in start..end by the key expression
// keyExpr (params holds its named parameters), in one query.
func (s *Service) aggregate(db *gorm.DB, start, end time.Time, keyExpr string, params map[string]any) (map[string]aggRow, error) {
	// The inner query works out each booking's figures once; st.NoFlatten keeps
	// the database from flattening it into the sums, which would repeat the date
	// arithmetic for every sum. Truth values become 0 or 1 with CASE, which
	// both databases sum.
	st := s.db
	q := `SELECT k, COALESCE(SUM(confirmed), 0), COALESCE(SUM(confirmed * minutes), 0),
	COALESCE(SUM(cancelled), 0), COALESCE(SUM(cancelled * minutes), 0),
	COALESCE(SUM(late), 0), COALESCE(SUM(late * minutes), 0),
	COALESCE(SUM(held), 0), COALESCE(SUM(held * billable), 0), COALESCE(SUM(held * attested), 0),
	COALESCE(SUM(answered), 0), COALESCE(SUM(persons), 0), COALESCE(SUM(rating), 0)
FROM (SELECT ` + keyExpr + ` AS k, CASE WHEN b.status = 'confirmed' THEN 1 ELSE 0 END AS confirmed,
		CASE WHEN b.status = 'cancelled' THEN 1 ELSE 0 END AS cancelled,
		` + minutesSQL(st) + ` AS minutes, CASE WHEN ` + lateSQL(st) + ` THEN 1 ELSE 0 END AS late,
		CASE WHEN ` + heldSQL + ` THEN 1 ELSE 0 END AS held, ` + billableMinutesSQL(st) + ` AS billable,
		CASE WHEN c.booking_id IS NOT NULL THEN 1 ELSE 0 END AS attested,
		CASE WHEN f.booking_id IS NOT NULL THEN 1 ELSE 0 END AS answered,
		COALESCE(f.persons_supervised, 0) AS persons, COALESCE(f.rating, 0) AS rating
	FROM bookings b LEFT JOIN booking_followups f ON f.booking_id = b.id
		LEFT JOIN booking_confirmations c ON c.booking_id = b.id
	WHERE b.start_at >= @start AND b.start_at < @end ` + st.NoFlatten() + `) AS per_booking
GROUP BY k`
	named := map[string]any{"start": start.UTC(), "end": end.UTC(), "now": s.now(),
		"late_on_site": s.cfg.LateCancel.Milliseconds(), "late_remote": s.cfg.LateCancelRemote.Milliseconds()}
	for k, v := range params {
		named[k] = v
	}
	rows, err := db.Raw(q, named).Rows()
	if err != nil {
		return nil, fmt.Errorf("sum bookings: %w", err)
	}
	defer rows.Close()
	out := map[string]aggRow{}
	for rows.Next() {
		var key string
		var a aggRow
		if err := rows.Scan(&key, &a.bookings, &a.bookedMinutes, &a.cancelled, &a.cancelledMinutes,
			&a.late, &a.lateMinutes, &a.held, &a.heldMinutes, &a.attested, &a.followups, &a.persons, &a.ratingTotal); err != nil {
			return nil, fmt.Errorf("sum bookings: %w", err)
		}
		out[key] = a
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sum bookings: %w", err)
	}
	return out, nil
}

// availability is the available minutes of the active supervisors in a range.
type availability struct {
	days          []time.Time // local midnights of the range's days
	perDay        []int       // minutes per day, all supervisors
	perSupervisor map[int64]int
	total         int
}

// between sums the minutes of the days from start (included) to end (excluded).
func (a availability) between(start, end time.Time) int {
	n := 0
	for i, d := range a.days {
		if !d.Before(start) && d.Before(end) {
			n += a.perDay[i]
		}
	}
	return n
}

// available computes, for every active supervisor, the weekly windows of each
// day from start to end minus absences, skipping closed days. Windows are placed
// on the calendar in the pool's zone and measured in real time, so a window
// across a DST change is an hour shorter or longer, like a booking in it.
func (s *Service) available(db *gorm.DB, start, end time.Time) (availability, error) {
	type windowRow struct {
		SupervisorID int64
		Weekday      int
		StartMinute  int
		EndMinute    int
	}
	var windows []windowRow
	if err := db.Raw(`SELECT a.supervisor_id, a.weekday, a.start_minute, a.end_minute
		FROM availability a JOIN supervisors s ON s.id = a.supervisor_id WHERE s.active`).Scan(&windows).Error; err != nil {
		return availability{}, fmt.Errorf("availability: %w", err)
	}
	var absences []booking.Absence
	if err := db.Where("start_at < ? AND end_at > ?", end.UTC(), start.UTC()).Order("supervisor_id, start_at").
		Find(&absences).Error; err != nil {
		return availability{}, fmt.Errorf("absences: %w", err)
	}
	away := map[int64][]interval{}
	for _, a := range absences {
		away[a.SupervisorID] = append(away[a.SupervisorID], interval{a.Start, a.End})
	}
	week := map[int64]*[8][]booking.Window{}
	for _, w := range windows {
		if week[w.SupervisorID] == nil {
			week[w.SupervisorID] = new([8][]booking.Window)
		}
		week[w.SupervisorID][w.Weekday] = append(week[w.SupervisorID][w.Weekday], booking.Window{Weekday: w.Weekday, Start: w.StartMinute, End: w.EndMinute})
	}
	av := availability{perSupervisor: map[int64]int{}}
	for d := start; d.Before(end); d = d.AddDate(0, 0, 1) {
		av.days = append(av.days, d)
	}
	av.perDay = make([]int, len(av.days))
	for id, ws := range week {
		merged := mergeIntervals(away[id])
		for i, d := range av.days {
			if _, closed := vocab.ClosedDayOn(d); closed {
				continue
			}
			y, m, dd := d.Date()
			for _, w := range ws[booking.ISOWeekday(d)] {
				ivl := interval{time.Date(y, m, dd, 0, w.Start, 0, 0, d.Location()), time.Date(y, m, dd, 0, w.End, 0, 0, d.Location())}
				n := int((ivl.length() - ivl.overlap(merged)) / time.Minute)
				av.perDay[i] += n
				av.perSupervisor[id] += n
				av.total += n
			}
		}
	}
	return av, nil
}

// interval is a stretch of time, end not included.
type interval struct{ start, end time.Time }

func (v interval) length() time.Duration {
	if !v.end.After(v.start) {
		return 0
	}
	return v.end.Sub(v.start)
}

// overlap is how much of v the disjoint, sorted intervals cover.
func (v interval) overlap(list []interval) time.Duration {
	var d time.Duration
	for _, o := range list {
		if !o.start.Before(v.end) {
			break
		}
		lo, hi := o.start, o.end
		if lo.Before(v.start) {
			lo = v.start
		}
		if hi.After(v.end) {
			hi = v.end
		}
		d += interval{lo, hi}.length()
	}
	return d
}

// mergeIntervals joins overlapping intervals sorted by start, so that
// overlapping absences are not subtracted twice.
func mergeIntervals(list []interval) []interval {
	var out []interval
	for _, v := range list {
		if n := len(out); n > 0 && !v.start.After(out[n-1].end) {
			if v.end.After(out[n-1].end) {
				out[n-1].end = v.end
			}
			continue
		}
		out = append(out, v)
	}
	return out
}

// CancellationFigures count cancelled bookings and their booked minutes, and the
// late ones among them.
type CancellationFigures struct {
	Cancelled     int `json:"cancelled"`
	Minutes       int `json:"minutes"`
	LateCancelled int `json:"late_cancelled"`
	LateMinutes   int `json:"late_minutes"`
}

// CancellationRow is one reason code, or one user who cancelled.
type CancellationRow struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Role  string `json:"role,omitempty"`
	CancellationFigures
}

// Cancellations is the cancellation report.
type Cancellations struct {
	From        string              `json:"from"`
	To          string              `json:"to"`
	ByReason    []CancellationRow   `json:"by_reason"`
	ByCanceller []CancellationRow   `json:"by_cancelled_by"`
	Total       CancellationFigures `json:"total"`
}

func (f *CancellationFigures) add(a aggRow) {
	f.Cancelled += a.cancelled
	f.Minutes += a.cancelledMinutes
	f.LateCancelled += a.late
	f.LateMinutes += a.lateMinutes
}

// Cancellations counts the cancelled bookings that were to start in the
// range, by reason code (every code listed) and by the user who cancelled.
func (s *Service) Cancellations(ctx context.Context, actor *booking.User, from, to string) (*Cancellations, error) {
	if !actor.IsAdmin() {
		return nil, forbidden("only coordinators may see reports")
	}
	start, end, err := s.svc.ParseRange(from, to)
	if err != nil {
		return nil, err
	}
	db := s.db.Read(ctx)
	byReason, err := s.aggregate(db, start, end, "COALESCE(b.cancel_reason_code, '')", nil)
	if err != nil {
		return nil, fmt.Errorf("cancellation report: %w", err)
	}
	byUser, err := s.aggregate(db, start, end, "CAST(COALESCE(b.cancelled_by, 0) AS TEXT)", nil)
	if err != nil {
		return nil, fmt.Errorf("cancellation report: %w", err)
	}
	rep := &Cancellations{From: from, To: to, ByReason: []CancellationRow{}, ByCanceller: []CancellationRow{}}
	for _, code := range booking.CancelReasons {
		r := CancellationRow{Key: code, Label: vocab.Label(vocab.VocabReason, code, "sv")}
		r.add(byReason[code])
		rep.ByReason = append(rep.ByReason, r)
		rep.Total.add(byReason[code])
	}
	var users []booking.User
	if err := db.Select("id, name, role").Find(&users).Error; err != nil {
		return nil, fmt.Errorf("cancellation report: users: %w", err)
	}
	for _, u := range users {
		key := strconv.FormatInt(u.ID, 10)
		if a, ok := byUser[key]; ok && a.cancelled > 0 {
			r := CancellationRow{Key: key, Label: u.Name, Role: u.Role}
			r.add(a)
			rep.ByCanceller = append(rep.ByCanceller, r)
		}
	}
	slices.SortFunc(rep.ByCanceller, func(a, b CancellationRow) int { return vocab.CompareSwedish(a.Label, b.Label) })
	return rep, nil
}

// FollowupFigures describe the held sessions and what the workplaces said.
// ResponseRate is Answered/Held; PersonsPerSession and AverageRating are per
// answered follow-up (rounded to two decimals); each is nil when undefined.
type FollowupFigures struct {
	Held              int      `json:"held"`
	Answered          int      `json:"answered"`
	ResponseRate      *float64 `json:"response_rate"`
	PersonsSupervised int      `json:"persons_supervised"`
	PersonsPerSession *float64 `json:"persons_per_session"`
	AverageRating     *float64 `json:"average_rating"`
	ratingTotal       int
}

func (f *FollowupFigures) add(a aggRow) {
	f.Held += a.held
	f.Answered += a.followups
	f.PersonsSupervised += a.persons
	f.ratingTotal += a.ratingTotal
}

func (f *FollowupFigures) finish() {
	f.ResponseRate = ratio(f.Answered, f.Held, 4)
	f.PersonsPerSession = ratio(f.PersonsSupervised, f.Answered, 2)
	f.AverageRating = ratio(f.ratingTotal, f.Answered, 2)
}

// FollowupRow is one workplace of the follow-up report.
type FollowupRow struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	FollowupFigures
}

// ReasonCount counts the answered follow-ups of one booking purpose: the
// category of why the workplace booked.
type ReasonCount struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

// FollowupComment is what one workplace wrote after one session.
type FollowupComment struct {
	BookingID         int64  `json:"booking_id"`
	Date              string `json:"date"`
	WorkplaceID       int64  `json:"workplace_id"`
	Workplace         string `json:"workplace"`
	Purpose           string `json:"purpose"`
	Rating            int    `json:"rating"`
	PersonsSupervised int    `json:"persons_supervised"`
	WhyBooked         string `json:"why_booked"`
	Comment           string `json:"comment"`
}

// Followups is the follow-up report. Why counts the reasons the workplaces
// ticked (booking.FollowupReasons, every one listed); WouldBookAgain the
// answers to that question.
type Followups struct {
	From           string            `json:"from"`
	To             string            `json:"to"`
	Rows           []FollowupRow     `json:"rows"`
	Total          FollowupFigures   `json:"total"`
	Reasons        []ReasonCount     `json:"reasons"`
	Why            []ReasonCount     `json:"why"`
	WouldBookAgain YesNo             `json:"would_book_again"`
	Comments       []FollowupComment `json:"comments"`
}

// Followups summarises the sessions held in the range (confirmed and over
// by the service's clock) and their follow-ups, by workplace; counts the
// answered follow-ups by purpose; and lists every reason and comment given.
func (s *Service) Followups(ctx context.Context, actor *booking.User, from, to string) (*Followups, error) {
	if !actor.IsAdmin() {
		return nil, forbidden("only coordinators may see reports")
	}
	start, end, err := s.svc.ParseRange(from, to)
	if err != nil {
		return nil, err
	}
	db := s.db.Read(ctx)
	byWorkplace, err := s.aggregate(db, start, end, utilizationKeySQL["workplace"], nil)
	if err != nil {
		return nil, fmt.Errorf("follow-up report: %w", err)
	}
	byPurpose, err := s.aggregate(db, start, end, "b.purpose", nil)
	if err != nil {
		return nil, fmt.Errorf("follow-up report: %w", err)
	}
	names, err := workplaceNames(db)
	if err != nil {
		return nil, fmt.Errorf("follow-up report: %w", err)
	}
	rep := &Followups{From: from, To: to, Rows: []FollowupRow{}, Reasons: []ReasonCount{}}
	for key, a := range byWorkplace {
		if a.held == 0 {
			continue
		}
		id, _ := strconv.ParseInt(key, 10, 64)
		r := FollowupRow{Key: key, Label: names[id].Name}
		r.add(a)
		r.finish()
		rep.Rows = append(rep.Rows, r)
		rep.Total.add(a)
	}
	rep.Total.finish()
	slices.SortFunc(rep.Rows, func(a, b FollowupRow) int { return vocab.CompareSwedish(a.Label, b.Label) })
	for _, p := range booking.Purposes {
		rep.Reasons = append(rep.Reasons, ReasonCount{Key: p, Label: vocab.Label(vocab.VocabPurpose, p, "sv"), Count: byPurpose[p].followups})
	}
	if rep.Comments, err = s.followupComments(db, start, end, names); err != nil {
		return nil, fmt.Errorf("follow-up report: %w", err)
	}
	if rep.Why, rep.WouldBookAgain, err = s.followupWhy(db, start, end); err != nil {
		return nil, fmt.Errorf("follow-up report: %w", err)
	}
	return rep, nil
}

func (s *Service) followupComments(db *gorm.DB, start, end time.Time, names map[int64]booking.Workplace) ([]FollowupComment, error) {
	type row struct {
		ID                int64
		StartAt           time.Time
		WorkplaceID       int64
		Purpose           string
		Rating            int
		PersonsSupervised int
		WhyBooked         string
		Comment           string
	}
	var list []row
	err := db.Raw(`SELECT b.id, b.start_at, b.workplace_id, b.purpose, f.rating, f.persons_supervised, f.why_booked, f.comment
		FROM bookings b JOIN booking_followups f ON f.booking_id = b.id
		WHERE b.start_at >= ? AND b.start_at < ? AND (f.why_booked <> '' OR f.comment <> '')
		ORDER BY b.start_at, b.id`, start.UTC(), end.UTC()).Scan(&list).Error
	if err != nil {
		return nil, fmt.Errorf("comments: %w", err)
	}
	out := make([]FollowupComment, len(list))
	for i, r := range list {
		out[i] = FollowupComment{BookingID: r.ID, Date: s.local(r.StartAt).Format(time.DateOnly), WorkplaceID: r.WorkplaceID,
			Workplace: names[r.WorkplaceID].Name, Purpose: r.Purpose, Rating: r.Rating,
			PersonsSupervised: r.PersonsSupervised, WhyBooked: r.WhyBooked, Comment: r.Comment}
	}
	return out, nil
}

// BillingFigures are the billable time of held sessions and late cancellations,
// and the amount in kronor. HeldSessions are the bookings that were not
// cancelled and are over; HeldMinutes their billable minutes (billableMinutesSQL:
// confirmed actual time, 0 when confirmed not held, booked time after a no-show
// or while unconfirmed). Confirmed counts those the supervisor has confirmed;
// ConfirmationRate is Confirmed/HeldSessions (four decimals, nil without held
// sessions), so a funder sees how much of the bill rests on confirmed time.
type BillingFigures struct {
	HeldSessions     int      `json:"held_sessions"`
	HeldMinutes      int      `json:"held_minutes"`
	LateCancelled    int      `json:"late_cancelled"`
	LateMinutes      int      `json:"late_minutes"`
	BillableMinutes  int      `json:"billable_minutes"`
	BillableHours    float64  `json:"billable_hours"`
	Amount           float64  `json:"amount"`
	Confirmed        int      `json:"confirmed"`
	ConfirmationRate *float64 `json:"confirmation_rate"`
	amountOre        int64
}

func (f *BillingFigures) add(o BillingFigures) {
	f.HeldSessions += o.HeldSessions
	f.HeldMinutes += o.HeldMinutes
	f.LateCancelled += o.LateCancelled
	f.LateMinutes += o.LateMinutes
	f.BillableMinutes += o.BillableMinutes
	f.Confirmed += o.Confirmed
	f.amountOre += o.amountOre
	f.finish()
}

func (f *BillingFigures) finish() {
	f.BillableHours = math.Round(float64(f.BillableMinutes)/60*100) / 100
	f.Amount = float64(f.amountOre) / 100
	f.ConfirmationRate = ratio(f.Confirmed, f.HeldSessions, 4)
}

// BillingRow is one workplace during one rate period (clipped to the range).
type BillingRow struct {
	WorkplaceID int64    `json:"workplace_id"`
	Workplace   string   `json:"workplace"`
	CostCenter  string   `json:"cost_center"`
	From        string   `json:"from"`
	To          string   `json:"to"`
	RateID      *int64   `json:"rate_id"`
	Funder      string   `json:"funder"`
	HourlyRate  *float64 `json:"hourly_rate"`
	BillingFigures
	rateOre int64
}

// Billing is the billing basis. Unconfirmed lists the held sessions of the
// range that their supervisor has not confirmed yet: they are billed on booked
// time until they are (JSON only; the CSV has the rows and the total).
type Billing struct {
	From        string               `json:"from"`
	To          string               `json:"to"`
	Rows        []BillingRow         `json:"rows"`
	Total       BillingFigures       `json:"total"`
	Unconfirmed []UnconfirmedSession `json:"unconfirmed"`
}

// UnconfirmedSession is a held session whose supervisor has not confirmed it.
type UnconfirmedSession struct {
	BookingID    int64  `json:"booking_id"`
	Date         string `json:"date"`
	Start        string `json:"start"`
	End          string `json:"end"`
	Minutes      int    `json:"minutes"`
	SupervisorID int64  `json:"supervisor_id"`
	Supervisor   string `json:"supervisor"`
	WorkplaceID  int64  `json:"workplace_id"`
	Workplace    string `json:"workplace"`
}

// Billing computes the billing basis: per workplace and cost centre, the
// billable hours (held sessions plus late cancellations, counted on the date of
// their start) times the hourly rate in force on that date. A range that a
// rate change splits gives one row per workplace and rate. Amounts are rounded
// to whole öre per row; with no rate in force the rate is null and the amount 0.
func (s *Service) Billing(ctx context.Context, actor *booking.User, from, to string) (*Billing, error) {
	if !actor.IsAdmin() {
		return nil, forbidden("only coordinators may see reports")
	}
	start, end, err := s.svc.ParseRange(from, to)
	if err != nil {
		return nil, err
	}
	db := s.db.Read(ctx)
	rates, err := ratesOf(db)
	if err != nil {
		return nil, fmt.Errorf("billing report: %w", err)
	}
	var pers []period
	p := start
	for _, d := range rateBoundaries(rates, from, to, s.cfg.Location) {
		next, _ := time.ParseInLocation(time.DateOnly, d, s.cfg.Location)
		pers = append(pers, period{start: p, end: next})
		p = next
	}
	pers = append(pers, period{start: p, end: end})
	params := map[string]any{}
	aggs, err := s.aggregate(db, start, end, "CAST(b.workplace_id AS TEXT) || ':' || "+bucketSQL("b.start_at", pers, params), params)
	if err != nil {
		return nil, fmt.Errorf("billing report: %w", err)
	}
	names, err := workplaceNames(db)
	if err != nil {
		return nil, fmt.Errorf("billing report: %w", err)
	}
	var rows []BillingRow
	for key, a := range aggs {
		if a.held == 0 && a.late == 0 {
			continue
		}
		wp, bucket, _ := strings.Cut(key, ":")
		id, _ := strconv.ParseInt(wp, 10, 64)
		i, _ := strconv.Atoi(bucket)
		r := BillingRow{WorkplaceID: id, Workplace: names[id].Name, CostCenter: names[id].CostCenter,
			From: pers[i].start.Format(time.DateOnly), To: pers[i].end.AddDate(0, 0, -1).Format(time.DateOnly)}
		if rate := rateOn(rates, r.From, id); rate != nil {
			hr := rate.HourlyRate()
			r.RateID, r.Funder, r.HourlyRate, r.rateOre = &rate.ID, rate.Funder, &hr, rate.HourlyRateOre
		}
		r.BillingFigures = BillingFigures{HeldSessions: a.held, HeldMinutes: a.heldMinutes, LateCancelled: a.late,
			LateMinutes: a.lateMinutes, BillableMinutes: a.heldMinutes + a.lateMinutes, Confirmed: a.attested}
		rows = append(rows, r)
	}
	slices.SortFunc(rows, func(a, b BillingRow) int {
		if c := vocab.CompareSwedish(a.Workplace, b.Workplace); c != 0 {
			return c
		}
		if c := cmp.Compare(a.WorkplaceID, b.WorkplaceID); c != 0 {
			return c
		}
		return cmp.Compare(a.From, b.From)
	})
	rep := &Billing{From: from, To: to, Rows: mergeBillingRows(rows, s.cfg.Location)}
	for i := range rep.Rows {
		r := &rep.Rows[i]
		r.amountOre = int64(math.Round(float64(int64(r.BillableMinutes)*r.rateOre) / 60))
		r.finish()
		rep.Total.add(r.BillingFigures)
	}
	rep.Total.finish()
	if rep.Unconfirmed, err = s.unconfirmedSessions(db, start, end, names); err != nil {
		return nil, fmt.Errorf("billing report: %w", err)
	}
	return rep, nil
}

// unconfirmedSessions lists, by start, the held sessions starting in
// start..end that have no confirmation.
func (s *Service) unconfirmedSessions(db *gorm.DB, start, end time.Time, names map[int64]booking.Workplace) ([]UnconfirmedSession, error) {
	type row struct {
		ID           int64
		StartAt      time.Time
		EndAt        time.Time
		SupervisorID int64
		Supervisor   string
		WorkplaceID  int64
	}
	var list []row
	err := db.Raw(`SELECT b.id, b.start_at, b.end_at, b.supervisor_id, sv.name AS supervisor, b.workplace_id
		FROM bookings b JOIN supervisors sv ON sv.id = b.supervisor_id
		LEFT JOIN booking_confirmations c ON c.booking_id = b.id
		WHERE b.start_at >= @start AND b.start_at < @end AND `+heldSQL+` AND c.booking_id IS NULL
		ORDER BY b.start_at, b.id`, map[string]any{"start": start.UTC(), "end": end.UTC(), "now": s.now().UTC()}).Scan(&list).Error
	if err != nil {
		return nil, fmt.Errorf("unconfirmed sessions: %w", err)
	}
	out := make([]UnconfirmedSession, len(list))
	for i, r := range list {
		ls, le := s.local(r.StartAt), s.local(r.EndAt)
		out[i] = UnconfirmedSession{BookingID: r.ID, Date: ls.Format(time.DateOnly), Start: ls.Format(time.RFC3339),
			End: le.Format(time.RFC3339), Minutes: int(r.EndAt.Sub(r.StartAt) / time.Minute), SupervisorID: r.SupervisorID,
			Supervisor: r.Supervisor, WorkplaceID: r.WorkplaceID, Workplace: names[r.WorkplaceID].Name}
	}
	return out, nil
}

// mergeBillingRows joins a workplace's rows of adjacent stretches that have the
// same rate (another workplace's rate change splits the range for all), so there
// is one row per workplace and rate period.
func mergeBillingRows(rows []BillingRow, loc *time.Location) []BillingRow {
	out := []BillingRow{}
	for _, r := range rows {
		if n := len(out); n > 0 {
			last := &out[n-1]
			lastTo, _ := time.ParseInLocation(time.DateOnly, last.To, loc)
			if last.WorkplaceID == r.WorkplaceID && sameScope(last.RateID, r.RateID) &&
				lastTo.AddDate(0, 0, 1).Format(time.DateOnly) == r.From {
				last.To = r.To
				last.add(r.BillingFigures)
				continue
			}
		}
		out = append(out, r)
	}
	return out
}
