package request_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/internal/pooltest"
	"github.com/sprakpool/sprakpool/booking/request"
)

// pool: the clock on Monday 22 March 2027 at 10:07; Amina and Bilal speak
// Arabic (Monday to Friday 08:00–16:00); Sara speaks Somali; a manager of
// each workplace and a supervisor's login.
type pool struct {
	*pooltest.Fixture
	rs                 *request.Service
	amina, bilal, sara *booking.Supervisor
	mgrA, mgrB, svUser *booking.User
	now                time.Time
}

func newPool(t *testing.T) *pool {
	t.Helper()
	now := local(t, "2027-03-22 10:07")
	f := pooltest.New(t, now)
	p := &pool{Fixture: f, rs: request.New(f.S), now: now}
	p.amina = f.Supervisor("Amina", []string{"ar"})
	p.bilal = f.Supervisor("Bilal", []string{"ar"})
	p.sara = f.Supervisor("Sara", []string{"so"})
	p.mgrA = f.Manager("chef.a@example.se", f.WpA.ID)
	p.mgrB = f.Manager("chef.b@example.se", f.WpB.ID)
	u, err := f.S.CreateUser(f.Ctx, booking.UserInput{Email: "amina@example.se", Name: "Amina", Role: booking.RoleSupervisor,
		SupervisorID: &p.amina.ID, Password: "secret-password"})
	if err != nil {
		t.Fatal(err)
	}
	p.svUser = u
	return p
}

func local(t testing.TB, v string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatal(err)
	}
	tm, err := time.ParseInLocation("2006-01-02 15:04", v, loc)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// input is a valid request of workplace A: an hour of Arabic on Tuesday or Wednesday.
func (p *pool) input() request.Input {
	return request.Input{WorkplaceID: p.WpA.ID, Language: "ar", Purpose: "parent_information",
		ParticipantsExpected: 8, Notes: "Föräldramöte", DurationMinutes: 60,
		Earliest: p.At("2027-03-23 08:00"), Latest: p.At("2027-03-24 16:00")}
}

func (p *pool) create(actor *booking.User, in request.Input) *request.Request {
	p.T.Helper()
	r, err := p.rs.Create(p.Ctx, actor, in)
	if err != nil {
		p.T.Fatal(err)
	}
	return r
}

func code(err error) booking.Code {
	if err == nil {
		return ""
	}
	return booking.ErrorCode(err)
}

func field(err error) string {
	var e *booking.Error
	if !errors.As(err, &e) || e.Code != booking.CodeInvalid {
		return fmt.Sprintf("not invalid: %v", err)
	}
	return e.Details.([]booking.FieldError)[0].Field
}

func TestCreateRequest(t *testing.T) {
	t.Parallel()
	p := newPool(t)
	r := p.create(p.mgrA, p.input())
	if r.ID == 0 || r.Status != request.StatusOpen || r.Area != "childcare" || r.Mode != "on_site" ||
		r.CreatedBy == nil || *r.CreatedBy != p.mgrA.ID || !r.Earliest.Equal(local(t, "2027-03-23 08:00")) ||
		!r.CreatedAt.Equal(p.now) || r.BookingID != nil {
		t.Fatalf("request %+v", r)
	}
	got, err := p.rs.Get(p.Ctx, p.mgrA, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != request.StatusOpen || !got.Latest.Equal(r.Latest) || got.Notes != "Föräldramöte" || got.ParticipantsExpected != 8 {
		t.Errorf("read back %+v", got)
	}
	// An admin may ask for any workplace, a video session with its link.
	in := p.input()
	in.WorkplaceID, in.Mode, in.MeetingURL = p.WpB.ID, "video", ptr("https://meet.example.se/x")
	if r := p.create(p.Admin, in); r.Area != "elderly_care" || r.MeetingURL == nil {
		t.Errorf("admin's request %+v", r)
	}
	// The window may be exactly the session, and 60 days long.
	in = p.input()
	in.Earliest, in.Latest = p.At("2027-03-23 08:00"), p.At("2027-03-23 09:00")
	p.create(p.mgrA, in)
	in.Earliest, in.Latest = p.At("2027-03-23 08:00"), p.At("2027-05-22 08:00") // across the clock change
	p.create(p.mgrA, in)
	// An earliest in the past is fine while latest is to come.
	in.Earliest, in.Latest = p.At("2027-03-20 08:00"), p.At("2027-03-22 12:00")
	p.create(p.mgrA, in)

	for _, c := range []struct {
		name  string
		edit  func(in *request.Input)
		field string
	}{
		{"window in the past", func(in *request.Input) {
			in.Earliest, in.Latest = p.At("2027-03-01 08:00"), p.At("2027-03-22 10:00")
		}, "latest"},
		{"window ends now", func(in *request.Input) { in.Latest = p.now.Format(time.RFC3339) }, "latest"},
		{"window shorter than the session", func(in *request.Input) {
			in.Earliest, in.Latest = p.At("2027-03-23 08:00"), p.At("2027-03-23 08:45")
		}, "latest"},
		{"latest before earliest", func(in *request.Input) {
			in.Earliest, in.Latest = p.At("2027-03-24 08:00"), p.At("2027-03-23 08:45")
		}, "latest"},
		{"more than 60 days", func(in *request.Input) {
			in.Earliest, in.Latest = p.At("2027-03-23 08:00"), p.At("2027-05-22 08:15")
		}, "latest"},
		{"duration not a multiple of 15", func(in *request.Input) { in.DurationMinutes = 50 }, "duration_minutes"},
		{"no duration", func(in *request.Input) { in.DurationMinutes = 0 }, "duration_minutes"},
		{"duration over 600", func(in *request.Input) { in.DurationMinutes = 615 }, "duration_minutes"},
		{"unknown language", func(in *request.Input) { in.Language = "xx" }, "language"},
		{"bad area", func(in *request.Input) { in.Area = "school" }, "area"},
		{"bad mode", func(in *request.Input) { in.Mode = "letter" }, "mode"},
		{"video without a link", func(in *request.Input) { in.Mode = "video" }, "meeting_url"},
		{"video with an http link", func(in *request.Input) { in.Mode, in.MeetingURL = "video", ptr("http://x.se") }, "meeting_url"},
		{"phone with a link", func(in *request.Input) { in.Mode, in.MeetingURL = "phone", ptr("https://x.se") }, "meeting_url"},
		{"bad purpose", func(in *request.Input) { in.Purpose = "fika" }, "purpose"},
		{"negative participants", func(in *request.Input) { in.ParticipantsExpected = -1 }, "participants_expected"},
		{"notes too long", func(in *request.Input) { in.Notes = strings.Repeat("x", 4001) }, "notes"},
		{"no earliest", func(in *request.Input) { in.Earliest = "" }, "earliest"},
		{"latest without offset", func(in *request.Input) { in.Latest = "2027-03-24T16:00:00" }, "latest"},
		{"no workplace", func(in *request.Input) { in.WorkplaceID = 0 }, "workplace_id"},
	} {
		in := p.input()
		c.edit(&in)
		if _, err := p.rs.Create(p.Ctx, p.mgrA, in); field(err) != c.field {
			t.Errorf("%s: %s, want field %s (%v)", c.name, field(err), c.field, err)
		}
	}
	in = p.input()
	in.WorkplaceID = 9999
	if _, err := p.rs.Create(p.Ctx, p.Admin, in); field(err) != "workplace_id" {
		t.Errorf("unknown workplace: %v", err)
	}
	// The role before the body: another workplace's manager and a supervisor are forbidden.
	bad := p.input()
	bad.Language = "xx"
	for name, actor := range map[string]*booking.User{"other manager": p.mgrB, "supervisor": p.svUser, "nobody": nil} {
		if _, err := p.rs.Create(p.Ctx, actor, bad); code(err) != booking.CodeForbidden {
			t.Errorf("%s: %v, want forbidden", name, err)
		}
	}
}

func TestRequestVisibility(t *testing.T) {
	t.Parallel()
	p := newPool(t)
	a1 := p.create(p.mgrA, p.input())
	inB := p.input()
	inB.WorkplaceID = p.WpB.ID
	b1 := p.create(p.mgrB, inB)
	a2 := p.create(p.Admin, p.input())

	ids := func(list []request.Request) []int64 {
		var out []int64
		for _, r := range list {
			out = append(out, r.ID)
		}
		return out
	}
	for _, c := range []struct {
		name  string
		actor *booking.User
		want  []int64
	}{
		{"admin", p.Admin, []int64{a1.ID, b1.ID, a2.ID}},
		{"manager A", p.mgrA, []int64{a1.ID, a2.ID}},
		{"manager B", p.mgrB, []int64{b1.ID}},
	} {
		list, err := p.rs.List(p.Ctx, c.actor, "")
		if err != nil || !slices.Equal(ids(list), c.want) {
			t.Errorf("%s: %v, %v; want %v (oldest first)", c.name, ids(list), err, c.want)
		}
	}
	if _, err := p.rs.Get(p.Ctx, p.mgrB, a1.ID); code(err) != booking.CodeNotFound {
		t.Errorf("another workplace's request: %v, want not found", err)
	}
	if _, err := p.rs.Withdraw(p.Ctx, p.mgrB, a1.ID); code(err) != booking.CodeNotFound {
		t.Errorf("withdrawing another workplace's request: %v, want not found", err)
	}
	if _, err := p.rs.Get(p.Ctx, p.Admin, 9999); code(err) != booking.CodeNotFound {
		t.Errorf("no such request: %v", err)
	}
	for name, actor := range map[string]*booking.User{"supervisor": p.svUser, "nobody": nil} {
		if _, err := p.rs.List(p.Ctx, actor, ""); code(err) != booking.CodeForbidden {
			t.Errorf("%s lists: %v", name, err)
		}
		if _, err := p.rs.Get(p.Ctx, actor, a1.ID); code(err) != booking.CodeForbidden {
			t.Errorf("%s reads: %v", name, err)
		}
		if _, err := p.rs.Withdraw(p.Ctx, actor, a1.ID); code(err) != booking.CodeForbidden {
			t.Errorf("%s withdraws: %v", name, err)
		}
	}
	for name, actor := range map[string]*booking.User{"manager": p.mgrA, "supervisor": p.svUser} {
		if _, err := p.rs.Fill(p.Ctx, actor, a1.ID, request.FillInput{}); code(err) != booking.CodeForbidden {
			t.Errorf("%s fills: %v", name, err)
		}
		if _, err := p.rs.Decline(p.Ctx, actor, a1.ID, "nej"); code(err) != booking.CodeForbidden {
			t.Errorf("%s declines: %v", name, err)
		}
	}
	if _, err := p.rs.List(p.Ctx, p.Admin, "closed"); field(err) != "status" {
		t.Errorf("unknown status: %v", err)
	}
}

// Open → filled, declined or withdrawn, each once; nothing leaves those.
func TestRequestLifecycle(t *testing.T) {
	t.Parallel()
	p := newPool(t)
	// Amina is busy Tuesday 08:00–12:00: Bilal takes the morning.
	if _, err := p.Book(p.amina, p.WpA, "2027-03-23 08:00", "2027-03-23 12:00"); err != nil {
		t.Fatal(err)
	}
	r := p.create(p.mgrA, p.input())
	got, err := p.rs.Get(p.Ctx, p.Admin, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []request.Candidate{
		{SupervisorID: p.bilal.ID, Start: local(t, "2027-03-23 08:00"), End: local(t, "2027-03-23 09:00")},
		{SupervisorID: p.amina.ID, Start: local(t, "2027-03-23 12:00"), End: local(t, "2027-03-23 13:00")},
		{SupervisorID: p.bilal.ID, Start: local(t, "2027-03-24 08:00"), End: local(t, "2027-03-24 09:00")},
		{SupervisorID: p.amina.ID, Start: local(t, "2027-03-24 08:00"), End: local(t, "2027-03-24 09:00")},
	}
	if !slices.EqualFunc(got.Candidates, want, func(a, b request.Candidate) bool {
		return a.SupervisorID == b.SupervisorID && a.Start.Equal(b.Start) && a.End.Equal(b.End)
	}) {
		t.Fatalf("candidates %+v, want %+v", got.Candidates, want)
	}

	// Outside the window: invalid; a collision: the booking's conflict, and the request stays open.
	for _, c := range []struct {
		name       string
		start, end string
		field      string
	}{
		{"before earliest", "2027-03-23 07:45", "2027-03-23 08:45", "start"},
		{"after latest", "2027-03-24 15:30", "2027-03-24 16:30", "end"},
		{"no offset", "", "", "start"},
	} {
		in := request.FillInput{SupervisorID: p.bilal.ID, Start: "2027-03-23T08:00:00", End: p.At("2027-03-23 09:00")}
		if c.start != "" {
			in.Start, in.End = p.At(c.start), p.At(c.end)
		}
		if _, err := p.rs.Fill(p.Ctx, p.Admin, r.ID, in); field(err) != c.field {
			t.Errorf("%s: %v, want field %s", c.name, err, c.field)
		}
	}
	_, err = p.rs.Fill(p.Ctx, p.Admin, r.ID, request.FillInput{SupervisorID: p.amina.ID, Start: p.At("2027-03-23 09:00"), End: p.At("2027-03-23 10:00")})
	if code(err) != booking.CodeConflict {
		t.Fatalf("Amina while booked: %v, want conflict", err)
	}
	var be *booking.Error
	if errors.As(err, &be); len(be.Details.([]booking.Violation)) == 0 || be.Details.([]booking.Violation)[0].Rule != booking.RuleOverlap {
		t.Errorf("conflict details %+v", be.Details)
	}
	if got, _ := p.rs.Get(p.Ctx, p.Admin, r.ID); got.Status != request.StatusOpen {
		t.Fatalf("after a failed fill: %s", got.Status)
	}

	// The candidate, filled: a booking with the request's fields.
	c := want[0]
	b, err := p.rs.Fill(p.Ctx, p.Admin, r.ID, request.FillInput{SupervisorID: c.SupervisorID,
		Start: c.Start.Format(time.RFC3339), End: c.End.Format(time.RFC3339)})
	if err != nil {
		t.Fatal(err)
	}
	if b.SupervisorID != p.bilal.ID || b.WorkplaceID != p.WpA.ID || b.Language != "ar" || b.Purpose != "parent_information" ||
		b.ParticipantsExpected != 8 || b.Notes != "Föräldramöte" || b.Mode != "on_site" || !b.Start.Equal(c.Start) {
		t.Errorf("booking %+v", b)
	}
	got, err = p.rs.Get(p.Ctx, p.mgrA, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != request.StatusFilled || got.BookingID == nil || *got.BookingID != b.ID || got.ClosedBy == nil ||
		*got.ClosedBy != p.Admin.ID || got.ClosedAt == nil || len(got.Candidates) != 0 {
		t.Errorf("filled request %+v", got)
	}
	if _, err := p.S.Booking(p.Ctx, p.mgrA, b.ID); err != nil {
		t.Errorf("the manager sees the booking: %v", err)
	}
	// Nothing leaves filled.
	if _, err := p.rs.Fill(p.Ctx, p.Admin, r.ID, request.FillInput{SupervisorID: p.amina.ID, Start: p.At("2027-03-24 08:00"), End: p.At("2027-03-24 09:00")}); code(err) != booking.CodeConflict {
		t.Errorf("second fill: %v, want conflict", err)
	}
	if _, err := p.rs.Decline(p.Ctx, p.Admin, r.ID, "Ingen ledig"); code(err) != booking.CodeConflict {
		t.Errorf("declining a filled request: %v", err)
	}
	if _, err := p.rs.Withdraw(p.Ctx, p.mgrA, r.ID); code(err) != booking.CodeConflict {
		t.Errorf("withdrawing a filled request: %v", err)
	}

	// Declined, with a reason, which is required.
	d := p.create(p.mgrA, p.input())
	if _, err := p.rs.Decline(p.Ctx, p.Admin, d.ID, "  "); field(err) != "reason" {
		t.Errorf("decline without a reason: %v", err)
	}
	dr, err := p.rs.Decline(p.Ctx, p.Admin, d.ID, "Ingen handledare den veckan")
	if err != nil || dr.Status != request.StatusDeclined || dr.DeclineReason == nil || *dr.DeclineReason != "Ingen handledare den veckan" {
		t.Fatalf("declined %+v, %v", dr, err)
	}
	if _, err := p.rs.Withdraw(p.Ctx, p.mgrA, d.ID); code(err) != booking.CodeConflict {
		t.Errorf("withdrawing a declined request: %v", err)
	}
	if _, err := p.rs.Fill(p.Ctx, p.Admin, d.ID, request.FillInput{SupervisorID: p.amina.ID, Start: p.At("2027-03-24 08:00"), End: p.At("2027-03-24 09:00")}); code(err) != booking.CodeConflict {
		t.Errorf("filling a declined request: %v", err)
	}

	// Withdrawn by its manager (and by an admin).
	w := p.create(p.mgrA, p.input())
	wr, err := p.rs.Withdraw(p.Ctx, p.mgrA, w.ID)
	if err != nil || wr.Status != request.StatusWithdrawn || wr.ClosedBy == nil || *wr.ClosedBy != p.mgrA.ID {
		t.Fatalf("withdrawn %+v, %v", wr, err)
	}
	if _, err := p.rs.Decline(p.Ctx, p.Admin, w.ID, "x"); code(err) != booking.CodeConflict {
		t.Errorf("declining a withdrawn request: %v", err)
	}
	if wr, err := p.rs.Withdraw(p.Ctx, p.Admin, p.create(p.mgrA, p.input()).ID); err != nil || wr.Status != request.StatusWithdrawn {
		t.Errorf("admin withdraws: %+v, %v", wr, err)
	}

	for status, n := range map[string]int{"": 4, request.StatusOpen: 0, request.StatusFilled: 1, request.StatusDeclined: 1, request.StatusWithdrawn: 2} {
		if list, err := p.rs.List(p.Ctx, p.mgrA, status); err != nil || len(list) != n {
			t.Errorf("status %q: %d, %v; want %d", status, len(list), err, n)
		}
	}
}

// An open request whose latest has passed reads as expired at once, and
// ExpireRequests stores it so.
func TestRequestExpiry(t *testing.T) {
	t.Parallel()
	p := newPool(t)
	in := p.input()
	in.Earliest, in.Latest = p.At("2027-03-22 11:00"), p.At("2027-03-22 14:00")
	r := p.create(p.mgrA, in)
	open := p.create(p.mgrA, p.input())
	p.S.Now = func() time.Time { return local(t, "2027-03-22 14:00") }
	got, err := p.rs.Get(p.Ctx, p.mgrA, r.ID)
	if err != nil || got.Status != request.StatusExpired || len(got.Candidates) != 0 {
		t.Fatalf("at its latest: %+v, %v", got, err)
	}
	for status, want := range map[string][]int64{request.StatusExpired: {r.ID}, request.StatusOpen: {open.ID}} {
		list, err := p.rs.List(p.Ctx, p.Admin, status)
		if err != nil || len(list) != len(want) || list[0].ID != want[0] || list[0].Status != status {
			t.Errorf("%s: %+v, %v", status, list, err)
		}
	}
	if _, err := p.rs.Fill(p.Ctx, p.Admin, r.ID, request.FillInput{SupervisorID: p.amina.ID, Start: p.At("2027-03-22 12:00"), End: p.At("2027-03-22 13:00")}); code(err) != booking.CodeConflict {
		t.Errorf("filling an expired request: %v", err)
	}
	if _, err := p.rs.Withdraw(p.Ctx, p.mgrA, r.ID); code(err) != booking.CodeConflict {
		t.Errorf("withdrawing an expired request: %v", err)
	}
	n, err := p.rs.ExpireRequests(p.Ctx, local(t, "2027-03-22 14:00"))
	if err != nil || n != 1 {
		t.Fatalf("expired %d, %v", n, err)
	}
	if n, err := p.rs.ExpireRequests(p.Ctx, local(t, "2027-03-22 14:00")); err != nil || n != 0 {
		t.Errorf("again: %d, %v", n, err)
	}
	got, err = p.rs.Get(p.Ctx, p.Admin, r.ID)
	if err != nil || got.Status != request.StatusExpired || got.ClosedAt == nil || !got.ClosedAt.Equal(local(t, "2027-03-22 14:00")) {
		t.Errorf("stored expired: %+v, %v", got, err)
	}
}

// Coordinators filling one request at once, with different supervisors and
// the same: exactly one booking, the others a conflict.
func TestConcurrentFillsBookOnce(t *testing.T) {
	t.Parallel()
	p := newPool(t)
	var svs []*booking.Supervisor
	for i := range 6 {
		svs = append(svs, p.Supervisor(fmt.Sprintf("Handledare %d", i), []string{"ar"}))
	}
	r := p.create(p.mgrA, p.input())
	const n = 12
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			sv := svs[i%len(svs)]
			_, errs[i] = p.rs.Fill(p.Ctx, p.Admin, r.ID, request.FillInput{SupervisorID: sv.ID,
				Start: p.At("2027-03-23 10:00"), End: p.At("2027-03-23 11:00")})
		})
	}
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch code(err) {
		case "":
			ok++
		case booking.CodeConflict:
		default:
			t.Errorf("fill %d: %v", i, err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d fills succeeded, want exactly 1", ok)
	}
	list, err := p.S.ListBookings(p.Ctx, p.Admin, booking.BookingFilter{From: "2027-03-23", To: "2027-03-23"})
	if err != nil || len(list) != 1 {
		t.Fatalf("%d bookings, %v; want 1", len(list), err)
	}
	got, err := p.rs.Get(p.Ctx, p.Admin, r.ID)
	if err != nil || got.Status != request.StatusFilled || *got.BookingID != list[0].ID {
		t.Errorf("request %+v, %v", got, err)
	}
}

func ptr[T any](v T) *T { return &v }
