package ui_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/sprakpool/sprakpool/booking"
)

// TestMePhoneAPI: PATCH /api/v1/me sets any user's own phone number and SMS
// reminders (contract, "Sign in with the municipality's account; SMS"): spaces
// and hyphens are ignored, a Swedish 07… number is stored as +467…, and an
// invalid number is 422 naming the field; GET /api/v1/me shows both.
func TestMePhoneAPI(t *testing.T) {
	e := newEnv(t, march)
	sups, wpA, _ := e.pool(1)
	tokens := map[string]string{
		booking.RoleAdmin:      e.admin,
		booking.RoleManager:    e.user("chef@example.se", booking.RoleManager, []int64{wpA}, nil),
		booking.RoleSupervisor: e.user("handl@example.se", booking.RoleSupervisor, nil, &sups[0]),
	}
	type me struct {
		Phone        string `json:"phone"`
		SMSReminders bool   `json:"sms_reminders"`
	}
	for role, token := range tokens {
		var got me
		e.must(200, "GET", "/api/v1/me", token, nil, &got)
		if got.Phone != "" || got.SMSReminders {
			t.Fatalf("%s: new user has %+v", role, got)
		}
		e.must(200, "PATCH", "/api/v1/me", token, map[string]any{"phone": "070-123 45 67", "sms_reminders": true}, &got)
		if got != (me{"+46701234567", true}) {
			t.Fatalf("%s: PATCH answered %+v", role, got)
		}
		e.must(200, "GET", "/api/v1/me", token, nil, &got)
		if got != (me{"+46701234567", true}) {
			t.Fatalf("%s: GET after PATCH: %+v", role, got)
		}
	}
	token := tokens[booking.RoleSupervisor]
	for _, c := range [][2]string{
		{"0701234567", "+46701234567"},
		{"+46701234567", "+46701234567"},
		{"+46 70 123 45 67", "+46701234567"},
		{"073-765 43 21", "+46737654321"},
		{" 0 7 0 1 2 3 4 5 6 7 ", "+46701234567"},
		{"+4915123456789", "+4915123456789"}, // a German mobile stays German
	} {
		in, want := c[0], c[1]
		var got me
		e.must(200, "PATCH", "/api/v1/me", token, map[string]any{"phone": in}, &got)
		if got.Phone != want {
			t.Errorf("phone %q stored as %q, want %q", in, got.Phone, want)
		}
	}
	for _, in := range []string{"07O1234567", "070-ABC-4567", "phone", "0701", "070123", "+46", "++46701234567",
		"08-123 456 78", // a Stockholm landline takes no SMS
		"0701234567890123"} {
		status, raw := e.do("PATCH", "/api/v1/me", token, map[string]any{"phone": in})
		if status != 422 {
			t.Errorf("phone %q: status %d, want 422: %s", in, status, raw)
			continue
		}
		eb := decodeErr(t, raw)
		if len(eb.Error.Details) == 0 || !strings.Contains(string(eb.Error.Details[0]), `"field":"phone"`) {
			t.Errorf("phone %q: 422 does not name the field: %s", in, raw)
		}
	}
	// The refused numbers changed nothing.
	var got me
	e.must(200, "GET", "/api/v1/me", token, nil, &got)
	if got.Phone != "+4915123456789" || !got.SMSReminders {
		t.Fatalf("after refused PATCHes: %+v", got)
	}
	// Without a number there are no SMS reminders: removing it turns them off,
	// and turning them on without one is 422 on sms_reminders.
	e.must(200, "PATCH", "/api/v1/me", token, map[string]any{"phone": ""}, &got)
	if got != (me{}) {
		t.Fatalf("after removing the number: %+v", got)
	}
	status, raw := e.do("PATCH", "/api/v1/me", token, map[string]any{"sms_reminders": true})
	if status != 422 || !strings.Contains(string(decodeErr(t, raw).Error.Details[0]), `"field":"sms_reminders"`) {
		t.Fatalf("SMS without a number: %d %s", status, raw)
	}
	// The users list shows what the user set.
	e.must(200, "PATCH", "/api/v1/me", token, map[string]any{"phone": "0701234567", "sms_reminders": true}, nil)
	var list []userOut
	e.must(200, "GET", "/api/v1/users", e.admin, nil, &list)
	found := false
	for _, u := range list {
		if u.Email == "handl@example.se" {
			found = u.Phone == "+46701234567" && u.SMSReminders
		}
	}
	if !found {
		raw, _ := json.Marshal(list)
		t.Fatalf("users list does not show the number: %s", raw)
	}
}

// TestAccountPageSMS: the account page has the same as PATCH /api/v1/me: the
// number and an "SMS-påminnelser" checkbox, Swedish or English; a bad number
// is shown at its field and keeps what was typed; a saved one shows in E.164.
func TestAccountPageSMS(t *testing.T) {
	p := newWebPool(t, march)
	b := p.browser()
	b.login(p.supUser)
	status, body := b.get("/account")
	if status != 200 || !strings.Contains(body, "<h2>SMS-påminnelser</h2>") || !strings.Contains(body, `type="tel" id="f-phone" name="phone" value=""`) ||
		!strings.Contains(body, `name="sms_reminders" value="true"> SMS-påminnelser</label>`) {
		t.Fatalf("the account page lacks the SMS form: %d\n%s", status, body)
	}
	status, body, _ = b.post("/account/sms", url.Values{"phone": {"07O-123 45 67"}, "sms_reminders": {"true"}})
	if status != 422 || !hasFieldError(body, "phone", "Skriv ett mobilnummer, till exempel 070-123 45 67 eller &#43;46 70 123 45 67.") ||
		!strings.Contains(body, `value="07O-123 45 67"`) || !strings.Contains(body, `value="true" checked`) {
		t.Fatalf("a bad number: %d\n%s", status, body)
	}
	status, body, _ = b.post("/account/sms", url.Values{"sms_reminders": {"true"}})
	if status != 422 || !strings.Contains(body, `id="err-sms_reminders">SMS-påminnelser kräver ett mobilnummer.`) {
		t.Fatalf("SMS without a number: %d\n%s", status, body)
	}
	if status, _, resp := b.post("/account/sms", url.Values{"phone": {"070-123 45 67"}, "sms_reminders": {"true"}}); status != 303 ||
		resp.Header.Get("Location") != "/account?done=sms" {
		t.Fatalf("saving: %d", status)
	}
	_, body = b.get("/account?done=sms")
	if !strings.Contains(body, "Ditt mobilnummer och ditt val om SMS är sparade.") || !strings.Contains(body, `value="&#43;46701234567"`) ||
		!strings.Contains(body, `value="true" checked`) {
		t.Fatalf("after saving:\n%s", body)
	}
	u, err := p.svc.UserByEmail(context.Background(), p.supUser)
	if err != nil || u.Phone != "+46701234567" || !u.SMSReminders {
		t.Fatalf("stored: %+v, %v", u, err)
	}
	// Unticked: the number stays, the SMS stop.
	b.post("/account/sms", url.Values{"phone": {"+46701234567"}})
	if u, _ := p.svc.UserByEmail(context.Background(), p.supUser); u.Phone != "+46701234567" || u.SMSReminders {
		t.Fatalf("after unticking: %+v", u)
	}
	// In English.
	b.post("/account/locale", url.Values{"locale": {"en"}})
	_, body = b.get("/account")
	if !strings.Contains(body, "<h2>SMS reminders</h2>") || !strings.Contains(body, "Mobile number") || strings.Contains(body, "SMS-påminnelser") {
		t.Fatalf("the English page:\n%s", body)
	}
}
