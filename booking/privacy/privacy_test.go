package privacy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/account"
	"github.com/sprakpool/sprakpool/booking/calendar"
	"github.com/sprakpool/sprakpool/booking/internal/pooltest"
	"github.com/sprakpool/sprakpool/booking/outbox"
	"github.com/sprakpool/sprakpool/booking/report"
)

// privacyPool is a pool with two supervisors whose every personal field and
// free text carries a marker: X ("Amina", markers ending in -X) is the one
// exported and erased, Y ("Bashir", -Y) the one that must stay untouched.
type privacyPool struct {
	*pooltest.Fixture
	privacy        *Service
	now            *time.Time
	x, y           *booking.Supervisor
	xUser, yUser   *booking.User
	manager        *booking.User
	xToken         string // API token of X's user
	xSession       string // session token of X's user
	xResetSecret   string // unused password-reset link of X's user
	xFeedToken     string
	xBookings      []*booking.Booking
	xMarkers       []string // every trace of X's personal data
	yMarkers       []string
	futureOfX      *booking.Booking // cancelled before the erasure
	reportsFrom    string
	reportsTo      string
	xPendingMailID int64
}

func newPrivacyPool(t *testing.T) *privacyPool {
	t.Helper()
	loc := booking.DefaultConfig().Location
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, loc)
	p := &privacyPool{Fixture: pooltest.New(t, now), now: &now}
	p.S.Now = func() time.Time { return *p.now }
	p.privacy = New(p.S)
	ctx, s := p.Ctx, p.S
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	p.x = p.Supervisor("Amina Yusuf", []string{"ar", "so"})
	p.y = p.Supervisor("Bashir Ali", []string{"ar"})
	var err error
	for _, sv := range []struct {
		sv           *booking.Supervisor
		email, phone string
	}{{p.x, "amina@example.se", "070-111 22 33"}, {p.y, "bashir@example.se", "070-999 88 77"}} {
		_, err = s.UpdateSupervisor(ctx, p.Admin, sv.sv.ID, booking.SupervisorInput{Email: &sv.email, Phone: &sv.phone})
		must(err)
	}
	p.xMarkers = []string{"Amina", "amina@example.se", "amina.user@example.se", "070-111 22 33"}
	p.yMarkers = []string{"Bashir", "bashir@example.se", "bashir.user@example.se", "070-999 88 77"}
	p.xUser, err = s.CreateUser(ctx, booking.UserInput{Email: "amina.user@example.se", Name: "Amina Yusuf", Role: booking.RoleSupervisor, SupervisorID: &p.x.ID, Password: "amina-password"})
	must(err)
	// The user's own mobile number, with SMS reminders on: the reminder planned
	// below goes to it also by SMS, so the outbox holds the number too.
	ownPhone, smsOn := "070-111 22 99", true
	must(s.SetContact(ctx, p.xUser, booking.ContactPatch{Phone: &ownPhone, SMSReminders: &smsOn}))
	p.xMarkers = append(p.xMarkers, "+46701112299")
	p.yUser, err = s.CreateUser(ctx, booking.UserInput{Email: "bashir.user@example.se", Name: "Bashir Ali", Role: booking.RoleSupervisor, SupervisorID: &p.y.ID, Password: "bashir-password"})
	must(err)
	p.manager = p.Fixture.Manager("chef@example.se", p.WpA.ID)
	p.xToken, err = account.New(s).CreateToken(ctx, p.xUser.Email)
	must(err)
	p.xSession = "session-of-amina"
	must(account.New(s).Sessions().CommitCtx(ctx, p.xSession, []byte(`{"user":"Amina Yusuf"}`), now.Add(time.Hour)))
	must(account.New(s).Sessions().Bind(ctx, p.xSession, p.xUser.ID))
	sv, err := s.Supervisor(ctx, p.Admin, p.x.ID)
	must(err)
	p.xFeedToken = sv.FeedToken

	for _, a := range []struct {
		sv     *booking.Supervisor
		reason string
	}{{p.x, "ABSENCE-X läkarbesök"}, {p.y, "ABSENCE-Y kurs"}} {
		_, err = s.CreateAbsence(ctx, p.Admin, a.sv.ID, booking.AbsenceInput{Start: p.At("2026-12-04 08:00"), End: p.At("2026-12-04 16:00"), Reason: a.reason})
		must(err)
	}
	book := func(sv *booking.Supervisor, w *booking.Workplace, start, end, notes string) *booking.Booking {
		t.Helper()
		b, err := s.CreateBooking(ctx, p.Admin, booking.BookingInput{SupervisorID: &sv.ID, WorkplaceID: w.ID, Language: "ar",
			Purpose: "parent_information", ParticipantsExpected: 7, Notes: notes, Start: p.At(start), End: p.At(end)})
		must(err)
		return b
	}
	x1 := book(p.x, p.WpA, "2026-12-01 09:00", "2026-12-01 11:00", "NOTE-X1 Amina tar med tolkblanketter")
	x2 := book(p.x, p.WpB, "2026-12-02 09:00", "2026-12-02 10:00", "NOTE-X2")
	x3 := book(p.x, p.WpA, "2026-12-03 13:00", "2026-12-03 15:30", "NOTE-X3")
	y1 := book(p.y, p.WpA, "2026-12-01 13:00", "2026-12-01 14:00", "NOTE-Y1")
	y2 := book(p.y, p.WpB, "2026-12-02 13:00", "2026-12-02 14:00", "NOTE-Y2")
	p.futureOfX = book(p.x, p.WpB, "2026-12-16 09:00", "2026-12-16 10:00", "NOTE-X4")
	p.xBookings = []*booking.Booking{x1, x2, x3, p.futureOfX}
	_, err = s.CancelBooking(ctx, p.Admin, x2.ID, "illness", "CANCEL-X2 Amina är sjuk")
	must(err)
	_, err = s.CancelBooking(ctx, p.Admin, y2.ID, "other", "CANCEL-Y2")
	must(err)
	_, err = outbox.New(s).PlanEvents(ctx) // mail to X's user and Y's user about every booking
	must(err)
	sms := outbox.New(s)
	sms.EnableSMS()
	if n, err := sms.PlanReminders(ctx, time.Date(2026, 11, 30, 9, 0, 0, 0, loc), 24*time.Hour, time.Hour); err != nil || n != 3 {
		t.Fatalf("reminders of X's first session: %d (want mail to X and the manager, SMS to X), %v", n, err)
	}

	*p.now = time.Date(2026, 12, 10, 12, 0, 0, 0, loc) // the December sessions are over
	// A reset link asked for now still works when the tests erase: links live an hour.
	_, link, err := account.New(s).RequestPasswordReset(ctx, p.xUser.Email)
	must(err)
	p.xResetSecret = link[strings.LastIndex(link, "/")+1:]
	must(outbox.New(s).Queue(ctx, outbox.Input{Key: "invite:amina.user@example.se", Kind: outbox.KindInvite, Recipient: "amina.user@example.se",
		UserID: &p.xUser.ID, Payload: map[string]any{"name": "Amina Yusuf", "link": link}, Due: now.Add(90 * 24 * time.Hour)}))
	must(s.DB().Read(ctx).Model(&booking.Message{}).Where("key = ?", "invite:amina.user@example.se").Pluck("id", &p.xPendingMailID).Error)
	for _, c := range []struct {
		b    *booking.Booking
		u    *booking.User
		note string
	}{{x1, p.xUser, "CONF-X1 gick bra"}, {y1, p.yUser, "CONF-Y1"}} {
		_, err = s.ConfirmBooking(ctx, c.u, c.b.ID, booking.ConfirmationInput{Outcome: "held", Note: c.note})
		must(err)
	}
	for _, f := range []struct {
		b            *booking.Booking
		comment, why string
	}{{x1, "FOLLOW-X1 Amina var toppen", "WHY-X1"}, {y1, "FOLLOW-Y1", "WHY-Y1"}} {
		_, err = s.RecordFollowup(ctx, p.Admin, f.b.ID, booking.FollowupInput{PersonsSupervised: 6, Rating: 4, Comment: f.comment, WhyBooked: f.why})
		must(err)
	}
	p.xMarkers = append(p.xMarkers, "ABSENCE-X", "NOTE-X", "CANCEL-X", "CONF-X", "FOLLOW-X", "WHY-X")
	p.yMarkers = append(p.yMarkers, "ABSENCE-Y", "NOTE-Y", "CANCEL-Y", "CONF-Y", "FOLLOW-Y", "WHY-Y")
	p.reportsFrom, p.reportsTo = "2026-11-30", "2026-12-31"
	return p
}

// makeErasable does what the coordinator must do first: cancel X's coming
// booking and deactivate X.
func (p *privacyPool) makeErasable(t *testing.T) {
	t.Helper()
	if _, err := p.S.CancelBooking(p.Ctx, p.Admin, p.futureOfX.ID, "supervisor_unavailable", "CANCEL-X4 slutar"); err != nil {
		t.Fatal(err)
	}
	inactive := false
	if _, err := p.S.UpdateSupervisor(p.Ctx, p.Admin, p.x.ID, booking.SupervisorInput{Active: &inactive}); err != nil {
		t.Fatal(err)
	}
}

// dumpDatabase returns every value of every row of every table as text, so a
// test can look for a trace of personal data anywhere, on either database.
func dumpDatabase(t *testing.T, s *booking.Service) map[string][]string {
	t.Helper()
	db := s.DB().Read(context.Background())
	var tables []string
	q := `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`
	if s.DB().SQLite {
		q = `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	}
	if err := db.Raw(q).Scan(&tables).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, table := range tables {
		rows, err := db.Raw("SELECT * FROM " + table).Rows()
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				text := fmt.Sprint(v)
				if b, ok := v.([]byte); ok {
					text = string(b)
				}
				out[table] = append(out[table], cols[i]+"="+text)
			}
		}
		rows.Close()
	}
	if len(out["bookings"]) == 0 || len(out["supervisors"]) == 0 {
		t.Fatalf("database not read: %d tables", len(out))
	}
	return out
}

// tracesOf lists where in the dump any of the markers occurs (case-insensitive).
func tracesOf(dump map[string][]string, markers []string) []string {
	var found []string
	for table, vals := range dump {
		for _, v := range vals {
			for _, m := range markers {
				if strings.Contains(strings.ToLower(v), strings.ToLower(m)) {
					found = append(found, fmt.Sprintf("%s: %q in %.120s", table, m, v))
				}
			}
		}
	}
	slices.Sort(found)
	return found
}

func (p *privacyPool) auditRows(t *testing.T) []AuditEntry {
	t.Helper()
	list, err := p.privacy.AuditLog(p.Ctx, p.Admin, MaxAuditRows)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// The export holds every kind of personal data the pool keeps about the
// supervisor, and nothing of anyone else's.
func TestExportSupervisorHoldsEverythingPersonal(t *testing.T) {
	p := newPrivacyPool(t)
	exp, err := p.privacy.ExportSupervisor(p.Ctx, p.Admin, p.x.ID)
	if err != nil {
		t.Fatal(err)
	}
	sv := exp.Supervisor
	if sv.ID != p.x.ID || sv.Name != "Amina Yusuf" || sv.Email != "amina@example.se" || sv.Phone != "070-111 22 33" ||
		!slices.Equal(sv.Languages, []string{"ar", "so"}) || len(sv.Areas) != len(booking.Areas) || !sv.Active || sv.ErasedAt != nil {
		t.Errorf("profile: %+v", sv)
	}
	if len(exp.Availability) != 5 || exp.Availability[0] != (ExportedWindow{Weekday: 1, Start: "08:00", End: "16:00"}) {
		t.Errorf("availability: %+v", exp.Availability)
	}
	if len(exp.Absences) != 1 || !strings.HasPrefix(exp.Absences[0].Reason, "ABSENCE-X") {
		t.Errorf("absences: %+v", exp.Absences)
	}
	if len(exp.Users) != 1 {
		t.Fatalf("users: %+v", exp.Users)
	}
	u := exp.Users[0]
	if u.ID != p.xUser.ID || u.Email != "amina.user@example.se" || u.Role != booking.RoleSupervisor || len(u.APITokens) != 1 ||
		u.Sessions != 1 || len(u.Links) != 1 || u.Links[0].Kind != account.TokenPasswordReset {
		t.Errorf("user: %+v", u)
	}
	if len(exp.Bookings) != 4 {
		t.Fatalf("bookings: %d, want 4", len(exp.Bookings))
	}
	b1, b2 := exp.Bookings[0], exp.Bookings[1]
	if b1.ID != p.xBookings[0].ID || !strings.HasPrefix(b1.Notes, "NOTE-X1") || b1.Workplace != p.WpA.Name ||
		b1.Confirmation == nil || b1.Confirmation.Note != "CONF-X1 gick bra" ||
		b1.Followup == nil || b1.Followup.Comment != "FOLLOW-X1 Amina var toppen" || b1.Followup.WhyBooked != "WHY-X1" {
		t.Errorf("first booking: %+v", b1)
	}
	if b2.Status != booking.StatusCancelled || b2.CancelReason == nil || *b2.CancelReason != "CANCEL-X2 Amina är sjuk" {
		t.Errorf("cancelled booking: %+v", b2)
	}
	if _, off := b1.Start.Zone(); off != 3600 {
		t.Errorf("times are not in the pool's zone: %v", b1.Start)
	}
	var invite bool
	for _, m := range exp.Mail {
		invite = invite || (m.Kind == outbox.KindInvite && m.Recipient == "amina.user@example.se")
	}
	if !invite || len(exp.Mail) < 2 {
		t.Errorf("mail: %+v", exp.Mail)
	}
	raw, err := json.Marshal(exp)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	for _, m := range p.xMarkers {
		if !strings.Contains(text, m) {
			t.Errorf("the export lacks %q", m)
		}
	}
	for _, m := range p.yMarkers {
		if strings.Contains(text, m) {
			t.Errorf("the export of X holds Y's %q", m)
		}
	}
	for _, key := range []string{`"supervisor":`, `"availability":`, `"absences":`, `"users":`, `"bookings":`, `"mail":`, `"audit":`, `"api_tokens":`, `"confirmation":`, `"followup":`} {
		if !strings.Contains(text, key) {
			t.Errorf("the JSON lacks %s", key)
		}
	}
	for _, secret := range []string{p.xToken, p.xFeedToken, p.xResetSecret, p.xUser.PasswordHash} {
		if strings.Contains(text, secret) {
			t.Errorf("the export holds a credential %q", secret)
		}
	}
}

// The coordinator and the supervisor themself may export; anyone else is
// forbidden, and every export (and nothing else) is in the audit log with its actor.
func TestExportSupervisorAuthorizationAndAudit(t *testing.T) {
	p := newPrivacyPool(t)
	if _, err := p.privacy.ExportSupervisor(p.Ctx, p.xUser, p.x.ID); err != nil {
		t.Fatalf("the supervisor themself: %v", err)
	}
	if _, err := p.privacy.ExportSupervisor(p.Ctx, p.Admin, p.x.ID); err != nil {
		t.Fatalf("the coordinator: %v", err)
	}
	for name, u := range map[string]*booking.User{"other supervisor": p.yUser, "manager": p.manager, "nobody": nil} {
		if _, err := p.privacy.ExportSupervisor(p.Ctx, u, p.x.ID); booking.ErrorCode(err) != booking.CodeForbidden {
			t.Errorf("%s: %v, want forbidden", name, err)
		}
	}
	if _, err := p.privacy.ExportSupervisor(p.Ctx, p.Admin, 9999); booking.ErrorCode(err) != booking.CodeNotFound {
		t.Errorf("unknown supervisor: %v, want not found", err)
	}
	rows := p.auditRows(t)
	if len(rows) != 2 {
		t.Fatalf("audit rows: %+v, want the two exports", rows)
	}
	for i, actor := range []*booking.User{p.Admin, p.xUser} { // newest first
		r := rows[i]
		if r.Action != AuditExport || r.SubjectKind != SubjectSupervisor || r.SubjectID != p.x.ID ||
			r.ActorUserID == nil || *r.ActorUserID != actor.ID || !r.At.Equal(*p.now) {
			t.Errorf("audit row %d: %+v, want an export by user %d", i, r, actor.ID)
		}
	}
	if _, err := p.privacy.AuditLog(p.Ctx, p.xUser, 10); booking.ErrorCode(err) != booking.CodeForbidden {
		t.Errorf("a supervisor reads the audit log: %v", err)
	}
	if _, err := p.privacy.AuditLog(p.Ctx, p.Admin, 0); booking.ErrorCode(err) != booking.CodeInvalid {
		t.Errorf("limit 0: %v", err)
	}
	exp, err := p.privacy.ExportSupervisor(p.Ctx, p.Admin, p.x.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(exp.Audit) != 2 || exp.Audit[0].Action != AuditExport {
		t.Errorf("the export lists earlier exports: %+v", exp.Audit)
	}
}

// Erasure is refused, with every reason listed, while the supervisor could
// still be booked or has a confirmed booking that has not ended; a refused
// erasure changes nothing.
func TestEraseSupervisorRefusedWhileBookable(t *testing.T) {
	p := newPrivacyPool(t)
	_, err := p.privacy.EraseSupervisor(p.Ctx, p.Admin, p.x.ID)
	if got := eraseRules(err); !slices.Equal(got, []string{RuleSupervisorActive, RuleFutureBooking}) {
		t.Fatalf("erase an active supervisor with a coming booking: %v (rules %v)", err, got)
	}
	var be *booking.Error
	errors.As(err, &be)
	if vs := be.Details.([]booking.Violation); vs[1].BookingID != p.futureOfX.ID || vs[1].Start == nil {
		t.Errorf("the coming booking is not named: %+v", vs[1])
	}
	if err := p.privacy.CheckErase(p.Ctx, p.Admin, p.x.ID); booking.ErrorCode(err) != booking.CodeConflict {
		t.Errorf("CheckErase: %v", err)
	}
	inactive := false
	if _, err := p.S.UpdateSupervisor(p.Ctx, p.Admin, p.x.ID, booking.SupervisorInput{Active: &inactive}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.privacy.EraseSupervisor(p.Ctx, p.Admin, p.x.ID); !slices.Equal(eraseRules(err), []string{RuleFutureBooking}) {
		t.Fatalf("erase an inactive supervisor with a coming booking: %v", err)
	}
	sv, err := p.S.Supervisor(p.Ctx, p.Admin, p.x.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sv.Name != "Amina Yusuf" || sv.ErasedAt != nil || len(p.auditRows(t)) != 0 {
		t.Fatalf("a refused erasure changed something: %+v", sv)
	}
	if _, err := account.New(p.S).Authenticate(p.Ctx, p.xToken, "127.0.0.1"); err != nil {
		t.Errorf("a refused erasure revoked the token: %v", err)
	}
	if _, err := p.S.CancelBooking(p.Ctx, p.Admin, p.futureOfX.ID, "supervisor_unavailable", ""); err != nil {
		t.Fatal(err)
	}
	if err := p.privacy.CheckErase(p.Ctx, p.Admin, p.x.ID); err != nil {
		t.Errorf("CheckErase once erasable: %v", err)
	}
	if _, err := p.privacy.EraseSupervisor(p.Ctx, p.Admin, p.x.ID); err != nil {
		t.Fatalf("erase once cancelled: %v", err)
	}
}

// Only the coordinator may erase; the supervisor themself, managers and others
// are forbidden before anything is looked at.
func TestEraseSupervisorForbiddenForOthers(t *testing.T) {
	p := newPrivacyPool(t)
	p.makeErasable(t)
	for name, u := range map[string]*booking.User{"the supervisor themself": p.xUser, "other supervisor": p.yUser, "manager": p.manager, "nobody": nil} {
		if _, err := p.privacy.EraseSupervisor(p.Ctx, u, p.x.ID); booking.ErrorCode(err) != booking.CodeForbidden {
			t.Errorf("%s: %v, want forbidden", name, err)
		}
		if err := p.privacy.CheckErase(p.Ctx, u, p.x.ID); booking.ErrorCode(err) != booking.CodeForbidden {
			t.Errorf("%s checks: %v, want forbidden", name, err)
		}
	}
	if _, err := p.privacy.EraseSupervisor(p.Ctx, p.Admin, 9999); booking.ErrorCode(err) != booking.CodeNotFound {
		t.Errorf("unknown supervisor: %v, want not found", err)
	}
	if sv, _ := p.S.Supervisor(p.Ctx, p.Admin, p.x.ID); sv.Name != "Amina Yusuf" || len(p.auditRows(t)) != 0 {
		t.Errorf("a forbidden erasure changed something")
	}
}

// After the erasure no trace of the supervisor's name, contact or free text is
// left anywhere in the database, every way in is closed, the other supervisor's
// data is untouched, and the audit log says who erased whom.
func TestEraseSupervisorLeavesNoTrace(t *testing.T) {
	p := newPrivacyPool(t)
	p.makeErasable(t)
	before := dumpDatabase(t, p.S)
	tracesBefore := tracesOf(before, p.xMarkers)
	if len(tracesBefore) < 20 {
		t.Fatalf("the pool holds too few traces of X to prove anything: %d", len(tracesBefore))
	}
	var mailBefore booking.Message
	if err := p.S.DB().Read(p.Ctx).First(&mailBefore, p.xPendingMailID).Error; err != nil || mailBefore.Status != booking.MessagePending {
		t.Fatalf("pending mail to X: %+v %v", mailBefore, err)
	}
	if _, err := account.New(p.S).AccountTokenUser(p.Ctx, account.TokenPasswordReset, p.xResetSecret); err != nil {
		t.Fatalf("the password link does not work before the erasure: the check below would prove nothing: %v", err)
	}
	cal := calendar.New(p.S)
	feedOfA := func() string {
		t.Helper()
		f, err := cal.WorkplaceFeed(p.Ctx, p.WpA.FeedToken)
		if err != nil {
			t.Fatal(err)
		}
		return string(unfold(f.Body)) // a marker may be folded over two lines
	}
	if feed := feedOfA(); !strings.Contains(feed, "NOTE-X1") || !strings.Contains(feed, "Amina") {
		t.Fatal("the workplace feed does not show X's notes and name: the check below would prove nothing")
	}
	sv, err := p.privacy.EraseSupervisor(p.Ctx, p.Admin, p.x.ID)
	if err != nil {
		t.Fatal(err)
	}
	if feed := feedOfA(); len(tracesOf(map[string][]string{"feed": {feed}}, p.xMarkers)) > 0 || !strings.Contains(feed, "NOTE-Y1") {
		t.Errorf("the workplace feed after the erasure still shows X, or lost Y:\n%s", feed)
	}
	if sv.Name != ErasedSupervisorName(p.x.ID) || sv.Email != "" || sv.Phone != "" || sv.Active || sv.ErasedAt == nil ||
		!slices.Equal(sv.Languages, []string{"ar", "so"}) || len(sv.Areas) != len(booking.Areas) {
		t.Errorf("erased supervisor: %+v", sv)
	}
	after := dumpDatabase(t, p.S)
	t.Logf("traces of X in the database: %d before the erasure, %d after", len(tracesBefore), len(tracesOf(after, p.xMarkers)))
	if traces := tracesOf(after, p.xMarkers); len(traces) > 0 {
		t.Errorf("traces of X left after the erasure:\n%s", strings.Join(traces, "\n"))
	}
	for _, m := range p.yMarkers {
		if len(tracesOf(after, []string{m})) == 0 {
			t.Errorf("Y's %q was erased too", m)
		}
	}
	for table, rows := range before {
		if len(after[table]) != len(rows) && table != "sessions" {
			t.Errorf("%s: %d values before, %d after: erasure must not delete rows", table, len(rows), len(after[table]))
		}
	}

	if _, err := account.New(p.S).Authenticate(p.Ctx, p.xToken, "127.0.0.1"); booking.ErrorCode(err) != booking.CodeUnauthorized {
		t.Errorf("the API token still works: %v", err)
	}
	if n, err := account.New(p.S).Sessions().SessionCount(p.Ctx, p.xUser.ID); err != nil || n != 0 {
		t.Errorf("sessions left: %d %v", n, err)
	}
	if _, found, _ := account.New(p.S).Sessions().FindCtx(p.Ctx, p.xSession); found {
		t.Error("the session still works")
	}
	if _, err := account.New(p.S).AccountTokenUser(p.Ctx, account.TokenPasswordReset, p.xResetSecret); booking.ErrorCode(err) != booking.CodeNotFound {
		t.Errorf("the password link still works: %v", err)
	}
	if _, err := account.New(p.S).Login(p.Ctx, "amina.user@example.se", "amina-password"); booking.ErrorCode(err) != booking.CodeUnauthorized {
		t.Errorf("login with the old address: %v", err)
	}
	if _, err := cal.SupervisorFeed(p.Ctx, p.xFeedToken); booking.ErrorCode(err) != booking.CodeNotFound {
		t.Errorf("the old feed URL still works: %v", err)
	}
	u, err := p.S.UserByID(p.Ctx, p.xUser.ID)
	if err != nil {
		t.Fatal(err)
	}
	if u.Active || u.PasswordHash != "" || u.Name != ErasedSupervisorName(p.x.ID) || !strings.HasSuffix(u.Email, ".invalid") {
		t.Errorf("erased user: %+v", u)
	}
	if _, err := account.New(p.S).Login(p.Ctx, u.Email, "amina-password"); booking.ErrorCode(err) != booking.CodeUnauthorized {
		t.Errorf("login with the placeholder address: %v", err)
	}
	var mail booking.Message
	if err := p.S.DB().Read(p.Ctx).First(&mail, p.xPendingMailID).Error; err != nil {
		t.Fatal(err)
	}
	if mail.Status != booking.MessageSkipped || mail.Payload != "{}" || !strings.HasSuffix(mail.Recipient, ".invalid") {
		t.Errorf("pending mail to X after the erasure: %+v", mail)
	}
	if _, err := account.New(p.S).Authenticate(p.Ctx, mustToken(t, p.S, p.yUser.Email), "127.0.0.1"); err != nil {
		t.Errorf("Y's user can no longer sign in: %v", err)
	}

	rows := p.auditRows(t)
	if len(rows) != 1 || rows[0].Action != AuditErase || rows[0].SubjectID != p.x.ID ||
		rows[0].ActorUserID == nil || *rows[0].ActorUserID != p.Admin.ID {
		t.Fatalf("audit log after the erasure: %+v", rows)
	}
	var detail map[string]any
	if err := json.Unmarshal([]byte(rows[0].Detail), &detail); err != nil || detail["bookings"] != float64(4) {
		t.Errorf("audit detail: %s %v", rows[0].Detail, err)
	}

	active, inactive := true, false
	if _, err := p.S.UpdateSupervisor(p.Ctx, p.Admin, p.x.ID, booking.SupervisorInput{Active: &active}); booking.ErrorCode(err) != booking.CodeInvalid {
		t.Errorf("an erased supervisor made active again: %v", err)
	}
	if _, err := p.S.UpdateSupervisor(p.Ctx, p.Admin, p.x.ID, booking.SupervisorInput{Active: &inactive}); err != nil {
		t.Errorf("saving an erased supervisor as inactive: %v", err)
	}

	// Erasing again is harmless: nothing left to erase, and it is logged again.
	if _, err := p.privacy.EraseSupervisor(p.Ctx, p.Admin, p.x.ID); err != nil {
		t.Fatalf("erase again: %v", err)
	}
	again, _ := p.S.Supervisor(p.Ctx, p.Admin, p.x.ID)
	if !again.ErasedAt.Equal(*sv.ErasedAt) || len(p.auditRows(t)) != 2 {
		t.Errorf("second erasure: erased_at %v→%v, %d audit rows", sv.ErasedAt, again.ErasedAt, len(p.auditRows(t)))
	}
	exp, err := p.privacy.ExportSupervisor(p.Ctx, p.Admin, p.x.ID)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(exp)
	for _, m := range p.xMarkers {
		if strings.Contains(strings.ToLower(string(raw)), strings.ToLower(m)) {
			t.Errorf("the export after erasure holds %q", m)
		}
	}
	if len(exp.Bookings) != 4 || exp.Supervisor.ErasedAt == nil {
		t.Errorf("export after erasure: %d bookings, erased_at %v", len(exp.Bookings), exp.Supervisor.ErasedAt)
	}
}

// eraseRules names the rules of a refused erasure, in order.
func eraseRules(err error) []string {
	var e *booking.Error
	if !errors.As(err, &e) || e.Code != booking.CodeConflict {
		return nil
	}
	out := []string{}
	for _, v := range e.Details.([]booking.Violation) {
		out = append(out, v.Rule)
	}
	return out
}

func mustToken(t *testing.T, s *booking.Service, email string) string {
	t.Helper()
	token, err := account.New(s).CreateToken(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// The statistics survive the erasure: every utilization report, by every key,
// has the same figures per row and in total; only X's label changes. So do the
// cancellation and follow-up counts.
func TestEraseSupervisorKeepsStatistics(t *testing.T) {
	p := newPrivacyPool(t)
	p.makeErasable(t)
	rs := report.New(p.S)
	reports := func() map[string]*report.Utilization {
		out := map[string]*report.Utilization{}
		for _, by := range report.UtilizationKeys {
			rep, err := rs.Utilization(p.Ctx, p.Admin, p.reportsFrom, p.reportsTo, by)
			if err != nil {
				t.Fatal(err)
			}
			out[by] = rep
		}
		return out
	}
	cancellations := func() string {
		rep, err := rs.Cancellations(p.Ctx, p.Admin, p.reportsFrom, p.reportsTo)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(rep)
		return strings.ReplaceAll(string(raw), "Amina Yusuf", ErasedSupervisorName(p.x.ID))
	}
	before, cancelledBefore := reports(), cancellations()
	if tot := before["supervisor"].Total; tot.Bookings != 3 || tot.Cancelled != 3 || tot.PersonsSupervised != 12 || tot.AvailableMinutes == 0 {
		t.Fatalf("the pool's figures are not what the test built: %+v", tot)
	}
	if _, err := p.privacy.EraseSupervisor(p.Ctx, p.Admin, p.x.ID); err != nil {
		t.Fatal(err)
	}
	after := reports()
	xKey := fmt.Sprint(p.x.ID)
	for _, by := range report.UtilizationKeys {
		b, a := before[by], after[by]
		if !reflect.DeepEqual(b.Total, a.Total) {
			t.Errorf("by %s: total %+v before, %+v after", by, b.Total, a.Total)
		}
		rows := func(u *report.Utilization) map[string]report.UtilizationFigures {
			m := map[string]report.UtilizationFigures{}
			for _, r := range u.Rows {
				m[r.Key] = r.UtilizationFigures
			}
			return m
		}
		if !reflect.DeepEqual(rows(b), rows(a)) {
			t.Errorf("by %s: rows %+v before, %+v after", by, b.Rows, a.Rows)
		}
		for _, r := range a.Rows {
			if by == "supervisor" && r.Key == xKey && r.Label != ErasedSupervisorName(p.x.ID) {
				t.Errorf("X's row is labelled %q", r.Label)
			}
		}
	}
	if got := cancellations(); got != cancelledBefore {
		t.Errorf("cancellation report changed:\n%s\n%s", cancelledBefore, got)
	}
}

// Export and erasure write their audit row in the transaction that reads or
// changes the data: an erasure that fails part-way leaves neither the change
// nor an audit row behind.
func TestEraseSupervisorIsOneTransaction(t *testing.T) {
	p := newPrivacyPool(t)
	p.makeErasable(t)
	// A trigger-free way to make the last step fail: drop the audit table.
	if err := p.S.DB().Write(p.Ctx, func(tx *gorm.DB) error { return tx.Exec("DROP TABLE audit_log").Error }); err != nil {
		t.Fatal(err)
	}
	if _, err := p.privacy.EraseSupervisor(p.Ctx, p.Admin, p.x.ID); err == nil {
		t.Fatal("the erasure succeeded without an audit log")
	}
	sv, err := p.S.Supervisor(p.Ctx, p.Admin, p.x.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sv.Name != "Amina Yusuf" || sv.ErasedAt != nil {
		t.Errorf("a failed erasure left changes: %+v", sv)
	}
	if _, err := account.New(p.S).Authenticate(p.Ctx, p.xToken, "127.0.0.1"); err != nil {
		t.Errorf("a failed erasure revoked the token: %v", err)
	}
	if _, err := p.privacy.ExportSupervisor(p.Ctx, p.Admin, p.x.ID); err == nil {
		t.Error("an export succeeded without an audit log")
	}
}

// unfold undoes iCalendar line folding.
func unfold(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\r\n "), nil) }
