package ui_test

import (
	"context"
	"net/url"
	"time"

	"github.com/sprakpool/sprakpool/booking/request"
)

// requestForm is the request page's form for A's workplace, a window of one
// hour at s.
func requestForm(f *authz, s time.Time) url.Values {
	s = s.In(f.loc)
	return url.Values{"workplace_id": {itoa(f.A)}, "language": {"ar"}, "duration": {"60"}, "purpose": {"workplace_support"},
		"mode": {"on_site"}, "earliest_date": {s.Format(time.DateOnly)}, "earliest_time": {s.Format("15:04")},
		"latest_date": {s.Format(time.DateOnly)}, "latest_time": {s.Add(time.Hour).Format("15:04")}}
}

// openRequest makes an open request of A's workplace for one hour at s, as
// the coordinator, for one cell to withdraw, fill or decline.
func (f *authz) openRequest(s time.Time) int64 {
	f.t.Helper()
	ctx := context.Background()
	admin, err := f.svc.UserByEmail(ctx, "admin@example.se")
	if err != nil {
		f.t.Fatal(err)
	}
	r, err := request.New(f.svc).Create(ctx, admin, request.Input{WorkplaceID: f.A, Language: "ar", Mode: "on_site",
		Purpose: "workplace_support", DurationMinutes: 60, Earliest: s.Format(time.RFC3339), Latest: s.Add(time.Hour).Format(time.RFC3339)})
	if err != nil {
		f.t.Fatal(err)
	}
	return r.ID
}
