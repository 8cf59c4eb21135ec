package web

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/account"
	"github.com/sprakpool/sprakpool/booking/report"
	"github.com/sprakpool/sprakpool/booking/request"
	"github.com/sprakpool/sprakpool/booking/search"
	"github.com/sprakpool/sprakpool/ui/internal/catalog"
)

// samplePages gives each page template data with every branch filled, so that
// rendering it exercises the whole template.
func samplePages(loc *time.Location) map[string]any {
	start := time.Date(2026, 3, 30, 9, 0, 0, 0, loc)
	end := start.Add(2 * time.Hour)
	reason, code, meet := "Sjuk", "illness", "https://meet.example.se/x"
	sv := booking.Supervisor{ID: 3, Name: "Amina Yusuf", Phone: "070-1", Email: "amina@example.se", Languages: []string{"ar", "so"}, Areas: []string{"childcare"}, Active: true,
		LanguageNotes: map[string]string{"ar": "syrisk dialekt"}, Presentation: "Förskollärare sedan 2010."}
	wp := booking.Workplace{ID: 5, Name: "Förskolan Solrosen", Kind: "childcare", Address: "Solrosvägen 1", Active: true, ContactName: "Eva", ContactPhone: "070-123 45 67"}
	bk := booking.Booking{ID: 17, SupervisorID: 3, WorkplaceID: 5, Language: "ar", Area: "childcare", Mode: "video", MeetingURL: &meet,
		Start: start, End: end, Purpose: "parent_information", ParticipantsExpected: 12, Notes: "Entré B", Status: "cancelled",
		CancelReasonCode: &code, CancelReason: &reason, Followup: &booking.Followup{PersonsSupervised: 4, Rating: 5}}
	bv := bookingView{Booking: bk, Supervisor: sv, Workplace: wp}
	failed := func(fields ...string) *form {
		f := newForm()
		for _, n := range fields {
			f.Values[n] = "x"
			f.Fail(n, "fel")
		}
		return f
	}
	wb := weekBooking{bookingView: bv, Start: start, End: end, Contacts: []booking.User{{Name: "Chef", Email: "chef@example.se"}}}
	held := bk
	held.Status, held.Mode, held.MeetingURL = "confirmed", "on_site", nil
	confirmed := held
	confirmed.Mode, confirmed.Confirmation = "phone", &booking.Confirmation{Outcome: "held", ActualStart: start, ActualEnd: end, Note: "Bra"}
	heldV, confirmedV := bookingView{Booking: held, Supervisor: sv, Workplace: wp}, bookingView{Booking: confirmed, Supervisor: sv, Workplace: wp}
	wbHeld := weekBooking{bookingView: heldV, Start: start, End: end, Confirmable: true}
	wbConfirmed := weekBooking{bookingView: confirmedV, Start: start, End: end}
	days := make([]weekDay, 7)
	for i := range days {
		days[i] = weekDay{Date: start.AddDate(0, 0, i), Today: i == 0, Bookings: []weekBooking{wb, wbHeld, wbConfirmed}}
	}
	var cells [7][]weekBooking
	cells[0] = []weekBooking{wb}
	util := 0.42
	loginForm := failed("email", "password")
	loginForm.Values["next"] = "/"
	linkForm := failed("password", "password_again")
	linkForm.Values["kind"] = account.TokenInvite
	bookForm := failed("workplace_id", "language", "date", "start", "end", "participants_expected", "meeting_url")
	bookForm.Values["purpose"], bookForm.Values["mode"] = "other", "video"
	free := []booking.FreeSupervisor{{Supervisor: sv}}
	conflict := &conflictView{Reasons: []string{"upptagen"}, Alternatives: []alternativeView{{Supervisor: sv, Start: start, End: end}}}
	return map[string]any{
		"login": []*loginPage{{Form: loginForm, Passwords: true},
			{Form: loginForm, Passwords: true, OIDCLabel: "Logga in med kommunens konto", Notice: "login.oidc.unknown"},
			{Form: newForm(), OIDCLabel: "Logga in med kommunens konto", Notice: "login.oidc.failed"}},
		"forgot":        failed("email"),
		"password_link": linkForm,
		"account": func() *accountPage {
			f := failed("current_password", "password", "password_again", "locale")
			f.Values["done"] = "password"
			return &accountPage{Form: f, Tokens: []tokenView{{ID: 7, CreatedAt: start, LastUsed: &end}, {ID: 8, CreatedAt: start}}}
		}(),
		"error":       "error.forbidden",
		"times":       sampleTimes(start, wp),
		"request_new": &requestFormPage{Request: failed("workplace_id", "language", "earliest_date", "latest_time", "duration", "notes"), Workplaces: []booking.Workplace{wp, wp}, Lengths: sessionLengths},
		"requests":    sampleRequests(start, sv, wp),
		"my_bookings": &myBookingsPage{Form: failed("from"), Languages: []string{"ar"}, Count: 3,
			Upcoming:  []myBooking{{bookingView: heldV, Start: start, End: end, MoveURL: "/bookings/17/move", AgainURL: "/book?x"}},
			History:   []myBooking{{bookingView: confirmedV, Start: start, End: end, AgainURL: "/book?x"}},
			Cancelled: []myBooking{{bookingView: bv, Start: start, End: end, AgainURL: "/book?x"}}},
		"booking_move": []*movePage{
			{B: heldV, Start: start, End: end, Form: failed("date", "start", "end"), Reasons: []string{"upptagen"}, TimesURL: "/book/times?x", Notice: 24 * time.Hour},
			{B: confirmedV, Start: start, End: end, Form: newForm(), Late: true, Notice: 4 * time.Hour},
		},
		"home_manager": &managerHomePage{Coming: []bookingView{bv}, Waiting: []bookingView{bv}, Feeds: []workplaceFeed{{ID: 5, Name: "Solrosen", URL: "https://x/ical/workplaces/t.ics"}}, FeedRenewed: true},
		"book": []*bookPage{
			{Form: bookForm, Workplaces: []booking.Workplace{wp, wp}, Step: "form", Free: free},
			{Form: failed("supervisor_id"), Workplaces: []booking.Workplace{wp}, Step: "choose", Free: free, Conflict: conflict},
			{Form: newForm(), Workplaces: []booking.Workplace{wp}, Step: "choose", Conflict: &conflictView{Reasons: []string{"x"}}},
			{Form: bookForm, Workplaces: []booking.Workplace{wp}, Step: "choose", Start: start, End: end, Workplace: wp, NoneFree: true,
				Next: []slotLink{{Start: start, End: end, Href: "/book?x"}}, TimesURL: "/book/times?x", RequestURL: "/requests/new?x"},
			{Form: bookForm, Workplaces: []booking.Workplace{wp}, Step: "form", TimesURL: "/book/times?x", RequestURL: "/requests/new?x"},
		},
		"series_preview": []any{
			&seriesPreview{Book: &bookPage{Form: bookForm}, Supervisor: &sv, Free: 1, Skipped: 1, Colliding: 1, Conflict: true,
				Alternatives: []booking.Supervisor{sv}, Occurrences: []occurrenceView{{Start: start, End: end, Free: true},
					{Start: start, End: end, Holiday: "Kristi himmelsfärdsdag"}, {Start: start, End: end, Reasons: []string{"x"}}}},
			&seriesPreview{Book: &bookPage{Form: newForm()}, Free: 2},
		},
		"series": []any{
			&seriesPageData{S: &booking.Series{ID: 4, EveryWeeks: 2, Occurrences: 3, Language: "ar", Purpose: "other"}, Supervisor: sv, Workplace: wp,
				Start: start, End: end, Weekday: 1, CanCancel: true, Cancel: failed("from", "reason_code", "reason"), Done: "booked",
				Occurrences: []occurrenceView{{Start: start, End: end, Booking: &bk}, {Start: start, End: end, Holiday: "Annandag påsk"},
					{Start: start, End: end, Reasons: []string{"x"}}}},
			&seriesPageData{S: &booking.Series{ID: 4, EveryWeeks: 1, Occurrences: 2, Language: "ar", Purpose: "other"}, Done: "cancelled", Cancel: newForm()},
		},
		"booking": []*bookingPageData{
			{B: bv, Start: start, End: end, Contacts: wb.Contacts, Cancel: failed("reason_code", "reason"), Followup: failed("persons_supervised", "rating"),
				CanCancel: true, CanFollow: true, CanConfirm: true, Confirm: failed("outcome"), Events: []eventView{{Kind: "created", At: start, Actor: "Chef"}}, Done: "booked"},
			{B: bv, Start: start, End: end, Cancel: newForm(), Followup: newForm(), Confirm: newForm(), CanConfirm: true},
			{B: confirmedV, Start: start, End: end, Cancel: newForm(), Followup: newForm(), Confirm: newForm(), CanCancel: true, Late: true, Notice: 24 * time.Hour},
		},
		"week": &weekPage{Monday: start, Prev: "2026-03-23", Next: "2026-04-06", Days: days, FeedURL: "https://x/ical/supervisors/t.ics", FeedRenewed: true,
			Unconfirmed: []weekBooking{wbHeld}, Confirmed: true},
		"confirm": []*confirmPageData{
			{B: heldV, Start: start, End: end, Form: failed("outcome", "actual_start", "actual_end", "note"), CanConfirm: true, Done: true},
			{B: confirmedV, Start: start, End: end, Form: newForm(), CanConfirm: true, ActualStart: start, ActualEnd: end},
			{B: heldV, Start: start, End: end, Form: newForm()},
			{B: bv, Start: start, End: end, Form: newForm()},
		},
		"availability": func() *availabilityPage {
			p := newAvailabilityPage(failed("d1_0_start", "d1_0_end"))
			p.Done = true
			return p
		}(),
		"absences":  &absencePage{Form: failed("start_date", "start_time", "end_date", "end_time", "reason"), Absences: []absenceView{{ID: 1, Start: start, End: end, Reason: "kurs"}}, Imported: "3", Skipped: "1"},
		"dashboard": &dashboardPage{Unconfirmed: []bookingView{heldV}, UnconfirmedN: 11, Today: []bookingView{bv}, WeekCount: 3, Utilization: &util, Overdue: []bookingView{bv}, OverdueN: 12, FailedMail: []booking.Message{{Recipient: "a@example.se", Kind: "reminder", LastError: "550"}}},
		"timeline": &timelinePage{Monday: start, Days: []time.Time{start}, Today: 0, Rows: []timelineRow{{Supervisor: sv, Cells: cells}}, Language: "ar", Workplace: 5, Workplaces: []booking.Workplace{wp}, Languages: []string{"ar"},
			Q: "amina", Status: "confirmed", Sort: "booked", Busy: true},
		"supervisors":     &supervisorsList{Q: listQuery{Q: "a", Language: "ar", Area: "childcare", Status: "active", Sort: "language"}, List: []booking.Supervisor{sv, {ID: 4, Name: "Inaktiv"}}, All: 3, Saved: "Amina"},
		"supervisor_form": &supervisorFormPage{ID: 3, Form: failed("name", "email", "phone", "languages", "areas", "presentation", "note_ar"), Languages: sv.Languages, Areas: sv.Areas, Notes: sv.LanguageNotes, Removed: []string{"so"}, Notice: "saved"},
		"workplaces":      &workplacesList{Q: listQuery{Q: "sol", Area: "childcare", Status: "inactive", Sort: "kind"}, List: []booking.Workplace{wp}, All: 2, Saved: "Solrosen"},
		"accessibility":   &statementPage{Contact: "samordnare@example.se"},
		"personal_data":   &statementPage{Contact: "samordnare@example.se"},
		"week_print":      &weekPrint{Name: "Amina", Monday: start, Day: &start, Days: days[:1]},
		"reports": &reportPage{Form: failed("from", "to"), Keys: report.UtilizationKeys, Tables: tableReports(), CSV: "/api/x", Report: &report.Utilization{By: "supervisor",
			Rows: []report.UtilizationRow{{Key: "3", Label: "Amina", UtilizationFigures: report.UtilizationFigures{AvailableMinutes: 600, Utilization: &util}}}}},
		"report_table": []*tablePage{
			{Kind: "billing", Form: newForm(), Head: []string{"Verksamhet", "Belopp (kr)"}, Rows: [][]string{{"Solrosen", "1 200,00"}}, Total: []string{"Totalt", "1 200,00"}, CSV: "/api/x"},
			{Kind: "cancellations", Form: failed("from", "to")},
			{Kind: "followups", Form: newForm(), Head: []string{"Verksamhet"}, Followups: &report.Followups{Total: report.FollowupFigures{ResponseRate: &util},
				Comments: []report.FollowupComment{{Date: "2026-03-02", Workplace: "Solrosen", Purpose: "other", WhyBooked: "Vikarier", Comment: "Bra"}}},
				Charts: []chart{barChart("Varför", "Orsak", []string{"Vikarier"}, []chartSeries{{Name: "Antal", Values: []float64{3}}}, count, true)}},
			{Kind: "demand", Form: newForm(), Keys: report.DemandKeys, Head: []string{"Språk"}},
		},
		"evaluation": []*evaluationPage{{Form: failed("from", "to")}, {Form: newForm(), CSV: "/api/x", Ev: &report.Evaluation{From: "2026-01-01", To: "2026-03-31",
			Followups: report.FollowupFigures{ResponseRate: &util}, Quotes: []report.FollowupComment{{Date: "2026-03-02", Workplace: "Solrosen", Purpose: "other", Comment: "Bra"}}},
			Charts: []chart{utilizationChart(swedish, []report.UtilizationRow{{Key: "2026-01", Label: "januari 2026", UtilizationFigures: report.UtilizationFigures{Utilization: &util}}})}}},
		"workplace_form": &workplaceFormPage{ID: 5, Form: failed("name", "kind", "address", "cost_center")},
		"users": &usersPage{Users: []booking.User{{ID: 1, Name: "Admin", Role: "admin", Active: true}, {ID: 2, Name: "Chef", Role: "manager", Active: true}},
			Workplaces: []booking.Workplace{wp}, Supervisors: []booking.Supervisor{sv}, Form: failed("email", "name", "role", "workplace_ids", "supervisor_id"), Invited: "2",
			Q: listQuery{Q: "chef", Role: "manager", Status: "active", Sort: "email"}, List: []booking.User{{ID: 2, Name: "Chef", Role: "manager", Active: true}}, Picked: []int64{5}, Done: "deactivated"},
	}
}

// TestTemplatesRenderEveryPage renders every page template, in Swedish and in
// English, for every role: a broken template fails here, not in front of a user.
func TestTemplatesRenderEveryPage(t *testing.T) {
	pg, err := loadPages()
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Europe/Stockholm")
	samples := samplePages(loc)
	names := pg.names()
	slices.Sort(names)
	if len(names) < 18 {
		t.Fatalf("only %d templates found", len(names))
	}
	users := []*booking.User{nil, {ID: 1, Role: "admin", Name: "A"}, {ID: 2, Role: "manager", Name: "M"}, {ID: 3, Role: "supervisor", Name: "S"}}
	for _, name := range names {
		sample, ok := samples[name]
		if !ok {
			t.Errorf("template %s has no sample data in samplePages: add it", name)
			continue
		}
		var list []any
		switch v := sample.(type) {
		case []*bookPage:
			for _, x := range v {
				list = append(list, x)
			}
		case []*bookingPageData:
			for _, x := range v {
				list = append(list, x)
			}
		case []*tablePage:
			for _, x := range v {
				list = append(list, x)
			}
		case []*timesPage:
			for _, x := range v {
				list = append(list, x)
			}
		case []*requestsPage:
			for _, x := range v {
				list = append(list, x)
			}
		case []*loginPage:
			for _, x := range v {
				list = append(list, x)
			}
		case []*movePage:
			for _, x := range v {
				list = append(list, x)
			}
		case []*confirmPageData:
			for _, x := range v {
				list = append(list, x)
			}
		case []any:
			list = v
		case []*evaluationPage:
			for _, x := range v {
				list = append(list, x)
			}
		default:
			list = []any{v}
		}
		for _, page := range list {
			for _, l := range []Lang{swedish, english} {
				for _, u := range users {
					public := slices.Contains([]string{"login", "forgot", "password_link", "error"}, name)
					if u == nil && !public {
						continue // signed-in pages are only ever rendered for a user
					}
					d := pageData{L: l, User: u, CSRF: "tok", Title: name, Nav: "/", Assets: pg.assets, Now: time.Now().In(loc), Loc: loc, Page: page}
					var buf bytes.Buffer
					if err := pg.byName[name].ExecuteTemplate(&buf, "layout", d); err != nil {
						t.Fatalf("render %s (%s): %v", name, l.Code, err)
					}
					out := buf.String()
					if !strings.Contains(out, `<html lang="`+l.Code+`">`) || !strings.Contains(out, "<main") || !strings.Contains(out, "<h1") {
						t.Errorf("%s (%s): no lang, main landmark or h1", name, l.Code)
					}
					// A pointer printed with %s (the cancelled banner's reason code) or a
					// mode named twice ("Telefon: Telefon") is a page bug (issue 14).
					if strings.Contains(out, "%!") || strings.Contains(out, l.T("mode.phone")+": "+l.T("mode.phone")) || hasGenericError(out) || strings.Contains(out, "2026-04-03:") {
						t.Errorf("%s (%s): a misprinted value or a doubled mode in:\n%s", name, l.Code, out)
					}
					if m := regexp.MustCompile(`[a-z_]+\.[a-z_.0-9]+[a-z]`).FindAllString(stripTags(out), -1); len(m) > 0 {
						for _, k := range m {
							if _, ok := l.text(k); ok {
								t.Errorf("%s (%s): untranslated key %q shown", name, l.Code, k)
							}
						}
					}
				}
			}
		}
	}
}

func stripTags(s string) string { return regexp.MustCompile(`<[^>]*>`).ReplaceAllString(s, " ") }

// TestCatalogCoversEveryKey finds every key the templates and handlers use,
// including the ones built from the domain's vocabularies, in both languages.
func TestCatalogCoversEveryKey(t *testing.T) {
	used := map[string]bool{}
	static := regexp.MustCompile(`(?:\.T|\bT) ?\(?"([a-z_]+\.[a-z_.0-9]+)"`)
	for _, dir := range []fs.FS{templateFiles, os.DirFS(".")} {
		_ = fs.WalkDir(dir, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || (!strings.HasSuffix(p, ".html") && !strings.HasSuffix(p, ".go")) || strings.HasSuffix(p, "_test.go") {
				return err
			}
			b, _ := fs.ReadFile(dir, p)
			for _, m := range static.FindAllStringSubmatch(string(b), -1) {
				if !strings.HasSuffix(m[1], ".") {
					used[m[1]] = true
				}
			}
			return nil
		})
	}
	for _, set := range []struct {
		prefix string
		values []string
	}{{"purpose.", booking.Purposes}, {"mode.", booking.Modes}, {"reason.", booking.CancelReasons}, {"area.", booking.Areas},
		{"status.", []string{booking.StatusConfirmed, booking.StatusCancelled}}, {"role.", []string{"admin", "manager", "supervisor"}},
		{"rating.", []string{"1", "2", "3", "4", "5"}}, {"event.", []string{booking.EventCreated, booking.EventChanged, booking.EventCancelled, booking.EventFollowup, booking.EventConfirmed}}, {"outcome.", booking.Outcomes},
		{"rule.", append(slices.Clone(booking.OverridableRules), booking.RuleOverlap, booking.RuleNoFreeSupervisor)},
		{"reqstatus.", request.Statuses}, {"noslot.", []string{search.NoSlotNoSupervisor, search.NoSlotNoSupervisorInArea, search.NoSlotPast,
			search.NoSlotTooLong, search.NoSlotClosedDay, search.NoSlotWeekend, search.NoSlotNoAvailability, search.NoSlotBusy}},
		{"link.title.", []string{account.TokenInvite, account.TokenPasswordReset}}, {"reports.by.", report.UtilizationKeys}, {"reports.", report.Names()}, {"account.done.", []string{"password", "locale"}}, {"booking.done.", []string{"booked", "cancelled", "followup", "confirmed", "moved"}}, {"mybookings.status_", []string{"upcoming", "held", "cancelled"}},
		{"error.", []string{"forbidden", "not_found", "unauthenticated", "rate_limited", "conflict", "csrf", "internal", "other"}}} {
		for _, v := range set.values {
			used[set.prefix+v] = true
		}
	}
	if len(used) < 150 {
		t.Fatalf("found only %d keys; the scan is broken", len(used))
	}
	for k := range used {
		sv, ok := swedish.text(k)
		if !ok {
			t.Errorf("key %q is used but not in the catalog", k)
			continue
		}
		if en, _ := english.text(k); sv == "" || en == "" {
			t.Errorf("key %q lacks a translation", k)
		}
	}
}

// TestEveryErrorKeyHasText reads the service's source for the keys of its
// field errors (Problems.Add and FieldError literals) and finds a text for
// each in both languages, so that no page falls back to the generic one.
func TestEveryErrorKeyHasText(t *testing.T) {
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for ; ; root = filepath.Dir(root) {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		if filepath.Dir(root) == root {
			t.Fatal("no go.mod above the test")
		}
	}
	keys := map[string]bool{}
	pattern := regexp.MustCompile(`(?:\.Add\([^,()]+(?:\([^()]*\))?, |Key: )"([a-z_0-9]+)"`)
	err = filepath.WalkDir(filepath.Join(root, "booking"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		b, err := os.ReadFile(p)
		for _, m := range pattern.FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) < 40 {
		t.Fatalf("found only %d keys; the scan is broken", len(keys))
	}
	for k := range keys {
		for _, l := range []Lang{swedish, english} {
			if got := l.fieldMessage(booking.FieldError{Field: "x", Key: k}); got == l.T("err.invalid", l.label("x")) || strings.Contains(got, "%!") {
				t.Errorf("key %q has no text of its own in %s: %q", k, l.Code, got)
			}
		}
	}
}

func TestDatesInSwedishAndEnglish(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Stockholm")
	start := time.Date(2026, 3, 30, 9, 0, 0, 0, loc)
	if got := swedish.Span(start, start.Add(2*time.Hour)); got != "mån 30 mars 2026, 09:00–11:00" {
		t.Errorf("Swedish span: %q", got)
	}
	if got := english.Span(start, start.Add(2*time.Hour)); got != "Mon 30 March 2026, 09:00–11:00" {
		t.Errorf("English span: %q", got)
	}
	if got := swedish.Week(start); got != "v. 14" {
		t.Errorf("week: %q", got)
	}
	if got := swedish.Week(time.Date(2027, 1, 1, 12, 0, 0, 0, loc)); got != "v. 53" {
		t.Errorf("ISO week of 1 Jan 2027: %q", got)
	}
}

// Names sort the Swedish way: Å, Ä, Ö after Z, and case does not decide
// before the letters do (issue 16's lists).
func TestNamesSortTheSwedishWay(t *testing.T) {
	in := []booking.User{{ID: 1, Name: "Östen"}, {ID: 2, Name: "Ärla"}, {ID: 3, Name: "åsa"}, {ID: 4, Name: "Zora"}, {ID: 5, Name: "adam"}, {ID: 6, Name: "Bo"}}
	var got []string
	for _, u := range filterUsers(in, listQuery{}) {
		got = append(got, u.Name)
	}
	want := []string{"adam", "Bo", "Zora", "åsa", "Ärla", "Östen"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("order %v, want %v", got, want)
	}
}

// hasGenericError reports whether a page shows an error that does not say
// which field or what to do (issue 14: "Kontrollera värdet.", "Fyll i det här fältet.").
func hasGenericError(out string) bool {
	for _, g := range []string{"Kontrollera värdet", "Fyll i det här fältet", "Check this value", "Fill in this field"} {
		if strings.Contains(out, g) {
			return true
		}
	}
	return false
}

// No error text of the catalog is one of the generic ones, and every
// summary line names its field: a field's message, and the fallback for a
// problem without text of its own, name the field in both languages.
func TestNoGenericErrorText(t *testing.T) {
	for _, l := range []Lang{swedish, english} {
		for _, key := range []string{"err.required", "err.invalid"} {
			if got := l.T(key, "E-post"); hasGenericError(got) || !strings.Contains(got, "E-post") {
				t.Errorf("%s %s: %q does not name the field", l.Code, key, got)
			}
		}
		if got := l.fieldMessage(booking.FieldError{Field: "notes", Key: "no_such_key"}); !strings.Contains(got, l.T("f.notes")) {
			t.Errorf("%s: the fallback %q does not name the notes", l.Code, got)
		}
		if got := l.fieldMessage(booking.FieldError{Field: "workplace_id", Key: "required"}); !strings.Contains(got, l.T("f.workplace")) {
			t.Errorf("%s: required %q does not name the workplace", l.Code, got)
		}
		if got := summaryLine(l, "notes", l.T("err.too_long")); !strings.HasPrefix(got, l.T("f.notes")+": ") {
			t.Errorf("%s: summary line %q does not name the notes", l.Code, got)
		}
		if got := summaryLine(l, "email", l.required("email")); strings.Count(got, l.T("f.email")) != 1 {
			t.Errorf("%s: summary line %q names the field twice or not at all", l.Code, got)
		}
		for _, key := range catalog.Keys() {
			if text, _ := l.text(key); strings.HasPrefix(key, "err.") && hasGenericError(text) {
				t.Errorf("%s %s is generic: %q", l.Code, key, text)
			}
		}
	}
}
