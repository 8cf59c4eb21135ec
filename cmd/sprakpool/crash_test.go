package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/outbox"
	"github.com/sprakpool/sprakpool/booking/vocab"
	"github.com/sprakpool/sprakpool/migrations/testdb"
)

// TestCrashSQLite kills `serve` with SIGKILL in the middle of concurrent
// bookings, while the outbox is in the middle of an SMTP batch, restarts it on
// the same file and checks that nothing answered 201 was lost, nothing refused
// was kept, no two confirmed bookings of a supervisor overlap, the file passes
// its integrity check, and every booking's confirmation reaches the SMTP server
// exactly once, including those pending or being sent at the kill; and every
// booking of the next 24 hours reaches its supervisor's phone by SMS exactly
// once, through an SMS gateway held at the kill as the SMTP server is.
func TestCrashSQLite(t *testing.T) {
	crashTest(t, filepath.Join(t.TempDir(), "pool.db"))
}

// TestCrashPostgres is the same on PostgreSQL; CI runs it in its PostgreSQL pass.
func TestCrashPostgres(t *testing.T) {
	server := testdb.Server()
	if server == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: CI runs this test on PostgreSQL", testdb.Env)
		}
		t.Skipf("%s is not set", testdb.Env)
	}
	crashTest(t, testdb.Create(t, server))
}

// crashLease is SPRAKPOOL_MAIL_LEASE for the test: a message claimed when the
// process was killed is sent again this long after its claim, not 5 minutes.
const crashLease = 4 * time.Second

// crashRequest is one booking request and what its client heard.
type crashRequest struct {
	notes  string // unique per request, to find its booking in the database
	status int    // 0: no answer (connection error)
	id     int64  // from a 201
}

func crashTest(t *testing.T, dsn string) {
	postgres := testdb.IsPostgres(dsn)
	sink, smsGateway := newMailSink(t), newSMSSink(t)
	// A reminder lead of a minute: the bookings of the next day (made for their
	// SMS) get no reminder while the test runs.
	env := func() []string {
		return cleanEnv("SPRAKPOOL_DB="+dsn, "SPRAKPOOL_ADDR="+freeAddr(t), "SPRAKPOOL_BASE_URL=http://pool.kommun.example",
			"SPRAKPOOL_SMTP_URL=smtp://"+sink.addr+"?tls=none", "SPRAKPOOL_MAIL_FROM=pool@kommun.example",
			"SPRAKPOOL_MAIL_LEASE="+crashLease.String(), "SPRAKPOOL_SCHEDULER=on",
			"SPRAKPOOL_SMS_URL="+smsGateway.url(), "SPRAKPOOL_REMINDER_LEAD=1m")
	}
	first := startServe(t, env())

	// The pool: an admin with a token, six supervisors, two workplaces with a
	// manager each. Every booking mails its supervisor and its workplace's manager.
	ctx := context.Background()
	var out, errb bytes.Buffer
	if code := run(ctx, []string{"user", "add", "--db", dsn, "--email", "admin@kommun.example", "--name", "Admin", "--role", "admin"},
		strings.NewReader("ett-långt-lösenord\n"), &out, &errb); code != 0 {
		t.Fatalf("user add: exit %d: %s", code, errb.String())
	}
	out.Reset()
	if code := run(ctx, []string{"token", "create", "--db", dsn, "--email", "admin@kommun.example"}, nil, &out, &errb); code != 0 {
		t.Fatalf("token create: exit %d: %s", code, errb.String())
	}
	c := &apiClient{t: t, token: strings.TrimSpace(out.String())}
	var week []map[string]any
	for wd := 1; wd <= 5; wd++ {
		week = append(week, map[string]any{"weekday": wd, "start": "08:00", "end": "16:00"})
	}
	var supervisors, workplaces []int64
	svEmail, managerOf := map[int64]string{}, map[int64]string{}
	for i := range 6 {
		var sv struct{ ID int64 }
		email := fmt.Sprintf("handledare%d@kommun.example", i)
		c.call("POST", first.base+"/api/v1/supervisors", map[string]any{"name": fmt.Sprintf("Handledare %d", i), "email": email,
			"languages": []string{"ar"}, "areas": []string{"childcare"}}, 201, &sv)
		c.call("PUT", fmt.Sprintf("%s/api/v1/supervisors/%d/availability", first.base, sv.ID), week, 200, nil)
		supervisors, svEmail[sv.ID] = append(supervisors, sv.ID), email
	}
	// Two more supervisors sign in and have SMS reminders on their own phones;
	// their bookings are for the next day, so each is also texted to them.
	var smsSupervisors []int64
	phoneOf := map[int64]string{}
	for i := range 2 {
		var sv struct{ ID int64 }
		email := fmt.Sprintf("sms-handledare%d@kommun.example", i)
		c.call("POST", first.base+"/api/v1/supervisors", map[string]any{"name": fmt.Sprintf("SMS-handledare %d", i), "email": email,
			"languages": []string{"ar"}, "areas": []string{"childcare"}}, 201, &sv)
		if code := run(ctx, []string{"user", "add", "--db", dsn, "--email", email, "--name", fmt.Sprintf("SMS-handledare %d", i), "--role", "supervisor",
			"--supervisor", fmt.Sprint(sv.ID)}, strings.NewReader("ett-långt-lösenord\n"), &out, &errb); code != 0 {
			t.Fatalf("user add supervisor: exit %d: %s", code, errb.String())
		}
		out.Reset()
		if code := run(ctx, []string{"token", "create", "--db", dsn, "--email", email}, nil, &out, &errb); code != 0 {
			t.Fatalf("token create: exit %d: %s", code, errb.String())
		}
		own := &apiClient{t: t, token: strings.TrimSpace(out.String())}
		phone := fmt.Sprintf("+4670123450%d", i)
		own.call("PATCH", first.base+"/api/v1/me", map[string]any{"phone": phone, "sms_reminders": true}, 200, nil)
		smsSupervisors, svEmail[sv.ID], phoneOf[sv.ID] = append(smsSupervisors, sv.ID), email, phone
	}
	for i := range 2 {
		var wp struct{ ID int64 }
		c.call("POST", first.base+"/api/v1/workplaces", map[string]any{"name": fmt.Sprintf("Förskolan %d", i), "kind": "childcare"}, 201, &wp)
		email := fmt.Sprintf("chef%d@kommun.example", i)
		if code := run(ctx, []string{"user", "add", "--db", dsn, "--email", email, "--name", fmt.Sprintf("Chef %d", i), "--role", "manager",
			"--workplace", fmt.Sprint(wp.ID)}, strings.NewReader("ett-långt-lösenord\n"), &out, &errb); code != 0 {
			t.Fatalf("user add manager: exit %d: %s", code, errb.String())
		}
		workplaces, managerOf[wp.ID] = append(workplaces, wp.ID), email
	}

	// Every one-hour slot of the supervisors over 30 open weekdays from a week
	// ahead (no reminder, day plan or follow-up falls due), shuffled and dealt
	// into six sequences. Two clients walk each sequence, so most slots are asked
	// for twice at about the same moment (one wins, one hears 409), and
	// neighbouring slots at the other workplace break the travel buffer (409).
	loc, _ := time.LoadLocation("Europe/Stockholm")
	var days []time.Time
	for d := time.Now().In(loc).AddDate(0, 0, 7); len(days) < 30; d = d.AddDate(0, 0, 1) {
		day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
		if _, closed := vocab.ClosedDayOn(day); !closed && booking.ISOWeekday(day) <= 5 {
			days = append(days, day)
		}
	}
	type slot struct {
		supervisor, workplace int64
		start                 time.Time
		// override: a booking of the next day, at any hour, past the rules a
		// coordinator may override (availability, closed days, …).
		override bool
	}
	var slots []slot
	for _, sv := range supervisors {
		for _, day := range days {
			for h := 8; h < 16; h++ {
				slots = append(slots, slot{sv, workplaces[rand.IntN(2)], day.Add(time.Duration(h) * time.Hour), false})
			}
		}
	}
	// The SMS supervisors' hours from two to 23 hours ahead, but none today
	// from 07:00 on, when today's day plan would go out.
	now := time.Now().In(loc)
	dayplanToday := time.Date(now.Year(), now.Month(), now.Day(), 7, 0, 0, 0, loc)
	var next []slot
	for h := now.Truncate(time.Hour).Add(2 * time.Hour); h.Before(now.Add(23 * time.Hour)); h = h.Add(time.Hour) {
		if y, m, d := h.Date(); y == now.Year() && m == now.Month() && d == now.Day() && !dayplanToday.After(now.Add(10*time.Minute)) {
			continue
		}
		for _, sv := range smsSupervisors {
			next = append(next, slot{sv, workplaces[rand.IntN(2)], h, true})
		}
	}
	rand.Shuffle(len(slots), func(i, j int) { slots[i], slots[j] = slots[j], slots[i] })
	// The next day's slots are dealt among the first 40 of each client's
	// sequence, asked for before the kill, so that some of their SMS have gone
	// out at the kill and some wait (their events not yet planned).
	smsSlots, regular := len(next), slots
	slots = nil
	for k := range 6 {
		seq := append([]slot(nil), regular[k*len(regular)/6:(k+1)*len(regular)/6]...)
		for _, sl := range next[k*len(next)/6 : (k+1)*len(next)/6] {
			seq = slices.Insert(seq, rand.IntN(min(40, len(seq))), sl)
		}
		slots = append(slots, seq...)
	}
	const clients = 12
	var answered201, inFlight atomic.Int64
	// stop ends the clients if the test fails before the kill; otherwise the
	// kill ends them.
	var stop atomic.Bool
	defer stop.Store(true)
	results := make([][]crashRequest, clients)
	var wg sync.WaitGroup
	for cl := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			seq := slots[(cl/2)*len(slots)/(clients/2) : (cl/2+1)*len(slots)/(clients/2)]
			// Later rounds ask again for what round one got: 409s, until the kill
			// (however fast the server answers, requests are in flight then).
			for k := 0; !stop.Load(); k++ {
				s := seq[k%len(seq)]
				r := crashRequest{notes: fmt.Sprintf("crash-%d-%d", cl, k)}
				body := map[string]any{"supervisor_id": s.supervisor,
					"workplace_id": s.workplace, "language": "ar", "purpose": "workplace_support", "notes": r.notes,
					"start": s.start.Format(time.RFC3339), "end": s.start.Add(time.Hour).Format(time.RFC3339)}
				if s.override {
					body["override"] = booking.OverridableRules
				}
				inFlight.Add(1)
				status, body2, err := c.do("POST", first.base+"/api/v1/bookings", body)
				inFlight.Add(-1)
				if err == nil {
					r.status = status
					if status == 201 {
						var b struct{ ID int64 }
						if json.Unmarshal(body2, &b) != nil || b.ID == 0 {
							t.Errorf("201 without an id: %s", body2)
						}
						r.id = b.ID
						answered201.Add(1)
					}
				}
				results[cl] = append(results[cl], r)
				if err != nil {
					return // the server is gone; what this client asked is recorded
				}
			}
		}()
	}

	// Once 60 bookings are answered and 20 mails (and an SMS) delivered, the SMTP server stops
	// answering every message but the first of each connection: the outbox is
	// then stuck inside a batch, one message taken and one claimed but
	// unanswered. Kill then, with bookings in flight.
	waitFor(t, 60*time.Second, "60 bookings answered 201, 20 mails and an SMS delivered", func() bool {
		return answered201.Load() >= 60 && len(sink.received()) >= 20 && len(smsGateway.received()) >= 1
	})
	sink.hold()
	waitFor(t, 30*time.Second, "the outbox to be held inside an SMTP batch", func() bool { return sink.heldCount() > 0 })
	// The gateway holds from now on too: an SMS tried after this is never answered.
	smsGateway.hold()
	flying := inFlight.Load()
	if err := first.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	first.cmd.Wait()
	wg.Wait()
	mailsBefore, smsBefore := len(sink.received()), len(smsGateway.received())
	sink.release() // the held messages were never answered: the sender must send them again
	smsGateway.release()

	var reqs []crashRequest
	for _, rs := range results {
		reqs = append(reqs, rs...)
	}
	db := openReadOnly(t, dsn)
	atKill := outboxState(t, db)
	t.Logf("at the kill: %d requests in flight, %d bookings answered 201, outbox %v, %d booking events not yet planned into mail, %d mails received",
		flying, answered201.Load(), atKill.byStatus, atKill.unplanned, mailsBefore)
	if atKill.byStatus[booking.MessageSending] == 0 || atKill.byStatus[booking.MessagePending]+atKill.unplanned == 0 {
		t.Errorf("at the kill no message was both being sent and waiting: the test did not test what it names")
	}

	// Restart on the same database; it must come up and send what is left.
	second := startServe(t, env())
	waitFor(t, 60*time.Second, "the outbox to send everything after the restart", func() bool {
		s := outboxState(t, db)
		return s.unplanned == 0 && s.byStatus[booking.MessagePending] == 0 && s.byStatus[booking.MessageSending] == 0
	})
	if err := second.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := second.cmd.Wait(); err != nil {
		t.Errorf("serve after SIGTERM: %v\n%s", err, second.stderr.String())
	}

	if postgres {
		checkPostgresIntegrity(t, db)
	} else {
		var check string
		if err := db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
			t.Errorf("integrity_check after the crash: %q, %v", check, err)
		}
	}
	if n := testdb.OverlappingPairs(t, db, postgres); n != 0 {
		t.Errorf("%d pairs of confirmed bookings of one supervisor overlap", n)
	}

	// Bookings: each 201 is there and confirmed, nothing refused is there,
	// nothing is there that no one asked for.
	type row struct {
		id                    int64
		supervisor, workplace int64
		status                string
	}
	stored := map[string]row{}
	rows, err := db.Query("SELECT id, supervisor_id, workplace_id, status, notes FROM bookings")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var r row
		var notes string
		if err := rows.Scan(&r.id, &r.supervisor, &r.workplace, &r.status, &notes); err != nil {
			t.Fatal(err)
		}
		stored[notes] = r
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	var ok201, found, lost, refused, refusedKept, noAnswer, noAnswerKept int
	asked := map[string]bool{}
	for _, r := range reqs {
		asked[r.notes] = true
		b, there := stored[r.notes]
		switch {
		case r.status == 201:
			ok201++
			if there && b.id == r.id && b.status == booking.StatusConfirmed {
				found++
			} else {
				lost++
				t.Errorf("booking %d (%s) was answered 201 but is %+v after the restart", r.id, r.notes, b)
			}
		case r.status >= 400 && r.status < 500:
			refused++
			if there {
				refusedKept++
				t.Errorf("request %s was refused with %d but its booking %d is there", r.notes, r.status, b.id)
			}
		case r.status == 0:
			noAnswer++
			if there {
				noAnswerKept++
			}
		default:
			t.Errorf("request %s: status %d, want 201 or a 4xx", r.notes, r.status)
		}
	}
	for notes, b := range stored {
		if !asked[notes] {
			t.Errorf("booking %d (%q) is there but no client asked for it", b.id, notes)
		}
	}
	t.Logf("bookings: %d answered 201 before the kill, %d found after the restart, lost %d; %d refused (%d kept); %d without an answer, %d of them kept",
		ok201, found, lost, refused, refusedKept, noAnswer, noAnswerKept)
	if ok201 < 60 || noAnswer == 0 {
		t.Errorf("the kill came after %d bookings with %d requests unanswered; want at least 60 and some", ok201, noAnswer)
	}

	// Mail: every confirmed booking's confirmation reached its supervisor and its
	// workplace's manager exactly once, by Message-ID and by booking and recipient.
	type mailKey struct {
		booking   int64
		recipient string
	}
	byMessageID := map[string]mailKey{}
	rows, err = db.Query("SELECT booking_id, recipient, message_id, status FROM outbox WHERE kind = 'booking_confirmed' AND channel = 'email'")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k mailKey
		var id, status string
		if err := rows.Scan(&k.booking, &k.recipient, &id, &status); err != nil {
			t.Fatal(err)
		}
		if status != booking.MessageSent {
			t.Errorf("confirmation of booking %d to %s is %s", k.booking, k.recipient, status)
		}
		byMessageID[id] = k
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	want := map[mailKey]int{}
	for _, b := range stored {
		if b.status == booking.StatusConfirmed {
			want[mailKey{b.id, svEmail[b.supervisor]}] = 0
			want[mailKey{b.id, managerOf[b.workplace]}] = 0
		}
	}
	seenID := map[string]int{}
	afterRestart, duplicates, stray := 0, 0, 0
	for i, m := range sink.received() {
		if i >= mailsBefore {
			afterRestart++
		}
		if seenID[m.messageID]++; seenID[m.messageID] > 1 {
			duplicates++
			t.Errorf("message %s (%s to %s) arrived %d times", m.messageID, m.kind, m.to, seenID[m.messageID])
		}
		k, known := byMessageID[m.messageID]
		if _, wanted := want[k]; !known || !wanted || m.kind != outbox.KindBookingConfirmed || !strings.EqualFold(m.to, k.recipient) {
			stray++
			t.Errorf("unexpected message %s: %s to %s (outbox: %+v)", m.messageID, m.kind, m.to, k)
			continue
		}
		want[k]++
	}
	missing := 0
	for k, n := range want {
		if n == 0 {
			missing++
			t.Errorf("the confirmation of booking %d never reached %s", k.booking, k.recipient)
		}
	}
	t.Logf("mail: %d expected, %d received before the kill, %d sent after the restart, duplicates %d, missing %d, unexpected %d",
		len(want), mailsBefore, afterRestart, duplicates, missing, stray)

	// SMS, counted as mail is: every confirmed booking of an SMS supervisor
	// reached the supervisor's phone exactly once, by Idempotency-Key and by
	// booking; no other SMS arrived.
	type smsKey struct {
		booking int64
		phone   string
	}
	smsByID := map[string]smsKey{}
	rows, err = db.Query("SELECT booking_id, recipient, message_id, status, kind FROM outbox WHERE channel = 'sms'")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k smsKey
		var id, status, kind string
		if err := rows.Scan(&k.booking, &k.phone, &id, &status, &kind); err != nil {
			t.Fatal(err)
		}
		if status != booking.MessageSent || kind != outbox.KindBookingConfirmed {
			t.Errorf("SMS %s of booking %d to %s is %s", kind, k.booking, k.phone, status)
		}
		smsByID[id] = k
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	wantSMS := map[smsKey]int{}
	for _, b := range stored {
		if phone := phoneOf[b.supervisor]; phone != "" && b.status == booking.StatusConfirmed {
			wantSMS[smsKey{b.id, phone}] = 0
		}
	}
	seenSMS := map[string]int{}
	smsAfter, smsDuplicates, smsStray := 0, 0, 0
	for i, m := range smsGateway.received() {
		if i >= smsBefore {
			smsAfter++
		}
		if seenSMS[m.key]++; seenSMS[m.key] > 1 {
			smsDuplicates++
			t.Errorf("SMS %s to %s arrived %d times: %q", m.key, m.to, seenSMS[m.key], m.message)
		}
		k, known := smsByID[m.key]
		if _, wanted := wantSMS[k]; !known || !wanted || m.to != k.phone || len([]rune(m.message)) > 160 {
			smsStray++
			t.Errorf("unexpected SMS %s to %s: %q (outbox: %+v)", m.key, m.to, m.message, k)
			continue
		}
		wantSMS[k]++
	}
	smsMissing := 0
	for k, n := range wantSMS {
		if n == 0 {
			smsMissing++
			t.Errorf("the SMS of booking %d never reached %s", k.booking, k.phone)
		}
	}
	t.Logf("SMS: %d slots of the next day asked for, %d expected, %d received before the kill, %d sent after the restart, duplicates %d, missing %d, unexpected %d",
		smsSlots, len(wantSMS), smsBefore, smsAfter, smsDuplicates, smsMissing, smsStray)
	if len(wantSMS) == 0 {
		t.Errorf("no booking of the next day was made: the SMS were not tested")
	}
}

// served is one running `serve` process.
type served struct {
	cmd    *exec.Cmd
	base   string
	stderr *bytes.Buffer
}

// startServe starts serve with env (its SPRAKPOOL_ADDR included) and waits until it is healthy.
func startServe(t *testing.T, env []string) *served {
	t.Helper()
	s := &served{cmd: exec.Command(binary, "serve"), stderr: &bytes.Buffer{}}
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "SPRAKPOOL_ADDR="); ok {
			s.base = "http://" + v
		}
	}
	s.cmd.Env, s.cmd.Stderr = env, s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			s.cmd.Process.Kill()
			s.cmd.Wait()
		}
		if t.Failed() {
			t.Logf("serve log:\n%s", s.stderr.String())
		}
	})
	waitHealthy(t, s.base, s.stderr)
	return s
}

func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(limit); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", limit, what)
		}
	}
}

// openReadOnly opens the database for checks, read-only where SQLite allows it.
func openReadOnly(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	if testdb.IsPostgres(dsn) {
		return testdb.Open(t, dsn)
	}
	return testdb.Open(t, "file:"+dsn+"?mode=ro&_busy_timeout=15000")
}

type outboxCounts struct {
	byStatus  map[string]int
	unplanned int
}

// outboxState counts the outbox by status and the booking events whose mail is not planned yet.
func outboxState(t *testing.T, db *sql.DB) outboxCounts {
	t.Helper()
	s := outboxCounts{byStatus: map[string]int{}}
	rows, err := db.Query("SELECT status, COUNT(*) FROM outbox GROUP BY status")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			t.Fatal(err)
		}
		s.byStatus[status] = n
	}
	if err := db.QueryRow("SELECT COUNT(*) FROM booking_events WHERE planned_at IS NULL").Scan(&s.unplanned); err != nil {
		t.Fatal(err)
	}
	return s
}

// checkPostgresIntegrity is PostgreSQL's counterpart of SQLite's integrity
// check, from the amcheck extension: every table's heap pages are sound
// (verify_heapam) and every B-tree index is sound and holds every row of its
// table (bt_index_check with heapallindexed).
func checkPostgresIntegrity(t *testing.T, db *sql.DB) {
	t.Helper()
	if _, err := db.Exec("CREATE EXTENSION IF NOT EXISTS amcheck"); err != nil {
		t.Fatalf("amcheck: %v", err)
	}
	var tables, indexes int
	rows, err := db.Query(`SELECT c.relname, (SELECT count(*) FROM verify_heapam(c.oid)) FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		var problems int
		if err := rows.Scan(&name, &problems); err != nil {
			t.Fatal(err)
		}
		tables++
		if problems != 0 {
			t.Errorf("verify_heapam(%s): %d corrupt tuples", name, problems)
		}
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	rows, err = db.Query(`SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am a ON a.oid = c.relam
		WHERE n.nspname = current_schema() AND a.amname = 'btree'`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if _, err := db.Exec("SELECT bt_index_check($1::regclass, true)", name); err != nil {
			t.Errorf("bt_index_check(%s): %v", name, err)
		}
		indexes++
	}
	if tables == 0 || indexes == 0 {
		t.Errorf("amcheck looked at %d tables and %d indexes: nothing was checked", tables, indexes)
	}
	t.Logf("amcheck after the crash: %d tables and %d B-tree indexes sound", tables, indexes)
}
