package web

import (
	"cmp"
	"context"
	"slices"

	"github.com/sprakpool/sprakpool/booking"
)

// names looks up supervisors and workplaces by id for the pages.
type names struct {
	sups map[int64]booking.Supervisor
	wps  map[int64]booking.Workplace
}

func (s *Server) names(ctx context.Context, u *booking.User) (*names, error) {
	sups, err := s.svc.ListSupervisors(ctx, u)
	if err != nil {
		return nil, err
	}
	wps, err := s.svc.ListWorkplaces(ctx, u)
	if err != nil {
		return nil, err
	}
	n := &names{sups: map[int64]booking.Supervisor{}, wps: map[int64]booking.Workplace{}}
	for _, sv := range sups {
		n.sups[sv.ID] = sv
	}
	for _, w := range wps {
		n.wps[w.ID] = w
	}
	return n, nil
}

// bookingView is a booking with what a page shows next to it.
type bookingView struct {
	booking.Booking
	Supervisor booking.Supervisor
	Workplace  booking.Workplace
}

func (n *names) view(b booking.Booking) bookingView {
	return bookingView{Booking: b, Supervisor: n.sups[b.SupervisorID], Workplace: n.wps[b.WorkplaceID]}
}

func sortedSupervisors(n *names) []booking.Supervisor {
	out := make([]booking.Supervisor, 0, len(n.sups))
	for _, sv := range n.sups {
		out = append(out, sv)
	}
	slices.SortFunc(out, func(a, b booking.Supervisor) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	return out
}

func sortWorkplaces(list []booking.Workplace) {
	slices.SortFunc(list, func(a, b booking.Workplace) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
}
