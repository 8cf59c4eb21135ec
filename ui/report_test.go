package ui_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/report"
)

// reportEnv is a week of bookings made over the API: Mon 2 to Sun 8 March 2026
// (ISO week 10), two supervisors Mon–Fri 08:00–16:00 (2 × 5 × 480 = 4800
// minutes available), two held sessions (120 and 90 minutes), one late
// cancellation (60 minutes, 13 hours ahead), one follow-up; rates 0 kr until 2
// March, 350 kr from 3 March.
func reportEnv(t *testing.T) (e *env, sups []int64, wpA, wpB int64) {
	e = newEnv(t, march)
	sups, wpA, wpB = e.pool(2)
	var b1, b3 idJSON
	e.must(201, "POST", "/api/v1/bookings", e.admin, bookingBody(sups[0], wpA, e.at("2026-03-02 09:00"), e.at("2026-03-02 11:00")), &b1)
	e.must(201, "POST", "/api/v1/bookings", e.admin, bookingBody(sups[1], wpB, e.at("2026-03-03 10:00"), e.at("2026-03-03 11:30")), nil)
	e.must(201, "POST", "/api/v1/bookings", e.admin, bookingBody(sups[0], wpB, e.at("2026-03-04 09:00"), e.at("2026-03-04 10:00")), &b3)
	setClock(e, "2026-03-03 20:00")
	e.must(200, "POST", fmt.Sprintf("/api/v1/bookings/%d/cancel", b3.ID), e.admin, map[string]any{"reason_code": "illness", "reason": "sjuk"}, nil)
	setClock(e, "2026-03-10 12:00")
	e.must(200, "POST", fmt.Sprintf("/api/v1/bookings/%d/followup", b1.ID), e.admin,
		map[string]any{"persons_supervised": 4, "rating": 5, "comment": "Bra för Åsa", "why_booked": "Nya barn"}, nil)
	e.must(201, "POST", "/api/v1/rates", e.admin, map[string]any{"from": "2026-01-13", "to": "2026-03-02", "hourly_rate": 0, "funder": "Samordningsförbundet"}, nil)
	e.must(201, "POST", "/api/v1/rates", e.admin, map[string]any{"from": "2026-03-03", "hourly_rate": 350}, nil)
	return e, sups, wpA, wpB
}

func setClock(e *env, local string) {
	t, err := time.ParseInLocation("2006-01-02 15:04", local, e.loc)
	if err != nil {
		e.t.Fatal(err)
	}
	e.svc.Now = func() time.Time { return t }
}

// get fetches a path with an Accept header and returns the response and its body.
func (e *env) get(path, token, accept string) (*http.Response, []byte) {
	e.t.Helper()
	req, err := http.NewRequest("GET", e.srv.URL+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if accept != "" {
		req.Header.Set("Accept", accept)
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

// readCSV parses a report the way a spreadsheet does: BOM, UTF-8, semicolons.
func readCSV(t *testing.T, raw []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(raw, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("no UTF-8 byte-order mark: %q", raw[:min(len(raw), 20)])
	}
	r := csv.NewReader(bytes.NewReader(raw[3:]))
	r.Comma = ';'
	records, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return records
}

type utilizationJSON struct {
	From, To, By string
	Rows         []map[string]any `json:"rows"`
	Total        map[string]any   `json:"total"`
}

// cellOf renders a JSON value the way the CSV writes it: decimal comma, null empty.
func cellOf(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return strings.Replace(strconv.FormatFloat(x, 'f', -1, 64), ".", ",", 1)
	case string:
		return x
	}
	return fmt.Sprint(v)
}

var utilizationFields = []string{"available_minutes", "booked_minutes", "utilization", "bookings", "cancelled",
	"late_cancelled", "persons_supervised", "followups"}

func TestUtilizationReportAPI(t *testing.T) {
	e, sups, _, _ := reportEnv(t)
	var rep utilizationJSON
	e.must(200, "GET", "/api/v1/reports/utilization?from=2026-03-02&to=2026-03-08&by=supervisor", e.admin, nil, &rep)
	want := fmt.Sprintf(`[{"available_minutes":2400,"booked_minutes":120,"bookings":1,"cancelled":1,"followups":1,"key":"%d","label":"Handledare 01","late_cancelled":1,"persons_supervised":4,"utilization":0.05},`+
		`{"available_minutes":2400,"booked_minutes":90,"bookings":1,"cancelled":0,"followups":0,"key":"%d","label":"Handledare 02","late_cancelled":0,"persons_supervised":0,"utilization":0.0375}]`, sups[0], sups[1])
	if got, _ := json.Marshal(rep.Rows); string(got) != want {
		t.Errorf("rows:\n got %s\nwant %s", got, want)
	}
	if got, _ := json.Marshal(rep.Total); string(got) != `{"available_minutes":4800,"booked_minutes":210,"bookings":2,"cancelled":1,"followups":1,"late_cancelled":1,"persons_supervised":4,"utilization":0.0438}` {
		t.Errorf("total: %s", got)
	}

	// Acceptance 2 and 3: the CSV, asked for either way, holds the JSON's figures
	// cell for cell, under Swedish headers, with Swedish letters intact.
	for _, by := range report.UtilizationKeys {
		path := "/api/v1/reports/utilization?from=2026-03-02&to=2026-03-08&by=" + by
		var rep utilizationJSON
		e.must(200, "GET", path, e.admin, nil, &rep)
		resp, raw := e.get(path+"&format=csv", e.admin, "")
		if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || ct != "text/csv; charset=utf-8" {
			t.Fatalf("%s: %d %s: %s", by, resp.StatusCode, ct, raw)
		}
		if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="belaggning_2026-03-02_2026-03-08.csv"`) {
			t.Errorf("content disposition %q", cd)
		}
		if _, viaAccept := e.get(path, e.admin, "text/csv"); !bytes.Equal(viaAccept, raw) {
			t.Errorf("%s: Accept: text/csv gives another file", by)
		}
		records := readCSV(t, raw)
		if len(records) != len(rep.Rows)+2 {
			t.Fatalf("%s: %d records for %d rows", by, len(records), len(rep.Rows))
		}
		header := records[0]
		if header[2] != "Tillgängliga minuter" || header[4] != "Beläggningsgrad" || header[8] != "Handledda personer" {
			t.Errorf("%s: headers %q", by, header)
		}
		for i, row := range append(rep.Rows, rep.Total) {
			wantCells := []string{cellOf(row["key"]), cellOf(row["label"])}
			if i == len(rep.Rows) {
				wantCells = []string{"Totalt", ""}
			}
			for _, f := range utilizationFields {
				wantCells = append(wantCells, cellOf(row[f]))
			}
			if got := records[i+1]; strings.Join(got, "|") != strings.Join(wantCells, "|") {
				t.Errorf("%s row %d: csv %q, json %q", by, i, got, wantCells)
			}
		}
	}
	_, raw := e.get("/api/v1/reports/utilization?from=2026-03-02&to=2026-03-08&by=workplace&format=csv", e.admin, "")
	if !strings.Contains(string(raw), "Vårdboendet Linden;0;90;;1;1;1;0;0\r\n") || !strings.Contains(string(raw), "Totalt;;4800;210;0,0438;") {
		t.Errorf("workplace csv:\n%s", raw)
	}
}

func TestReportAPIErrors(t *testing.T) {
	e, _, wpA, _ := reportEnv(t)
	manager := e.user("chef@example.se", booking.RoleManager, []int64{wpA}, nil)
	for _, path := range []string{"/api/v1/reports/utilization?from=2026-03-02&to=2026-03-08", "/api/v1/reports/billing?from=2026-03-02&to=2026-03-08",
		"/api/v1/reports/cancellations?from=2026-03-02&to=2026-03-08", "/api/v1/reports/followups?from=2026-03-02&to=2026-03-08", "/api/v1/rates"} {
		if status, raw := e.do("GET", path, manager, nil); status != 403 {
			t.Errorf("manager %s: %d %s", path, status, raw)
		}
	}
	for _, path := range []string{"/api/v1/reports/utilization?to=2026-03-08", "/api/v1/reports/utilization?from=2026-03-02&to=2026-03-08&by=colour",
		"/api/v1/reports/utilization?from=2026-03-02&to=2026-03-08&format=xlsx", "/api/v1/reports/billing?from=2026-03-02"} {
		if status, raw := e.do("GET", path, e.admin, nil); status != 422 {
			t.Errorf("%s: %d %s", path, status, raw)
		} else if eb := decodeErr(t, raw); eb.Error.Code != "invalid" {
			t.Errorf("%s: %s", path, raw)
		}
	}
}

func TestOtherReportsAPI(t *testing.T) {
	e, _, wpA, wpB := reportEnv(t)
	var bill struct {
		Rows []struct {
			WorkplaceID     int64    `json:"workplace_id"`
			From            string   `json:"from"`
			HourlyRate      *float64 `json:"hourly_rate"`
			BillableMinutes int      `json:"billable_minutes"`
			Amount          float64  `json:"amount"`
		} `json:"rows"`
		Total struct {
			BillableHours float64 `json:"billable_hours"`
			Amount        float64 `json:"amount"`
		} `json:"total"`
	}
	e.must(200, "GET", "/api/v1/reports/billing?from=2026-03-02&to=2026-03-08", e.admin, nil, &bill)
	if len(bill.Rows) != 2 || bill.Rows[0].WorkplaceID != wpA || bill.Rows[0].Amount != 0 || bill.Rows[0].BillableMinutes != 120 ||
		bill.Rows[1].WorkplaceID != wpB || *bill.Rows[1].HourlyRate != 350 || bill.Rows[1].BillableMinutes != 150 ||
		bill.Rows[1].Amount != 875 || bill.Total.BillableHours != 4.5 || bill.Total.Amount != 875 {
		t.Errorf("billing: %+v", bill)
	}
	_, raw := e.get("/api/v1/reports/billing?from=2026-03-02&to=2026-03-08", e.admin, "text/csv")
	records := readCSV(t, raw)
	if records[0][1] != "Kostnadsställe" || records[1][4] != "Samordningsförbundet" || records[2][5] != "350,00" || records[3][11] != "4,5" || records[3][12] != "875,00" {
		t.Errorf("billing csv: %q", records)
	}

	var canc struct {
		Total struct{ Cancelled, LateCancelled int } `json:"total"`
	}
	e.must(200, "GET", "/api/v1/reports/cancellations?from=2026-03-02&to=2026-03-08", e.admin, nil, &canc)
	var fu struct {
		Total    map[string]any `json:"total"`
		Comments []struct {
			Comment string `json:"comment"`
		} `json:"comments"`
	}
	e.must(200, "GET", "/api/v1/reports/followups?from=2026-03-02&to=2026-03-08", e.admin, nil, &fu)
	if fu.Total["held"] != 2.0 || fu.Total["answered"] != 1.0 || fu.Total["response_rate"] != 0.5 || len(fu.Comments) != 1 || fu.Comments[0].Comment != "Bra för Åsa" {
		t.Errorf("follow-ups: %+v", fu)
	}
	_, raw = e.get("/api/v1/reports/cancellations?from=2026-03-02&to=2026-03-08&format=csv", e.admin, "")
	if rec := readCSV(t, raw); rec[len(rec)-1][3] != "1" || rec[len(rec)-1][5] != "1" || rec[1][1] != "sjukdom" {
		t.Errorf("cancellations csv: %q", rec)
	}
}

func TestRatesAPI(t *testing.T) {
	e := newEnv(t, march)
	_, wpA, _ := e.pool(0)
	var r struct {
		ID          int64   `json:"id"`
		WorkplaceID *int64  `json:"workplace_id"`
		From        string  `json:"from"`
		To          *string `json:"to"`
		HourlyRate  float64 `json:"hourly_rate"`
		Funder      string  `json:"funder"`
	}
	e.must(201, "POST", "/api/v1/rates", e.admin, map[string]any{"from": "2026-01-13", "to": "2026-06-12", "hourly_rate": 0, "funder": "Samordningsförbundet"}, &r)
	if r.From != "2026-01-13" || *r.To != "2026-06-12" || r.Funder != "Samordningsförbundet" || r.WorkplaceID != nil {
		t.Fatalf("created %+v", r)
	}
	status, raw := e.do("POST", "/api/v1/rates", e.admin, map[string]any{"from": "2026-06-01", "hourly_rate": 350})
	if status != 422 || !strings.Contains(string(raw), `"field":"from"`) {
		t.Fatalf("overlap: %d %s", status, raw)
	}
	e.must(201, "POST", "/api/v1/rates", e.admin, map[string]any{"from": "2026-06-13", "hourly_rate": 350}, nil)
	e.must(201, "POST", "/api/v1/rates", e.admin, map[string]any{"from": "2026-06-13", "hourly_rate": 400.5, "workplace_id": wpA}, nil)
	e.must(200, "PATCH", fmt.Sprintf("/api/v1/rates/%d", r.ID), e.admin, map[string]any{"to": "2026-05-31", "note": "förlängs ej"}, &r)
	if *r.To != "2026-05-31" {
		t.Fatalf("patched %+v", r)
	}
	var list []map[string]any
	e.must(200, "GET", "/api/v1/rates", e.admin, nil, &list)
	if len(list) != 3 || list[2]["hourly_rate"] != 400.5 || list[0]["note"] != "förlängs ej" {
		t.Fatalf("list %v", list)
	}
	if status, raw := e.do("POST", "/api/v1/rates", e.admin, `{"from":"2027-01-01","hourly_rate":1,"colour":"red"}`); status != 400 {
		t.Errorf("unknown field: %d %s", status, raw)
	}
	e.must(204, "DELETE", fmt.Sprintf("/api/v1/rates/%d", r.ID), e.admin, nil, nil)
	e.must(404, "DELETE", fmt.Sprintf("/api/v1/rates/%d", r.ID), e.admin, nil, nil)
}
