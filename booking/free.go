package booking

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sprakpool/sprakpool/booking/vocab"
)

// FreeQuery asks who could be booked for a window.
type FreeQuery struct {
	Language    string
	Area        string
	Start, End  string
	WorkplaceID *int64
}

// FreeSupervisor is a supervisor who could take the window, with that ISO week's load.
type FreeSupervisor struct {
	Supervisor  Supervisor
	WeekMinutes int
}

// FreeSupervisors lists the supervisors who could be booked for the window under
// every rule (the travel buffer only when the workplace is given), fewest booked
// minutes that week first.
func (s *Service) FreeSupervisors(ctx context.Context, actor *User, q FreeQuery) ([]FreeSupervisor, error) {
	if !actor.IsAdmin() && (actor == nil || actor.Role != RoleManager) {
		return nil, errForbidden("only coordinators and managers may search for free supervisors")
	}
	var p Problems
	start := ParseTime(&p, "start", q.Start)
	end := ParseTime(&p, "end", q.End)
	if _, ok := vocab.LanguageByCode(q.Language); !ok {
		p.Add("language", "choose_language", "unknown language %q; use an ISO 639 code such as ar or so", q.Language)
	}
	if q.Area != "" && !oneOf(q.Area, Areas) {
		p.Add("area", "area", "must be one of %s", strings.Join(Areas, ", "))
	}
	if len(p) == 0 && (!end.After(start) || !s.endsSameDay(start, end)) {
		p.Add("end", "end_before_start", "must be after start, on the same day")
	}
	db := s.store.Read(ctx)
	if q.WorkplaceID != nil {
		if _, err := workplaceByID(db, *q.WorkplaceID); err != nil {
			if ErrorCode(err) != CodeNotFound {
				return nil, err
			}
			p.Add("workplace_id", "no_workplace", "there is no workplace %d", *q.WorkplaceID)
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	ids, err := s.candidates(db, q.Language, q.Area)
	if err != nil {
		return nil, err
	}
	c := slot{Start: start.UTC().Truncate(time.Second), End: end.UTC().Truncate(time.Second), WorkplaceID: deref(q.WorkplaceID), Mode: "on_site"}
	free, err := s.freeSupervisors(db, ids, c, q.WorkplaceID != nil, nil, 0)
	if err != nil {
		return nil, err
	}
	ids = make([]int64, len(free))
	for i, f := range free {
		ids[i] = f.id
	}
	// One query per table for all of them, not three per supervisor: a common
	// language has hundreds of free supervisors in a big pool.
	var list []Supervisor
	if err := db.Where("id IN ?", ids).Find(&list).Error; err != nil {
		return nil, fmt.Errorf("free supervisors: %w", err)
	}
	if err := s.loadSupervisorSkills(ctx, db, list); err != nil {
		return nil, err
	}
	if err := fillSupervisorTokens(db, list); err != nil {
		return nil, err
	}
	byID := make(map[int64]*Supervisor, len(list))
	for i := range list {
		byID[list[i].ID] = &list[i]
	}
	out := make([]FreeSupervisor, 0, len(free))
	for _, f := range free {
		sv := byID[f.id]
		if sv == nil {
			return nil, fmt.Errorf("free supervisor %d: %w", f.id, errNotFound("supervisor"))
		}
		out = append(out, FreeSupervisor{Supervisor: *sv, WeekMinutes: f.weekMinutes})
	}
	return out, nil
}
