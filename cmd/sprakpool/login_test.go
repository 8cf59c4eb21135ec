package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The login settings are checked like the others: a bad value is exit 2 and
// one line naming the variable.
func TestLoginSettings(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		mention string
	}{
		{[]string{"--password-login", "maybe"}, "SPRAKPOOL_PASSWORD_LOGIN"},
		{[]string{"--password-login", "off"}, "SPRAKPOOL_PASSWORD_LOGIN"}, // nobody could sign in
		{[]string{"--oidc-issuer", "login.kommun.se", "--oidc-client-id", "x"}, "SPRAKPOOL_OIDC_ISSUER"},
		{[]string{"--oidc-issuer", "https://login.kommun.se/realms/kommun"}, "SPRAKPOOL_OIDC_CLIENT_ID"},
	} {
		var stderr bytes.Buffer
		args := append([]string{"migrate", "--db", filepath.Join(t.TempDir(), "x.db")}, tc.args...)
		if code := run(context.Background(), args, strings.NewReader(""), io.Discard, &stderr); code != exitUsage ||
			!strings.Contains(stderr.String(), tc.mention) || strings.Count(strings.TrimSpace(stderr.String()), "\n") != 0 {
			t.Errorf("%q: exit %d, %q; want 2 and one line naming %s", tc.args, code, stderr.String(), tc.mention)
		}
	}
	c := newCommand("serve", io.Discard)
	if err := c.parse([]string{"--oidc-issuer", "http://127.0.0.1:9/", "--oidc-client-id", "sprakpool", "--password-login", "off"}, io.Discard); err != nil {
		t.Fatal(err)
	}
	if o := c.cfg.accountOptions(); !o.SingleSignOn || !o.NoPasswords {
		t.Errorf("account options %+v", o)
	}
	if o := c.cfg.oidc(); o.Issuer != "http://127.0.0.1:9/" || o.Label != "" {
		t.Errorf("the issuer is used as given and the default label is the pages' own: %+v", o)
	}
}

// serve passes the settings on: the login page offers the municipality's
// button with the configured text and no password form, the API refuses a
// password with 403, and a provider that does not answer gives the login page
// with a Swedish message (the provider is looked up at the first login, so
// the pool starts without it).
func TestServeWithMunicipalityLogin(t *testing.T) {
	addr := freeAddr(t)
	cmd := exec.Command(binary, "serve")
	cmd.Env = cleanEnv("SPRAKPOOL_DB="+filepath.Join(t.TempDir(), "p.db"), "SPRAKPOOL_ADDR="+addr, "SPRAKPOOL_SCHEDULER=off",
		"SPRAKPOOL_OIDC_ISSUER=http://"+freeAddr(t), "SPRAKPOOL_OIDC_CLIENT_ID=sprakpool", "SPRAKPOOL_OIDC_CLIENT_SECRET=s",
		"SPRAKPOOL_OIDC_LABEL=Logga in med Sundsvalls konto", "SPRAKPOOL_PASSWORD_LOGIN=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	base := "http://" + addr
	waitHealthy(t, base, &stderr)
	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(raw)
	}
	if status, body := get("/"); status != 200 || !strings.Contains(body, "Logga in med Sundsvalls konto") || strings.Contains(body, `action="/login"`) {
		t.Errorf("login page: %d\n%s", status, body)
	}
	resp, err := http.Post(base+"/api/v1/auth/token", "application/json", strings.NewReader(`{"email":"a@b.se","password":"secret-password"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST /api/v1/auth/token with passwords off: %d, want 403", resp.StatusCode)
	}
	if status, body := get("/auth/oidc/login"); status != http.StatusBadGateway || !strings.Contains(body, "Kommunens inloggningstjänst svarar inte") {
		t.Errorf("provider down: %d\n%s", status, body)
	}
}
