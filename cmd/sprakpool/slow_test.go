package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/account"
	"github.com/sprakpool/sprakpool/booking/vocab"
	"github.com/sprakpool/sprakpool/migrations/testdb"
	"github.com/sprakpool/sprakpool/ui"
)

// Slow and hostile clients, over real TCP against the http.Server that serve
// runs (newHTTPServer), with the real handler on a real database. The only
// clocks here are generous "did not hang" bounds.

// slowSite is serve's HTTP server on a loopback port.
type slowSite struct {
	t     *testing.T
	base  string // http://127.0.0.1:port
	addr  string
	svc   *booking.Service
	admin *booking.User
	token string // the coordinator's API token
}

func startSlowSite(t *testing.T, to timeouts) *slowSite {
	t.Helper()
	ctx := context.Background()
	svc, err := booking.Open(ctx, testdb.DSN(t, "slow.db"), booking.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	admin, err := svc.CreateUser(ctx, booking.UserInput{Email: "admin@example.se", Name: "Admin", Role: booking.RoleAdmin, Password: "secret-password"})
	if err != nil {
		t.Fatal(err)
	}
	token, err := account.New(svc).CreateToken(ctx, admin.Email)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &slowSite{t: t, addr: ln.Addr().String(), svc: svc, admin: admin, token: token}
	s.base = "http://" + s.addr
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := newHTTPServer(ui.New(svc, ui.Config{BaseURL: s.base, Logger: log}), to)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close(); svc.Close() })
	return s
}

// client is an ordinary, patient client.
var client = &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

// get answers a GET with the admin's token.
func (s *slowSite) get(path string, header map[string]string) (*http.Response, []byte, error) {
	req, err := http.NewRequest("GET", s.base+path, nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp, raw, err
}

// serves requires that ordinary requests are answered now.
func (s *slowSite) serves(what string) {
	s.t.Helper()
	for _, path := range []string{"/healthz", "/api/v1/me", "/"} {
		resp, _, err := s.get(path, nil)
		if err != nil || resp.StatusCode != 200 {
			s.t.Fatalf("%s: GET %s: %v %v", what, path, err, resp)
		}
	}
}

func (s *slowSite) countBookings() int {
	s.t.Helper()
	var list []json.RawMessage
	from := time.Now().AddDate(0, 0, -1).Format(time.DateOnly)
	to := time.Now().AddDate(0, 0, 120).Format(time.DateOnly)
	resp, raw, err := s.get("/api/v1/bookings?from="+from+"&to="+to, nil)
	if err != nil || resp.StatusCode != 200 || json.Unmarshal(raw, &list) != nil {
		s.t.Fatalf("list bookings: %v %v %s", err, resp, raw)
	}
	return len(list)
}

// trickle opens a connection, sends head at once and then one byte of tail
// every second. It reports on done how the connection ended: nil when the
// server closed it before the tail was sent, with what it answered, if anything.
type trickleResult struct {
	answer []byte
	err    error
	sent   int
}

func (s *slowSite) trickle(head, tail string, opened chan<- struct{}, done chan<- trickleResult) {
	conn, err := net.Dial("tcp", s.addr)
	if err != nil {
		done <- trickleResult{err: err}
		return
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, head); err != nil {
		done <- trickleResult{err: err}
		return
	}
	opened <- struct{}{}
	closed := make(chan []byte, 1)
	go func() {
		// The did-not-hang bound: a minute, against timeouts of seconds.
		conn.SetReadDeadline(time.Now().Add(time.Minute))
		answer, err := io.ReadAll(conn)
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			answer = nil // still open after a minute
		} else if answer == nil {
			answer = []byte{}
		}
		closed <- answer
	}()
	sent := 0
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case answer := <-closed:
			if answer == nil {
				done <- trickleResult{err: errors.New("the server kept the connection open for a minute"), sent: sent}
				return
			}
			done <- trickleResult{answer: answer, sent: sent}
			return
		case <-tick.C:
			if sent < len(tail) {
				conn.Write([]byte{tail[sent]}) // fails once the server has closed; the reader sees that
				sent++
			}
		}
	}
}

// TestSlowlorisDoesNotBlockOthers opens 20 connections that send a request's
// header one byte a second. While they are open, other clients are answered
// normally; the server closes each of them once ReadHeaderTimeout has passed,
// although bytes keep coming.
func TestSlowlorisDoesNotBlockOthers(t *testing.T) {
	// ReadHeaderTimeout is ample for the ordinary requests to finish while the
	// slow ones are still open, even on a busy machine.
	s := startSlowSite(t, timeouts{ReadHeader: 10 * time.Second, Read: 20 * time.Second, Write: 10 * time.Second, Idle: 10 * time.Second})
	const n = 20
	opened := make(chan struct{}, n)
	done := make(chan trickleResult, n)
	tail := "X-Slow: " + strings.Repeat("a", 120) + "\r\n\r\n" // 130 s of header at one byte a second
	for range n {
		go s.trickle("GET /healthz HTTP/1.1\r\nHost: x\r\n", tail, opened, done)
	}
	for range n {
		<-opened
	}
	// Every slow connection is open and sending; the others are served.
	for i := range 5 {
		s.serves(fmt.Sprintf("round %d beside %d slowloris connections", i, n))
	}
	if len(done) > 0 {
		t.Fatalf("a slowloris connection ended before the ordinary requests were answered: %+v", <-done)
	}
	for range n {
		r := <-done
		if r.err != nil {
			t.Fatalf("slowloris connection: %v (sent %d bytes)", r.err, r.sent)
		}
		if r.sent >= len(tail) {
			t.Fatalf("the server waited for the whole slow header (%d bytes)", r.sent)
		}
		if bytes.HasPrefix(r.answer, []byte("HTTP/1.1 200")) {
			t.Fatalf("the slow request was served: %s", r.answer)
		}
		t.Logf("slowloris closed after %d header bytes, answer %q", r.sent, r.answer)
	}
	s.serves("after the slowloris connections were closed")
}

// TestSlowBodyIsCutOff sends a booking's headers at once and its body one byte
// a second: ReadTimeout ends the request, nothing is booked, and other clients
// are served meanwhile.
func TestSlowBodyIsCutOff(t *testing.T) {
	s := startSlowSite(t, timeouts{ReadHeader: 2 * time.Second, Read: 4 * time.Second, Write: 10 * time.Second, Idle: 10 * time.Second})
	before := s.countBookings()
	body := `{"workplace_id": 1, "language": "ar", "purpose": "other", "notes": "` + strings.Repeat("x", 100) + `"}`
	head := fmt.Sprintf("POST /api/v1/bookings HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n",
		s.token, len(body))
	const n = 5
	opened := make(chan struct{}, n)
	done := make(chan trickleResult, n)
	for range n {
		go s.trickle(head, body, opened, done)
	}
	for range n {
		<-opened
	}
	s.serves("beside slow bodies")
	for range n {
		r := <-done
		if r.err != nil {
			t.Fatalf("slow body: %v (sent %d bytes)", r.err, r.sent)
		}
		if r.sent >= len(body) {
			t.Fatalf("the server waited for the whole slow body (%d bytes)", r.sent)
		}
		t.Logf("slow body cut off after %d bytes, answer %q", r.sent, r.answer)
		if len(r.answer) > 0 {
			resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(r.answer)), nil)
			if err != nil || resp.StatusCode != http.StatusRequestTimeout {
				t.Fatalf("answer to a cut-off body: %v %q, want 408", err, r.answer)
			}
		}
	}
	if after := s.countBookings(); after != before {
		t.Fatalf("bookings %d, want %d: a cut-off body booked", after, before)
	}
	s.serves("after the slow bodies were cut off")
}

// TestFeedsDoNotStarveBookings runs 200 concurrent fetches of big feeds (a
// supervisor with 200 bookings, and the pool) while 50 bookings are made over
// the API: every booking is answered 201, every fetch 200 or 304.
func TestFeedsDoNotStarveBookings(t *testing.T) {
	s := startSlowSite(t, defaultTimeouts)
	ctx := context.Background()
	loc := s.svc.Config().Location
	name, kind := "Förskolan Solrosen", "childcare"
	wp, err := s.svc.CreateWorkplace(ctx, s.admin, booking.WorkplaceInput{Name: &name, Kind: &kind})
	if err != nil {
		t.Fatal(err)
	}
	var week []booking.Window
	for wd := 1; wd <= 5; wd++ {
		week = append(week, booking.Window{Weekday: wd, Start: 8 * 60, End: 16 * 60})
	}
	var sups []int64
	for i := range 6 {
		n, langs, areas := fmt.Sprintf("Handledare %d", i), []string{"ar"}, []string{"childcare"}
		sv, err := s.svc.CreateSupervisor(ctx, s.admin, booking.SupervisorInput{Name: &n, Languages: &langs, Areas: &areas})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.svc.SetAvailability(ctx, s.admin, sv.ID, week); err != nil {
			t.Fatal(err)
		}
		sups = append(sups, sv.ID)
	}
	// Working days from next week on.
	var days []time.Time
	for d := time.Now().In(loc).AddDate(0, 0, 7); len(days) < 30; d = d.AddDate(0, 0, 1) {
		day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
		if _, closed := vocab.ClosedDayOn(day); !closed && booking.ISOWeekday(day) <= 5 {
			days = append(days, day)
		}
	}
	slot := func(k int) (string, string) {
		start := days[k/8].Add(time.Duration(8+k%8) * time.Hour)
		return start.Format(time.RFC3339), start.Add(time.Hour).Format(time.RFC3339)
	}
	// The first supervisor's feed: 200 events.
	for k := range 200 {
		start, end := slot(k)
		if _, err := s.svc.CreateBooking(ctx, s.admin, booking.BookingInput{SupervisorID: &sups[0], WorkplaceID: wp.ID,
			Language: "ar", Purpose: "workplace_support", Start: start, End: end}); err != nil {
			t.Fatal(err)
		}
	}
	var sv struct {
		FeedURL string `json:"feed_url"`
	}
	var me struct {
		PoolFeedURL string `json:"pool_feed_url"`
	}
	for path, out := range map[string]any{fmt.Sprintf("/api/v1/supervisors/%d", sups[0]): &sv, "/api/v1/me": &me} {
		resp, raw, err := s.get(path, nil)
		if err != nil || resp.StatusCode != 200 || json.Unmarshal(raw, out) != nil {
			t.Fatalf("%s: %v %v", path, err, resp)
		}
	}
	feeds := []string{strings.TrimPrefix(sv.FeedURL, s.base), strings.TrimPrefix(me.PoolFeedURL, s.base)}
	etags := map[string]string{}
	for _, f := range feeds {
		resp, raw, err := s.get(f, nil)
		if err != nil || resp.StatusCode != 200 || bytes.Count(raw, []byte("BEGIN:VEVENT")) < 200 || resp.Header.Get("ETag") == "" {
			t.Fatalf("feed %s: %v %v, %d events", f, err, resp, bytes.Count(raw, []byte("BEGIN:VEVENT")))
		}
		etags[f] = resp.Header.Get("ETag")
	}

	start := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	feedStatus, bookStatus := map[int]int{}, map[int]int{}
	var failures []string
	fail := func(f string, args ...any) {
		mu.Lock()
		failures = append(failures, fmt.Sprintf(f, args...))
		mu.Unlock()
	}
	began := time.Now()
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			f := feeds[i%2]
			header := map[string]string{}
			if i%4 >= 2 {
				header["If-None-Match"] = etags[f]
			}
			resp, raw, err := s.get(f, header)
			if err != nil {
				fail("feed fetch %d: %v", i, err)
				return
			}
			mu.Lock()
			feedStatus[resp.StatusCode]++
			mu.Unlock()
			switch {
			case resp.StatusCode == 200 && !bytes.HasSuffix(bytes.TrimSpace(raw), []byte("END:VCALENDAR")):
				fail("feed fetch %d: a cut-off calendar (%d bytes)", i, len(raw))
			case resp.StatusCode != 200 && resp.StatusCode != 304:
				fail("feed fetch %d: status %d", i, resp.StatusCode)
			}
		}()
	}
	for k := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			st, en := slot(k / 5 * 8) // 08:00 on days[k/5], one of five supervisors
			body, _ := json.Marshal(map[string]any{"supervisor_id": sups[1+k%5], "workplace_id": wp.ID, "language": "ar",
				"purpose": "workplace_support", "start": st, "end": en})
			req, _ := http.NewRequest("POST", s.base+"/api/v1/bookings", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+s.token)
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if err != nil {
				fail("booking %d: %v", k, err)
				return
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			mu.Lock()
			bookStatus[resp.StatusCode]++
			mu.Unlock()
			if resp.StatusCode != 201 {
				fail("booking %d: %d %s", k, resp.StatusCode, raw)
			}
		}()
	}
	close(start)
	wg.Wait()
	for _, f := range failures {
		t.Error(f)
	}
	if n := s.countBookings(); n != 250 {
		t.Errorf("%d bookings, want 200 + 50", n)
	}
	t.Logf("200 feed fetches beside 50 bookings in %v: feeds %v, bookings %v", time.Since(began).Round(time.Millisecond), feedStatus, bookStatus)
}
