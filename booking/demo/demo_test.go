package demo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/account"
	"github.com/sprakpool/sprakpool/booking/internal/pooltest"
)

// demoNow is a Wednesday morning whose half year around it holds Christmas,
// Easter, första maj and Kristi himmelsfärd, and both DST switches.
func demoNow(t testing.TB) time.Time {
	t.Helper()
	loc := booking.DefaultConfig().Location
	return time.Date(2026, 3, 11, 9, 30, 0, 0, loc)
}

func loadDemo(t testing.TB, now time.Time) *booking.Service {
	t.Helper()
	s := pooltest.NewService(t, now)
	began := time.Now()
	if err := Load(context.Background(), s); err != nil {
		t.Fatalf("Load: %v", err)
	}
	t.Logf("Load took %v", time.Since(began).Round(time.Millisecond))
	return s
}

// demoBookings lists every booking from 100 days before now to 100 days after it.
func demoBookings(t testing.TB, s *booking.Service, admin *booking.User) []booking.Booking {
	t.Helper()
	now := s.Now().In(s.Config().Location)
	list, err := s.ListBookings(context.Background(), admin, booking.BookingFilter{
		From: now.AddDate(0, 0, -100).Format(time.DateOnly), To: now.AddDate(0, 0, 100).Format(time.DateOnly)})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestDemoLoad(t *testing.T) {
	ctx := context.Background()
	now := demoNow(t)
	s := loadDemo(t, now)

	logins := Logins()
	if logins[0].Role != booking.RoleAdmin || logins[0].Email != "samordnare@sprakpool.example.se" {
		t.Fatalf("first demo login is %+v, want the coordinator", logins[0])
	}
	var admin *booking.User
	managed := map[int64]bool{}
	seen := map[string]bool{}
	roles := map[string]int{}
	for i, l := range logins {
		if seen[l.Email] {
			t.Errorf("demo login %s listed twice", l.Email)
		}
		seen[l.Email] = true
		if l.Password != Password || !strings.HasSuffix(l.Email, "@sprakpool.example.se") {
			t.Errorf("demo login %+v", l)
		}
		if i > 0 && roleOrder(l.Role) < roleOrder(logins[i-1].Role) {
			t.Errorf("demo logins not ordered admin, managers, supervisors: %s after %s", l.Role, logins[i-1].Role)
		}
		u, err := account.New(s).Login(ctx, l.Email, l.Password)
		if err != nil {
			t.Errorf("login %s: %v", l.Email, err)
			continue
		}
		if u.Role != l.Role {
			t.Errorf("%s has role %s, DemoLogins says %s", l.Email, u.Role, l.Role)
		}
		roles[u.Role]++
		switch u.Role {
		case booking.RoleAdmin:
			admin = u
		case booking.RoleManager:
			for _, id := range u.WorkplaceIDs {
				managed[id] = true
			}
		case booking.RoleSupervisor:
			if u.SupervisorID == nil {
				t.Errorf("supervisor user %s has no supervisor", u.Email)
			}
		}
	}
	if admin == nil {
		t.Fatal("no admin could log in")
	}

	wps, err := s.ListWorkplaces(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	if len(wps) != 12 {
		t.Errorf("%d workplaces, want 12", len(wps))
	}
	kinds := map[string]int{}
	for _, w := range wps {
		kinds[w.Kind]++
		if !managed[w.ID] {
			t.Errorf("workplace %s has no demo manager", w.Name)
		}
		if w.Address == "" || w.CostCenter == "" {
			t.Errorf("workplace %+v lacks address or cost centre", w)
		}
	}
	for _, k := range []string{"childcare", "elderly_care", "kitchen"} {
		if kinds[k] == 0 {
			t.Errorf("no %s workplace", k)
		}
	}
	svs, err := s.ListSupervisors(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	if len(svs) < 12 {
		t.Errorf("%d supervisors, want at least 12", len(svs))
	}
	langs := map[string]bool{}
	for _, sv := range svs {
		for _, l := range sv.Languages {
			langs[l] = true
		}
		ws, err := s.Availability(ctx, admin, sv.ID)
		if err != nil || len(ws) == 0 {
			t.Errorf("supervisor %s has no availability (%v)", sv.Name, err)
		}
	}
	if len(langs) < 10 {
		t.Errorf("%d distinct languages, want at least 10", len(langs))
	}
	if roles[booking.RoleManager] < len(wps) || roles[booking.RoleSupervisor] != len(svs) {
		t.Errorf("roles %v for %d workplaces and %d supervisors", roles, len(wps), len(svs))
	}

	list := demoBookings(t, s, admin)
	var past, future, cancelled, lateCancelled, followups, heldPast int
	modes := map[string]int{}
	purposes := map[string]int{}
	bySupervisor := map[int64][]booking.Booking{}
	for _, b := range list {
		modes[b.Mode]++
		purposes[b.Purpose]++
		if b.End.After(now) && !b.Start.After(now) {
			// under way now: neither past nor future
		} else if b.Start.Before(now) {
			past++
		} else {
			future++
		}
		if b.Start.Before(now.AddDate(0, 0, -92)) || b.End.After(now.AddDate(0, 0, 93)) {
			t.Errorf("booking %d at %v lies outside three months around now", b.ID, b.Start)
		}
		if b.Mode == "video" && (b.MeetingURL == nil || !strings.HasPrefix(*b.MeetingURL, "https://")) {
			t.Errorf("video booking %d without an https meeting link", b.ID)
		}
		if !b.CreatedAt.Before(b.Start) || b.CreatedAt.After(now) {
			t.Errorf("booking %d starting %v was created %v", b.ID, b.Start, b.CreatedAt)
		}
		switch b.Status {
		case booking.StatusCancelled:
			cancelled++
			if b.CancelReasonCode == nil || b.CancelReason == nil || *b.CancelReason == "" || b.CancelledAt == nil {
				t.Errorf("cancelled booking %d lacks a reason", b.ID)
			} else if s.IsLateCancel(&b, *b.CancelledAt) {
				lateCancelled++
			}
			if b.Followup != nil {
				t.Errorf("cancelled booking %d has a follow-up", b.ID)
			}
		case booking.StatusConfirmed:
			bySupervisor[b.SupervisorID] = append(bySupervisor[b.SupervisorID], b)
			if b.Held(now) {
				heldPast++
			}
		}
		if b.Followup != nil {
			followups++
			f := b.Followup
			if !b.Held(now) || f.Rating < 1 || f.Rating > 5 || f.WhyBooked == "" || f.CreatedAt.Before(b.End) ||
				len(f.Reasons) == 0 || f.WouldBookAgain == nil {
				t.Errorf("bad follow-up %+v of booking %d ending %v", f, b.ID, b.End)
			}
		}
	}
	t.Logf("%d workplaces, %d supervisors, %d languages, %d logins %v", len(wps), len(svs), len(langs), len(logins), roles)
	t.Logf("%d bookings: %d past, %d future, %d cancelled (%d late), %d held, %d follow-ups; modes %v; purposes %v",
		len(list), past, future, cancelled, lateCancelled, heldPast, followups, modes, purposes)
	if len(list) < 200 {
		t.Errorf("only %d bookings, want a few hundred", len(list))
	}
	if past == 0 || future == 0 || cancelled == 0 || followups == 0 {
		t.Errorf("want bookings before and after now, cancelled ones and follow-ups")
	}
	if modes["on_site"] == 0 || modes["phone"] == 0 || modes["video"] == 0 {
		t.Errorf("want every mode, got %v", modes)
	}
	for id, bs := range bySupervisor {
		for i := 1; i < len(bs); i++ {
			if bs[i].Start.Before(bs[i-1].End) {
				t.Errorf("supervisor %d: bookings %d and %d overlap", id, bs[i-1].ID, bs[i].ID)
			}
		}
	}

	if err := Load(ctx, s); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("second Load: %v, want ErrNotEmpty", err)
	}
	if n := len(demoBookings(t, s, admin)); n != len(list) {
		t.Errorf("second Load changed the bookings: %d, was %d", n, len(list))
	}
}

func roleOrder(role string) int {
	return slices.Index([]string{booking.RoleAdmin, booking.RoleManager, booking.RoleSupervisor}, role)
}

// TestDemoNotEmpty: a database with only a workplace, only a supervisor, or only a
// demo account is not empty.
func TestDemoNotEmpty(t *testing.T) {
	ctx := context.Background()
	now := demoNow(t)
	admin := &booking.User{Role: booking.RoleAdmin}
	for name, fill := range map[string]func(s *booking.Service) error{
		"workplace": func(s *booking.Service) error {
			n, k := "Förskolan Solrosen", "childcare"
			_, err := s.CreateWorkplace(ctx, admin, booking.WorkplaceInput{Name: &n, Kind: &k})
			return err
		},
		"supervisor": func(s *booking.Service) error {
			n, l, a := "Amina Yusuf", []string{"so"}, []string{"childcare"}
			_, err := s.CreateSupervisor(ctx, admin, booking.SupervisorInput{Name: &n, Languages: &l, Areas: &a})
			return err
		},
		"coordinator": func(s *booking.Service) error {
			_, err := s.CreateUser(ctx, booking.UserInput{Email: "samordnare@sprakpool.example.se", Name: "Samordnare",
				Role: booking.RoleAdmin, Password: "another-password"})
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			s := pooltest.NewService(t, now)
			if err := fill(s); err != nil {
				t.Fatal(err)
			}
			if err := Load(ctx, s); !errors.Is(err, ErrNotEmpty) {
				t.Fatalf("Load: %v, want ErrNotEmpty", err)
			}
		})
	}
}

// TestDemoDeterministic: the same clock gives the same pool.
func TestDemoDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo twice")
	}
	now := demoNow(t)
	fingerprint := func() string {
		s := loadDemo(t, now)
		admin, err := account.New(s).Login(context.Background(), "samordnare@sprakpool.example.se", Password)
		if err != nil {
			t.Fatal(err)
		}
		var sb strings.Builder
		for _, b := range demoBookings(t, s, admin) {
			fmt.Fprintf(&sb, "%d %d %s %s %v %s %v\n", b.SupervisorID, b.WorkplaceID, b.Language, b.Status,
				b.Start, b.Mode, b.Followup != nil)
		}
		return sb.String()
	}
	if a, b := fingerprint(), fingerprint(); a != b {
		t.Fatal("two loads with the same clock differ")
	}
}
