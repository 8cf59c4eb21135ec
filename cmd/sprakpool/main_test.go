package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/account"
	"github.com/sprakpool/sprakpool/booking/calendar"
)

// binary is the sprakpool command built once for the tests that run it as a process.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sprakpool-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "sprakpool")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// cleanEnv is the environment without any SPRAKPOOL_ setting, plus extra.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SPRAKPOOL_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

func TestBadConfigurationExitsTwoWithOneLine(t *testing.T) {
	cases := []struct{ env, want string }{
		{"SPRAKPOOL_TRAVEL_BUFFER=soon", "SPRAKPOOL_TRAVEL_BUFFER"},
		{"SPRAKPOOL_TZ=Mars/Olympus", "SPRAKPOOL_TZ"},
		{"SPRAKPOOL_ADDR=nonsense", "SPRAKPOOL_ADDR"},
		{"SPRAKPOOL_SCHEDULER=maybe", "SPRAKPOOL_SCHEDULER"},
		{"SPRAKPOOL_SMTP_URL=http://x", "SPRAKPOOL_SMTP_URL"},
		{"SPRAKPOOL_LOG=xml", "SPRAKPOOL_LOG"},
		{"SPRAKPOOL_MAIL_LEASE=1s", "SPRAKPOOL_MAIL_LEASE"},
		{"SPRAKPOOL_BASE_URL=ftp://x", "SPRAKPOOL_BASE_URL"},
		{"SPRAKPOOL_SMS_URL=smtp://gateway.example", "SPRAKPOOL_SMS_URL"},
		{"SPRAKPOOL_SMS_FROM=Språk pool", "SPRAKPOOL_SMS_FROM"},
	}
	for _, c := range cases {
		t.Run(c.env, func(t *testing.T) {
			cmd := exec.Command(binary, "migrate")
			cmd.Dir = t.TempDir()
			cmd.Env = cleanEnv(c.env)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
				t.Fatalf("exit: %v, want status 2; stderr: %s", err, stderr.String())
			}
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			if len(lines) != 1 || !strings.Contains(lines[0], c.want) {
				t.Fatalf("want one line naming %s, got %q", c.want, stderr.String())
			}
			if _, err := os.Stat(filepath.Join(cmd.Dir, "sprakpool.db")); err == nil {
				t.Fatal("bad configuration still created the database")
			}
		})
	}
	// A flag wins over the variable.
	cmd := exec.Command(binary, "migrate", "--travel-buffer", "20m")
	cmd.Dir = t.TempDir()
	cmd.Env = cleanEnv("SPRAKPOOL_TRAVEL_BUFFER=soon")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("flag did not win over the variable: %v: %s", err, out)
	}
}

func TestUnknownCommandIsUsageError(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"frobnicate"}, nil, &out, &errb); code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	if code := run(context.Background(), nil, nil, &out, &errb); code != 2 {
		t.Fatalf("no command: exit %d, want 2", code)
	}
}

func TestUserAddAndTokenCreate(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "cli.db")
	var out, errb bytes.Buffer
	ctx := context.Background()
	code := run(ctx, []string{"user", "add", "--db", db, "--email", "Samordnare@Example.se", "--name", "Sam Ordnare", "--role", "admin"},
		strings.NewReader("ett-långt-lösenord\n"), &out, &errb)
	if code != 0 {
		t.Fatalf("user add: exit %d: %s", code, errb.String())
	}
	out.Reset()
	if code := run(ctx, []string{"token", "create", "--db", db, "--email", "samordnare@example.se"}, nil, &out, &errb); code != 0 {
		t.Fatalf("token create: exit %d: %s", code, errb.String())
	}
	token := strings.TrimSpace(out.String())
	if !strings.HasPrefix(token, "sp_") || strings.Contains(token, "\n") || len(token) < 40 {
		t.Fatalf("token create printed %q", out.String())
	}
	// A short password is bad usage, and nothing is created.
	errb.Reset()
	code = run(ctx, []string{"user", "add", "--db", db, "--email", "b@example.se", "--name", "B", "--role", "admin"},
		strings.NewReader("kort\n"), &out, &errb)
	if code != 2 || !strings.Contains(errb.String(), "password") {
		t.Fatalf("short password: exit %d: %s", code, errb.String())
	}
	if code := run(ctx, []string{"token", "create", "--db", db, "--email", "nobody@example.se"}, nil, &out, &errb); code != 1 {
		t.Fatalf("token for unknown user: exit %d, want 1", code)
	}
}

// TestTokenRevoke: after "token revoke" none of the user's API tokens works,
// the user can still get a new one, and an unknown user is a runtime failure.
func TestTokenRevoke(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cli.db")
	ctx := context.Background()
	var out, errb bytes.Buffer
	if code := run(ctx, []string{"user", "add", "--db", db, "--email", "chef@example.se", "--name", "Chef", "--role", "admin"},
		strings.NewReader("ett-långt-lösenord\n"), &out, &errb); code != 0 {
		t.Fatalf("user add: exit %d: %s", code, errb.String())
	}
	var tokens []string
	for range 2 {
		out.Reset()
		if code := run(ctx, []string{"token", "create", "--db", db, "--email", "chef@example.se"}, nil, &out, &errb); code != 0 {
			t.Fatalf("token create: exit %d: %s", code, errb.String())
		}
		tokens = append(tokens, strings.TrimSpace(out.String()))
	}
	out.Reset()
	if code := run(ctx, []string{"token", "revoke", "--db", db, "--email", "Chef@Example.se"}, nil, &out, &errb); code != 0 {
		t.Fatalf("token revoke: exit %d: %s", code, errb.String())
	}
	if out.Len() != 0 {
		t.Errorf("token revoke printed %q on standard output", out.String())
	}
	svc, err := booking.Open(ctx, db, booking.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	for i, tok := range tokens {
		if _, err := account.New(svc).Authenticate(ctx, tok, "127.0.0.1"); booking.ErrorCode(err) != booking.CodeUnauthorized {
			t.Errorf("token %d after revoke: %v, want unauthenticated", i, err)
		}
	}
	fresh, err := account.New(svc).CreateToken(ctx, "chef@example.se")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := account.New(svc).Authenticate(ctx, fresh, "127.0.0.1"); err != nil {
		t.Errorf("a token made after the revoke: %v", err)
	}
	if code := run(ctx, []string{"token", "revoke", "--db", db}, nil, &out, &errb); code != 2 {
		t.Errorf("token revoke without --email: exit %d, want 2", code)
	}
	if code := run(ctx, []string{"token", "revoke", "--db", db, "--email", "nobody@example.se"}, nil, &out, &errb); code != 1 {
		t.Errorf("token revoke for an unknown user: exit %d, want 1", code)
	}
}

// TestUserDeactivate: "user deactivate --email E" does what PATCH
// /api/v1/users/{id} {"active": false} does (issue 12): the user is inactive,
// their API tokens answer 401, and the feeds they could see (finding 4) answer
// 404 at their old URLs. It prints nothing on standard output.
func TestUserDeactivate(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cli.db")
	ctx := context.Background()
	var out, errb bytes.Buffer
	if code := run(ctx, []string{"migrate", "--db", db}, nil, &out, &errb); code != 0 {
		t.Fatalf("migrate: exit %d: %s", code, errb.String())
	}
	svc, err := booking.Open(ctx, db, booking.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	name, kind := "Förskolan Solrosen", "childcare"
	wp, err := svc.CreateWorkplace(ctx, &booking.User{Role: booking.RoleAdmin}, booking.WorkplaceInput{Name: &name, Kind: &kind})
	if err != nil {
		t.Fatal(err)
	}
	if code := run(ctx, []string{"user", "add", "--db", db, "--email", "chef@example.se", "--name", "Chef", "--role", "manager",
		"--workplace", fmt.Sprint(wp.ID)}, strings.NewReader("ett-långt-lösenord\n"), &out, &errb); code != 0 {
		t.Fatalf("user add: exit %d: %s", code, errb.String())
	}
	token, err := account.New(svc).CreateToken(ctx, "chef@example.se")
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := run(ctx, []string{"user", "deactivate", "--db", db, "--email", "Chef@Example.se"}, nil, &out, &errb); code != 0 {
		t.Fatalf("user deactivate: exit %d: %s", code, errb.String())
	}
	if out.Len() != 0 {
		t.Errorf("user deactivate printed %q on standard output", out.String())
	}
	u, err := svc.UserByEmail(ctx, "chef@example.se")
	if err != nil || u.Active {
		t.Fatalf("after deactivate: %+v %v", u, err)
	}
	if _, err := account.New(svc).Authenticate(ctx, token, "127.0.0.1"); booking.ErrorCode(err) != booking.CodeUnauthorized {
		t.Errorf("the API token after deactivate: %v, want unauthenticated", err)
	}
	if _, err := calendar.New(svc).WorkplaceFeed(ctx, wp.FeedToken); booking.ErrorCode(err) != booking.CodeNotFound {
		t.Errorf("the workplace feed at its old URL: %v, want not found", err)
	}
	if code := run(ctx, []string{"user", "deactivate", "--db", db}, nil, &out, &errb); code != 2 {
		t.Errorf("user deactivate without --email: exit %d, want 2", code)
	}
	if code := run(ctx, []string{"user", "deactivate", "--db", db, "--email", "nobody@example.se"}, nil, &out, &errb); code != 1 {
		t.Errorf("user deactivate for an unknown user: exit %d, want 1", code)
	}
	// Finding 10: a name is one line.
	errb.Reset()
	if code := run(ctx, []string{"user", "add", "--db", db, "--email", "ny@example.se", "--name", "Ny\r\nBcc: x@example.se", "--role", "admin"},
		strings.NewReader("ett-långt-lösenord\n"), &out, &errb); code != 2 || !strings.Contains(errb.String(), "one line") {
		t.Errorf("user add with a line break in the name: exit %d: %s", code, errb.String())
	}
}

// TestServeDemo runs the README's first command as a process, with every
// default: it must serve on 127.0.0.1:8080 with demo data, answer /healthz, and
// the printed demo logins must work with the API; SIGTERM shuts it down cleanly.
func TestServeDemo(t *testing.T) {
	const addr = "127.0.0.1:8080"
	if ln, err := net.Listen("tcp", addr); err != nil {
		t.Fatalf("port 8080 is taken, so the default address cannot be tested: %v", err)
	} else {
		ln.Close()
	}
	dir := t.TempDir()
	cmd := exec.Command(binary, "serve", "--demo")
	cmd.Dir = dir
	cmd.Env = cleanEnv()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	type login struct{ email, password, role string }
	var logins []login
	lines := make(chan string, 1000)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	base := "http://" + addr
	deadline := time.Now().Add(90 * time.Second)
	for healthy := false; !healthy; {
		if time.Now().After(deadline) {
			t.Fatalf("not healthy in time; stderr:\n%s", stderr.String())
		}
		select {
		case l, ok := <-lines:
			if ok {
				f := strings.Fields(l)
				if len(f) != 3 {
					t.Fatalf("demo login line %q is not EMAIL PASSWORD ROLE", l)
				}
				logins = append(logins, login{f[0], f[1], f[2]})
			}
		case <-time.After(200 * time.Millisecond):
			if resp, err := http.Get(base + "/healthz"); err == nil {
				resp.Body.Close()
				healthy = resp.StatusCode == 200
			}
		}
	}
	// The address to open is the first thing serve says (issue 14's first minute).
	if first, _, _ := strings.Cut(stderr.String(), "\n"); first != "Språkpool: öppna http://127.0.0.1:8080/ i webbläsaren (open it in a browser)" {
		t.Errorf("serve's first line is %q, want the address to open", first)
	}
	// Every login was printed before the server listened; collect any not yet read.
	for more := true; more; {
		select {
		case l, ok := <-lines:
			if !ok {
				more = false
				break
			}
			if f := strings.Fields(l); len(f) == 3 {
				logins = append(logins, login{f[0], f[1], f[2]})
			}
		case <-time.After(300 * time.Millisecond):
			more = false
		}
	}
	roles := map[string]bool{}
	for _, l := range logins {
		roles[l.role] = true
	}
	if !roles["admin"] || !roles["manager"] || !roles["supervisor"] {
		t.Fatalf("demo logins lack a role: %v", logins)
	}
	seen := map[string]bool{}
	for _, l := range logins {
		if seen[l.role] {
			continue
		}
		seen[l.role] = true
		body, _ := json.Marshal(map[string]string{"email": l.email, "password": l.password})
		resp, err := http.Post(base+"/api/v1/auth/token", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var tok struct{ Token string }
		json.NewDecoder(resp.Body).Decode(&tok)
		resp.Body.Close()
		if resp.StatusCode != 201 || tok.Token == "" {
			t.Fatalf("login %s: status %d", l.email, resp.StatusCode)
		}
		req, _ := http.NewRequest("GET", base+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+tok.Token)
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var me struct{ Email, Role string }
		json.NewDecoder(resp.Body).Decode(&me)
		resp.Body.Close()
		if me.Email != l.email || me.Role != l.role {
			t.Fatalf("me: %+v, want %s %s", me, l.email, l.role)
		}
		if l.role == "admin" {
			req, _ := http.NewRequest("GET", base+"/api/v1/bookings?from="+time.Now().AddDate(0, 0, -80).Format(time.DateOnly)+"&to="+time.Now().AddDate(0, 0, 80).Format(time.DateOnly), nil)
			req.Header.Set("Authorization", "Bearer "+tok.Token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var list []json.RawMessage
			json.NewDecoder(resp.Body).Decode(&list)
			resp.Body.Close()
			if len(list) < 50 {
				t.Fatalf("demo pool has %d bookings around today, want at least 50", len(list))
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "sprakpool.db")); err != nil {
		t.Fatalf("default database file: %v", err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		for range lines { // read stdout to its end before Wait
		}
		done <- cmd.Wait()
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("after SIGTERM: %v; stderr:\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no graceful shutdown within 30s")
	}
}
