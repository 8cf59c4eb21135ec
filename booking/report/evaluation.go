package report

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/vocab"
)

// Evaluation is what a project's final report asks of the pool for a range:
// how much the workplaces booked and why, how many people were supervised,
// what the workplaces thought, what was cancelled and what the pool could
// not give. It is put together from the other reports' queries, so its
// figures are theirs.
type Evaluation struct {
	From string `json:"from"`
	To   string `json:"to"`
	// Bookings are confirmed bookings, Cancelled cancelled ones, starting in the range.
	Bookings  int `json:"bookings"`
	Cancelled int `json:"cancelled"`
	// WorkplacesBooked have at least one confirmed booking in the range, of
	// Workplaces, the active workplaces.
	WorkplacesBooked  int               `json:"workplaces_booked"`
	Workplaces        int               `json:"workplaces"`
	PersonsSupervised int               `json:"persons_supervised"`
	Followups         FollowupFigures   `json:"followups"`
	WouldBookAgain    YesNo             `json:"would_book_again"`
	Why               []ReasonCount     `json:"why"`
	Quotes            []FollowupComment `json:"quotes"`
	ByPurpose         []ReasonCount     `json:"by_purpose"`
	ByArea            []ReasonCount     `json:"by_area"`
	CancelledByReason []CancellationRow `json:"cancelled_by_reason"`
	// UnmetByLanguage is the demand report by language, the languages the
	// pool lacked most first.
	UnmetByLanguage []DemandRow `json:"unmet_by_language"`
	// Utilization is by month, with its total.
	Utilization      []UtilizationRow   `json:"utilization"`
	UtilizationTotal UtilizationFigures `json:"utilization_total"`
}

// Evaluation computes the evaluation for the local dates from..to.
func (s *Service) Evaluation(ctx context.Context, actor *booking.User, from, to string) (*Evaluation, error) {
	if !actor.IsAdmin() {
		return nil, forbidden("only coordinators may see reports")
	}
	start, end, err := s.svc.ParseRange(from, to)
	if err != nil {
		return nil, err
	}
	db := s.db.Read(ctx)
	ev := &Evaluation{From: from, To: to, Quotes: []FollowupComment{}}
	// The parts below read independently; on a pool of a million bookings a
	// year's evaluation is a few scans of a fifth of them, which run side by
	// side on separate read connections (WAL, or PostgreSQL).
	var (
		wg     sync.WaitGroup
		avail  availability
		aggs   map[string]aggRow
		demand *Demand
		errs   [5]error
	)
	pers := periods("month", start, end)
	wg.Go(func() {
		// One pass over the range's bookings, by month, purpose, area and cancel reason.
		params := map[string]any{}
		aggs, errs[0] = s.evaluationSums(db, start, end, bucketSQL("b.start_at", pers, params), params)
	})
	wg.Go(func() { avail, errs[1] = s.available(db, start, end) })
	wg.Go(func() { ev.Why, ev.WouldBookAgain, errs[2] = s.followupWhy(db, start, end) })
	wg.Go(func() { demand, errs[3] = s.Demand(ctx, actor, from, to, "language") })
	wg.Go(func() { errs[4] = s.evaluationWorkplaces(db, start, end, ev) })
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		return nil, fmt.Errorf("evaluation: %w", err)
	}
	ev.UnmetByLanguage = demand.Rows
	slices.SortStableFunc(ev.UnmetByLanguage, func(a, b DemandRow) int { return cmp.Compare(b.Unmet(), a.Unmet()) })
	purposes, areas, reasons, months := map[string]int{}, map[string]int{}, map[string]aggRow{}, map[string]aggRow{}
	for key, a := range aggs {
		parts := strings.SplitN(key, "|", 4)
		m := months[parts[0]]
		m.bookings += a.bookings
		m.bookedMinutes += a.bookedMinutes
		m.cancelled += a.cancelled
		m.late += a.late
		m.persons += a.persons
		m.followups += a.followups
		months[parts[0]] = m
		purposes[parts[1]] += a.bookings
		areas[parts[2]] += a.bookings
		r := reasons[parts[3]]
		r.cancelled += a.cancelled
		r.cancelledMinutes += a.cancelledMinutes
		r.late += a.late
		r.lateMinutes += a.lateMinutes
		reasons[parts[3]] = r
		ev.Bookings += a.bookings
		ev.Cancelled += a.cancelled
		ev.Followups.add(a)
	}
	ev.Followups.finish()
	ev.PersonsSupervised = ev.Followups.PersonsSupervised
	ev.Utilization = []UtilizationRow{}
	for i, p := range pers {
		r := UtilizationRow{Key: p.key, Label: p.label}
		r.AvailableMinutes = avail.between(p.start, p.end)
		r.add(months[strconv.Itoa(i)])
		r.finish()
		ev.Utilization = append(ev.Utilization, r)
		ev.UtilizationTotal.add(months[strconv.Itoa(i)])
	}
	ev.UtilizationTotal.AvailableMinutes = avail.total
	ev.UtilizationTotal.finish()
	for _, p := range booking.Purposes {
		ev.ByPurpose = append(ev.ByPurpose, ReasonCount{Key: p, Label: vocab.Label(vocab.VocabPurpose, p, "sv"), Count: purposes[p]})
	}
	for _, a := range booking.Areas {
		ev.ByArea = append(ev.ByArea, ReasonCount{Key: a, Label: vocab.Label(vocab.VocabArea, a, "sv"), Count: areas[a]})
	}
	for _, code := range booking.CancelReasons {
		r := CancellationRow{Key: code, Label: vocab.Label(vocab.VocabReason, code, "sv")}
		r.add(reasons[code])
		ev.CancelledByReason = append(ev.CancelledByReason, r)
	}
	return ev, nil
}

// evaluationWorkplaces counts the workplaces that booked (each one's first
// confirmed booking in the range, found by its index) and the active ones, and
// quotes what the workplaces wrote.
func (s *Service) evaluationWorkplaces(db *gorm.DB, start, end time.Time, ev *Evaluation) error {
	row := db.Raw(`SELECT (SELECT COUNT(*) FROM workplaces w WHERE EXISTS (SELECT 1 FROM bookings b
			WHERE b.workplace_id = w.id AND b.start_at >= ? AND b.start_at < ? AND b.status = 'confirmed')),
		(SELECT COUNT(*) FROM workplaces w WHERE w.active)`, start.UTC(), end.UTC()).Row()
	if err := row.Scan(&ev.WorkplacesBooked, &ev.Workplaces); err != nil {
		return fmt.Errorf("workplaces: %w", err)
	}
	names, err := workplaceNames(db)
	if err != nil {
		return err
	}
	ev.Quotes, err = s.followupComments(db, start, end, names)
	return err
}

// evaluationSums sums, in one pass, what the evaluation needs of the bookings
// that start in start..end, keyed by keyExpr || purpose, area and cancel
// reason: the figures of aggregate without billing's, which an evaluation of a
// year cannot afford to work out for every booking.
func (s *Service) evaluationSums(db *gorm.DB, start, end time.Time, keyExpr string, params map[string]any) (map[string]aggRow, error) {
	st := s.db
	q := `SELECT k, COALESCE(SUM(confirmed), 0), COALESCE(SUM(confirmed * minutes), 0),
	COALESCE(SUM(cancelled), 0), COALESCE(SUM(cancelled * minutes), 0),
	COALESCE(SUM(late), 0), COALESCE(SUM(late * minutes), 0), COALESCE(SUM(held), 0),
	COALESCE(SUM(answered), 0), COALESCE(SUM(persons), 0), COALESCE(SUM(rating), 0)
FROM (SELECT ` + keyExpr + ` || '|' || b.purpose || '|' || b.area || '|' || COALESCE(b.cancel_reason_code, '') AS k,
		CASE WHEN b.status = 'confirmed' THEN 1 ELSE 0 END AS confirmed,
		CASE WHEN b.status = 'cancelled' THEN 1 ELSE 0 END AS cancelled,
		` + minutesSQL(st) + ` AS minutes, CASE WHEN ` + lateSQL(st) + ` THEN 1 ELSE 0 END AS late,
		CASE WHEN ` + heldSQL + ` THEN 1 ELSE 0 END AS held,
		CASE WHEN f.booking_id IS NOT NULL THEN 1 ELSE 0 END AS answered,
		COALESCE(f.persons_supervised, 0) AS persons, COALESCE(f.rating, 0) AS rating
	FROM bookings b LEFT JOIN booking_followups f ON f.booking_id = b.id
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
			&a.late, &a.lateMinutes, &a.held, &a.followups, &a.persons, &a.ratingTotal); err != nil {
			return nil, fmt.Errorf("sum bookings: %w", err)
		}
		out[key] = a
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sum bookings: %w", err)
	}
	return out, nil
}

// Table implements Tabular: one figure a line, under the heading of its part,
// named and formatted as a reader expects (shares as "88 %", no codes).
func (ev *Evaluation) Table(lang string) [][]string {
	out := [][]string{header(lang, word{"Del", "Part"}, word{"Vad", "What"}, word{"Antal", "Figure"})}
	line := func(part word, what, figure string) { out = append(out, []string{part.in(lang), what, figure}) }
	pct := percent
	sum := word{"Sammanfattning", "Summary"}
	line(sum, word{"Bokade pass", "Sessions booked"}.in(lang), itoa(ev.Bookings))
	line(sum, word{"Verksamheter som bokade", "Workplaces that booked"}.in(lang), fmt.Sprintf("%d / %d", ev.WorkplacesBooked, ev.Workplaces))
	line(sum, wordPersons.in(lang), itoa(ev.PersonsSupervised))
	line(sum, wordHeld.in(lang), itoa(ev.Followups.Held))
	line(sum, word{"Svarsfrekvens", "Response rate"}.in(lang), pct(ev.Followups.ResponseRate))
	line(sum, word{"Medelbetyg (1–5)", "Average rating (1–5)"}.in(lang), decimal(ev.Followups.AverageRating, -1))
	line(sum, word{"Skulle boka igen", "Would book again"}.in(lang), pct(ev.WouldBookAgain.Share()))
	line(sum, wordCancelled.in(lang), itoa(ev.Cancelled))
	line(sum, word{"Beläggningsgrad", "Utilization"}.in(lang), pct(ev.UtilizationTotal.Utilization))
	for _, r := range ev.ByPurpose {
		line(word{"Bokningar per syfte", "Bookings by purpose"}, vocab.Label(vocab.VocabPurpose, r.Key, lang), itoa(r.Count))
	}
	for _, r := range ev.ByArea {
		line(word{"Bokningar per område", "Bookings by area"}, vocab.Label(vocab.VocabArea, r.Key, lang), itoa(r.Count))
	}
	for _, r := range ev.Why {
		line(word{"Varför de bokade", "Why they booked"}, vocab.Label(vocab.VocabWhy, r.Key, lang), itoa(r.Count))
	}
	for _, r := range ev.CancelledByReason {
		line(word{"Avbokningar per orsak", "Cancellations by reason"}, vocab.Label(vocab.VocabReason, r.Key, lang), itoa(r.Cancelled))
	}
	for _, r := range ev.UnmetByLanguage {
		name := r.Label
		if l, ok := vocab.LanguageByCode(r.Key); ok && lang == "en" {
			name = l.NameEN
		}
		line(word{"Ej tillgodosedd efterfrågan per språk", "Unmet demand by language"}, name, itoa(r.Unmet()))
	}
	for _, r := range ev.Utilization {
		line(word{"Beläggning per månad", "Utilization by month"}, r.Label, pct(r.Utilization))
	}
	for _, q := range ev.Quotes {
		text := strings.TrimSpace(strings.Join([]string{q.WhyBooked, q.Comment}, " – "))
		text = strings.Trim(text, " –")
		line(word{"Citat", "Quotes"}, q.Workplace+", "+q.Date+", "+vocab.Label(vocab.VocabPurpose, q.Purpose, lang), text)
	}
	return out
}
