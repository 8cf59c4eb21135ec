package ui_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/ui"
)

// before reports whether a occurs in body, and before b when b occurs.
func before(body, a, b string) bool {
	i, j := strings.Index(body, a), strings.Index(body, b)
	return i >= 0 && (j < 0 || i < j)
}

// TestCoordinatorListsSearchFilterSort: the supervisors, workplaces and users
// lists take a search, filters and a sort from the query (plain GET forms),
// say how many they show of how many, and offer to show all; the timeline
// shows the active supervisors without bookings too, keeps its filters in
// the week links, and sorts by booked time on request.
func TestCoordinatorListsSearchFilterSort(t *testing.T) {
	p := newWebPool(t, march)
	var sv idJSON
	p.must(201, "POST", "/api/v1/supervisors", p.admin_(), map[string]any{"name": "Amina Yusuf", "languages": []string{"ar"},
		"areas": []string{"childcare"}, "language_notes": map[string]string{"ar": "syrisk dialekt"}}, &sv)
	p.must(201, "POST", "/api/v1/supervisors", p.admin_(), map[string]any{"name": "Semhar Tesfay", "languages": []string{"ti"},
		"areas": []string{"elderly_care"}}, nil)
	p.must(201, "POST", "/api/v1/supervisors", p.admin_(), map[string]any{"name": "Emir Hodžić", "languages": []string{"bs"},
		"areas": []string{"kitchen"}, "active": false}, nil)
	b := p.browser()
	b.login(p.admin)

	_, body := b.get("/supervisors")
	if !strings.Contains(body, "Visar 5 av 5.") || !before(body, "Amina Yusuf", "Emir") || !before(body, "Emir", "Handledare 01") ||
		!strings.Contains(body, `<form method="get" action="/supervisors"`) {
		t.Error("the supervisors list is not all five by name with its search form")
	}
	for query, want := range map[string][]string{
		"q=syrisk":             {"Amina Yusuf"},
		"q=amina+yusuf":        {"Amina Yusuf"},
		"language=ti":          {"Semhar Tesfay"},
		"area=kitchen&q=h":     {"Emir", "Handledare 01", "Handledare 02"},
		"status=inactive":      {"Emir"},
		"q=handledare&area=xx": {},
	} {
		_, body := b.get("/supervisors?" + query)
		rows := strings.Count(body, `<tr><th scope="row">`)
		if rows != len(want) || !strings.Contains(body, `href="/supervisors">Visa alla</a>`) {
			t.Errorf("/supervisors?%s: %d rows, want %v", query, rows, want)
		}
		for _, name := range want {
			if !strings.Contains(body, name) {
				t.Errorf("/supervisors?%s lacks %s", query, name)
			}
		}
	}
	if _, body := b.get("/supervisors?sort=status"); !before(body, "Semhar", "Emir") {
		t.Error("sort=status does not put the active first")
	}
	if _, body := b.get("/supervisors?q=amina"); !strings.Contains(body, "arabiska – syrisk dialekt") {
		t.Error("the list does not show the language's note")
	}

	if _, body := b.get("/workplaces?q=linden"); strings.Contains(body, "Solrosen") || !strings.Contains(body, "Linden") || !strings.Contains(body, "Visar 1 av 2.") {
		t.Error("the workplaces search does not filter")
	}
	if _, body := b.get("/workplaces?sort=kind"); !before(body, "Solrosen", "Linden") {
		t.Error("the workplaces do not sort by kind (förskola before äldreomsorg)")
	}
	if _, body := b.get("/workplaces?sort=name"); !before(body, "Förskolan Solrosen", "Vårdboendet Linden") {
		t.Error("the workplaces do not sort by name")
	}

	_, body = b.get("/users?role=manager")
	if !strings.Contains(body, "chef.a@example.se") || !strings.Contains(body, "chef.b@example.se") || strings.Contains(body, "handledare@example.se</td>") {
		t.Error("the users' role filter does not filter")
	}
	if _, body := b.get("/users?q=chef.b&sort=email"); strings.Contains(body, "chef.a@example.se</td>") || !strings.Contains(body, "chef.b@example.se</td>") {
		t.Error("the users' search does not filter")
	}

	// The timeline: Handledare 01 has a booking; the others are shown without.
	p.book(p.sups[0], p.wpA, "2026-03-02 09:00", "2026-03-02 11:00")
	_, body = b.get("/timeline?date=2026-03-02")
	for _, name := range []string{"Handledare 01", "Handledare 02", "Amina Yusuf", "Semhar Tesfay"} {
		if !strings.Contains(body, ">"+name+"</a>") {
			t.Errorf("the timeline lacks %s", name)
		}
	}
	if strings.Contains(body, "Emir") {
		t.Error("the timeline shows an inactive supervisor without bookings")
	}
	if _, body := b.get("/timeline?date=2026-03-02&busy=1"); strings.Contains(body, ">Handledare 02</a>") || !strings.Contains(body, ">Handledare 01</a>") {
		t.Error("busy=1 does not hide the supervisors without bookings")
	}
	if _, body := b.get("/timeline?date=2026-03-02&language=ti"); !strings.Contains(body, "Semhar") || strings.Contains(body, "Amina") {
		t.Error("the language filter does not pick the supervisors who speak it")
	}
	_, body = b.get("/timeline?date=2026-03-02&sort=booked&q=handledare")
	if !before(body, ">Handledare 01</a>", ">Handledare 02</a>") || strings.Contains(body, "Amina") ||
		!strings.Contains(body, `href="/timeline?date=2026-02-23&amp;q=handledare&amp;sort=booked"`) {
		t.Error("the timeline's sort, search or week links with the filters")
	}
	if _, body := b.get("/timeline?date=2026-03-02&status=cancelled&busy=1"); strings.Contains(body, "Handledare 01") {
		t.Error("status=cancelled still shows a confirmed booking")
	}
}

// TestDashboardFiguresLinkAndOldestFirst: each figure of the overview links
// to its list; both lists of the overview show the oldest ten, oldest first,
// as their label says, with a link that shows them all.
func TestDashboardFiguresLinkAndOldestFirst(t *testing.T) {
	p := newWebPool(t, march)
	var ids []int64
	for d := time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC); len(ids) < 12; d = d.AddDate(0, 0, 1) {
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			continue
		}
		day := d.Format("2006-01-02")
		ids = append(ids, p.book(p.sups[0], p.wpA, day+" 09:00", day+" 10:00"))
	}
	b := p.browser()
	b.login(p.admin)
	_, body := b.get("/")
	for _, href := range []string{`href="#today"`, `href="/timeline"`, `href="/reports"`, `href="/?all=1#overdue"`, `href="/?all=1#unconfirmed"`, `href="#failed"`} {
		if stats := body[strings.Index(body, `<ul class="stats">`):]; !strings.Contains(stats[:strings.Index(stats, "</ul>")], href) {
			t.Errorf("the overview's figures lack the link %s", href)
		}
	}
	for _, id := range []string{"overdue", "unconfirmed"} {
		list := section(body, id)
		if !strings.Contains(list, "De 10 äldsta av 12 visas.") || !strings.Contains(list, `href="/?all=1#`+id+`">Visa alla 12</a>`) {
			t.Errorf("%s: the label or the link to all is missing", id)
		}
		if !before(list, "/bookings/"+itoa(ids[0])+`"`, "/bookings/"+itoa(ids[9])+`"`) || strings.Contains(list, "/bookings/"+itoa(ids[10])+`"`) ||
			strings.Contains(list, "/bookings/"+itoa(ids[11])+`"`) {
			t.Errorf("%s: not the oldest ten, oldest first", id)
		}
	}
	_, body = b.get("/?all=1")
	for _, id := range []string{"overdue", "unconfirmed"} {
		if list := section(body, id); !strings.Contains(list, "/bookings/"+itoa(ids[11])+`"`) || strings.Contains(list, "äldsta") {
			t.Errorf("%s with all=1: not all twelve", id)
		}
	}
}

// TestSupervisorLanguagePicker: the supervisor form shows each chosen language
// as a row with its note and its own remove box (no multi-select where one
// click drops a language), adds a language with a note, refuses to remove the
// last one, shows the presentation, and says that it saved. Managers see the
// note and the presentation when they choose a supervisor, and the API
// shows both.
func TestSupervisorLanguagePicker(t *testing.T) {
	p := newWebPool(t, march)
	id := itoa(p.sups[0])
	b := p.browser()
	b.login(p.admin)
	_, body := b.get("/supervisors/" + id)
	if strings.Contains(body, "multiple") || !strings.Contains(body, `<input type="hidden" name="languages" value="ar">`) ||
		!strings.Contains(body, `<input type="hidden" name="languages" value="so">`) || !strings.Contains(body, `name="remove" value="so"`) ||
		!strings.Contains(body, `name="language_add"`) || strings.Contains(section(body, "languages"), `<option value="ar">`) {
		t.Fatal("the language picker is not rows with a remove box each plus an add select")
	}
	form := url.Values{"name": {"Handledare 01"}, "languages": {"ar", "so"}, "note_ar": {"syrisk dialekt"}, "note_so": {""},
		"areas": {"childcare"}, "active": {"true"}, "presentation": {"Förskollärare, arbetar mest med föräldramöten."}}
	status, _, resp := b.post("/supervisors/"+id, form)
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/supervisors?saved="+id {
		t.Fatalf("save: %d %s", status, resp.Header.Get("Location"))
	}
	if _, body := b.get("/supervisors?saved=" + id); !strings.Contains(body, `<p class="notice" role="status">Sparat: Handledare 01.</p>`) {
		t.Error("the list does not say that the supervisor was saved")
	}
	// Add Tigrinya with a note: the form comes back with its row and the notice.
	form.Set("language_add", "ti")
	form.Set("note_add", "eritreansk")
	form.Set("add", "1")
	status, _, resp = b.post("/supervisors/"+id, form)
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/supervisors/"+id+"?saved=1#languages" {
		t.Fatalf("add a language: %d %s", status, resp.Header.Get("Location"))
	}
	_, body = b.get("/supervisors/" + id + "?saved=1")
	if !strings.Contains(body, "Sparat: Handledare 01.") || !strings.Contains(body, `name="note_ti" value="eritreansk"`) {
		t.Error("the added language is not a row with its note")
	}
	// Ticking every remove box is an error on the languages, and nothing is lost.
	status, body, _ = b.post("/supervisors/"+id, url.Values{"name": {"Handledare 01"}, "languages": {"ar", "so", "ti"}, "remove": {"ar", "so", "ti"},
		"areas": {"childcare"}, "active": {"true"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-languages"`) || !strings.Contains(body, `name="remove" value="ar" checked`) {
		t.Errorf("removing every language: %d", status)
	}
	// Remove Somali on purpose.
	form = url.Values{"name": {"Handledare 01"}, "languages": {"ar", "so", "ti"}, "remove": {"so"}, "note_ar": {"syrisk dialekt"},
		"note_ti": {"eritreansk"}, "areas": {"childcare"}, "active": {"true"}, "presentation": {"Förskollärare, arbetar mest med föräldramöten."}}
	if status, _, _ := b.post("/supervisors/"+id, form); status != http.StatusSeeOther {
		t.Fatalf("remove Somali: %d", status)
	}
	var got struct {
		Languages     []string          `json:"languages"`
		LanguageNotes map[string]string `json:"language_notes"`
		Presentation  string            `json:"presentation"`
	}
	p.must(200, "GET", "/api/v1/supervisors/"+id, p.admin_(), nil, &got)
	if strings.Join(got.Languages, ",") != "ar,ti" || got.LanguageNotes["ar"] != "syrisk dialekt" || got.LanguageNotes["ti"] != "eritreansk" ||
		got.Presentation != "Förskollärare, arbetar mest med föräldramöten." {
		t.Errorf("the API shows %+v", got)
	}
	// A manager choosing a supervisor in step 2 sees the note and the presentation.
	m := p.browser()
	m.login(p.mgrA)
	_, body = m.get("/book?step=choose&workplace_id=" + itoa(p.wpA) + "&language=ar&date=2026-03-04&start=09:00&end=10:00&purpose=other")
	if !strings.Contains(body, `aria-describedby="about-`+id+`"`) || !strings.Contains(body, "arabiska – syrisk dialekt") ||
		!strings.Contains(body, "Förskollärare, arbetar mest med föräldramöten.") {
		t.Error("step 2 does not present the supervisor")
	}
}

// TestWorkplaceContactAndPhoneSession: the workplace form keeps a contact
// person and phone (and says it saved); the supervisor sees them on the
// booking and in the week, and a phone session shows the number to call as a
// tel: link. The API shows the contact.
func TestWorkplaceContactAndPhoneSession(t *testing.T) {
	p := newWebPool(t, march)
	b := p.browser()
	b.login(p.admin)
	b.get("/workplaces/" + itoa(p.wpA))
	status, _, resp := b.post("/workplaces/"+itoa(p.wpA), url.Values{"name": {"Förskolan Solrosen"}, "kind": {"childcare"}, "address": {"Solrosvägen 1"},
		"contact_name": {"Eva Ek"}, "contact_phone": {"070-123 45 67"}, "active": {"true"}})
	if status != http.StatusSeeOther {
		t.Fatalf("save the workplace: %d", status)
	}
	if _, body := b.get(resp.Header.Get("Location")); !strings.Contains(body, "Sparat: Förskolan Solrosen.") || !strings.Contains(body, "Eva Ek") {
		t.Error("the workplaces list does not say it saved or lacks the contact")
	}
	var w struct {
		ContactName  string `json:"contact_name"`
		ContactPhone string `json:"contact_phone"`
	}
	p.must(200, "GET", "/api/v1/workplaces/"+itoa(p.wpA), p.admin_(), nil, &w)
	if w.ContactName != "Eva Ek" || w.ContactPhone != "070-123 45 67" {
		t.Errorf("the API shows %+v", w)
	}
	body := bookingBody(p.sups[0], p.wpA, p.at("2026-03-03 09:00"), p.at("2026-03-03 10:00"))
	body["mode"] = "phone"
	var bk idJSON
	p.must(201, "POST", "/api/v1/bookings", p.admin_(), body, &bk)
	s := p.browser()
	s.login(p.supUser)
	for _, path := range []string{"/bookings/" + itoa(bk.ID), "/week?date=2026-03-02"} {
		_, page := s.get(path)
		if !strings.Contains(page, `href="tel:0701234567"`) || !strings.Contains(page, "Eva Ek") {
			t.Errorf("%s does not show the contact and the number to call", path)
		}
	}
}

// TestInviteManagerToSeveralWorkplaces: the user form invites a manager to
// more than one workplace; deactivating says it was done.
func TestInviteManagerToSeveralWorkplaces(t *testing.T) {
	p := newWebPool(t, march)
	b := p.browser()
	b.login(p.admin)
	_, body := b.get("/users")
	if !strings.Contains(body, `type="checkbox" name="workplace_ids" value="`+itoa(p.wpB)+`"`) {
		t.Fatal("the user form has no box per workplace")
	}
	status, _, resp := b.post("/users", url.Values{"name": {"Nora Nilsson"}, "email": {"nora@example.se"}, "role": {"manager"},
		"workplace_ids": {itoa(p.wpA), itoa(p.wpB)}})
	if status != http.StatusSeeOther {
		t.Fatalf("invite: %d", status)
	}
	if _, body := b.get(resp.Header.Get("Location")); !strings.Contains(body, "Inbjudan är skickad") {
		t.Error("no notice after the invitation")
	}
	var users []struct {
		ID           int64   `json:"id"`
		Email        string  `json:"email"`
		WorkplaceIDs []int64 `json:"workplace_ids"`
	}
	p.must(200, "GET", "/api/v1/users", p.admin_(), nil, &users)
	var nora int64
	for _, u := range users {
		if u.Email == "nora@example.se" {
			nora = u.ID
			if len(u.WorkplaceIDs) != 2 {
				t.Errorf("Nora manages %v", u.WorkplaceIDs)
			}
		}
	}
	b.get("/users")
	status, _, resp = b.post("/users/"+itoa(nora)+"/deactivate", url.Values{})
	if _, body := b.get(resp.Header.Get("Location")); status != http.StatusSeeOther || !strings.Contains(body, "Användaren är inaktiverad") {
		t.Error("no notice after the deactivation")
	}
}

// TestStatementPages: the accessibility statement and the page on personal
// data are public, in Swedish and English, name the coordinators' address from
// the configuration and (the statement) the supervising authority Digg; every
// page's footer links to both; a signed-in supervisor gets the export link.
func TestStatementPages(t *testing.T) {
	ctx := context.Background()
	cfg := booking.DefaultConfig()
	cfg.ContactEmail = "samordnare@kommun.example.se"
	svc, err := booking.Open(ctx, filepath.Join(t.TempDir(), "s.db"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(ui.New(svc, ui.Config{BaseURL: "http://sprakpool.test", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	t.Cleanup(func() { srv.Close(); svc.Close() })
	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(raw)
	}
	for path, want := range map[string][]string{
		"/accessibility": {"Tillgänglighetsredogörelse för Språkpool", "2018:1937", "Kända brister", "Myndigheten för digital förvaltning (Digg)",
			`href="https://www.digg.se/tdosanmalan"`, `href="mailto:samordnare@kommun.example.se"`},
		"/accessibility?lang=en": {"Accessibility statement for Språkpool", "Known gaps", "Agency for Digital Government", `mailto:samordnare@kommun.example.se`},
		"/personal-data":         {"Personuppgifter i Språkpool", "Vad sparas?", "Hur länge?", "radera", `mailto:samordnare@kommun.example.se`, "Integritetsskyddsmyndigheten"},
		"/personal-data?lang=en": {"Personal data in Språkpool", "For how long?", "erase"},
		"/":                      {`href="/accessibility?lang=sv"`, `href="/personal-data?lang=sv"`},
	} {
		status, body := get(path)
		for _, w := range want {
			if status != http.StatusOK || !strings.Contains(body, w) {
				t.Errorf("GET %s: %d, lacks %q", path, status, w)
			}
		}
	}
	name, langs, areas := "Amina", []string{"ar"}, []string{"childcare"}
	admin := &booking.User{Role: booking.RoleAdmin}
	sv, err := svc.CreateSupervisor(ctx, admin, booking.SupervisorInput{Name: &name, Languages: &langs, Areas: &areas})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateUser(ctx, booking.UserInput{Email: "amina@example.se", Name: name, Role: booking.RoleSupervisor, SupervisorID: &sv.ID, Password: "secret-password"}); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, srv: srv, svc: svc}
	b := e.browser()
	b.login("amina@example.se")
	for _, path := range []string{"/week", "/account", "/personal-data"} {
		_, body := b.get(path)
		if !strings.Contains(body, `href="/accessibility"`) || !strings.Contains(body, `href="/personal-data"`) {
			t.Errorf("%s: the footer lacks the links", path)
		}
	}
	if _, body := b.get("/personal-data"); !strings.Contains(body, `href="/supervisors/`+itoa(sv.ID)+`/export"`) {
		t.Error("the supervisor gets no export link")
	}
}

// TestWeekPrint: the supervisor's week and day print as plans with time,
// place, contact and purpose; the print stylesheet hides menus; a manager
// has no such page.
func TestWeekPrint(t *testing.T) {
	p := newWebPool(t, march)
	mon := p.book(p.sups[0], p.wpA, "2026-03-02 09:00", "2026-03-02 11:00")
	tue := p.book(p.sups[0], p.wpB, "2026-03-03 13:00", "2026-03-03 14:00")
	s := p.browser()
	s.login(p.supUser)
	if _, body := s.get("/week?date=2026-03-02"); !strings.Contains(body, `href="/week/print?date=2026-03-02"`) {
		t.Error("the week does not link to its print view")
	}
	_, body := s.get("/week/print?date=2026-03-02")
	if !strings.Contains(body, "Dagsplan: Handledare 01") || !strings.Contains(body, "09:00–11:00") || !strings.Contains(body, "13:00–14:00") ||
		!strings.Contains(body, "Solrosvägen 1") || !strings.Contains(body, "tis 3 mars 2026") {
		t.Errorf("the week's plan lacks a session: %s", body[strings.Index(body, "<main"):])
	}
	_, body = s.get("/week/print?date=2026-03-03&day=1")
	if strings.Contains(body, "09:00–11:00") || !strings.Contains(body, "13:00–14:00") || strings.Contains(body, "mån 2 mars 2026") {
		t.Error("the day's plan is not that day alone")
	}
	_ = mon
	_ = tue
	css := p.browser()
	_, page := css.get("/")
	i := strings.Index(page, `href="/static/app.`)
	_, sheet := css.get(page[i+6 : i+6+strings.Index(page[i+6:], `"`)])
	if !strings.Contains(sheet, "@media print") || !strings.Contains(sheet, "header.site,footer.site") {
		t.Error("the stylesheet has no print rules")
	}
	m := p.browser()
	m.login(p.mgrA)
	if status, _ := m.get("/week/print"); status != http.StatusForbidden {
		t.Errorf("a manager's print view: %d", status)
	}
}

// TestBillingPageShowsTheAmountFirst: the billing page leaves out the id and
// the dates (the form names them) and shows the amount right after the
// workplace, so it is on screen at 1280 px; the total row keeps its name; the
// CSV keeps every column a person reads (since issue 17 no workplace id).
func TestBillingPageShowsTheAmountFirst(t *testing.T) {
	p := newWebPool(t, march)
	p.book(p.sups[0], p.wpA, "2026-03-02 09:00", "2026-03-02 11:00")
	b := p.browser()
	b.login(p.admin)
	_, body := b.get("/reports/billing?from=2026-03-01&to=2026-03-31")
	head := body[strings.Index(body, "<thead>"):strings.Index(body, "</thead>")]
	if !strings.HasPrefix(head, `<thead><tr><th scope="col">Verksamhet</th><th scope="col">Belopp (kr)</th>`) ||
		strings.Contains(head, ">Från<") || strings.Contains(head, "Verksamhets-id") {
		t.Errorf("billing columns: %s", head)
	}
	if foot := body[strings.Index(body, "<tfoot>"):]; !strings.HasPrefix(foot, `<tfoot><tr><th scope="row">Totalt</th>`) {
		t.Errorf("the total row: %.80s", foot)
	}
	resp, err := b.client.Get(b.base + "/api/v1/reports/billing?from=2026-03-01&to=2026-03-31&format=csv")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(raw), "Från") || !strings.Contains(string(raw), "Kostnadsställe") || strings.Contains(string(raw), "Verksamhets-id") {
		t.Errorf("the CSV lost a column: %.200s", raw)
	}
}
