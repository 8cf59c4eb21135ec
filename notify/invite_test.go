package notify

import (
	"strings"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/account"
)

// With the municipality's login on, an invitation tells the new user to sign
// in with the municipality's account and carries no password link; without
// it, the same invitation asks for a password.
func TestInvitationWithMunicipalityLogin(t *testing.T) {
	p := newPool(t, time.Date(2026, 9, 1, 6, 0, 0, 0, time.UTC))
	srv := newMailServer(t)
	n := p.notifier(p.svc, srv, 24*time.Hour)
	base := strings.TrimRight(p.svc.Config().BaseURL, "/")
	in := func(email string) booking.UserInput {
		return booking.UserInput{Email: email, Name: "Ny Användare", Role: booking.RoleAdmin}
	}
	_, link, err := account.NewWith(p.svc, account.Options{SingleSignOn: true}).InviteUser(p.ctx, p.admin, in("sso@kommun.example"))
	if err != nil {
		t.Fatal(err)
	}
	if link != base+"/" {
		t.Errorf("the invitation's link is %q, want the login page %q", link, base+"/")
	}
	if _, _, err := account.New(p.svc).InviteUser(p.ctx, p.admin, in("losen@kommun.example")); err != nil {
		t.Fatal(err)
	}
	run(t, n, "outbox", p.clock.Now())
	byTo := map[string]received{}
	for _, m := range srv.messages() {
		byTo[m.To[0]] = m
	}
	sso, pw := byTo["sso@kommun.example"].text("text/plain"), byTo["losen@kommun.example"].text("text/plain")
	if !strings.Contains(sso, `"Logga in med kommunens konto"`) || strings.Contains(sso, "lösenord här") ||
		strings.Contains(sso, "/invite/") || !strings.Contains(sso, "\n"+base+"/\n") {
		t.Errorf("invitation with the municipality's login:\n%s", sso)
	}
	if !strings.Contains(pw, "Välj ditt lösenord här") || !strings.Contains(pw, base+"/invite/") || strings.Contains(pw, "kommunens konto") {
		t.Errorf("invitation with passwords:\n%s", pw)
	}
}
