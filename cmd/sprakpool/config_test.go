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

// Issue 12, finding 12: SPRAKPOOL_TRUSTED_PROXIES (or --trusted-proxies) takes
// addresses and CIDR ranges; anything else is bad configuration (exit 2, one line).
func TestTrustedProxiesSetting(t *testing.T) {
	c := newCommand("serve", io.Discard)
	if err := c.parse([]string{"--trusted-proxies", " 10.0.0.5, 192.168.0.0/16,::1 ,"}, io.Discard); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range c.cfg.trustedProxies {
		got = append(got, n.String())
	}
	if strings.Join(got, " ") != "10.0.0.5/32 192.168.0.0/16 ::1/128" {
		t.Errorf("trusted proxies %v", got)
	}
	c = newCommand("serve", io.Discard)
	if err := c.parse(nil, io.Discard); err != nil || len(c.cfg.trustedProxies) != 0 {
		t.Errorf("default: %v, %v; want none", c.cfg.trustedProxies, err)
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.kommun.se", "10.0.0.5:8080"} {
		var stderr bytes.Buffer
		args := []string{"migrate", "--db", filepath.Join(t.TempDir(), "x.db"), "--trusted-proxies", bad}
		if code := run(context.Background(), args, strings.NewReader(""), io.Discard, &stderr); code != exitUsage ||
			!strings.Contains(stderr.String(), "SPRAKPOOL_TRUSTED_PROXIES") || strings.Count(strings.TrimSpace(stderr.String()), "\n") != 0 {
			t.Errorf("%q: exit %d, %q; want 2 and one line naming the variable", bad, code, stderr.String())
		}
	}
}

// serve passes the setting on: behind a trusted proxy on loopback, one client's
// bad tokens do not lock out the next client.
func TestServeTrustsConfiguredProxy(t *testing.T) {
	addr := freeAddr(t)
	cmd := exec.Command(binary, "serve")
	cmd.Env = cleanEnv("SPRAKPOOL_DB="+filepath.Join(t.TempDir(), "p.db"), "SPRAKPOOL_ADDR="+addr,
		"SPRAKPOOL_SCHEDULER=off", "SPRAKPOOL_TRUSTED_PROXIES=127.0.0.1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	base := "http://" + addr
	waitHealthy(t, base, &stderr)
	badToken := func(xff string) int {
		req, _ := http.NewRequest("GET", base+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer sp_wrong")
		req.Header.Set("X-Forwarded-For", xff)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for range 20 {
		badToken("203.0.113.7")
	}
	if a, b := badToken("203.0.113.7"), badToken("198.51.100.9"); a != http.StatusTooManyRequests || b != http.StatusUnauthorized {
		t.Errorf("21st bad token from one client: %d, want 429; another client's first: %d, want 401", a, b)
	}
}
