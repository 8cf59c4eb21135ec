package notify

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"log/slog"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/wneessen/go-mail"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/outbox"
	"github.com/sprakpool/sprakpool/booking/report"
	"github.com/sprakpool/sprakpool/notify/channel"
	"github.com/sprakpool/sprakpool/notify/email"
)

// selfSigned makes a certificate for 127.0.0.1 and a client config that trusts it.
func selfSigned(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		&tls.Config{RootCAs: roots, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

// The SMTP URL's modes each deliver to a real server: plain with AUTH PLAIN (a
// local relay), STARTTLS with AUTH LOGIN, implicit TLS with whatever AUTH the
// server offers; a wrong password is refused.
func TestSMTPModes(t *testing.T) {
	serverTLS, clientTLS := selfSigned(t)
	cases := []struct {
		name, query, wantAuth string
		tls, implicit         bool
		pass                  string
	}{
		{"plain relay, AUTH PLAIN", "?tls=none&auth=plain", "pool (PLAIN)", false, false, "hemligt"},
		{"STARTTLS, AUTH LOGIN", "?tls=starttls&auth=login", "pool (LOGIN)", true, false, "hemligt"},
		{"implicit TLS", "?tls=implicit", "pool (PLAIN)", true, true, "hemligt"},
		{"wrong password", "?tls=starttls", "", true, false, "fel"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := &mailServer{t: t, addr: "127.0.0.1:0", user: "pool", pass: "hemligt", implicit: c.implicit}
			if c.tls {
				srv.tls = serverTLS
			}
			srv.start()
			t.Cleanup(srv.stop)
			m, err := email.NewSMTP("smtp://pool:"+c.pass+"@"+srv.addr+c.query, "sprakpool@kommun.example", mail.WithTLSConfig(clientTLS))
			if err != nil {
				t.Fatal(err)
			}
			msg := channel.Message{To: "chef@kommun.example", Subject: "Hej", Text: "Hej då"}
			errs := make([]error, 1)
			m.Send(t.Context(), []channel.Message{msg}, func(i int, err error) error { errs[i] = err; return nil })
			got := srv.messages()
			if c.wantAuth == "" {
				if errs[0] == nil || len(got) != 0 {
					t.Fatalf("a wrong password was accepted: %v, %d messages", errs[0], len(got))
				}
				return
			}
			if errs[0] != nil {
				t.Fatal(errs[0])
			}
			if len(got) != 1 || got[0].AuthUser != c.wantAuth || got[0].text("text/plain") != "Hej då\n" {
				t.Fatalf("received %+v, want one message authenticated as %s", got, c.wantAuth)
			}
		})
	}
	for _, bad := range []string{"http://x", "smtp://h?tls=maybe", "smtp://u:p@h?auth=cram"} {
		if _, err := email.NewSMTP(bad, ""); err == nil {
			t.Errorf("NewSMTP(%q) accepted", bad)
		}
	}
}

// The retry schedule: after each temporary failure the message waits one
// minute, doubling up to two hours, and is marked failed (and listed for the
// coordinator) once the next try would fall more than 24 hours after it was due.
// A permanent refusal (5xx) fails it at once.
func TestRetryScheduleThenFailed(t *testing.T) {
	p := newPool(t, time.Date(2026, 9, 1, 6, 0, 0, 0, time.UTC))
	srv := newMailServer(t)
	srv.rcptErr = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	n := p.notifier(p.svc, srv, 24*time.Hour)
	due := p.clock.Now()
	if err := outbox.New(p.svc).Queue(p.ctx, outbox.Input{Key: "invite:42", Kind: outbox.KindInvite, Recipient: "ny@kommun.example",
		Payload: map[string]any{"link": "https://sprakpool.example.se/invite/abc", "name": "Ny Användare"}}); err != nil {
		t.Fatal(err)
	}
	var delays []time.Duration
	at := due
	for range 100 {
		if _, err := n.SendDue(p.ctx, at); err != nil {
			t.Fatal(err)
		}
		rows, err := outbox.New(p.svc).List(p.ctx, outbox.KindInvite)
		if err != nil {
			t.Fatal(err)
		}
		if rows[0].Status == booking.MessageFailed {
			break
		}
		delays = append(delays, rows[0].NextAttemptAt.Sub(at))
		at = rows[0].NextAttemptAt
		p.clock.set(at)
	}
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute,
		32 * time.Minute, 64 * time.Minute}
	total := 127 * time.Minute
	for total+2*time.Hour <= outbox.RetryWindow {
		want = append(want, 2*time.Hour)
		total += 2 * time.Hour
	}
	if len(delays) != len(want) {
		t.Fatalf("retry delays %v, want %v", delays, want)
	}
	for i := range want {
		if delays[i] != want[i] {
			t.Fatalf("retry delays %v, want %v", delays, want)
		}
	}
	t.Logf("retry schedule: %d attempts over %s: %v", len(delays)+1, total, delays)
	failed, err := outbox.New(p.svc).Failed(p.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(failed) != 1 || failed[0].Attempts != len(want)+1 || !strings.Contains(failed[0].LastError, "451") {
		t.Fatalf("failed mail %+v", failed)
	}

	srv.rcptErr = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	if err := outbox.New(p.svc).Queue(p.ctx, outbox.Input{Key: "reset:7", Kind: outbox.KindPasswordReset, Recipient: "borta@kommun.example",
		Payload: map[string]any{"link": "https://sprakpool.example.se/reset/xyz"}}); err != nil {
		t.Fatal(err)
	}
	o, err := n.SendDue(p.ctx, p.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if o.Failed != 1 {
		t.Errorf("a 550 gave %+v, want failed at once", o)
	}
}

// Account mail queued by the web app: idempotent on its key, in Swedish with
// the link, or in English for a user who chose it.
func TestAccountMail(t *testing.T) {
	p := newPool(t, time.Date(2026, 9, 1, 6, 0, 0, 0, time.UTC))
	srv := newMailServer(t)
	n := p.notifier(p.svc, srv, 24*time.Hour)
	if err := p.svc.SetLocale(p.ctx, p.manager, "en"); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := outbox.New(p.svc).Queue(p.ctx, outbox.Input{Key: "invite:1", Kind: outbox.KindInvite, Recipient: "ny@kommun.example",
			Payload: map[string]any{"link": "https://sprakpool.example.se/invite/abc", "name": "Ny Användare"}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := outbox.New(p.svc).Queue(p.ctx, outbox.Input{Key: "reset:1", Kind: outbox.KindPasswordReset, Recipient: p.manager.Email,
		UserID: &p.manager.ID, Payload: map[string]any{"link": "https://sprakpool.example.se/reset/xyz"}}); err != nil {
		t.Fatal(err)
	}
	if err := outbox.New(p.svc).Queue(p.ctx, outbox.Input{Key: "later", Kind: outbox.KindInvite, Recipient: "sen@kommun.example",
		Payload: map[string]any{"link": "https://x.example/y"}, Due: p.clock.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := outbox.New(p.svc).Queue(p.ctx, outbox.Input{Key: "bad", Kind: outbox.KindInvite, Recipient: "not an address"}); booking.ErrorCode(err) != booking.CodeInvalid {
		t.Errorf("a bad recipient gave %v, want invalid", err)
	}
	run(t, n, "outbox", p.clock.Now())
	msgs := srv.messages()
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want the invitation once and the reset (the later one waits): %v", len(msgs), recipients(msgs))
	}
	inv, reset := msgs[0], msgs[1]
	if inv.Subject != "Välkommen till Språkpoolen" || !strings.Contains(inv.text("text/plain"), "Hej Ny Användare!") ||
		!strings.Contains(inv.text("text/plain"), "\nhttps://sprakpool.example.se/invite/abc\n") {
		t.Errorf("invitation %q:\n%s", inv.Subject, inv.text("text/plain"))
	}
	if reset.Subject != "New password for Språkpool" || !strings.Contains(reset.text("text/plain"), "Hello Maria Chef,") ||
		reset.Header.Get("Content-Language") != "en" || !strings.Contains(reset.text("text/html"), `<a href="https://sprakpool.example.se/reset/xyz">`) {
		t.Errorf("reset %q:\n%s\n%s", reset.Subject, reset.text("text/plain"), reset.text("text/html"))
	}
}

// With no SMTP URL, mail is logged and marked sent.
func TestNoSMTPURLLogsMail(t *testing.T) {
	p := newPool(t, time.Date(2026, 9, 1, 6, 0, 0, 0, time.UTC))
	var logs bytes.Buffer
	n, err := New(p.svc, Config{From: "sprakpool@kommun.example", BaseURL: "https://sprakpool.example.se", Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	p.book("2026-09-08 09:00", "2026-09-08 10:00")
	o, err := n.SendDue(p.ctx, p.clock.Now())
	if err != nil || o.Sent != 2 {
		t.Fatalf("%+v, %v: want 2 sent to the log", o, err)
	}
	if !strings.Contains(logs.String(), "chef.solrosen@kommun.example") || !strings.Contains(logs.String(), "Bokning bekräftad") {
		t.Errorf("log:\n%s", logs.String())
	}
}

// Every template parses and renders in both languages, and the HTML part
// escapes what the text part says.
func TestTemplatesRenderInBothLanguages(t *testing.T) {
	tm, err := parseTemplates()
	if err != nil {
		t.Fatal(err)
	}
	d := mailData{Name: "<Amina>", B: bookingView{Weekday: "måndag", Date: "30 mars 2026", Start: "09:00", End: "11:00",
		Workplace: "Förskolan Solrosen", LanguageName: "arabiska", ModeText: "på plats", PurposeText: "annat",
		Link: "https://sprakpool.example.se/bookings/1"}, Link: "https://sprakpool.example.se/x", Reason: "sjukdom",
		Date: "måndag 30 mars 2026", Day: []bookingView{{Start: "09:00", End: "11:00"}}, Month: "oktober 2026",
		Report: &report.Utilization{Rows: []report.UtilizationRow{{Label: "A", UtilizationFigures: report.UtilizationFigures{Bookings: 1, BookedMinutes: 90}}}},
		Eval:   &report.Evaluation{WorkplacesBooked: 3, Workplaces: 4}}
	for _, kind := range Kinds {
		for _, lang := range Languages {
			r, err := tm.render(kind, lang, d)
			if err != nil {
				t.Fatalf("%s.%s: %v", kind, lang, err)
			}
			greet := map[string]string{"sv": "Hej &lt;Amina&gt;!", "en": "Hello &lt;Amina&gt;,"}[lang]
			if r.Subject == "" || strings.Contains(r.Text, "<no value>") || !strings.Contains(r.HTML, greet) {
				t.Errorf("%s.%s: subject %q\n%s\n%s", kind, lang, r.Subject, r.Text, r.HTML)
			}
		}
	}
}
