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
	"github.com/sprakpool/sprakpool/booking/vocab"
)

// DemandKeys are what the demand report can be broken down by.
var DemandKeys = []string{"language", "area", "workplace", "month"}

// DemandFigures set what was asked of the pool against what it gave: Booked
// counts confirmed bookings, Requested the requests made (then each by its
// status, an open one whose latest has passed as expired), UnmetAttempts the
// bookings and series answered no_free_supervisor. MedianHoursToFill runs from
// a request's creation to its filling, to one decimal; nil when none was filled.
type DemandFigures struct {
	Booked            int      `json:"booked"`
	Requested         int      `json:"requested"`
	Filled            int      `json:"filled"`
	Declined          int      `json:"declined"`
	Withdrawn         int      `json:"withdrawn"`
	Expired           int      `json:"expired"`
	Open              int      `json:"open"`
	UnmetAttempts     int      `json:"unmet_attempts"`
	MedianHoursToFill *float64 `json:"median_hours_to_fill"`
	hoursToFill       []float64
}

// Unmet is what the pool did not give: requests that were not filled (and
// are not still open) plus the attempts it turned away.
func (f *DemandFigures) Unmet() int {
	return f.Declined + f.Withdrawn + f.Expired + f.UnmetAttempts
}

func (f *DemandFigures) add(o *DemandFigures) {
	f.Booked += o.Booked
	f.Requested += o.Requested
	f.Filled += o.Filled
	f.Declined += o.Declined
	f.Withdrawn += o.Withdrawn
	f.Expired += o.Expired
	f.Open += o.Open
	f.UnmetAttempts += o.UnmetAttempts
	f.hoursToFill = append(f.hoursToFill, o.hoursToFill...)
}

func (f *DemandFigures) finish() {
	f.MedianHoursToFill = median(f.hoursToFill)
}

// median of hs to one decimal (the mean of the middle two for an even count),
// nil for none.
func median(hs []float64) *float64 {
	if len(hs) == 0 {
		return nil
	}
	s := slices.Sorted(slices.Values(hs))
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	m = math.Round(m*10) / 10
	return &m
}

// DemandRow is one language (its code), area, workplace (its id) or month (2027-01).
type DemandRow struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	DemandFigures
}

// Demand is the demand report.
type Demand struct {
	From  string        `json:"from"`
	To    string        `json:"to"`
	By    string        `json:"by"`
	Rows  []DemandRow   `json:"rows"`
	Total DemandFigures `json:"total"`
}

// demandKeySQL is the key of a row of bookings (b), requests (r) or unmet attempts (u).
var demandKeySQL = map[string]string{
	"language":  "%s.language",
	"area":      "%s.area",
	"workplace": "CAST(%s.workplace_id AS TEXT)",
}

// Demand computes the demand report for the local dates from..to by one of
// DemandKeys (empty: language). Requests count on the local date of their
// creation, bookings and unmet attempts on that of their start.
func (s *Service) Demand(ctx context.Context, actor *booking.User, from, to, by string) (*Demand, error) {
	if !actor.IsAdmin() {
		return nil, forbidden("only coordinators may see reports")
	}
	if by == "" {
		by = "language"
	}
	if !slices.Contains(DemandKeys, by) {
		return nil, (&booking.Problems{{Field: "by", Key: "report_by", Message: "must be one of " + strings.Join(DemandKeys, ", ")}}).Err()
	}
	start, end, err := s.svc.ParseRange(from, to)
	if err != nil {
		return nil, err
	}
	db := s.db.Read(ctx)
	var pers []period
	key := func(alias, col string) (string, map[string]any) {
		if by == "month" {
			params := map[string]any{}
			return bucketSQL(alias+"."+col, pers, params), params
		}
		return fmt.Sprintf(demandKeySQL[by], alias), nil
	}
	if by == "month" {
		pers = periods("month", start, end)
	}
	figs := map[string]*DemandFigures{}
	at := func(k string) *DemandFigures {
		if figs[k] == nil {
			figs[k] = &DemandFigures{}
		}
		return figs[k]
	}
	if err := s.demandCounts(db, start, end, key, at); err != nil {
		return nil, fmt.Errorf("demand report: %w", err)
	}
	rep := &Demand{From: from, To: to, By: by, Rows: []DemandRow{}}
	for _, f := range figs {
		rep.Total.add(f)
	}
	rep.Total.finish()
	if rep.Rows, err = s.demandRows(db, by, figs, pers); err != nil {
		return nil, fmt.Errorf("demand report: %w", err)
	}
	return rep, nil
}

// demandCounts adds to the figures of each key (at) the confirmed bookings,
// the unmet attempts and the requests of start..end, with three grouped
// queries and one over the filled requests for their hours.
func (s *Service) demandCounts(db *gorm.DB, start, end time.Time, key func(alias, col string) (string, map[string]any), at func(string) *DemandFigures) error {
	type count struct {
		K string
		N int
	}
	grouped := func(q string, alias, col string, each func(count)) error {
		k, params := key(alias, col)
		named := map[string]any{"start": start.UTC(), "end": end.UTC()}
		for n, v := range params {
			named[n] = v
		}
		var list []count
		if err := db.Raw(fmt.Sprintf(q, k), named).Scan(&list).Error; err != nil {
			return err
		}
		for _, c := range list {
			each(c)
		}
		return nil
	}
	err := grouped(`SELECT %s AS k, COUNT(*) AS n FROM bookings b
		WHERE b.start_at >= @start AND b.start_at < @end AND b.status = 'confirmed' GROUP BY k`, "b", "start_at",
		func(c count) { at(c.K).Booked += c.N })
	if err != nil {
		return fmt.Errorf("bookings: %w", err)
	}
	err = grouped(`SELECT %s AS k, COUNT(*) AS n FROM unmet_attempts u
		WHERE u.start_at >= @start AND u.start_at < @end GROUP BY k`, "u", "start_at",
		func(c count) { at(c.K).UnmetAttempts += c.N })
	if err != nil {
		return fmt.Errorf("unmet attempts: %w", err)
	}
	type statusCount struct {
		K      string
		Status string
		N      int
	}
	k, params := key("r", "created_at")
	named := map[string]any{"start": start.UTC(), "end": end.UTC(), "now": s.now().UTC()}
	for n, v := range params {
		named[n] = v
	}
	// An open request whose latest has passed reads as expired, whether or not
	// the expiry job has stored that yet.
	var sc []statusCount
	err = db.Raw(`SELECT `+k+` AS k, CASE WHEN r.status = 'open' AND r.latest_at <= @now THEN 'expired' ELSE r.status END AS status,
		COUNT(*) AS n FROM requests r WHERE r.created_at >= @start AND r.created_at < @end GROUP BY k, 2`, named).Scan(&sc).Error
	if err != nil {
		return fmt.Errorf("requests: %w", err)
	}
	for _, c := range sc {
		f := at(c.K)
		f.Requested += c.N
		switch c.Status {
		case "filled":
			f.Filled += c.N
		case "declined":
			f.Declined += c.N
		case "withdrawn":
			f.Withdrawn += c.N
		case "expired":
			f.Expired += c.N
		default:
			f.Open += c.N
		}
	}
	type filled struct {
		K         string
		CreatedAt time.Time
		ClosedAt  time.Time
	}
	var fl []filled
	err = db.Raw(`SELECT `+k+` AS k, r.created_at, r.closed_at FROM requests r
		WHERE r.created_at >= @start AND r.created_at < @end AND r.status = 'filled' AND r.closed_at IS NOT NULL`, named).Scan(&fl).Error
	if err != nil {
		return fmt.Errorf("filled requests: %w", err)
	}
	for _, r := range fl {
		f := at(r.K)
		f.hoursToFill = append(f.hoursToFill, r.ClosedAt.Sub(r.CreatedAt).Hours())
	}
	return nil
}

// demandRows labels the rows: months by time, all of them; areas in their
// list's order; languages and workplaces by name.
func (s *Service) demandRows(db *gorm.DB, by string, figs map[string]*DemandFigures, pers []period) ([]DemandRow, error) {
	rows := []DemandRow{}
	row := func(key, label string, f *DemandFigures) {
		r := DemandRow{Key: key, Label: label}
		if f != nil {
			r.DemandFigures = *f
		}
		r.finish()
		rows = append(rows, r)
	}
	switch by {
	case "month":
		for i, p := range pers {
			row(p.key, p.label, figs[strconv.Itoa(i)])
		}
		return rows, nil
	case "area":
		for _, a := range booking.Areas {
			if f, ok := figs[a]; ok {
				row(a, vocab.Label(vocab.VocabArea, a, "sv"), f)
			}
		}
		return rows, nil
	case "workplace":
		names, err := workplaceNames(db)
		if err != nil {
			return nil, err
		}
		for key, f := range figs {
			id, _ := strconv.ParseInt(key, 10, 64)
			row(key, names[id].Name, f)
		}
	case "language":
		for key, f := range figs {
			label := key
			if l, ok := vocab.LanguageByCode(key); ok {
				label = l.NameSV
			}
			row(key, label, f)
		}
	}
	slices.SortFunc(rows, func(a, b DemandRow) int {
		if c := vocab.CompareSwedish(a.Label, b.Label); c != 0 {
			return c
		}
		return cmp.Compare(a.Key, b.Key)
	})
	return rows, nil
}

// demandKeyHeaders name the first column of the demand report by each key.
var demandKeyHeaders = map[string]word{
	"language": {"Språk", "Language"}, "area": {"Område", "Area"}, "workplace": wordWorkplace, "month": {"Månad", "Month"},
}

// Table implements Tabular: one row per key (its name, not its code), then the total.
func (r *Demand) Table(lang string) [][]string {
	out := [][]string{header(lang, demandKeyHeaders[r.By], word{"Bokade pass", "Sessions booked"},
		word{"Förfrågningar", "Requests"}, word{"Tillsatta", "Filled"}, word{"Avböjda", "Declined"},
		word{"Återtagna", "Withdrawn"}, word{"Utgångna", "Expired"}, word{"Öppna", "Open"},
		word{"Avvisade bokningsförsök", "Attempts turned away"}, word{"Median tid till tillsättning (h)", "Median time to fill (h)"})}
	cells := func(label string, f DemandFigures) []string {
		return []string{label, itoa(f.Booked), itoa(f.Requested), itoa(f.Filled), itoa(f.Declined), itoa(f.Withdrawn),
			itoa(f.Expired), itoa(f.Open), itoa(f.UnmetAttempts), decimal(f.MedianHoursToFill, -1)}
	}
	for _, row := range r.Rows {
		label := row.Label
		if r.By == "language" && lang == "en" {
			if l, ok := vocab.LanguageByCode(row.Key); ok {
				label = l.NameEN
			}
		}
		out = append(out, cells(vocab.Capitalize(label), row.DemandFigures))
	}
	return append(out, cells(wordTotal.in(lang), r.Total))
}
