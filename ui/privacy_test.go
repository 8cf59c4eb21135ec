package ui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/account"
	"github.com/sprakpool/sprakpool/booking/privacy"
)

// privacyWeb is a web pool where supervisor X (sups[0], with the supervisor
// user) has a held booking and a coming one; Y (sups[1]) has a user too.
type privacyWeb struct {
	*webPool
	x, y                 int64
	xTok, yTok, mgrTok   string
	adminID              int64
	pastBooking, comingB int64
}

func newPrivacyWeb(t *testing.T) *privacyWeb {
	p := &privacyWeb{webPool: newWebPool(t, march)}
	p.x, p.y = p.sups[0], p.sups[1]
	ctx := context.Background()
	var err error
	if p.xTok, err = account.New(p.svc).CreateToken(ctx, p.supUser); err != nil {
		t.Fatal(err)
	}
	if p.mgrTok, err = account.New(p.svc).CreateToken(ctx, p.mgrA); err != nil {
		t.Fatal(err)
	}
	p.yTok = p.user("handledare.y@example.se", booking.RoleSupervisor, nil, &p.y)
	var me struct{ ID int64 }
	p.must(200, "GET", "/api/v1/me", p.env.admin, nil, &me)
	p.adminID = me.ID
	p.pastBooking = p.book(p.x, p.wpA, "2026-02-23 09:00", "2026-02-23 11:00")
	p.comingB = p.book(p.x, p.wpA, "2026-03-02 09:00", "2026-03-02 10:00")
	return p
}

// makeErasable cancels X's coming booking and deactivates X, over the API.
func (p *privacyWeb) makeErasable() {
	p.must(200, "POST", fmt.Sprintf("/api/v1/bookings/%d/cancel", p.comingB), p.env.admin,
		map[string]any{"reason_code": "supervisor_unavailable", "reason": ""}, nil)
	p.must(200, "PATCH", fmt.Sprintf("/api/v1/supervisors/%d", p.x), p.env.admin, map[string]any{"active": false}, nil)
}

func (p *privacyWeb) supervisorName(id int64) string {
	var sv struct{ Name string }
	p.must(200, "GET", fmt.Sprintf("/api/v1/supervisors/%d", id), p.env.admin, nil, &sv)
	return sv.Name
}

type auditRow struct {
	ID          int64           `json:"id"`
	At          string          `json:"at"`
	ActorUserID *int64          `json:"actor_user_id"`
	Action      string          `json:"action"`
	SubjectKind string          `json:"subject_kind"`
	SubjectID   int64           `json:"subject_id"`
	Detail      json.RawMessage `json:"detail"`
}

// fetch sends a GET with a token and returns the whole response, headers included.
func (p *privacyWeb) fetch(path, token string) (*http.Response, []byte) {
	p.t.Helper()
	req, _ := http.NewRequest("GET", p.srv.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := p.srv.Client().Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, raw
}

// The API's export: the coordinator and the supervisor themself get the JSON;
// another supervisor and managers are forbidden, anonymous callers unauthenticated.
func TestPrivacyAPIExport(t *testing.T) {
	p := newPrivacyWeb(t)
	path := fmt.Sprintf("/api/v1/supervisors/%d/export", p.x)
	for name, c := range map[string]struct {
		token string
		want  int
	}{"admin": {p.env.admin, 200}, "the supervisor": {p.xTok, 200}, "other supervisor": {p.yTok, 403},
		"manager": {p.mgrTok, 403}, "anonymous": {"", 401}} {
		resp, raw := p.fetch(path, c.token)
		if resp.StatusCode != c.want {
			t.Errorf("%s: %d, want %d: %s", name, resp.StatusCode, c.want, raw)
			continue
		}
		if c.want != 200 {
			decodeErr(t, raw)
			continue
		}
		var exp privacy.SupervisorExport
		if err := json.Unmarshal(raw, &exp); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if exp.Supervisor.ID != p.x || exp.Supervisor.Name != "Handledare 01" || len(exp.Bookings) != 2 ||
			len(exp.Users) != 1 || exp.Users[0].Email != p.supUser || len(exp.Availability) != 5 {
			t.Errorf("%s: export %+v", name, exp)
		}
		if resp.Header.Get("Cache-Control") != "no-store" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Errorf("%s: headers %v", name, resp.Header)
		}
	}
	if status, raw := p.do("GET", "/api/v1/supervisors/9999/export", p.env.admin, nil); status != 404 {
		t.Errorf("unknown supervisor: %d %s", status, raw)
	}
}

// The API's erasure: the coordinator only; refused with a conflict listing
// what to do first while X is active and has a coming booking; afterwards X is
// anonymised, X's token is dead, and the audit log shows who did what.
func TestPrivacyAPIEraseAndAudit(t *testing.T) {
	p := newPrivacyWeb(t)
	p.must(200, "GET", fmt.Sprintf("/api/v1/supervisors/%d/export", p.x), p.xTok, nil, nil)
	path := fmt.Sprintf("/api/v1/supervisors/%d/erase", p.x)
	for name, c := range map[string]struct {
		token string
		want  int
	}{"the supervisor": {p.xTok, 403}, "other supervisor": {p.yTok, 403}, "manager": {p.mgrTok, 403}, "anonymous": {"", 401}} {
		if status, raw := p.do("POST", path, c.token, nil); status != c.want {
			t.Errorf("%s: %d, want %d: %s", name, status, c.want, raw)
		}
	}
	status, raw := p.do("POST", path, p.env.admin, nil)
	if status != http.StatusConflict {
		t.Fatalf("erase an active supervisor with a coming booking: %d %s", status, raw)
	}
	eb := decodeErr(t, raw)
	if len(eb.Error.Details) != 2 || !containsRule(raw, privacy.RuleSupervisorActive) || !containsRule(raw, privacy.RuleFutureBooking) ||
		!strings.Contains(string(eb.Error.Details[1]), fmt.Sprintf(`"booking_id":%d`, p.comingB)) {
		t.Errorf("conflict details: %s", raw)
	}
	if p.supervisorName(p.x) != "Handledare 01" {
		t.Fatal("a refused erasure changed the name")
	}
	p.makeErasable()
	var sv struct {
		ID        int64    `json:"id"`
		Name      string   `json:"name"`
		Email     string   `json:"email"`
		Phone     string   `json:"phone"`
		Active    bool     `json:"active"`
		Languages []string `json:"languages"`
	}
	p.must(200, "POST", path, p.env.admin, nil, &sv)
	if sv.ID != p.x || sv.Name != privacy.ErasedSupervisorName(p.x) || sv.Email != "" || sv.Phone != "" || sv.Active || len(sv.Languages) != 2 {
		t.Errorf("erased supervisor: %+v", sv)
	}
	if status, _ := p.do("GET", "/api/v1/me", p.xTok, nil); status != 401 {
		t.Errorf("the erased supervisor's token: %d, want 401", status)
	}
	// The bookings and their figures stay.
	var b struct {
		Status       string `json:"status"`
		SupervisorID int64  `json:"supervisor_id"`
	}
	p.must(200, "GET", fmt.Sprintf("/api/v1/bookings/%d", p.pastBooking), p.env.admin, nil, &b)
	if b.Status != "confirmed" || b.SupervisorID != p.x {
		t.Errorf("the held booking after erasure: %+v", b)
	}

	var rows []auditRow
	p.must(200, "GET", "/api/v1/audit", p.env.admin, nil, &rows)
	if len(rows) != 2 {
		t.Fatalf("audit rows: %+v, want the erasure and the export", rows)
	}
	erase, export := rows[0], rows[1]
	if erase.Action != privacy.AuditErase || erase.SubjectKind != "supervisor" || erase.SubjectID != p.x ||
		erase.ActorUserID == nil || *erase.ActorUserID != p.adminID || !strings.HasPrefix(string(erase.Detail), "{") ||
		!strings.HasSuffix(erase.At, "+01:00") {
		t.Errorf("erase row: %+v", erase)
	}
	if export.Action != privacy.AuditExport || export.ActorUserID == nil || *export.ActorUserID == p.adminID {
		t.Errorf("export row (by the supervisor): %+v", export)
	}
	p.must(200, "GET", "/api/v1/audit?limit=1", p.env.admin, nil, &rows)
	if len(rows) != 1 || rows[0].Action != privacy.AuditErase {
		t.Errorf("limit=1: %+v", rows)
	}
	for _, q := range []string{"0", "x", "1001"} {
		if status, raw := p.do("GET", "/api/v1/audit?limit="+q, p.env.admin, nil); status != 422 {
			t.Errorf("limit=%s: %d %s", q, status, raw)
		}
	}
	for name, c := range map[string]struct {
		token string
		want  int
	}{"supervisor": {p.yTok, 403}, "manager": {p.mgrTok, 403}, "anonymous": {"", 401}} {
		if status, _ := p.do("GET", "/api/v1/audit", c.token, nil); status != c.want {
			t.Errorf("audit as %s: %d, want %d", name, status, c.want)
		}
	}
}

// The coordinator's supervisor page: the export downloads as a file, the
// erasure asks first (or says what to do first), needs the CSRF token, and ends
// on the page with a notice; other roles get 403 on both page routes.
func TestPrivacyPages(t *testing.T) {
	p := newPrivacyWeb(t)
	b := p.browser()
	b.login(p.admin)
	page := fmt.Sprintf("/supervisors/%d", p.x)
	status, body := b.get(page)
	if status != 200 || !strings.Contains(body, "Exportera personuppgifter") || !strings.Contains(body, `href="`+page+`/export"`) ||
		!strings.Contains(body, `action="`+page+`/erase#erase-step"`) || !strings.Contains(body, "Radera personuppgifter") {
		t.Fatalf("the supervisor page lacks the personal data section: %d", status)
	}

	resp, err := b.client.Get(b.base + page + "/export")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want := fmt.Sprintf(`attachment; filename="handledare-%d-personuppgifter.json"`, p.x)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Disposition") != want || resp.Header.Get("Cache-Control") != "no-store" ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("download: %d %v", resp.StatusCode, resp.Header)
	}
	var exp privacy.SupervisorExport
	if err := json.Unmarshal(raw, &exp); err != nil || exp.Supervisor.Name != "Handledare 01" {
		t.Fatalf("downloaded file: %v %+v", err, exp.Supervisor)
	}

	// Blocked: the page says what to do first, with a link to the booking.
	status, body, _ = b.post(page+"/erase", url.Values{"confirm": {"yes"}})
	if status != http.StatusConflict || !strings.Contains(body, "Gör handledaren inaktiv") ||
		!strings.Contains(body, fmt.Sprintf(`href="/bookings/%d"`, p.comingB)) || strings.Contains(body, `name="confirm"`) {
		t.Fatalf("blocked erasure: %d", status)
	}
	p.makeErasable()
	b.get(page)
	// The first press only asks.
	status, body, _ = b.post(page+"/erase", url.Values{})
	if status != 200 || !strings.Contains(body, "Det går inte att ångra") || !strings.Contains(body, `name="confirm" value="yes"`) {
		t.Fatalf("confirmation step: %d", status)
	}
	if p.supervisorName(p.x) != "Handledare 01" {
		t.Fatal("the confirmation step erased already")
	}
	if status, _, _ := b.post(page+"/erase", url.Values{"confirm": {"yes"}, "_csrf": {"forged"}}); status != 403 || p.supervisorName(p.x) != "Handledare 01" {
		t.Fatalf("erase without the CSRF token: %d", status)
	}
	status, _, resp = b.post(page+"/erase", url.Values{"confirm": {"yes"}})
	if status != http.StatusSeeOther || resp.Header.Get("Location") != page+"?erased=1" {
		t.Fatalf("erase: %d, Location %q", status, resp.Header.Get("Location"))
	}
	status, body = b.get(page + "?erased=1")
	name := privacy.ErasedSupervisorName(p.x)
	if status != 200 || !strings.Contains(body, "Personuppgifterna är raderade") || !strings.Contains(body, `value="`+name+`"`) ||
		!strings.Contains(body, "Personuppgifterna raderades") || strings.Contains(body, `action="`+page+`/erase`) {
		t.Errorf("after erasure: %d, notice, new name or hidden button missing", status)
	}

	var rows []auditRow
	p.must(200, "GET", "/api/v1/audit", p.env.admin, nil, &rows)
	if len(rows) != 2 || rows[0].Action != privacy.AuditErase || rows[1].Action != privacy.AuditExport ||
		*rows[0].ActorUserID != p.adminID || *rows[1].ActorUserID != p.adminID {
		t.Errorf("audit rows of the page actions: %+v", rows)
	}

	for _, email := range []string{p.mgrA, "handledare.y@example.se"} {
		o := p.browser()
		o.login(email)
		if status, _ := o.get(fmt.Sprintf("/supervisors/%d/export", p.x)); status != 403 { // Y may fetch only Y's own
			t.Errorf("%s downloads an export: %d", email, status)
		}
		o.get("/account")
		if status, _, _ := o.post(fmt.Sprintf("/supervisors/%d/erase", p.y), url.Values{"confirm": {"yes"}}); status != 403 {
			t.Errorf("%s erases: %d", email, status)
		}
	}
	if p.supervisorName(p.y) != "Handledare 02" {
		t.Error("Y was erased by someone who may not")
	}
}

// A supervisor finds the download of their own personal data on their account
// page, and can fetch no one else's; a manager's account page has no such link.
func TestPrivacySupervisorDownloadsOwnData(t *testing.T) {
	p := newPrivacyWeb(t)
	b := p.browser()
	b.login(p.supUser)
	own := fmt.Sprintf("/supervisors/%d/export", p.x)
	status, body := b.get("/account")
	if status != 200 || !strings.Contains(body, `href="`+own+`"`) || !strings.Contains(body, "Hämta mina personuppgifter") {
		t.Fatalf("the supervisor's account page lacks the download: %d", status)
	}
	resp, err := b.client.Get(b.base + own)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var exp privacy.SupervisorExport
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") ||
		json.Unmarshal(raw, &exp) != nil || exp.Supervisor.ID != p.x {
		t.Fatalf("own download: %d %v", resp.StatusCode, resp.Header)
	}
	if status, _ := b.get(fmt.Sprintf("/supervisors/%d/export", p.y)); status != 403 {
		t.Errorf("X downloads Y's data: %d", status)
	}
	m := p.browser()
	m.login(p.mgrA)
	if status, body := m.get("/account"); status != 200 || strings.Contains(body, "/export") {
		t.Errorf("a manager's account page offers a download: %d", status)
	}
}
