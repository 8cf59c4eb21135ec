package ui_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
)

type seriesOut struct {
	ID           int64 `json:"id"`
	SupervisorID int64 `json:"supervisor_id"`
	Repeat       struct {
		EveryWeeks int `json:"every_weeks"`
		Count      int `json:"count"`
	} `json:"repeat"`
	Bookings []struct {
		ID       int64  `json:"id"`
		Start    string `json:"start"`
		Status   string `json:"status"`
		SeriesID *int64 `json:"series_id"`
	} `json:"bookings"`
	Skipped []struct {
		Date    string `json:"date"`
		Details []struct {
			Rule       string `json:"rule"`
			Occurrence string `json:"occurrence"`
		} `json:"details"`
		Holiday struct {
			NameSV string `json:"name_sv"`
		} `json:"holiday"`
	} `json:"skipped"`
}

// The contract's Series over HTTP: 201 with the series, closed days skipped
// and listed, series_id on every booking (null alone), 409 with an
// occurrence per broken rule and nothing booked, skip_conflicts, the pool's
// pick, who may see and cancel, and cancelling from a date.
func TestSeriesAPI(t *testing.T) {
	e := newEnv(t, time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC))
	sups, wpA, wpB := e.pool(2)
	mgrA := e.user("a@example.se", booking.RoleManager, []int64{wpA}, nil)
	mgrB := e.user("b@example.se", booking.RoleManager, []int64{wpB}, nil)
	body := func(sup any, start string, count int, skip bool) map[string]any {
		b := bookingBody(0, wpA, e.at(start), e.at(start[:11]+"11:00"))
		if sup == nil {
			delete(b, "supervisor_id")
		} else {
			b["supervisor_id"] = sup
		}
		b["repeat"] = map[string]any{"every_weeks": 1, "count": count}
		b["skip_conflicts"] = skip
		return b
	}
	// Thursdays from 22 April 2027; 6 May is Kristi himmelsfärdsdag.
	var sr seriesOut
	e.must(201, "POST", "/api/v1/series", mgrA, body(sups[0], "2027-04-22 10:00", 6, false), &sr)
	if len(sr.Bookings) != 5 || len(sr.Skipped) != 1 || sr.Skipped[0].Date != "2027-05-06" ||
		sr.Skipped[0].Details[0].Rule != "closed_day" || sr.Skipped[0].Holiday.NameSV != "Kristi himmelsfärdsdag" || sr.Repeat.Count != 6 {
		t.Fatalf("series: %+v", sr)
	}
	for _, b := range sr.Bookings {
		if b.SeriesID == nil || *b.SeriesID != sr.ID {
			t.Errorf("booking %d: series_id %v", b.ID, b.SeriesID)
		}
		var one map[string]any
		e.must(200, "GET", fmt.Sprintf("/api/v1/bookings/%d", b.ID), e.admin, nil, &one)
		if one["series_id"] != float64(sr.ID) {
			t.Errorf("GET booking %d: series_id %v", b.ID, one["series_id"])
		}
	}
	var alone map[string]any
	e.must(201, "POST", "/api/v1/bookings", e.admin, bookingBody(sups[0], wpA, e.at("2027-04-20 10:00"), e.at("2027-04-20 11:00")), &alone)
	if v, ok := alone["series_id"]; !ok || v != nil {
		t.Errorf("a booking alone: series_id %v (present %v)", v, ok)
	}
	// Who sees it: the workplace's managers and the coordinator; not another workplace's.
	e.must(200, "GET", fmt.Sprintf("/api/v1/series/%d", sr.ID), mgrA, nil, nil)
	if status, _ := e.do("GET", fmt.Sprintf("/api/v1/series/%d", sr.ID), mgrB, nil); status != 404 {
		t.Errorf("another workplace's manager: %d", status)
	}
	if status, _ := e.do("POST", "/api/v1/series", mgrB, body(sups[0], "2027-04-22 12:00", 3, false)); status != 403 {
		t.Errorf("booking for another workplace: %d", status)
	}
	// The same Thursdays again for the same supervisor: 409, a detail per occurrence, nothing booked.
	var before []json.RawMessage
	e.must(200, "GET", "/api/v1/bookings?from=2027-04-01&to=2027-06-30", e.admin, nil, &before)
	status, raw := e.do("POST", "/api/v1/series", mgrA, body(sups[0], "2027-04-29 10:30", 3, false))
	if status != 409 {
		t.Fatalf("colliding series: %d %s", status, raw)
	}
	eb := decodeErr(t, raw)
	var occ []string
	for _, d := range eb.Error.Details {
		var v struct{ Rule, Occurrence string }
		json.Unmarshal(d, &v)
		occ = append(occ, v.Occurrence+" "+v.Rule)
	}
	if fmt.Sprint(occ) != "[2027-04-29 overlap 2027-05-13 overlap]" {
		t.Errorf("details: %v", occ)
	}
	var after []json.RawMessage
	e.must(200, "GET", "/api/v1/bookings?from=2027-04-01&to=2027-06-30", e.admin, nil, &after)
	if len(after) != len(before) {
		t.Errorf("a 409 booked %d bookings", len(after)-len(before))
	}
	// skip_conflicts books the free ones (3 June) and lists the others.
	var part seriesOut
	e.must(201, "POST", "/api/v1/series", mgrA, body(sups[0], "2027-04-29 10:30", 6, true), &part)
	if len(part.Bookings) != 1 || len(part.Skipped) != 5 || part.Bookings[0].Start[:10] != "2027-06-03" || part.Skipped[0].Details[0].Occurrence != "2027-04-29" {
		t.Errorf("skip_conflicts: %+v", part)
	}
	// Without a supervisor the pool picks the one free for every occurrence.
	var picked seriesOut
	e.must(201, "POST", "/api/v1/series", mgrA, body(nil, "2027-04-22 10:00", 3, false), &picked)
	if picked.SupervisorID != sups[1] {
		t.Errorf("picked %d, want %d", picked.SupervisorID, sups[1])
	}
	status, raw = e.do("POST", "/api/v1/series", mgrA, body(nil, "2027-04-22 10:00", 3, false))
	if eb := decodeErr(t, raw); status != 409 || eb.Error.Code != "conflict" || string(eb.Error.Details[0]) != `{"rule":"no_free_supervisor"}` {
		t.Errorf("no one free: %d %s", status, raw)
	}
	// Cancel from a date: another workplace's manager may not; the series' manager may.
	cancel := map[string]any{"reason_code": "workplace_closed", "reason": "", "from": "2027-05-13"}
	if status, _ := e.do("POST", fmt.Sprintf("/api/v1/series/%d/cancel", sr.ID), mgrB, cancel); status != 404 {
		t.Errorf("another workplace's manager cancels: %d", status)
	}
	var cancelled seriesOut
	e.must(200, "POST", fmt.Sprintf("/api/v1/series/%d/cancel", sr.ID), mgrA, cancel, &cancelled)
	var st []string
	for _, b := range cancelled.Bookings {
		st = append(st, b.Start[:10]+" "+b.Status)
	}
	if fmt.Sprint(st) != "[2027-04-22 confirmed 2027-04-29 confirmed 2027-05-13 cancelled 2027-05-20 cancelled 2027-05-27 cancelled]" {
		t.Errorf("after cancel from 13 May: %v", st)
	}
	if status, _ := e.do("POST", "/api/v1/series", mgrA, map[string]any{"workplace_id": wpA, "repeat": map[string]any{"every_weeks": 9}}); status != 422 {
		t.Errorf("a bad series: %d", status)
	}
}
