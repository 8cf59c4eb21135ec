package account

import (
	"strings"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
)

// SignInVerified finds the active user with the provider's verified e-mail in
// any case, and no one else (on SQLite, and on PostgreSQL with
// SPRAKPOOL_TEST_POSTGRES).
func TestSignInVerifiedFindsTheActiveUserInAnyCase(t *testing.T) {
	f := newFixture(t, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	m, err := f.S.CreateUser(f.Ctx, booking.UserInput{Email: "Maria.Chef@Example.se", Name: "M", Role: booking.RoleManager, WorkplaceIDs: []int64{f.WpA.ID}, Password: "secret-password"})
	if err != nil {
		t.Fatal(err)
	}
	gone, err := f.S.CreateUser(f.Ctx, booking.UserInput{Email: "borta@example.se", Name: "B", Role: booking.RoleManager, WorkplaceIDs: []int64{f.WpA.ID}, Password: "secret-password"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.S.DeactivateUser(f.Ctx, f.Admin, gone.ID); err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"maria.chef@example.se", "MARIA.CHEF@EXAMPLE.SE", " Maria.Chef@example.SE "} {
		u, err := f.acct.SignInVerified(f.Ctx, email)
		if err != nil || u.ID != m.ID {
			t.Errorf("%q: %+v %v, want user %d", email, u, err, m.ID)
		}
	}
	for _, email := range []string{"borta@example.se", "okand@example.se", "", "maria.chef@example.se\x00", "\xff@example.se"} {
		if u, err := f.acct.SignInVerified(f.Ctx, email); booking.ErrorCode(err) != booking.CodeUnauthorized {
			t.Errorf("%q: %+v %v, want unauthenticated", email, u, err)
		}
	}
}

// With password login off, every way a password opens or sets an account is
// forbidden, though the password is right; the municipality's login is not.
func TestNoPasswordsRefusesEveryPasswordWay(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f := newFixture(t, now)
	_, link, err := f.acct.InviteUser(f.Ctx, f.Admin, booking.UserInput{Email: "ny@example.se", Name: "Ny", Role: booking.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	off := NewWith(f.S, Options{SingleSignOn: true, NoPasswords: true})
	if off.PasswordLogin() || !off.SingleSignOn() || !f.acct.PasswordLogin() || f.acct.SingleSignOn() {
		t.Fatal("the options do not show")
	}
	forbidden := func(what string, err error) {
		t.Helper()
		if booking.ErrorCode(err) != booking.CodeForbidden {
			t.Errorf("%s with passwords off: %v, want forbidden", what, err)
		}
	}
	_, err = off.LoginFrom(f.Ctx, "admin@example.se", "secret-password", "10.0.0.1")
	forbidden("login", err)
	_, err = off.TokenForLogin(f.Ctx, "admin@example.se", "secret-password", "10.0.0.1")
	forbidden("API token", err)
	_, _, err = off.RequestPasswordReset(f.Ctx, "admin@example.se")
	forbidden("password reset", err)
	_, err = off.SetPasswordWithToken(f.Ctx, TokenInvite, link[strings.LastIndex(link, "/")+1:], "long-enough")
	forbidden("invitation link", err)
	admin, _ := f.S.UserByEmail(f.Ctx, "admin@example.se")
	forbidden("password change", off.ChangePassword(f.Ctx, admin, "secret-password", "another-long-one"))
	if u, err := off.SignInVerified(f.Ctx, "admin@example.se"); err != nil || u.ID != admin.ID {
		t.Errorf("the municipality's login with passwords off: %+v %v", u, err)
	}
	if _, err := f.acct.Login(f.Ctx, "admin@example.se", "secret-password"); err != nil {
		t.Errorf("the same password where passwords are on: %v", err)
	}
}
