package ui_test

import (
	"encoding/json"
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
