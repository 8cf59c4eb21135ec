package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
)

func TestJobsList(t *testing.T) {
	out, err := exec.Command(binary, "jobs", "list").Output()
	if err != nil {
		t.Fatal(err)
	}
	// confirmations (issue 9) and expire-requests (issue 14) extend the contract's list.
	for _, name := range []string{"outbox", "reminders", "dayplan", "followups", "monthly-report", "confirmations", "expire-requests"} {
		if !strings.Contains(string(out), "\n"+name+" ") && !strings.HasPrefix(string(out), name+" ") {
			t.Errorf("jobs list lacks %s:\n%s", name, out)
		}
	}
	cmd := exec.Command(binary, "jobs", "run", "nonsense")
	cmd.Env = cleanEnv("SPRAKPOOL_DB=" + filepath.Join(t.TempDir(), "x.db"))
	if err := cmd.Run(); err == nil || cmd.ProcessState.ExitCode() != 2 {
		t.Errorf("an unknown job gave %v, want exit status 2", err)
	}
}

// `jobs run reminders --at T` plans the reminder once; `serve` then delivers the
// booking's confirmation and the reminder to the SMTP server within 10 seconds.
func TestJobsRunThenServeDelivers(t *testing.T) {
	db, start := bookedPool(t)

	sink := newMailSink(t)
	env := cleanEnv("SPRAKPOOL_DB="+db, "SPRAKPOOL_SMTP_URL=smtp://"+sink.addr+"?tls=none", "SPRAKPOOL_MAIL_FROM=pool@kommun.example",
		"SPRAKPOOL_ADDR=127.0.0.1:0", "SPRAKPOOL_REMINDER_LEAD=24h")
	at := start.Add(-time.Hour).Format(time.RFC3339)
	for _, want := range []string{"planned 1 reminders", "planned 0 reminders"} {
		cmd := exec.Command(binary, "jobs", "run", "reminders", "--at", at)
		cmd.Env = env
		out, err := cmd.Output()
		if err != nil || strings.TrimSpace(string(out)) != want {
			t.Fatalf("jobs run reminders --at %s: %q, %v; want %q", at, out, err, want)
		}
	}
	if got := sink.received(); len(got) != 0 {
		t.Fatalf("planning sent mail: %v", got)
	}

	serve := exec.Command(binary, "serve")
	serve.Env = env
	var stderr bytes.Buffer
	serve.Stderr = &stderr
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		serve.Process.Signal(syscall.SIGTERM)
		serve.Wait()
	}()
	want := []string{"amina@kommun.example booking_confirmed", "amina@kommun.example reminder"}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && len(sink.received()) < len(want) {
		time.Sleep(100 * time.Millisecond)
	}
	got := sink.received()
	if len(got) != 2 || !(got[0].String() == want[0] && got[1].String() == want[1] || got[0].String() == want[1] && got[1].String() == want[0]) {
		t.Fatalf("within 10 seconds of serve the SMTP server got %v, want %v\n%s", got, want, stderr.String())
	}
}

// Issue 12, finding 11: `jobs run outbox` without SPRAKPOOL_BASE_URL sent mail
// with links to http://127.0.0.1:8080, the default of a server it is not. It is
// refused (exit 2, one line naming the variable) and sends nothing; with the
// variable it sends.
func TestJobsRunOutboxNeedsBaseURL(t *testing.T) {
	db, _ := bookedPool(t)

	sink := newMailSink(t)
	env := cleanEnv("SPRAKPOOL_DB="+db, "SPRAKPOOL_SMTP_URL=smtp://"+sink.addr+"?tls=none", "SPRAKPOOL_MAIL_FROM=pool@kommun.example")
	cmd := exec.Command(binary, "jobs", "run", "outbox")
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err == nil || cmd.ProcessState.ExitCode() != 2 ||
		!strings.Contains(stderr.String(), "SPRAKPOOL_BASE_URL") || strings.Count(strings.TrimSpace(stderr.String()), "\n") != 0 {
		t.Fatalf("jobs run outbox without a base URL: %v, %q; want exit 2 and one line naming SPRAKPOOL_BASE_URL", err, stderr.String())
	}
	if got := sink.received(); len(got) != 0 {
		t.Fatalf("the refused run sent %v", got)
	}
	// The variable or the flag will do.
	withVar := exec.Command(binary, "jobs", "run", "outbox")
	withVar.Env = append(env, "SPRAKPOOL_BASE_URL=https://sprakpool.kommun.example")
	withFlag := exec.Command(binary, "jobs", "run", "outbox", "--base-url", "https://sprakpool.kommun.example")
	withFlag.Env = env
	for _, cmd := range []*exec.Cmd{withVar, withFlag} {
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v: %s", cmd.Args, err, out)
		}
	}
	if got := sink.received(); len(got) != 1 || got[0].String() != "amina@kommun.example booking_confirmed" {
		t.Fatalf("with the base URL the outbox sent %v, want the confirmation to Amina", got)
	}
}

// bookedPool is a database with one booking three days ahead, made through the
// service: its confirmation waits in the outbox. It returns the file and the start.
func bookedPool(t *testing.T) (string, time.Time) {
	t.Helper()
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "pool.db")
	svc, err := booking.Open(ctx, db, booking.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	admin, err := svc.CreateUser(ctx, booking.UserInput{Email: "admin@kommun.example", Name: "Admin", Role: booking.RoleAdmin, Password: "secret-password"})
	if err != nil {
		t.Fatal(err)
	}
	name, kind, svName, svEmail := "Förskolan Solrosen", "childcare", "Amina", "amina@kommun.example"
	langs, areas := []string{"ar"}, []string{"childcare"}
	wp, err := svc.CreateWorkplace(ctx, admin, booking.WorkplaceInput{Name: &name, Kind: &kind})
	if err != nil {
		t.Fatal(err)
	}
	sv, err := svc.CreateSupervisor(ctx, admin, booking.SupervisorInput{Name: &svName, Email: &svEmail, Languages: &langs, Areas: &areas})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
	if start.In(booking.DefaultConfig().Location).Hour() > 20 {
		start = start.Add(-6 * time.Hour)
	}
	_, err = svc.CreateBooking(ctx, admin, booking.BookingInput{SupervisorID: &sv.ID, WorkplaceID: wp.ID, Language: "ar",
		Purpose: "workplace_support", Start: start.Format(time.RFC3339), End: start.Add(time.Hour).Format(time.RFC3339),
		Override: booking.OverridableRules, Overriding: true})
	if err != nil {
		t.Fatal(err)
	}
	svc.Close()
	return db, start
}
