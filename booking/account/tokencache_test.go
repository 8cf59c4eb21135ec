package account

import (
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
)

// The users of API tokens are kept in memory on PostgreSQL, and every change
// to who may use a token ends what is kept: made by plain SQL (as another
// instance or an operator would), when its notice arrives; made by this
// process, before the change returns. On SQLite nothing is kept and every
// change shows at once. (PostgreSQL with SPRAKPOOL_TEST_POSTGRES.)
func TestTokenCacheFollowsEveryChange(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f := newFixture(t, now)
	m, err := f.S.CreateUser(f.Ctx, booking.UserInput{Email: "m@example.se", Name: "M", Role: booking.RoleManager,
		WorkplaceIDs: []int64{f.WpA.ID}, Password: "secret-password"})
	if err != nil {
		t.Fatal(err)
	}
	token, err := f.acct.CreateToken(f.Ctx, "m@example.se")
	if err != nil {
		t.Fatal(err)
	}
	sqlite := f.S.DB().SQLite
	if !sqlite {
		deadline := time.Now().Add(10 * time.Second)
		for _, live := f.S.DB().Watch(accountsChannel).Generation(); !live; _, live = f.S.DB().Watch(accountsChannel).Generation() {
			if time.Now().After(deadline) {
				t.Fatal("the accounts watch is not listening after ten seconds")
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	auth := func() (*booking.User, error) { return f.acct.Authenticate(f.Ctx, token, "1.2.3.4") }
	// cached authenticates twice and reports whether the second came from the cache.
	cached := func() bool {
		t.Helper()
		if _, err := auth(); err != nil {
			t.Fatal(err)
		}
		hits := f.acct.tokens.Hits()
		if _, err := auth(); err != nil {
			t.Fatal(err)
		}
		return f.acct.tokens.Hits() > hits
	}
	// until authenticates until ok holds: at once on SQLite, within ten
	// seconds (the notice's way through the server) on PostgreSQL.
	until := func(what string, ok func(u *booking.User, err error) bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			u, err := auth()
			if ok(u, err) {
				return
			}
			if sqlite || time.Now().After(deadline) {
				t.Fatalf("%s: still authenticated as %+v (%v)", what, u, err)
			}
		}
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if err := f.S.DB().Gorm().Exec(q, args...).Error; err != nil {
			t.Fatal(err)
		}
	}
	unauthorized := func(u *booking.User, err error) bool { return booking.ErrorCode(err) == booking.CodeUnauthorized }
	steps := []struct {
		what string
		sql  string
		args []any
		ok   func(u *booking.User, err error) bool
	}{
		{"a workplace added", "INSERT INTO user_workplaces (user_id, workplace_id) VALUES (?, ?)", []any{m.ID, f.WpB.ID},
			func(u *booking.User, err error) bool { return err == nil && len(u.WorkplaceIDs) == 2 }},
		{"made a coordinator", "UPDATE users SET role = ? WHERE id = ?", []any{booking.RoleAdmin, m.ID},
			func(u *booking.User, err error) bool { return err == nil && u.Role == booking.RoleAdmin }},
		{"deactivated", "UPDATE users SET active = ? WHERE id = ?", []any{false, m.ID}, unauthorized},
		{"active again", "UPDATE users SET active = ? WHERE id = ?", []any{true, m.ID},
			func(u *booking.User, err error) bool { return err == nil && u.Active }},
		{"the token revoked", "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ?", []any{now, m.ID}, unauthorized},
	}
	signedIn := true
	for _, s := range steps {
		if got := signedIn && cached(); signedIn && got == sqlite {
			t.Fatalf("before %s: served from the cache: %v, on SQLite: %v", s.what, got, sqlite)
		}
		exec(s.sql, s.args...)
		until(s.what, s.ok)
		_, err := auth()
		signedIn = err == nil
	}
	// A change this process makes shows at once, on both databases, even
	// through another Service of the same pool.
	token, err = f.acct.CreateToken(f.Ctx, "m@example.se")
	if err != nil {
		t.Fatal(err)
	}
	if got := cached(); got == sqlite {
		t.Fatalf("a new token served from the cache: %v, on SQLite: %v", got, sqlite)
	}
	if err := New(f.S).RevokeToken(f.Ctx, token); err != nil {
		t.Fatal(err)
	}
	if _, err := auth(); booking.ErrorCode(err) != booking.CodeUnauthorized {
		t.Fatalf("right after its revocation by this process, the token: %v", err)
	}
}
