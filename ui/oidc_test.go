package ui_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/account"
	"github.com/sprakpool/sprakpool/migrations/testdb"
	"github.com/sprakpool/sprakpool/ui"
	"github.com/sprakpool/sprakpool/ui/web"
)

// The client Språkpool is registered as at the test providers.
const (
	oidcClientID     = "sprakpool"
	oidcClientSecret = "client-secret"
)

// oidcPool is Språkpool on real HTTP and a real database (SQLite, or
// PostgreSQL with SPRAKPOOL_TEST_POSTGRES), signing in through an OpenID
// Provider on loopback.
type oidcPool struct {
	t    testing.TB
	svc  *booking.Service
	srv  *httptest.Server
	base string
}

// newOIDCPool starts Språkpool with the provider that provider starts for
// Språkpool's base URL (its redirect URI is base + /auth/oidc/callback) and
// whose issuer it returns.
func newOIDCPool(t testing.TB, opts account.Options, provider func(base string) string) *oidcPool {
	t.Helper()
	ctx := context.Background()
	svc, err := booking.Open(ctx, testdb.DSN(t, "oidc.db"), booking.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	issuer := provider(base)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv.Config.Handler = ui.New(svc, ui.Config{BaseURL: base, Logger: log, Account: account.NewWith(svc, opts),
		OIDC: web.OIDC{Issuer: issuer, ClientID: oidcClientID, ClientSecret: oidcClientSecret}})
	srv.Start()
	t.Cleanup(func() { srv.Close(); svc.Close() })
	return &oidcPool{t: t, svc: svc, srv: srv, base: base}
}

// user makes a Språkpool user; password "secret-password".
func (p *oidcPool) user(email, role string) *booking.User {
	p.t.Helper()
	u, err := p.svc.CreateUser(context.Background(), booking.UserInput{Email: email, Name: "Namn " + email, Role: role, Password: "secret-password"})
	if err != nil {
		p.t.Fatal(err)
	}
	return u
}

// client is a browser: cookies, and redirects followed across both sites.
func (p *oidcPool) client() *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		p.t.Fatal(err)
	}
	return &http.Client{Jar: jar}
}

// signedIn says whether the client holds a session: /api/v1/me answers 200.
func (p *oidcPool) signedIn(c *http.Client) (string, bool) {
	p.t.Helper()
	resp, err := c.Get(p.base + "/api/v1/me")
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	var me struct {
		Email string `json:"email"`
	}
	if resp.StatusCode != http.StatusOK {
		return "", false
	}
	if err := json.NewDecoder(resp.Body).Decode(&me); err != nil {
		p.t.Fatal(err)
	}
	return me.Email, true
}

func get(t testing.TB, c *http.Client, u string) (int, string, *url.URL) {
	t.Helper()
	resp, err := c.Get(u)
	return read(t, resp, err)
}

func postForm(t testing.TB, c *http.Client, u string, v url.Values) (int, string, *url.URL) {
	t.Helper()
	resp, err := c.PostForm(u, v)
	return read(t, resp, err)
}

func read(t testing.TB, resp *http.Response, err error) (int, string, *url.URL) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw), resp.Request.URL
}

// --- The real provider: zitadel/oidc's OP with its example storage. ---

// opUsers are the provider's accounts, by username.
type opUsers map[string]*storage.User

func (u opUsers) GetUserByID(id string) *storage.User {
	for _, v := range u {
		if v.ID == id {
			return v
		}
	}
	return nil
}
func (u opUsers) GetUserByUsername(name string) *storage.User { return u[name] }
func (u opUsers) ExampleClientID() string                     { return "service" }

// zitadelOP starts zitadel/oidc's certified OpenID Provider on loopback,
// with Språkpool as a web client and these accounts (password "verysecure").
// Its issuer is http://localhost:port, so its cookies and Språkpool's
// (127.0.0.1) stay apart.
func zitadelOP(t testing.TB, users opUsers) func(base string) string {
	return func(base string) string {
		op := httptest.NewUnstartedServer(nil)
		issuer := "http://localhost:" + portOf(t, op.Listener)
		clients := map[string]*storage.Client{oidcClientID: storage.WebClient(oidcClientID, oidcClientSecret, base+"/auth/oidc/callback")}
		op.Config.Handler = exampleop.SetupServer(issuer, storage.NewStorageWithClients(users, clients), quietLog, false)
		op.Start()
		t.Cleanup(op.Close)
		return issuer
	}
}

func portOf(t testing.TB, l net.Listener) string {
	_, port, err := net.SplitHostPort(l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	return port
}

func opUser(id, username, email string, verified bool) *storage.User {
	return &storage.User{ID: id, Username: username, Password: "verysecure", FirstName: "Test", LastName: username,
		Email: email, EmailVerified: verified}
}

var authRequestID = regexp.MustCompile(`name="id" value="([^"]+)"`)

// zitadelLogin follows the municipality's button (start) to the provider's login
// page, signs in there as username and follows the redirects back.
func zitadelLogin(t testing.TB, c *http.Client, start, username string) (int, string, *url.URL) {
	t.Helper()
	status, body, at := get(t, c, start)
	m := authRequestID.FindStringSubmatch(body)
	if status != http.StatusOK || m == nil {
		t.Fatalf("the provider's login page: %d at %s: %s", status, at, body)
	}
	loginURL := at.Scheme + "://" + at.Host + "/login/username"
	return postForm(t, c, loginURL, url.Values{"id": {m[1]}, "username": {username}, "password": {"verysecure"}})
}

func TestOIDCLoginThroughZitadelProvider(t *testing.T) {
	users := opUsers{
		"anna":  opUser("1", "anna", "anna.lind@kommun.example", true),
		"bo":    opUser("2", "bo", "Bo.Berg@Kommun.Example", true),
		"okand": opUser("3", "okand", "okand@kommun.example", true),
		"cecil": opUser("4", "cecil", "cecil@kommun.example", true),
		"dora":  opUser("5", "dora", "dora@kommun.example", false),
	}
	p := newOIDCPool(t, account.Options{SingleSignOn: true}, zitadelOP(t, users))
	p.user("anna.lind@kommun.example", booking.RoleAdmin)
	p.user("bo.berg@kommun.example", booking.RoleAdmin)
	cecil := p.user("cecil@kommun.example", booking.RoleAdmin)
	p.user("dora@kommun.example", booking.RoleAdmin)
	admin := p.user("admin@kommun.example", booking.RoleAdmin)
	if err := p.svc.DeactivateUser(context.Background(), admin, cecil.ID); err != nil {
		t.Fatal(err)
	}

	t.Run("happy path", func(t *testing.T) {
		c := p.client()
		status, body, at := get(t, c, p.base+"/")
		if status != 200 || !strings.Contains(body, `href="/auth/oidc/login"`) || !strings.Contains(body, "Logga in med kommunens konto") ||
			!strings.Contains(body, `action="/login"`) {
			t.Fatalf("login page %d at %s lacks the municipality's button or the password form:\n%s", status, at, body)
		}
		status, body, at = zitadelLogin(t, c, p.base+"/auth/oidc/login", "anna")
		if status != 200 || at.String() != p.base+"/" || !strings.Contains(body, "Namn anna.lind@kommun.example") {
			t.Fatalf("after the provider: %d at %s, want the start page of anna:\n%s", status, at, body)
		}
		if email, ok := p.signedIn(c); !ok || email != "anna.lind@kommun.example" {
			t.Errorf("signed in as %q (%v), want anna.lind@kommun.example", email, ok)
		}
	})

	t.Run("e-mail in another case", func(t *testing.T) {
		c := p.client()
		zitadelLogin(t, c, p.base+"/auth/oidc/login", "bo")
		if email, ok := p.signedIn(c); !ok || email != "bo.berg@kommun.example" {
			t.Errorf("Bo.Berg@Kommun.Example: signed in as %q (%v), want bo.berg@kommun.example", email, ok)
		}
	})

	t.Run("next is kept", func(t *testing.T) {
		c := p.client()
		status, body, at := get(t, c, p.base+"/account")
		if at.RequestURI() != "/?next=%2Faccount" || !strings.Contains(body, `href="/auth/oidc/login?next=%2faccount"`) {
			t.Fatalf("a visitor at /account: %d at %s, the button does not carry next:\n%s", status, at, body)
		}
		status, _, at = zitadelLogin(t, c, p.base+"/auth/oidc/login?next=%2Faccount", "anna")
		if status != 200 || at.Path != "/account" {
			t.Errorf("with next=/account: %d at %s", status, at)
		}
	})

	for _, tc := range []struct{ name, username, message string }{
		{"unknown e-mail", "okand", "Du har inget aktivt konto i Språkpoolen"},
		{"deactivated user", "cecil", "Du har inget aktivt konto i Språkpoolen"},
		{"unverified e-mail", "dora", "ingen bekräftad e-postadress"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := p.client()
			status, body, at := zitadelLogin(t, c, p.base+"/auth/oidc/login", tc.username)
			if status != http.StatusForbidden || at.Path != "/auth/oidc/callback" || !strings.Contains(body, tc.message) ||
				!strings.Contains(body, `href="/auth/oidc/login"`) {
				t.Errorf("%s: %d at %s, want 403 and the login page saying %q:\n%s", tc.username, status, at, tc.message, body)
			}
			if email, ok := p.signedIn(c); ok {
				t.Errorf("%s: signed in as %s", tc.username, email)
			}
		})
	}
}

// TestOIDCPasswordLoginOff: SPRAKPOOL_PASSWORD_LOGIN=off hides the form and
// refuses every password way in with 403; the municipality's login works.
func TestOIDCPasswordLoginOff(t *testing.T) {
	p := newOIDCPool(t, account.Options{SingleSignOn: true, NoPasswords: true},
		zitadelOP(t, opUsers{"anna": opUser("1", "anna", "anna@kommun.example", true)}))
	p.user("anna@kommun.example", booking.RoleAdmin)
	c := p.client()
	status, body, _ := get(t, c, p.base+"/")
	if status != 200 || !strings.Contains(body, `href="/auth/oidc/login"`) || strings.Contains(body, `action="/login"`) ||
		strings.Contains(body, `type="password"`) || strings.Contains(body, `href="/forgot"`) {
		t.Errorf("login page with passwords off: %d, want the button and no password form:\n%s", status, body)
	}
	// The API's token endpoint, without any session: 403, though the password is right.
	resp, err := http.Post(p.base+"/api/v1/auth/token", "application/json",
		strings.NewReader(`{"email":"anna@kommun.example","password":"secret-password"}`))
	status, body, _ = read(t, resp, err)
	if status != http.StatusForbidden || !strings.Contains(body, `"forbidden"`) {
		t.Errorf("POST /api/v1/auth/token with passwords off: %d %s, want 403", status, body)
	}
	for _, path := range []string{"/forgot", "/reset/abc", "/invite/abc"} {
		if status, _, _ := get(t, c, p.base+path); status != http.StatusForbidden {
			t.Errorf("GET %s with passwords off: %d, want 403", path, status)
		}
	}
	// Sign in with the municipality's account, then POST /login with a good
	// CSRF token: 403 for the passwords, not for the form.
	if status, _, at := zitadelLogin(t, c, p.base+"/auth/oidc/login", "anna"); status != 200 || at.Path != "/" {
		t.Fatalf("municipality login with passwords off: %d at %s", status, at)
	}
	_, body, _ = get(t, c, p.base+"/account")
	token := csrfInput.FindStringSubmatch(body)
	if token == nil {
		t.Fatal("no CSRF token on /account")
	}
	if strings.Contains(body, `action="/account/password"`) {
		t.Error("the account page offers to change a password with passwords off")
	}
	if status, _, _ := postForm(t, c, p.base+"/account/password", url.Values{"current_password": {"secret-password"},
		"password": {"another-long-one"}, "password_again": {"another-long-one"}, "_csrf": {token[1]}}); status != http.StatusForbidden {
		t.Errorf("POST /account/password with passwords off: %d, want 403", status)
	}
	status, body, _ = postForm(t, c, p.base+"/login", url.Values{"email": {"anna@kommun.example"},
		"password": {"secret-password"}, "_csrf": {token[1]}})
	if status != http.StatusForbidden || strings.Contains(body, "Formuläret har gått ut") {
		t.Errorf("POST /login with passwords off and a good CSRF token: %d, want 403 for the password:\n%s", status, body)
	}
	// And the same request is taken where passwords are on: the 403 above is the setting's.
	q := newOIDCPool(t, account.Options{SingleSignOn: true}, zitadelOP(t, opUsers{}))
	q.user("anna@kommun.example", booking.RoleAdmin)
	resp, err = http.Post(q.base+"/api/v1/auth/token", "application/json",
		strings.NewReader(`{"email":"anna@kommun.example","password":"secret-password"}`))
	if status, body, _ := read(t, resp, err); status != http.StatusCreated {
		t.Errorf("POST /api/v1/auth/token with passwords on: %d %s, want 201", status, body)
	}
}

// --- A provider that signs what each case asks: the ID tokens the real
// provider never makes (another nonce, audience or issuer, expired, signed
// by a key outside its JWKS), signed for real, so go-oidc's checks decide. ---

type signingOP struct {
	t      testing.TB
	srv    *httptest.Server
	issuer string
	key    *rsa.PrivateKey // its JWKS key
	rogue  *rsa.PrivateKey // a key it does not publish
	mu     sync.Mutex
	codes  map[string]authReq
	// Guarded by mu. tamper changes the claims (and may choose the rogue key) before signing.
	tamper func(claims map[string]any) (rogue bool)
	// refuseCode: the token endpoint answers invalid_grant (a spent or forged code).
	refuseCode bool
}

type authReq struct{ nonce, challenge string }

// set chooses what the token endpoint does next (the test and the server's
// goroutines share it).
func (o *signingOP) set(tamper func(claims map[string]any) bool, refuseCode bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.tamper, o.refuseCode = tamper, refuseCode
}

func newSigningOP(t testing.TB) *signingOP {
	o := &signingOP{t: t, codes: map[string]authReq{}}
	var err error
	if o.key, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		t.Fatal(err)
	}
	if o.rogue, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", o.discovery)
	mux.HandleFunc("GET /jwks", o.jwks)
	mux.HandleFunc("GET /authorize", o.authorize)
	mux.HandleFunc("POST /token", o.token)
	o.srv = httptest.NewUnstartedServer(mux)
	o.issuer = "http://localhost:" + portOf(t, o.srv.Listener)
	o.srv.Start()
	t.Cleanup(o.srv.Close)
	return o
}

func (o *signingOP) discovery(w http.ResponseWriter, r *http.Request) {
	json.NewEncoder(w).Encode(map[string]any{"issuer": o.issuer, "authorization_endpoint": o.issuer + "/authorize",
		"token_endpoint": o.issuer + "/token", "jwks_uri": o.issuer + "/jwks", "response_types_supported": []string{"code"},
		"subject_types_supported": []string{"public"}, "id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported": []string{"S256"}})
}

func (o *signingOP) jwks(w http.ResponseWriter, r *http.Request) {
	json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &o.key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
}

// authorize requires what the contract asks of the request, and answers at
// once (the user is taken as signed in at the provider).
func (o *signingOP) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != oidcClientID || q.Get("response_type") != "code" || q.Get("scope") != "openid email profile" ||
		q.Get("state") == "" || q.Get("nonce") == "" || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" {
		http.Error(w, "bad authorization request: "+r.URL.RawQuery, http.StatusBadRequest)
		return
	}
	code := rand.Text()
	o.mu.Lock()
	o.codes[code] = authReq{nonce: q.Get("nonce"), challenge: q.Get("code_challenge")}
	o.mu.Unlock()
	to, _ := url.Parse(q.Get("redirect_uri"))
	to.RawQuery = url.Values{"code": {code}, "state": {q.Get("state")}}.Encode()
	http.Redirect(w, r, to.String(), http.StatusFound)
}

// token checks the client and the PKCE verifier and signs the ID token.
func (o *signingOP) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.FormValue("client_id"), r.FormValue("client_secret")
	}
	o.mu.Lock()
	req, found := o.codes[r.FormValue("code")]
	delete(o.codes, r.FormValue("code"))
	tamper, refuseCode := o.tamper, o.refuseCode
	o.mu.Unlock()
	sum := sha256.Sum256([]byte(r.FormValue("code_verifier")))
	if id != oidcClientID || secret != oidcClientSecret || !found || base64.RawURLEncoding.EncodeToString(sum[:]) != req.challenge || refuseCode {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"error":"invalid_grant"}`)
		return
	}
	now := time.Now()
	claims := map[string]any{"iss": o.issuer, "sub": "user-1", "aud": oidcClientID, "iat": now.Unix(),
		"exp": now.Add(5 * time.Minute).Unix(), "nonce": req.nonce, "email": "anna@kommun.example", "email_verified": true}
	key := o.key
	if tamper != nil && tamper(claims) {
		key = o.rogue
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
	if err != nil {
		o.t.Error(err)
		return
	}
	idToken, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		o.t.Error(err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"access_token": "at-" + rand.Text(), "token_type": "Bearer",
		"expires_in": 300, "id_token": idToken})
}

func TestOIDCIDTokenChecks(t *testing.T) {
	op := newSigningOP(t)
	p := newOIDCPool(t, account.Options{SingleSignOn: true}, func(string) string { return op.issuer })
	p.user("anna@kommun.example", booking.RoleAdmin)
	for _, tc := range []struct {
		name   string
		tamper func(map[string]any) bool
		ok     bool
	}{
		{"as issued", func(map[string]any) bool { return false }, true},
		{"another nonce", func(c map[string]any) bool { c["nonce"] = "not-the-flows"; return false }, false},
		{"no nonce", func(c map[string]any) bool { delete(c, "nonce"); return false }, false},
		{"another audience", func(c map[string]any) bool { c["aud"] = "another-client"; return false }, false},
		{"expired", func(c map[string]any) bool {
			c["iat"], c["exp"] = time.Now().Add(-time.Hour).Unix(), time.Now().Add(-30*time.Minute).Unix()
			return false
		}, false},
		{"another issuer", func(c map[string]any) bool { c["iss"] = "http://evil.example"; return false }, false},
		{"signed by a key not in the JWKS", func(map[string]any) bool { return true }, false},
		{"e-mail not verified", func(c map[string]any) bool { c["email_verified"] = false; return false }, false},
		{"e-mail verified as a string (some providers)", func(c map[string]any) bool { c["email_verified"] = "true"; return false }, true},
		{"Entra: domain owner verified", func(c map[string]any) bool { delete(c, "email_verified"); c["xms_edov"] = true; return false }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			op.set(tc.tamper, false)
			c := p.client()
			status, body, at := get(t, c, p.base+"/auth/oidc/login")
			email, in := p.signedIn(c)
			if tc.ok {
				if status != 200 || at.Path != "/" || !in || email != "anna@kommun.example" {
					t.Errorf("%d at %s, signed in %v as %q; want the start page as anna:\n%s", status, at, in, email, body)
				}
				return
			}
			if in {
				t.Errorf("signed in as %s", email)
			}
			if status < 400 || status >= 500 || !strings.Contains(body, "Logga in med kommunens konto") ||
				!(strings.Contains(body, "kunde inte slutföras") || strings.Contains(body, "ingen bekräftad e-postadress")) {
				t.Errorf("%d at %s; want the login page with a Swedish message:\n%s", status, at, body)
			}
		})
	}
	op.set(nil, false)

	t.Run("the provider refuses the code", func(t *testing.T) {
		op.set(nil, true)
		defer op.set(nil, false)
		c := p.client()
		status, body, _ := get(t, c, p.base+"/auth/oidc/login")
		if status != http.StatusBadRequest || !strings.Contains(body, "kunde inte slutföras") {
			t.Errorf("%d, want 400 and the login page:\n%s", status, body)
		}
		if email, in := p.signedIn(c); in {
			t.Errorf("signed in as %s", email)
		}
	})

	t.Run("forged state, and a callback used twice", func(t *testing.T) {
		c := p.client()
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := c.Get(p.base + "/auth/oidc/login")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		resp, err = c.Get(resp.Header.Get("Location")) // the provider answers with the callback
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		callback, _ := url.Parse(resp.Header.Get("Location"))
		if callback.Path != "/auth/oidc/callback" {
			t.Fatalf("the provider sent the browser to %s", callback)
		}
		forged := *callback
		q := forged.Query()
		q.Set("state", "forged-"+q.Get("state"))
		forged.RawQuery = q.Encode()
		status, body, _ := get(t, c, forged.String())
		if status != http.StatusBadRequest || !strings.Contains(body, "kunde inte slutföras") {
			t.Errorf("forged state: %d, want 400 and the login page:\n%s", status, body)
		}
		if email, in := p.signedIn(c); in {
			t.Errorf("forged state signed in %s", email)
		}
		// The flow was spent by the forged callback: the genuine one is refused now.
		if status, _, _ := get(t, c, callback.String()); status != http.StatusBadRequest {
			t.Errorf("the genuine callback after the forged one: %d, want 400", status)
		}
		if email, in := p.signedIn(c); in {
			t.Errorf("a spent flow signed in %s", email)
		}
		// A callback in a browser that never started a flow: refused.
		if status, _, _ := get(t, p.client(), callback.String()); status != http.StatusBadRequest {
			t.Errorf("a callback without a flow: %d, want 400", status)
		}
	})
}

// quietLog silences the example provider's request log; SetupServer makes it
// the process's default logger, which no test here reads.
var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))
