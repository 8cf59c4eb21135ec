package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/account"
	"github.com/sprakpool/sprakpool/booking/report"
	"github.com/sprakpool/sprakpool/ui"
)

// reportDB makes a small pool in March 2026 through the service: two
// supervisors, two workplaces, held sessions, an early and a late cancellation,
// a follow-up and a rate change, and returns the database file.
func reportDB(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "report.db")
	svc, err := booking.Open(ctx, path, booking.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	if err := svc.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	loc := svc.Config().Location
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	clock := func(s string) { v := at(s); svc.Now = func() time.Time { return v } }
	clock("2026-02-01 12:00")
	admin := &booking.User{Role: booking.RoleAdmin}
	u, err := svc.CreateUser(ctx, booking.UserInput{Email: "samordnare@example.se", Name: "Sara Samordnare", Role: booking.RoleAdmin, Password: "secret-password"})
	if err != nil {
		t.Fatal(err)
	}
	admin = u
	var wps []int64
	for _, w := range [][3]string{{"Förskolan Solrosen", "childcare", "1130-212"}, {"Äldreboendet Linden", "elderly_care", "1240-311"}} {
		wp, err := svc.CreateWorkplace(ctx, admin, booking.WorkplaceInput{Name: &w[0], Kind: &w[1], CostCenter: &w[2]})
		if err != nil {
			t.Fatal(err)
		}
		wps = append(wps, wp.ID)
	}
	var sups []*booking.Supervisor
	for _, s := range [][2]string{{"Amina Yusuf", "ar"}, {"Örjan Åberg", "fi"}} {
		langs, areas := []string{s[1]}, booking.Areas
		sv, err := svc.CreateSupervisor(ctx, admin, booking.SupervisorInput{Name: &s[0], Languages: &langs, Areas: &areas})
		if err != nil {
			t.Fatal(err)
		}
		var week []booking.Window
		for wd := 1; wd <= 5; wd++ {
			week = append(week, booking.Window{Weekday: wd, Start: 8 * 60, End: 16 * 60})
		}
		if _, err := svc.SetAvailability(ctx, admin, sv.ID, week); err != nil {
			t.Fatal(err)
		}
		sups = append(sups, sv)
	}
	book := func(sv *booking.Supervisor, wp int64, start, end string) *booking.Booking {
		b, err := svc.CreateBooking(ctx, admin, booking.BookingInput{SupervisorID: &sv.ID, WorkplaceID: wp, Language: sv.Languages[0],
			Purpose: "workplace_support", Start: at(start).Format(time.RFC3339), End: at(end).Format(time.RFC3339)})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	b1 := book(sups[0], wps[0], "2026-03-02 09:00", "2026-03-02 11:00")
	book(sups[1], wps[1], "2026-03-12 13:00", "2026-03-12 14:30")
	late := book(sups[0], wps[1], "2026-03-18 08:00", "2026-03-18 09:00")
	early := book(sups[1], wps[0], "2026-03-25 08:00", "2026-03-25 12:00")
	clock("2026-03-17 18:00")
	for _, b := range []*booking.Booking{late, early} {
		if _, err := svc.CancelBooking(ctx, admin, b.ID, "illness", ""); err != nil {
			t.Fatal(err)
		}
	}
	clock("2026-04-01 12:00")
	if _, err := svc.RecordFollowup(ctx, admin, b1.ID, booking.FollowupInput{PersonsSupervised: 6, Rating: 4, Comment: "Tack för hjälpen"}); err != nil {
		t.Fatal(err)
	}
	// Confirmed shorter than booked (100 of 120 minutes), so that the billing
	// report's confirmed columns and list carry something to agree on.
	if _, err := svc.ConfirmBooking(ctx, admin, b1.ID, booking.ConfirmationInput{Outcome: "held",
		ActualStart: at("2026-03-02 09:10").Format(time.RFC3339), ActualEnd: at("2026-03-02 10:50").Format(time.RFC3339)}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct {
		from, to string
		kr       float64
	}{{"2026-01-13", "2026-03-10", 0}, {"2026-03-11", "", 350}} {
		if _, err := report.New(svc).CreateRate(ctx, admin, report.RateInput{From: &r.from, To: &r.to, HourlyRate: &r.kr}); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// runCLI runs the command in this process and returns its standard output.
func runCLI(t *testing.T, args ...string) []byte {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(context.Background(), args, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, errb.String())
	}
	return out.Bytes()
}

var tableGap = regexp.MustCompile(`\s{2,}`)

// TestReportCLIAgreesWithAPI is acceptance 2: for the same range, the CLI's
// JSON equals the API's, its CSV is the API's byte for byte, and its text
// table holds the same cells.
func TestReportCLIAgreesWithAPI(t *testing.T) {
	path := reportDB(t)
	ctx := context.Background()
	svc, err := booking.Open(ctx, path, booking.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	srv := httptest.NewServer(ui.New(svc, ui.Config{BaseURL: "http://sprakpool.test", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	if _, err := svc.CreateUser(ctx, booking.UserInput{Email: "api@example.se", Name: "API", Role: booking.RoleAdmin, Password: "secret-password"}); err != nil {
		t.Fatal(err)
	}
	token, err := account.New(svc).CreateToken(ctx, "api@example.se")
	if err != nil {
		t.Fatal(err)
	}
	api := func(path string) []byte {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, raw)
		}
		return raw
	}
	type variant struct{ kind, by, query string }
	var variants []variant
	for _, by := range report.UtilizationKeys {
		variants = append(variants, variant{"utilization", by, "&by=" + by})
	}
	for _, kind := range []string{"cancellations", "followups", "billing"} {
		variants = append(variants, variant{kind, "", ""})
	}
	for _, v := range variants {
		t.Run(v.kind+v.by, func(t *testing.T) {
			args := []string{"report", v.kind, "--db", path, "--from", "2026-03-01", "--to", "2026-03-31"}
			if v.by != "" {
				args = append(args, "--by", v.by)
			}
			apiPath := "/api/v1/reports/" + v.kind + "?from=2026-03-01&to=2026-03-31" + v.query
			var fromCLI, fromAPI any
			if err := json.Unmarshal(runCLI(t, append(args, "--format", "json")...), &fromCLI); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(api(apiPath), &fromAPI); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(fromCLI, fromAPI) {
				t.Errorf("JSON differs:\ncli %v\napi %v", fromCLI, fromAPI)
			}
			csvCLI, csvAPI := runCLI(t, append(args, "--format", "csv")...), api(apiPath+"&format=csv")
			if !bytes.Equal(csvCLI, csvAPI) {
				t.Errorf("CSV differs:\ncli %q\napi %q", csvCLI, csvAPI)
			}
			r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(csvAPI, []byte("\xEF\xBB\xBF"))))
			r.Comma = ';'
			records, err := r.ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			text := strings.Split(strings.TrimRight(string(runCLI(t, args...)), "\n"), "\n")
			if len(text) != len(records) {
				t.Fatalf("text has %d lines, CSV %d records:\n%s", len(text), len(records), strings.Join(text, "\n"))
			}
			for i, line := range text {
				cells := tableGap.Split(strings.TrimRight(line, " "), -1)
				for j := range cells {
					if cells[j] == "–" {
						cells[j] = ""
					}
				}
				if !reflect.DeepEqual(cells, records[i]) {
					t.Errorf("line %d: text %q, csv %q", i, cells, records[i])
				}
			}
		})
	}
	// The supervisor report by hand: Amina 22 weekdays × 480 = 10560 available
	// (no closed day in March 2026), 120 booked (0.0114); Örjan the same, 90
	// booked (0.0085); together 21120 and 210 (0.0099).
	text := string(runCLI(t, "report", "utilization", "--db", path, "--from", "2026-03-01", "--to", "2026-03-31"))
	for _, want := range []string{"Handledar-id", "Amina Yusuf", "Örjan Åberg", "10560", "0,0114", "0,0085", "21120", "210", "0,0099"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	// Billing by hand: b1 bills its confirmed 100 minutes at 0 kr; b2 (90) is
	// held but unconfirmed at 350 kr; the late cancellation 60 at 350 kr: 1 of 2
	// held sessions confirmed.
	text = string(runCLI(t, "report", "billing", "--db", path, "--from", "2026-03-01", "--to", "2026-03-31"))
	for _, want := range []string{"Bekräftade pass", "Bekräftelsegrad", "100", "150", "50 %"} {
		if !strings.Contains(text, want) {
			t.Errorf("billing text lacks %q:\n%s", want, text)
		}
	}
}

func TestReportCLIUsage(t *testing.T) {
	path := reportDB(t)
	for _, args := range [][]string{{"report"}, {"report", "colours"}, {"report", "utilization", "--db", path, "--from", "2026-03-01"},
		{"report", "utilization", "--db", path, "--from", "2026-03-01", "--to", "2026-03-31", "--by", "colour"},
		{"report", "billing", "--db", path, "--from", "2026-03-01", "--to", "2026-03-31", "--format", "xlsx"}} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), args, strings.NewReader(""), &out, &errb); code != exitUsage {
			t.Errorf("%v: exit %d, want 2: %s", args, code, errb.String())
		} else if lines := strings.Split(strings.TrimSpace(errb.String()), "\n"); len(lines) != 1 {
			t.Errorf("%v: want one line, got %q", args, errb.String())
		}
	}
}

// Issue 12, finding 11: the CLI takes at most 400 days counting both ends, like
// the API: from+399 days prints the report, from+400 is bad usage.
func TestReportCLIRangeAtMost400Days(t *testing.T) {
	path := reportDB(t)
	for _, kind := range report.Names() {
		for to, want := range map[string]int{"2027-04-04": exitOK, "2027-04-05": exitUsage} {
			var out, errb bytes.Buffer
			args := []string{"report", kind, "--db", path, "--from", "2026-03-01", "--to", to}
			if code := run(context.Background(), args, strings.NewReader(""), &out, &errb); code != want {
				t.Errorf("%v: exit %d, want %d: %s", args, code, want, errb.String())
			}
		}
	}
}
