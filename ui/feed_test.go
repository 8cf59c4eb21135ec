package ui_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
)

// fetchFeed fetches an absolute URL of the test server (feed URLs carry the
// configured base URL) with extra headers.
func (e *env) fetchFeed(method, url string, header map[string]string, body []byte) (*http.Response, []byte) {
	e.t.Helper()
	url = strings.Replace(url, "http://sprakpool.test", e.srv.URL, 1)
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp, raw
}

type feedURLJSON struct {
	FeedURL *string `json:"feed_url"`
}

func (e *env) feedURLOf(path, token string) *string {
	e.t.Helper()
	var v feedURLJSON
	e.must(200, "GET", path, token, nil, &v)
	return v.FeedURL
}

// Acceptance 4 over HTTP, and who sees which feed_url.
func TestFeedHTTP(t *testing.T) {
	e := newEnv(t, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	sups, wpA, wpB := e.pool(2)
	self := e.user("sv@example.se", booking.RoleSupervisor, nil, &sups[0])
	otherSv := e.user("sv2@example.se", booking.RoleSupervisor, nil, &sups[1])
	mgrA := e.user("chef.a@example.se", booking.RoleManager, []int64{wpA}, nil)
	mgrB := e.user("chef.b@example.se", booking.RoleManager, []int64{wpB}, nil)

	svPath := fmt.Sprintf("/api/v1/supervisors/%d", sups[0])
	wpPath := fmt.Sprintf("/api/v1/workplaces/%d", wpA)
	url := e.feedURLOf(svPath, e.admin)
	if url == nil || !strings.HasPrefix(*url, "http://sprakpool.test/ical/supervisors/") || !strings.HasSuffix(*url, ".ics") {
		t.Fatalf("admin's feed_url %v", url)
	}
	if u := e.feedURLOf(svPath, self); u == nil || *u != *url {
		t.Errorf("the supervisor's own feed_url %v, want %s", u, *url)
	}
	for name, tok := range map[string]string{"manager": mgrA, "another supervisor": otherSv} {
		if u := e.feedURLOf(svPath, tok); u != nil {
			t.Errorf("%s sees the supervisor's feed_url", name)
		}
	}
	wpURL := e.feedURLOf(wpPath, mgrA)
	if wpURL == nil || e.feedURLOf(wpPath, e.admin) == nil {
		t.Fatal("the workplace's manager or admin lacks its feed_url")
	}
	for name, tok := range map[string]string{"another manager": mgrB, "a supervisor": self} {
		if u := e.feedURLOf(wpPath, tok); u != nil {
			t.Errorf("%s sees the workplace's feed_url", name)
		}
	}
	var me struct {
		PoolFeedURL string `json:"pool_feed_url"`
	}
	e.must(200, "GET", "/api/v1/me", e.admin, nil, &me)
	if !strings.Contains(me.PoolFeedURL, "/ical/pool/") {
		t.Fatalf("admin's pool_feed_url %q", me.PoolFeedURL)
	}
	var mgrMe map[string]any
	e.must(200, "GET", "/api/v1/me", mgrA, nil, &mgrMe)
	if _, ok := mgrMe["pool_feed_url"]; ok {
		t.Error("a manager got pool_feed_url")
	}

	// Acceptance 5 over HTTP: an empty feed is a calendar.
	resp, body := e.fetchFeed("GET", *url, nil, nil)
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte("BEGIN:VCALENDAR")) || bytes.Contains(body, []byte("BEGIN:VEVENT")) {
		t.Fatalf("empty feed: %d\n%s", resp.StatusCode, body)
	}

	var ids []int64
	for _, day := range []string{"2026-03-27", "2026-03-30", "2026-10-23", "2026-10-26"} {
		var b idJSON
		e.must(201, "POST", "/api/v1/bookings", e.admin, bookingBody(sups[0], wpA, e.at(day+" 09:00"), e.at(day+" 11:00")), &b)
		ids = append(ids, b.ID)
	}
	resp, body = e.fetchFeed("GET", *url, nil, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("feed: %d %s", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	etag, lastMod := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if etag == "" || lastMod == "" {
		t.Fatalf("ETag %q, Last-Modified %q", etag, lastMod)
	}
	if n := bytes.Count(body, []byte("BEGIN:VEVENT")); n != 4 {
		t.Errorf("%d events, want 4", n)
	}
	// Nothing changed: both kinds of conditional request answer 304.
	for _, h := range []map[string]string{{"If-None-Match": etag}, {"If-Modified-Since": lastMod}, {"If-None-Match": `"x", W/` + etag}} {
		if r, b := e.fetchFeed("GET", *url, h, nil); r.StatusCode != http.StatusNotModified || len(b) != 0 || r.Header.Get("ETag") != etag {
			t.Errorf("%v: %d, ETag %q", h, r.StatusCode, r.Header.Get("ETag"))
		}
	}
	if r, _ := e.fetchFeed("GET", *url, map[string]string{"If-None-Match": `"other"`, "If-Modified-Since": lastMod}, nil); r.StatusCode != 200 {
		t.Errorf("a stale ETag with a fresh date: %d, want 200 (If-None-Match wins)", r.StatusCode)
	}
	// A change: 200 with a new ETag, the booking's SEQUENCE raised.
	e.must(200, "PATCH", fmt.Sprintf("/api/v1/bookings/%d", ids[0]), e.admin, map[string]any{"notes": "Ändrad; nu med, kommatecken"}, nil)
	resp, body = e.fetchFeed("GET", *url, map[string]string{"If-None-Match": etag}, nil)
	if resp.StatusCode != 200 || resp.Header.Get("ETag") == etag || !bytes.Contains(body, []byte("SEQUENCE:1\r\n")) {
		t.Fatalf("after a change: %d, ETag %q (was %q)", resp.StatusCode, resp.Header.Get("ETag"), etag)
	}
	e.must(200, "POST", fmt.Sprintf("/api/v1/bookings/%d/cancel", ids[3]), e.admin, map[string]any{"reason_code": "illness", "reason": ""}, nil)

	// Acceptance 2 over HTTP: the parsers agree with the API on every instant,
	// in the supervisor's, the workplace's and the pool's feed.
	status, raw := e.do("GET", "/api/v1/bookings?from=2026-01-01&to=2026-12-31", e.admin, nil)
	if status != 200 {
		t.Fatal(status)
	}
	var api []map[string]any
	if err := json.Unmarshal(raw, &api); err != nil {
		t.Fatal(err)
	}
	want := map[int64][2]string{}
	for _, b := range api {
		start, _ := time.Parse(time.RFC3339, b["start"].(string))
		end, _ := time.Parse(time.RFC3339, b["end"].(string))
		want[int64(b["id"].(float64))] = [2]string{start.UTC().Format(time.RFC3339), end.UTC().Format(time.RFC3339)}
	}
	if len(want) != 4 {
		t.Fatalf("API lists %d bookings", len(want))
	}
	dir := t.TempDir()
	var files []string
	for name, u := range map[string]string{"supervisor": *url, "workplace": *wpURL, "pool": me.PoolFeedURL} {
		r, b := e.fetchFeed("GET", u, nil, nil)
		if r.StatusCode != 200 {
			t.Fatalf("%s feed: %d", name, r.StatusCode)
		}
		p := filepath.Join(dir, name+".ics")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	for parser, out := range runParsers(t, files) {
		for _, f := range files {
			evs := out[f].Events
			if len(evs) != len(want) {
				t.Errorf("%s: %s: %d events, want %d", parser, filepath.Base(f), len(evs), len(want))
			}
			for uid, ev := range evs {
				id := bookingIDOf(t, ev.Description)
				if ev.Error != "" || [2]string{ev.Start, ev.End} != want[id] {
					t.Errorf("%s: %s: %s (booking %d): %s–%s %s, the API says %v", parser, filepath.Base(f), uid, id, ev.Start, ev.End, ev.Error, want[id])
				}
			}
		}
	}

	// Renewal: the old URL answers 404 at once, the new one works.
	for _, tc := range []struct{ renew, token, old string }{
		{svPath + "/feed-token", self, *url},
		{wpPath + "/feed-token", mgrA, *wpURL},
		{"/api/v1/pool/feed-token", e.admin, me.PoolFeedURL},
	} {
		var renewed struct {
			FeedURL string `json:"feed_url"`
		}
		e.must(200, "POST", tc.renew, tc.token, nil, &renewed)
		if renewed.FeedURL == "" || renewed.FeedURL == tc.old {
			t.Fatalf("%s: %q", tc.renew, renewed.FeedURL)
		}
		if r, _ := e.fetchFeed("GET", tc.old, nil, nil); r.StatusCode != 404 {
			t.Errorf("%s: old URL answers %d", tc.renew, r.StatusCode)
		}
		if r, _ := e.fetchFeed("GET", renewed.FeedURL, nil, nil); r.StatusCode != 200 {
			t.Errorf("%s: new URL answers %d", tc.renew, r.StatusCode)
		}
	}
	if status, _ := e.do("POST", svPath+"/feed-token", otherSv, nil); status != 403 {
		t.Errorf("another supervisor renewing: %d", status)
	}
	if status, _ := e.do("POST", "/api/v1/pool/feed-token", mgrA, nil); status != 403 {
		t.Errorf("a manager renewing the pool feed: %d", status)
	}
	for _, u := range []string{"/ical/supervisors/nope.ics", "/ical/workplaces/" + strings.Repeat("A", 43) + ".ics", "/ical/pool/x"} {
		if r, _ := e.fetchFeed("GET", e.srv.URL+u, nil, nil); r.StatusCode != 404 {
			t.Errorf("%s: %d", u, r.StatusCode)
		}
	}
}

// bookingIDOf reads the booking id from the link at the end of an event's description.
func bookingIDOf(t *testing.T, desc string) int64 {
	t.Helper()
	i := strings.LastIndex(desc, "/bookings/")
	var id int64
	if i < 0 {
		t.Fatalf("no booking link in %q", desc)
	}
	fmt.Sscan(desc[i+len("/bookings/"):], &id)
	return id
}

type parsedEvent struct {
	Start, End, Description, Error string
}

type parsedFile struct {
	Events map[string]parsedEvent `json:"events"`
}

// runParsers reads the files with Python's icalendar and with ical.js (the
// scripts live in booking/calendar/testdata). Missing parsers fail under CI=true.
func runParsers(t *testing.T, files []string) map[string]map[string]parsedFile {
	t.Helper()
	testdata := filepath.Join("..", "booking", "calendar", "testdata")
	modules := filepath.Join("..", ".ci", "node_modules")
	cmds := map[string][]string{}
	var missing []string
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(p, "-c", "import icalendar").Run() == nil {
			cmds["python-icalendar"] = []string{p, filepath.Join(testdata, "parse_ics.py")}
			break
		}
	}
	if cmds["python-icalendar"] == nil {
		missing = append(missing, "python3-icalendar")
	}
	if _, err := os.Stat(filepath.Join(modules, "ical.js", "package.json")); err == nil {
		if _, err := exec.LookPath("node"); err == nil {
			cmds["ical.js"] = []string{"node", filepath.Join(testdata, "parse_ics.mjs"), modules}
		}
	}
	if cmds["ical.js"] == nil {
		missing = append(missing, "node with ical.js in .ci/node_modules")
	}
	if len(missing) > 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("independent parsers missing: %v (bash .ci/test installs them)", missing)
		}
		t.Skipf("independent parsers missing: %v", missing)
	}
	out := map[string]map[string]parsedFile{}
	for name, cmd := range cmds {
		c := exec.Command(cmd[0], append(cmd[1:], files...)...)
		var stderr bytes.Buffer
		c.Stderr = &stderr
		raw, err := c.Output()
		if err != nil {
			t.Fatalf("%s: %v: %s", name, err, stderr.String())
		}
		var got map[string]parsedFile
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = got
	}
	return out
}

// Acceptance 6 over HTTP: POST …/absences/import with an .ics body.
func TestImportAbsencesHTTP(t *testing.T) {
	e := newEnv(t, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	sups, wpA, _ := e.pool(2)
	self := e.user("sv@example.se", booking.RoleSupervisor, nil, &sups[0])
	mgr := e.user("chef@example.se", booking.RoleManager, []int64{wpA}, nil)
	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" +
		"BEGIN:VEVENT\r\nUID:weekly@example.se\r\nDTSTAMP:20260301T120000Z\r\n" +
		"DTSTART;TZID=Europe/Stockholm:20260320T080000\r\nDTEND;TZID=Europe/Stockholm:20260320T120000\r\n" +
		"RRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:Kurs\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	path := fmt.Sprintf("%s/api/v1/supervisors/%d/absences/import", e.srv.URL, sups[0])
	post := func(token string, body []byte) (int, []byte) {
		r, b := e.fetchFeed("POST", path, map[string]string{"Authorization": "Bearer " + token, "Content-Type": "text/calendar"}, body)
		return r.StatusCode, b
	}
	// A confirmed booking inside the second Friday's absence is named.
	var covered struct{ ID int64 }
	e.must(201, "POST", "/api/v1/bookings", e.admin, map[string]any{"supervisor_id": sups[0], "workplace_id": wpA, "language": "ar",
		"purpose": "other", "start": e.at("2026-03-27 09:00"), "end": e.at("2026-03-27 10:00"), "override": []string{"outside_availability"}}, &covered)
	for i, want := range []string{fmt.Sprintf(`{"created":3,"skipped":0,"affected_booking_ids":[%d]}`, covered.ID),
		`{"created":0,"skipped":3,"affected_booking_ids":[]}`} {
		status, body := post(self, []byte(ics))
		if status != 200 || strings.TrimSpace(string(body)) != want {
			t.Errorf("import %d: %d %s, want %s", i+1, status, body, want)
		}
	}
	var abs []struct{ Start, End string }
	e.must(200, "GET", fmt.Sprintf("/api/v1/supervisors/%d/absences?from=2026-03-01&to=2026-04-30", sups[0]), e.admin, nil, &abs)
	if len(abs) != 3 || abs[0].Start != "2026-03-20T08:00:00+01:00" || abs[2].Start != "2026-04-03T08:00:00+02:00" {
		t.Errorf("absences %+v", abs)
	}
	if status, _ := post(mgr, []byte(ics)); status != 403 {
		t.Errorf("a manager importing: %d", status)
	}
	if status, _ := post(self, []byte("not a calendar")); status != 422 {
		t.Errorf("garbage: %d", status)
	}
	// Finding 2: a file of rules that never match is read within the
	// contract's 10 seconds (before the fix: minutes of CPU); one with more
	// recurring events than a file may hold is 422, "too complex".
	never := func(n int) []byte {
		var b strings.Builder
		b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n")
		for i := range n {
			fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:never-%d\r\nDTSTART:20260301T090000Z\r\nDURATION:PT1H\r\n"+
				"RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30\r\nEND:VEVENT\r\n", i)
		}
		b.WriteString("END:VCALENDAR\r\n")
		return []byte(b.String())
	}
	began := time.Now()
	if status, body := post(self, never(1000)); status != 200 || strings.TrimSpace(string(body)) != `{"created":0,"skipped":1000,"affected_booking_ids":[]}` {
		t.Errorf("1000 rules that never match: %d %s", status, body)
	}
	status, body := post(self, never(5000))
	if status != 422 || decodeErr(t, body).Error.Code != "invalid" || !strings.Contains(string(body), "too complex") {
		t.Errorf("5000 recurring events: %d %s, want 422 too complex", status, body)
	}
	if took := time.Since(began); took > 20*time.Second {
		t.Errorf("the two imports took %s, more than the contract's 10 s each", took)
	}
	big := append([]byte(ics), bytes.Repeat([]byte("X-PAD:"+strings.Repeat("x", 100)+"\r\n"), 11000)...)
	if status, body := post(e.admin, big); status != 413 {
		t.Errorf("over 1 MiB: %d %s", status, body)
	}
}

// Finding 15: when a booking is given to another supervisor or workplace it
// leaves the old one's feed, and that feed's Last-Modified moves forward, so a
// client asking If-Modified-Since with the date it has gets the feed without it.
func TestFeedLastModifiedNeverGoesBack(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	e := newEnv(t, t0)
	sups, wpA, wpB := e.pool(2)
	feedURL := func(path string) string {
		var v feedURLJSON
		e.must(200, "GET", path, e.admin, nil, &v)
		return *v.FeedURL
	}
	supFeed := feedURL(fmt.Sprintf("/api/v1/supervisors/%d", sups[0]))
	wpFeed := feedURL(fmt.Sprintf("/api/v1/workplaces/%d", wpA))
	lastModified := func(url string) string {
		r, _ := e.fetchFeed("GET", url, nil, nil)
		return r.Header.Get("Last-Modified")
	}
	// check asks for the feed if modified since the date it had before the
	// move: it must be, with a later date, without the booking that left.
	check := func(name, url, since string, gone, kept int64) {
		t.Helper()
		r, body := e.fetchFeed("GET", url, map[string]string{"If-Modified-Since": since}, nil)
		if r.StatusCode != 200 {
			t.Errorf("%s feed, If-Modified-Since the date before the move: %d, want 200", name, r.StatusCode)
			return
		}
		was, _ := http.ParseTime(since)
		now, err := http.ParseTime(r.Header.Get("Last-Modified"))
		if err != nil || !now.After(was) {
			t.Errorf("%s feed: Last-Modified %q after the move, %q before: it must move forward", name, r.Header.Get("Last-Modified"), since)
		}
		if bytes.Contains(body, fmt.Appendf(nil, "/bookings/%d\r\n", gone)) || !bytes.Contains(body, fmt.Appendf(nil, "/bookings/%d\r\n", kept)) {
			t.Errorf("%s feed: booking %d should have left it and %d stayed", name, gone, kept)
		}
	}
	var stays, moves, leaves idJSON
	e.must(201, "POST", "/api/v1/bookings", e.admin, bookingBody(sups[0], wpA, e.at("2026-03-10 09:00"), e.at("2026-03-10 10:00")), &stays)
	// The latest change in the supervisor's feed is a booking that will leave it.
	e.svc.Now = func() time.Time { return t0.Add(time.Hour) }
	e.must(201, "POST", "/api/v1/bookings", e.admin, bookingBody(sups[0], wpA, e.at("2026-03-12 09:00"), e.at("2026-03-12 10:00")), &leaves)
	e.must(201, "POST", "/api/v1/bookings", e.admin, bookingBody(sups[0], wpA, e.at("2026-03-11 09:00"), e.at("2026-03-11 10:00")), &moves)
	since := lastModified(supFeed)
	e.svc.Now = func() time.Time { return t0.Add(2 * time.Hour) }
	e.must(200, "PATCH", fmt.Sprintf("/api/v1/bookings/%d", moves.ID), e.admin, map[string]any{"supervisor_id": sups[1]}, nil)
	check("supervisor", supFeed, since, moves.ID, stays.ID)

	// Another workplace: the workplace's feed still shows the booking just
	// given to another supervisor, the latest change, when another leaves it.
	since = lastModified(wpFeed)
	e.svc.Now = func() time.Time { return t0.Add(3 * time.Hour) }
	e.must(200, "PATCH", fmt.Sprintf("/api/v1/bookings/%d", leaves.ID), e.admin, map[string]any{"workplace_id": wpB}, nil)
	check("workplace", wpFeed, since, leaves.ID, moves.ID)
}
