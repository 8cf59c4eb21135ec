package booking

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// A booking needs attention when its supervisor can no longer give it: an
// absence recorded over it, a weekly window taken away, a day that became a
// closed day, a supervisor made inactive. The booking stays (the workplace
// still expects someone); the coordinator gives it to another supervisor or
// cancels it. Attention is computed when bookings are read, never stored, so
// it is right whatever changed the schedule.

// RuleSupervisorInactive is the attention rule of a booking whose supervisor
// is no longer active in the pool.
const RuleSupervisorInactive = "supervisor_inactive"

// KindAttention is the message to the coordinators listing the bookings a
// change (an absence, an import, an availability change, a deactivation) left
// without a supervisor. The core writes it in the change's transaction, so it
// goes out once, with the change or not at all.
const KindAttention = "bookings_attention"

// attentionInput is what the attention rules read of one supervisor.
type attentionInput struct {
	active   bool
	windows  []Window
	absences []Absence
}

// attentionOf returns the rules the booking breaks now with the supervisor's
// schedule in: closed_day, outside_availability, absence (one per absence),
// supervisor_inactive. It is empty for a cancelled booking or one that is over.
func (r ruleSet) attentionOf(b *Booking, in *attentionInput, now time.Time) []Violation {
	out := []Violation{}
	if b.Status != StatusConfirmed || !b.End.After(now) || in == nil {
		return out
	}
	a := r.at(b.slot())
	if a.closed != nil {
		out = append(out, Violation{Rule: RuleClosedDay, Date: a.closed.Date})
	}
	if !a.insideWindow(in.windows) {
		out = append(out, Violation{Rule: RuleOutsideAvailability})
	}
	for _, ab := range in.absences {
		if ab.Start.Before(b.End) && ab.End.After(b.Start) {
			out = append(out, Violation{Rule: RuleAbsence, AbsenceID: ab.ID})
		}
	}
	if !in.active {
		out = append(out, Violation{Rule: RuleSupervisorInactive})
	}
	return out
}

// fillAttention sets Attention on every booking of list with three queries in
// all (supervisors, windows, absences over the list's time span), however long
// the list: the coordinator's lists show it on every row.
func (s *Service) fillAttention(db *gorm.DB, list []*Booking) error {
	now := s.now()
	var ids []int64
	var lo, hi time.Time
	for _, b := range list {
		b.Attention = []Violation{}
		if b.Status != StatusConfirmed || !b.End.After(now) {
			continue
		}
		if !slices.Contains(ids, b.SupervisorID) {
			ids = append(ids, b.SupervisorID)
		}
		if lo.IsZero() || b.Start.Before(lo) {
			lo = b.Start
		}
		if b.End.After(hi) {
			hi = b.End
		}
	}
	if len(ids) == 0 {
		return nil
	}
	ins, err := s.attentionInputs(db, ids, lo, hi)
	if err != nil {
		return err
	}
	r := s.rules()
	for _, b := range list {
		if b.Status == StatusConfirmed && b.End.After(now) {
			b.Attention = r.attentionOf(b, ins[b.SupervisorID], now)
		}
	}
	return nil
}

// attentionInputs reads, for the supervisors of ids, whether they are active,
// their weekly windows, and their absences that touch lo..hi.
func (s *Service) attentionInputs(db *gorm.DB, ids []int64, lo, hi time.Time) (map[int64]*attentionInput, error) {
	out := make(map[int64]*attentionInput, len(ids))
	var svs []Supervisor
	if err := db.Select("id, active").Where("id IN ?", ids).Find(&svs).Error; err != nil {
		return nil, fmt.Errorf("attention: supervisors: %w", err)
	}
	for _, sv := range svs {
		out[sv.ID] = &attentionInput{active: sv.Active}
	}
	var rows []availabilityRow
	if err := db.Where("supervisor_id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("attention: availability: %w", err)
	}
	for _, w := range rows {
		if in := out[w.SupervisorID]; in != nil {
			in.windows = append(in.windows, Window{Weekday: w.Weekday, Start: w.StartMinute, End: w.EndMinute})
		}
	}
	var abs []Absence
	if err := db.Select("id, supervisor_id, start_at, end_at").Where("supervisor_id IN ? AND start_at < ? AND end_at > ?",
		ids, hi.UTC(), lo.UTC()).Order("start_at, id").Find(&abs).Error; err != nil {
		return nil, fmt.Errorf("attention: absences: %w", err)
	}
	for _, a := range abs {
		if in := out[a.SupervisorID]; in != nil {
			a.Start, a.End = a.Start.UTC(), a.End.UTC()
			in.absences = append(in.absences, a)
		}
	}
	return out, nil
}

// upcoming returns the supervisor's confirmed bookings that are not over, by start.
func (s *Service) upcoming(db *gorm.DB, supervisorID int64) ([]Booking, error) {
	var list []Booking
	if err := db.Where("supervisor_id = ? AND status = ? AND end_at > ?", supervisorID, StatusConfirmed, s.now().UTC()).
		Order("start_at, id").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("upcoming bookings of supervisor %d: %w", supervisorID, err)
	}
	return list, nil
}

// impact returns the supervisor's upcoming bookings that change would newly
// leave without them: those that break a rule with the changed schedule that
// they did not break before. change edits a copy of the schedule.
func (s *Service) impact(db *gorm.DB, supervisorID int64, change func(*attentionInput)) ([]Booking, error) {
	list, err := s.upcoming(db, supervisorID)
	if err != nil || len(list) == 0 {
		return []Booking{}, err
	}
	ins, err := s.attentionInputs(db, []int64{supervisorID}, list[0].Start, list[len(list)-1].End.Add(maxBookingLength))
	if err != nil {
		return nil, err
	}
	before := ins[supervisorID]
	if before == nil {
		return nil, errNotFound("supervisor")
	}
	after := &attentionInput{active: before.active, windows: slices.Clone(before.windows), absences: slices.Clone(before.absences)}
	change(after)
	r, now := s.rules(), s.now()
	out := []Booking{}
	for i := range list {
		b := &list[i]
		was := r.attentionOf(b, before, now)
		is := r.attentionOf(b, after, now)
		for _, v := range is {
			if !slices.ContainsFunc(was, func(w Violation) bool { return w.Rule == v.Rule && w.AbsenceID == v.AbsenceID }) {
				b.Attention = is
				out = append(out, *b)
				break
			}
		}
	}
	return out, nil
}

// AbsenceImpact returns the upcoming confirmed bookings that an absence from
// start to end (RFC 3339) would leave without the supervisor: what the
// absence form shows before it is saved.
func (s *Service) AbsenceImpact(ctx context.Context, actor *User, supervisorID int64, in AbsenceInput) ([]Booking, error) {
	if !canSeeSchedule(actor, supervisorID) {
		return nil, errForbidden("only coordinators and the supervisor may record absences")
	}
	start, end, err := s.checkAbsence(in)
	if err != nil {
		return nil, err
	}
	return s.impact(s.store.Read(ctx), supervisorID, func(a *attentionInput) {
		a.absences = append(a.absences, Absence{Start: start.UTC(), End: end.UTC()})
	})
}

// AvailabilityImpact returns the upcoming confirmed bookings that replacing
// the supervisor's weekly pattern by ws would leave outside it.
func (s *Service) AvailabilityImpact(ctx context.Context, actor *User, supervisorID int64, ws []Window) ([]Booking, error) {
	if !canSeeSchedule(actor, supervisorID) {
		return nil, errForbidden("only coordinators and the supervisor may change the availability")
	}
	if err := ValidateWindows(ws); err != nil {
		return nil, err
	}
	return s.impact(s.store.Read(ctx), supervisorID, func(a *attentionInput) { a.windows = slices.Clone(ws) })
}

// DeactivationImpact returns the upcoming confirmed bookings of a supervisor
// that making them inactive would leave without a supervisor.
func (s *Service) DeactivationImpact(ctx context.Context, actor *User, supervisorID int64) ([]Booking, error) {
	if !actor.IsAdmin() {
		return nil, errForbidden("only coordinators may change supervisors")
	}
	return s.impact(s.store.Read(ctx), supervisorID, func(a *attentionInput) { a.active = false })
}

// NoteAttention writes, in tx, one message to each active coordinator listing
// the bookings ids that a change (named by cause: absence, availability,
// inactive) left without the supervisor; key names the change, so that the
// message is written once. Nothing is written when ids is empty. It is
// exported for the .ics import (booking/calendar).
func (s *Service) NoteAttention(tx *gorm.DB, supervisorID int64, cause, key string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	var admins []User
	if err := tx.Where("role = ? AND active = ?", RoleAdmin, true).Order("id").Find(&admins).Error; err != nil {
		return fmt.Errorf("coordinators to tell: %w", err)
	}
	payload, err := json.Marshal(map[string]any{"booking_ids": ids, "supervisor_id": supervisorID, "cause": cause})
	if err != nil {
		return err
	}
	for _, u := range admins {
		m := &Message{Key: fmt.Sprintf("attention:%s:%s", key, strings.ToLower(u.Email)), Kind: KindAttention,
			Recipient: u.Email, UserID: &u.ID, Payload: string(payload)}
		if _, err := s.InsertMessage(tx, m); err != nil {
			return fmt.Errorf("tell the coordinators: %w", err)
		}
	}
	return nil
}

// noteImpact tells the coordinators of the bookings affected that a change
// written in tx left without the supervisor.
func (s *Service) noteImpact(tx *gorm.DB, supervisorID int64, cause string, affected []Booking) error {
	ids := make([]int64, len(affected))
	for i, b := range affected {
		ids[i] = b.ID
	}
	return s.NoteAttention(tx, supervisorID, cause, fmt.Sprintf("%s:%d:%d", cause, supervisorID, s.now().UnixNano()), ids)
}

// Replacements returns who could take the booking instead of its supervisor:
// active supervisors who speak its language and cover its area, free under
// every rule, fewest booked minutes that week first (coordinators only).
func (s *Service) Replacements(ctx context.Context, actor *User, b *Booking) ([]FreeSupervisor, error) {
	if !actor.IsAdmin() {
		return nil, errForbidden("only coordinators give a booking to another supervisor")
	}
	q := FreeQuery{Language: b.Language, Area: b.Area, Start: b.Start.Format(time.RFC3339), End: b.End.Format(time.RFC3339)}
	if b.Mode == "on_site" {
		q.WorkplaceID = &b.WorkplaceID
	}
	list, err := s.FreeSupervisors(ctx, actor, q)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(list, func(f FreeSupervisor) bool { return f.Supervisor.ID == b.SupervisorID }), nil
}
