package ui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/outbox"
)

// userOut is a user as the users API answers it.
type userOut struct {
	ID           int64   `json:"id"`
	Email        string  `json:"email"`
	Name         string  `json:"name"`
	Role         string  `json:"role"`
	WorkplaceIDs []int64 `json:"workplace_ids"`
	SupervisorID *int64  `json:"supervisor_id"`
	Active       bool    `json:"active"`
	Phone        string  `json:"phone"`
	SMSReminders bool    `json:"sms_reminders"`
}

// mailedLink is the link of the newest mail of that kind to the address.
func mailedLink(t *testing.T, svc *booking.Service, kind, to string) string {
	t.Helper()
	mails, err := outbox.New(svc).List(context.Background(), kind)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(mails) - 1; i >= 0; i-- {
		if mails[i].Recipient == to {
			var payload struct{ Link string }
			if err := json.Unmarshal([]byte(mails[i].Payload), &payload); err != nil {
				t.Fatal(err)
			}
			u, err := url.Parse(payload.Link)
			if err != nil {
				t.Fatal(err)
			}
			return u.Path
		}
	}
	t.Fatalf("no %s mail to %s", kind, to)
	return ""
}

// TestUsersAPI: the contract's "Users over the API" (issue 12): list, create
// with an invitation mail, and every field PATCH takes.
func TestUsersAPI(t *testing.T) {
	e := newEnv(t, march)
	sups, wpA, wpB := e.pool(1)
	var list []map[string]any
	e.must(200, "GET", "/api/v1/users", e.admin, nil, &list)
	if len(list) != 1 {
		t.Fatalf("users: %v", list)
	}
	keys := []string{"id", "email", "name", "role", "workplace_ids", "supervisor_id", "active", "phone", "sms_reminders"}
	if len(list[0]) != len(keys) {
		t.Errorf("a user has the keys %v, want exactly %v", list[0], keys)
	}
	for _, k := range keys {
		if _, ok := list[0][k]; !ok {
			t.Errorf("a user lacks %q: %v", k, list[0])
		}
	}

	// POST: 201 with the user, who is mailed a link to choose a password.
	var u userOut
	e.must(201, "POST", "/api/v1/users", e.admin, map[string]any{"email": "Ny.Chef@Example.se", "name": "Ny Chef",
		"role": "manager", "workplace_ids": []int64{wpA}}, &u)
	if u.ID == 0 || u.Email != "ny.chef@example.se" || u.Role != "manager" || len(u.WorkplaceIDs) != 1 || u.WorkplaceIDs[0] != wpA ||
		!u.Active || u.SupervisorID != nil || u.Phone != "" || u.SMSReminders {
		t.Fatalf("created user %+v", u)
	}
	path := mailedLink(t, e.svc, outbox.KindInvite, "ny.chef@example.se")
	b := e.browser()
	b.get(path)
	if status, _, _ := b.post(path, url.Values{"password": {"ett-bra-losen"}, "password_again": {"ett-bra-losen"}}); status != http.StatusSeeOther {
		t.Fatalf("the mailed invitation link: %d", status)
	}
	if status, raw := e.do("POST", "/api/v1/users", e.admin, map[string]any{"email": "ny.chef@example.se", "name": "X", "role": "admin"}); status != 409 {
		t.Errorf("the same address again: %d %s", status, raw)
	}
	for name, body := range map[string]map[string]any{
		"manager without workplace":     {"email": "a@example.se", "name": "A", "role": "manager"},
		"supervisor without one":        {"email": "a@example.se", "name": "A", "role": "supervisor"},
		"unknown role":                  {"email": "a@example.se", "name": "A", "role": "boss"},
		"admin with a workplace":        {"email": "a@example.se", "name": "A", "role": "admin", "workplace_ids": []int64{wpA}},
		"workplace that does not exist": {"email": "a@example.se", "name": "A", "role": "manager", "workplace_ids": []int64{999}},
	} {
		if status, raw := e.do("POST", "/api/v1/users", e.admin, body); status != 422 {
			t.Errorf("%s: %d %s", name, status, raw)
		}
	}

	// PATCH each field.
	p := fmt.Sprintf("/api/v1/users/%d", u.ID)
	e.must(200, "PATCH", p, e.admin, map[string]any{"name": "Ny Chef Andersson", "workplace_ids": []int64{wpB, wpA, wpB}}, &u)
	if u.Name != "Ny Chef Andersson" || len(u.WorkplaceIDs) != 2 {
		t.Errorf("after PATCH name and workplaces: %+v", u)
	}
	// A new role drops what the old one had, unless sent.
	e.must(200, "PATCH", p, e.admin, map[string]any{"role": "supervisor", "supervisor_id": sups[0]}, &u)
	if u.Role != "supervisor" || len(u.WorkplaceIDs) != 0 || u.SupervisorID == nil || *u.SupervisorID != sups[0] {
		t.Errorf("after PATCH to supervisor: %+v", u)
	}
	e.must(200, "PATCH", p, e.admin, map[string]any{"role": "admin", "supervisor_id": nil}, &u)
	if u.Role != "admin" || u.SupervisorID != nil {
		t.Errorf("after PATCH to admin with supervisor_id null: %+v", u)
	}
	if status, raw := e.do("PATCH", p, e.admin, map[string]any{"role": "manager"}); status != 422 || !strings.Contains(string(raw), `"field":"workplace_ids"`) {
		t.Errorf("manager without workplaces: %d %s", status, raw)
	}
	e.must(200, "PATCH", p, e.admin, map[string]any{"active": false}, &u)
	if u.Active {
		t.Error("still active after PATCH active false")
	}
	e.must(200, "PATCH", p, e.admin, map[string]any{"active": true}, &u)
	if !u.Active {
		t.Error("not active again after PATCH active true")
	}
	// What PATCH answered is what was stored.
	var stored []userOut
	e.must(200, "GET", "/api/v1/users", e.admin, nil, &stored)
	for _, s := range stored {
		if s.ID == u.ID && fmt.Sprint(s) != fmt.Sprint(u) {
			t.Errorf("stored %+v, PATCH answered %+v", s, u)
		}
	}
	if status, raw := e.do("PATCH", p, e.admin, map[string]any{"email": "x@example.se"}); status != 400 {
		t.Errorf("PATCH email (not a field PATCH takes): %d %s", status, raw)
	}
	if status, _ := e.do("PATCH", "/api/v1/users/99999", e.admin, map[string]any{"name": "X"}); status != 404 {
		t.Errorf("PATCH unknown user: %d", status)
	}
	var me struct{ ID int64 }
	e.must(200, "GET", "/api/v1/me", e.admin, nil, &me)
	for _, body := range []map[string]any{{"active": false}, {"role": "manager", "workplace_ids": []int64{wpA}}} {
		if status, raw := e.do("PATCH", fmt.Sprintf("/api/v1/users/%d", me.ID), e.admin, body); status != 422 {
			t.Errorf("an admin PATCHes themself with %v: %d %s", body, status, raw)
		}
	}
	// The role is checked before the body: a manager gets 403 whatever they send.
	mgr := e.user("chef@example.se", booking.RoleManager, []int64{wpA}, nil)
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/api/v1/users", ""}, {"POST", "/api/v1/users", "{not json"}, {"PATCH", p, `{"nonsense": 1}`},
	} {
		var body any
		if c.body != "" {
			body = c.body
		}
		if status, raw := e.do(c.method, c.path, mgr, body); status != 403 {
			t.Errorf("manager %s %s: %d %s", c.method, c.path, status, raw)
		}
	}
}

// feedToken reads the token of a feed URL.
var feedTokenOf = regexp.MustCompile(`/ical/\w+/([A-Za-z0-9_-]+)\.ics$`)

func (e *env) feedPath(kind string, id int64) string {
	e.t.Helper()
	var v struct {
		FeedURL     string `json:"feed_url"`
		PoolFeedURL string `json:"pool_feed_url"`
	}
	if kind == "pool" {
		e.must(200, "GET", "/api/v1/me", e.admin, nil, &v)
		v.FeedURL = v.PoolFeedURL
	} else {
		e.must(200, "GET", fmt.Sprintf("/api/v1/%s/%d", kind, id), e.admin, nil, &v)
	}
	m := feedTokenOf.FindStringSubmatch(v.FeedURL)
	if m == nil {
		e.t.Fatalf("feed URL %q", v.FeedURL)
	}
	return "/ical/" + kind + "/" + m[1] + ".ics"
}

// Finding 4 of issue 12: deactivating a user, or taking a workplace from a
// manager, renews every feed that user could see; the old URLs answer 404 at once.
func TestDeactivationRenewsTheUsersFeeds(t *testing.T) {
	e := newEnv(t, march)
	sups, wpA, wpB := e.pool(2)
	e.user("chef@example.se", booking.RoleManager, []int64{wpA, wpB}, nil)
	e.user("handledare@example.se", booking.RoleSupervisor, nil, &sups[0])
	e.user("samordnare2@example.se", booking.RoleAdmin, nil, nil)
	id := func(email string) int64 {
		u, err := e.svc.UserByEmail(context.Background(), email)
		if err != nil {
			t.Fatal(err)
		}
		return u.ID
	}
	get := func(path string) int {
		status, _ := e.do("GET", path, "", nil)
		return status
	}
	oldA, oldB, oldX, oldY, oldPool := e.feedPath("workplaces", wpA), e.feedPath("workplaces", wpB),
		e.feedPath("supervisors", sups[0]), e.feedPath("supervisors", sups[1]), e.feedPath("pool", 0)

	// Taking workplace B from the manager: B's feed is renewed, A's stays.
	e.must(200, "PATCH", fmt.Sprintf("/api/v1/users/%d", id("chef@example.se")), e.admin, map[string]any{"workplace_ids": []int64{wpA}}, nil)
	if get(oldB) != 404 || get(e.feedPath("workplaces", wpB)) != 200 {
		t.Error("the workplace taken from the manager: the old feed URL still works, or the new one does not")
	}
	if get(oldA) != 200 {
		t.Error("the workplace the manager keeps got a new feed URL")
	}
	// Deactivating the manager (the users page): A's feed too.
	admin := e.browser()
	admin.login("admin@example.se")
	admin.get("/users")
	if status, _, _ := admin.post(fmt.Sprintf("/users/%d/deactivate", id("chef@example.se")), url.Values{}); status != http.StatusSeeOther {
		t.Fatalf("deactivate the manager: %d", status)
	}
	if get(oldA) != 404 || get(e.feedPath("workplaces", wpA)) != 200 {
		t.Error("the deactivated manager's workplace feed still answers at its old URL")
	}
	// A supervisor user: their supervisor's feed; Y's stays.
	e.must(200, "PATCH", fmt.Sprintf("/api/v1/users/%d", id("handledare@example.se")), e.admin, map[string]any{"active": false}, nil)
	if get(oldX) != 404 || get(e.feedPath("supervisors", sups[0])) != 200 {
		t.Error("the deactivated supervisor user's feed still answers at its old URL")
	}
	if get(oldY) != 200 {
		t.Error("another supervisor's feed was renewed")
	}
	// An admin: the pool's feed.
	if get(oldPool) != 200 {
		t.Fatal("the pool feed does not answer before the admin is deactivated")
	}
	e.must(200, "PATCH", fmt.Sprintf("/api/v1/users/%d", id("samordnare2@example.se")), e.admin, map[string]any{"active": false}, nil)
	if get(oldPool) != 404 || get(e.feedPath("pool", 0)) != 200 {
		t.Error("the pool feed still answers at its old URL after an admin was deactivated")
	}
	// A change that takes nothing away renews nothing.
	poolNow := e.feedPath("pool", 0)
	e.must(200, "PATCH", fmt.Sprintf("/api/v1/users/%d", id("samordnare2@example.se")), e.admin, map[string]any{"name": "Ny"}, nil)
	if get(poolNow) != 200 {
		t.Error("renaming an inactive admin renewed the pool feed")
	}
}

// Finding 10 of issue 12 (names): names, e-mail addresses and phone numbers
// are one line: a line break anywhere is 422 with the field named, over the
// API and in the forms, for users, supervisors and workplaces.
func TestNamesAreOneLine(t *testing.T) {
	p := newWebPool(t, march)
	sv := fmt.Sprintf("/api/v1/supervisors/%d", p.sups[0])
	wp := fmt.Sprintf("/api/v1/workplaces/%d", p.wpA)
	u, err := p.svc.UserByEmail(context.Background(), p.mgrA)
	if err != nil {
		t.Fatal(err)
	}
	user := fmt.Sprintf("/api/v1/users/%d", u.ID)
	svBody := func(k, v string) map[string]any {
		b := map[string]any{"name": "Amina", "languages": []string{"ar"}, "areas": []string{"childcare"}}
		b[k] = v
		return b
	}
	userBody := func(k, v string) map[string]any {
		b := map[string]any{"email": "ny@example.se", "name": "Ny", "role": "admin"}
		b[k] = v
		return b
	}
	for _, bad := range []string{"Solrosen\r\nBcc: evil@example.com", "Solrosen\n", "\rSolrosen", "Sol\u2028rosen"} {
		for _, c := range []struct {
			method, path, field string
			body                any
		}{
			{"POST", "/api/v1/supervisors", "name", svBody("name", bad)},
			{"POST", "/api/v1/supervisors", "email", svBody("email", "amina@example.se"+bad)},
			{"POST", "/api/v1/supervisors", "phone", svBody("phone", "070-123"+bad)},
			{"PATCH", sv, "name", map[string]any{"name": bad}},
			{"PATCH", sv, "email", map[string]any{"email": bad + "@example.se"}},
			{"PATCH", sv, "phone", map[string]any{"phone": bad}},
			{"POST", "/api/v1/workplaces", "name", map[string]any{"name": bad, "kind": "kitchen"}},
			{"PATCH", wp, "name", map[string]any{"name": bad}},
			{"POST", "/api/v1/users", "name", userBody("name", bad)},
			{"POST", "/api/v1/users", "email", userBody("email", "ny@example.se"+bad)},
			{"PATCH", user, "name", map[string]any{"name": bad}},
		} {
			status, raw := p.do(c.method, c.path, p.admin_(), c.body)
			if status != 422 || !strings.Contains(string(raw), `"field":"`+c.field+`"`) {
				t.Errorf("%s %s with %q in %s: %d %s", c.method, c.path, bad, c.field, status, raw)
			}
		}
	}
	// Nothing was stored.
	var w struct{ Name string }
	p.must(200, "GET", wp, p.admin_(), nil, &w)
	if strings.ContainsAny(w.Name, "\r\n") {
		t.Errorf("workplace name %q", w.Name)
	}
	// The forms say so next to the field.
	admin := p.browser()
	admin.login(p.admin)
	admin.get("/workplaces/new")
	status, body, _ := admin.post("/workplaces/new", url.Values{"name": {"Köket\r\nBcc: evil@example.com"}, "kind": {"kitchen"}, "active": {"true"}})
	if status != 422 || !hasFieldError(body, "name", "Skriv allt på en rad") {
		t.Errorf("workplace form with a line break in the name: %d", status)
	}
	admin.get("/supervisors/new")
	status, body, _ = admin.post("/supervisors/new", url.Values{"name": {"Amina\nYusuf"}, "languages": {"ar"}, "areas": {"childcare"}, "active": {"true"}})
	if status != 422 || !hasFieldError(body, "name", "Skriv allt på en rad") {
		t.Errorf("supervisor form with a line break in the name: %d", status)
	}
	admin.get("/users")
	status, body, _ = admin.post("/users", url.Values{"email": {"ny@example.se"}, "name": {"Ny\r\nChef"}, "role": {"admin"}})
	if status != 422 || !hasFieldError(body, "name", "Skriv allt på en rad") {
		t.Errorf("invitation form with a line break in the name: %d", status)
	}
}
