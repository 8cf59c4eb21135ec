package account

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/sprakpool/sprakpool/booking"
)

func TestSessionStoreRoundTripAndRevocation(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f := newFixture(t, now)
	st := f.acct.Sessions()
	if _, found, err := st.Find("nope"); found || err != nil {
		t.Fatalf("unknown token: found=%v err=%v", found, err)
	}
	if err := st.Commit("tok-1", []byte("data-1"), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := st.Bind(f.Ctx, "tok-1", f.Admin.ID); err != nil {
		t.Fatal(err)
	}
	// A second commit of the same session keeps its user.
	if err := st.Commit("tok-1", []byte("data-2"), now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	b, found, err := st.Find("tok-1")
	if err != nil || !found || string(b) != "data-2" {
		t.Fatalf("find: %q %v %v", b, found, err)
	}
	if n, _ := st.SessionCount(f.Ctx, f.Admin.ID); n != 1 {
		t.Fatalf("sessions of the user: %d", n)
	}
	var raw string
	if err := f.acct.db.Read(f.Ctx).Raw("SELECT token_hash FROM sessions").Scan(&raw).Error; err != nil || strings.Contains(raw, "tok-1") {
		t.Fatalf("the token itself is stored: %q %v", raw, err)
	}
	if err := st.Delete("tok-1"); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := st.Find("tok-1"); found {
		t.Fatal("deleted session still found")
	}
	// Changing the password ends every session of the user.
	_ = st.Commit("tok-2", []byte("x"), now.Add(time.Hour))
	_ = st.Bind(f.Ctx, "tok-2", f.Admin.ID)
	u, _ := f.S.UserByEmail(f.Ctx, "admin@example.se")
	if err := f.acct.ChangePassword(f.Ctx, u, "wrong", "a-new-password"); booking.ErrorCode(err) != booking.CodeInvalid {
		t.Fatalf("wrong current password: %v", err)
	}
	if err := f.acct.ChangePassword(f.Ctx, u, "secret-password", "a-new-password"); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := st.Find("tok-2"); found {
		t.Fatal("a session survived the password change")
	}
}

func TestInviteLinkIsSingleUseAndExpires(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f := newFixture(t, now)
	u, link, err := f.acct.InviteUser(f.Ctx, f.Admin, booking.UserInput{Email: "Ny@Example.se", Name: "Ny", Role: booking.RoleManager, WorkplaceIDs: []int64{f.WpA.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "ny@example.se" || !strings.HasPrefix(link, f.S.Config().BaseURL+"/invite/") {
		t.Fatalf("user %+v, link %q", u, link)
	}
	secret := link[strings.LastIndex(link, "/")+1:]
	if _, err := f.acct.Login(f.Ctx, "ny@example.se", ""); err == nil {
		t.Fatal("an invited user could log in before choosing a password")
	}
	if _, err := f.acct.SetPasswordWithToken(f.Ctx, TokenPasswordReset, secret, "long-enough"); booking.ErrorCode(err) != booking.CodeNotFound {
		t.Fatalf("an invite link used as a reset link: %v", err)
	}
	if _, err := f.acct.SetPasswordWithToken(f.Ctx, TokenInvite, secret, "short"); booking.ErrorCode(err) != booking.CodeInvalid {
		t.Fatalf("short password: %v", err)
	}
	if _, err := f.acct.SetPasswordWithToken(f.Ctx, TokenInvite, secret, "long-enough"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.acct.SetPasswordWithToken(f.Ctx, TokenInvite, secret, "long-enough-2"); booking.ErrorCode(err) != booking.CodeNotFound {
		t.Fatalf("second use of the link: %v", err)
	}
	if _, err := f.acct.Login(f.Ctx, "ny@example.se", "long-enough"); err != nil {
		t.Fatal(err)
	}
	// A reset link works for an hour only.
	_, reset, err := f.acct.RequestPasswordReset(f.Ctx, "ny@example.se")
	if err != nil || reset == "" {
		t.Fatal(err)
	}
	f.S.Now = func() time.Time { return now.Add(61 * time.Minute) }
	if _, err := f.acct.AccountTokenUser(f.Ctx, TokenPasswordReset, reset[strings.LastIndex(reset, "/")+1:]); booking.ErrorCode(err) != booking.CodeNotFound {
		t.Fatalf("an expired reset link: %v", err)
	}
	if _, link, err := f.acct.RequestPasswordReset(f.Ctx, "okand@example.se"); err != nil || link != "" {
		t.Fatalf("unknown address: %q %v", link, err)
	}
}

func TestDeactivateUserEndsAccess(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f := newFixture(t, now)
	m, err := f.S.CreateUser(f.Ctx, booking.UserInput{Email: "m@example.se", Name: "M", Role: booking.RoleManager, WorkplaceIDs: []int64{f.WpA.ID}, Password: "secret-password"})
	if err != nil {
		t.Fatal(err)
	}
	token, _ := f.acct.CreateToken(f.Ctx, "m@example.se")
	_ = f.acct.Sessions().Commit("s", []byte("x"), now.Add(time.Hour))
	_ = f.acct.Sessions().Bind(f.Ctx, "s", m.ID)
	if err := f.S.DeactivateUser(f.Ctx, m, f.Admin.ID); booking.ErrorCode(err) != booking.CodeForbidden {
		t.Fatalf("a manager deactivates: %v", err)
	}
	if err := f.S.DeactivateUser(f.Ctx, f.Admin, f.Admin.ID); booking.ErrorCode(err) != booking.CodeInvalid {
		t.Fatalf("deactivating oneself: %v", err)
	}
	if err := f.S.DeactivateUser(f.Ctx, f.Admin, m.ID); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := f.acct.Sessions().Find("s"); found {
		t.Error("the session survived")
	}
	if _, err := f.acct.Authenticate(f.Ctx, token, "1.2.3.4"); booking.ErrorCode(err) != booking.CodeUnauthorized {
		t.Errorf("the API token still works: %v", err)
	}
	if _, err := f.acct.Login(f.Ctx, "m@example.se", "secret-password"); err == nil {
		t.Error("a deactivated user logged in")
	}
	users, err := f.S.ListUsers(f.Ctx, f.Admin)
	if err != nil || len(users) != 2 {
		t.Fatalf("users: %d %v", len(users), err)
	}
}

func TestLoginFromLimitsAnAddress(t *testing.T) {
	f := newFixture(t, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	var err error
	for i := range maxLoginFailuresPerAddr + 1 {
		_, err = f.acct.LoginFrom(f.Ctx, "nobody"+string(rune('a'+i%26))+string(rune('a'+i/26))+"@example.se", "wrong", "10.0.0.1")
	}
	if booking.ErrorCode(err) != booking.CodeRateLimited {
		t.Fatalf("after %d failures from one address: %v", maxLoginFailuresPerAddr+1, err)
	}
	if _, err := f.acct.LoginFrom(f.Ctx, "admin@example.se", "secret-password", "10.0.0.2"); err != nil {
		t.Fatalf("another address is not limited: %v", err)
	}
}

// Finding 3 of issue 12: of any number of simultaneous wrong passwords for one
// account, at most 10 are checked, because each try is recorded before bcrypt.
// The tries come from 60 addresses, so only the per-account limit is at work.
// Run with SPRAKPOOL_TEST_POSTGRES for PostgreSQL.
func TestConcurrentWrongPasswordsCheckedAtMostTen(t *testing.T) {
	f := newFixture(t, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	const tries = 60
	codes := make(chan booking.Code, tries)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range tries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := f.acct.LoginFrom(f.Ctx, "admin@example.se", "wrong-password", fmt.Sprintf("10.0.%d.%d", i/250, i%250+1))
			codes <- booking.ErrorCode(err)
		}()
	}
	close(start)
	wg.Wait()
	close(codes)
	count := map[booking.Code]int{}
	for c := range codes {
		count[c]++
	}
	// The 1st to 9th wrong password is 401, the 10th (checked) and every later one 429.
	if count[booking.CodeUnauthorized] != 9 || count[booking.CodeRateLimited] != tries-9 {
		t.Errorf("answers %v, want 9 unauthenticated and %d rate limited", count, tries-9)
	}
	if n := f.acct.passwordChecks.Load(); n != maxPasswordFailures {
		t.Errorf("%d passwords checked with bcrypt, want %d", n, maxPasswordFailures)
	}
	var rows int64
	f.acct.db.Read(f.Ctx).Model(&authFailure{}).Where("key = ?", "account:admin@example.se").Count(&rows)
	if rows != maxPasswordFailures {
		t.Errorf("%d failures recorded for the account, want %d", rows, maxPasswordFailures)
	}
	if _, err := f.acct.LoginFrom(f.Ctx, "admin@example.se", "secret-password", "10.9.9.9"); booking.ErrorCode(err) != booking.CodeRateLimited {
		t.Errorf("the right password after the flood: %v, want rate limited", err)
	}
	if n := f.acct.passwordChecks.Load(); n != maxPasswordFailures {
		t.Errorf("the refused right password was checked too (%d checks)", n)
	}
}

// Finding 3 of issue 12: the per-address limit is one for the form and the API.
func TestLoginLimitsSharedByFormAndToken(t *testing.T) {
	f := newFixture(t, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	for i := range maxLoginFailuresPerAddr {
		email := fmt.Sprintf("nobody%d@example.se", i)
		var err error
		if i%2 == 0 {
			_, err = f.acct.LoginFrom(f.Ctx, email, "wrong", "10.0.0.1")
		} else {
			_, err = f.acct.TokenForLogin(f.Ctx, email, "wrong", "10.0.0.1")
		}
		if booking.ErrorCode(err) != booking.CodeUnauthorized {
			t.Fatalf("wrong password %d: %v", i+1, err)
		}
	}
	if _, err := f.acct.TokenForLogin(f.Ctx, "admin@example.se", "secret-password", "10.0.0.1"); booking.ErrorCode(err) != booking.CodeRateLimited {
		t.Errorf("API token from the blocked address: %v, want rate limited", err)
	}
	if _, err := f.acct.LoginFrom(f.Ctx, "admin@example.se", "secret-password", "10.0.0.1"); booking.ErrorCode(err) != booking.CodeRateLimited {
		t.Errorf("form login from the blocked address: %v, want rate limited", err)
	}
	if _, err := f.acct.TokenForLogin(f.Ctx, "admin@example.se", "secret-password", "10.0.0.2"); err != nil {
		t.Errorf("another address: %v", err)
	}
}

// Finding 7 of issue 12: a login for an unknown address, a deactivated user or
// one without a password runs bcrypt as a real one does, against a hash of the
// same cost, so the time it takes does not tell who has an account.
func TestLoginChecksAPasswordForEveryAddress(t *testing.T) {
	f := newFixture(t, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	if cost, err := bcrypt.Cost([]byte(dummyPasswordHash)); err != nil || cost != bcrypt.DefaultCost {
		t.Fatalf("the dummy hash has cost %d (%v), stored hashes %d", cost, err, bcrypt.DefaultCost)
	}
	m := f.Manager("m@example.se", f.WpA.ID)
	if err := f.S.DeactivateUser(f.Ctx, f.Admin, m.ID); err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"admin@example.se", "okand@example.se", "m@example.se"} {
		before := f.acct.passwordChecks.Load()
		if _, err := f.acct.LoginFrom(f.Ctx, email, "wrong-password", "10.0.0.1"); booking.ErrorCode(err) != booking.CodeUnauthorized {
			t.Fatalf("%s: %v", email, err)
		}
		if f.acct.passwordChecks.Load() != before+1 {
			t.Errorf("%s: no password was checked", email)
		}
	}
	// The right password of a deactivated user matches nothing.
	if _, err := f.acct.LoginFrom(f.Ctx, "m@example.se", "secret-password", "10.0.0.1"); booking.ErrorCode(err) != booking.CodeUnauthorized {
		t.Errorf("deactivated user with the right password: %v", err)
	}
}

// An API token's user is read in one query (issue 19): it is the same user,
// every field and every workplace, as the service reads by id, and a revoked
// token stops working at once.
func TestAuthenticateReadsTheWholeUser(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f := newFixture(t, now)
	m, err := f.S.CreateUser(f.Ctx, booking.UserInput{Email: "m@example.se", Name: "M", Role: booking.RoleManager,
		WorkplaceIDs: []int64{f.WpB.ID, f.WpA.ID}, Password: "secret-password"})
	if err != nil {
		t.Fatal(err)
	}
	phone, sms := "070-123 45 67", true
	if err := f.S.SetContact(f.Ctx, m, booking.ContactPatch{Phone: &phone, SMSReminders: &sms}); err != nil {
		t.Fatal(err)
	}
	token, _ := f.acct.CreateToken(f.Ctx, "m@example.se")
	got, err := f.acct.Authenticate(f.Ctx, token, "1.2.3.4")
	if err != nil {
		t.Fatal(err)
	}
	want, err := f.S.UserByID(f.Ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) || len(got.WorkplaceIDs) != 2 || got.Phone == "" || !got.SMSReminders {
		t.Fatalf("authenticated as\n%+v\nwant\n%+v", got, want)
	}
	if err := f.acct.RevokeToken(f.Ctx, token); err != nil {
		t.Fatal(err)
	}
	if _, err := f.acct.Authenticate(f.Ctx, token, "1.2.3.4"); booking.ErrorCode(err) != booking.CodeUnauthorized {
		t.Fatalf("a revoked token: %v", err)
	}
}
