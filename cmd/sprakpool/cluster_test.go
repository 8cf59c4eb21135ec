package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/outbox"
	"github.com/sprakpool/sprakpool/booking/vocab"
	"github.com/sprakpool/sprakpool/migrations/testdb"
)

// TestTwoServersOnePostgres starts two serve processes on one new PostgreSQL
// database at the same moment (so both race to migrate it), then sends every
// slot's booking request to both many times at once: for each slot exactly one
// request wins and the others hear 409, and the database holds no overlap.
// Both run the scheduler and mail one SMTP server: each booking's confirmation
// and each reminder reaches it exactly once (subtest EachMailOnce).
func TestTwoServersOnePostgres(t *testing.T) {
	server := testdb.Server()
	if server == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: CI runs this test on PostgreSQL", testdb.Env)
		}
		t.Skipf("%s is not set", testdb.Env)
	}
	dsn := testdb.Create(t, server)
	sink := newMailSink(t)
	var bases []string
	var procs []*exec.Cmd
	var logs []*bytes.Buffer
	for range 2 {
		addr := freeAddr(t)
		cmd := exec.Command(binary, "serve")
		// The reminder lead is long enough that the bookings below, a few weeks
		// ahead, are all due a reminder at the schedulers' next minute.
		cmd.Env = cleanEnv("SPRAKPOOL_DB="+dsn, "SPRAKPOOL_ADDR="+addr, "SPRAKPOOL_SCHEDULER=on",
			"SPRAKPOOL_SMTP_URL=smtp://"+sink.addr+"?tls=none", "SPRAKPOOL_MAIL_FROM=pool@kommun.example",
			"SPRAKPOOL_REMINDER_LEAD=2000h")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		procs, logs, bases = append(procs, cmd), append(logs, &stderr), append(bases, "http://"+addr)
	}
	for i, base := range bases {
		waitHealthy(t, base, logs[i])
	}
	ctx := context.Background()
	var out, errb bytes.Buffer
	if code := run(ctx, []string{"user", "add", "--db", dsn, "--email", "admin@example.se", "--name", "Admin", "--role", "admin"},
		strings.NewReader("ett-långt-lösenord\n"), &out, &errb); code != 0 {
		t.Fatalf("user add: exit %d: %s", code, errb.String())
	}
	out.Reset()
	if code := run(ctx, []string{"token", "create", "--db", dsn, "--email", "admin@example.se"}, nil, &out, &errb); code != 0 {
		t.Fatalf("token create: exit %d: %s", code, errb.String())
	}
	c := &apiClient{t: t, token: strings.TrimSpace(out.String())}

	// One supervisor and one workplace, made through the first server.
	var sv, wp struct{ ID int64 }
	c.call("POST", bases[0]+"/api/v1/supervisors", map[string]any{"name": "Amina", "email": "amina@kommun.example", "languages": []string{"ar"},
		"areas": []string{"childcare"}}, 201, &sv)
	c.call("POST", bases[0]+"/api/v1/workplaces", map[string]any{"name": "Förskolan Solrosen", "kind": "childcare"}, 201, &wp)
	var week []map[string]any
	for wd := 1; wd <= 5; wd++ {
		week = append(week, map[string]any{"weekday": wd, "start": "08:00", "end": "16:00"})
	}
	c.call("PUT", fmt.Sprintf("%s/api/v1/supervisors/%d/availability", bases[1], sv.ID), week, 200, nil)

	// Eight one-hour slots over two open weekdays a few weeks ahead; the requests
	// of each slot start at different minutes, so every two of them overlap.
	loc, _ := time.LoadLocation("Europe/Stockholm")
	var days []time.Time
	for d := time.Now().In(loc).AddDate(0, 0, 21); len(days) < 2; d = d.AddDate(0, 0, 1) {
		day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
		if _, closed := vocab.ClosedDayOn(day); !closed && booking.ISOWeekday(day) <= 5 {
			days = append(days, day)
		}
	}
	const perSlot = 24
	type result struct{ slot, status int }
	results := make(chan result, 8*perSlot)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for slot := range 8 {
		slotStart := days[slot/4].Add(time.Duration(8+2*(slot%4)) * time.Hour)
		for i := range perSlot {
			wg.Add(1)
			go func() {
				defer wg.Done()
				from := slotStart.Add(time.Duration(i%4) * 10 * time.Minute)
				body := map[string]any{"supervisor_id": sv.ID, "workplace_id": wp.ID, "language": "ar",
					"purpose": "workplace_support", "start": from.Format(time.RFC3339),
					"end": from.Add(time.Hour).Format(time.RFC3339)}
				<-start
				results <- result{slot, c.post(bases[i%2]+"/api/v1/bookings", body)}
			}()
		}
	}
	close(start)
	wg.Wait()
	close(results)
	wins := map[int]int{}
	for r := range results {
		switch r.status {
		case 201:
			wins[r.slot]++
		case 409:
		default:
			t.Errorf("slot %d: status %d, want 201 or 409", r.slot, r.status)
		}
	}
	for slot := range 8 {
		if wins[slot] != 1 {
			t.Errorf("slot %d: %d bookings won, want exactly 1", slot, wins[slot])
		}
	}
	db := testdb.Open(t, dsn)
	var confirmed int
	if err := db.QueryRow(`SELECT COUNT(*) FROM bookings WHERE status = 'confirmed'`).Scan(&confirmed); err != nil {
		t.Fatal(err)
	}
	if n := testdb.OverlappingPairs(t, db, true); n != 0 || confirmed != 8 {
		t.Fatalf("%d confirmed bookings, %d overlapping pairs; want 8 and 0", confirmed, n)
	}
	for i, p := range procs {
		if p.ProcessState != nil {
			t.Fatalf("server %d exited early: %s", i, logs[i])
		}
	}
	t.Run("EachMailOnce", func(t *testing.T) { eachMailOnce(t, db, sink, confirmed, logs) })
}

// eachMailOnce waits for both schedulers to send the confirmations and the
// reminders of the n bookings (the reminders job runs on the minute), then a few
// outbox rounds more, and checks that each message reached the SMTP server once.
func eachMailOnce(t *testing.T, db *sql.DB, sink *mailSink, n int, logs []*bytes.Buffer) {
	kinds := []string{outbox.KindBookingConfirmed, outbox.KindReminder}
	deadline := time.Now().Add(100 * time.Second)
	for time.Now().Before(deadline) && len(sink.received()) < n*len(kinds) {
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(6 * time.Second) // three more outbox rounds in each process
	got := sink.received()
	for _, kind := range kinds {
		ids := map[string]int{}
		for _, m := range got {
			if m.kind == kind {
				ids[m.messageID]++
				if m.to != "amina@kommun.example" {
					t.Errorf("%s mail to %s", kind, m.to)
				}
			}
		}
		if len(ids) != n {
			t.Errorf("%d different %s messages reached the SMTP server, want %d", len(ids), kind, n)
		}
		for id, k := range ids {
			if k != 1 {
				t.Errorf("%s message %s sent %d times", kind, id, k)
			}
		}
	}
	if len(got) != n*len(kinds) {
		t.Errorf("the SMTP server got %d messages, want %d", len(got), n*len(kinds))
	}
	var unsent int
	if err := db.QueryRow(`SELECT COUNT(*) FROM outbox WHERE status <> 'sent'`).Scan(&unsent); err != nil {
		t.Fatal(err)
	}
	if unsent != 0 || t.Failed() {
		t.Fatalf("%d messages in the outbox are not sent; logs:\n%s\n%s", unsent, logs[0], logs[1])
	}
}

// freeAddr returns a loopback address with a port nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitHealthy(t *testing.T, base string, stderr *bytes.Buffer) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not healthy in time; stderr:\n%s", base, stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// apiClient calls the JSON API with a bearer token.
type apiClient struct {
	t     *testing.T
	token string
}

func (c *apiClient) do(method, url string, body any) (int, []byte, error) {
	b, _ := json.Marshal(body)
	req, err := http.NewRequest(method, url, bytes.NewReader(b))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.Bytes(), nil
}

func (c *apiClient) call(method, url string, body any, want int, out any) {
	c.t.Helper()
	status, b, err := c.do(method, url, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if status != want {
		c.t.Fatalf("%s %s: %d, want %d: %s", method, url, status, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			c.t.Fatalf("%s %s: %v", method, url, err)
		}
	}
}

// post is safe from many goroutines: it reports a transport error as status 0.
func (c *apiClient) post(url string, body any) int {
	status, _, err := c.do("POST", url, body)
	if err != nil {
		return 0
	}
	return status
}
