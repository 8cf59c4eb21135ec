package ui_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/account"
	"github.com/sprakpool/sprakpool/booking/outbox"
)

// bookValues is the booking form filled in for Monday 2 March 2026.
func bookValues(wp int64, start, end string) url.Values {
	return url.Values{"workplace_id": {itoa(wp)}, "language": {"ar"}, "date": {"2026-03-02"}, "start": {start}, "end": {end},
		"purpose": {"parent_information"}, "participants_expected": {"12"}, "mode": {"on_site"}}
}

var bookingLocation = regexp.MustCompile(`^/bookings/(\d+)\?done=booked$`)

func TestBookInThreeScreens(t *testing.T) {
	p := newWebPool(t, march)
	b := p.browser()
	b.login(p.mgrA)
	if status, body := b.get("/book"); status != 200 || !strings.Contains(body, `id="book-form"`) {
		t.Fatalf("screen 1: %d", status)
	}
	q := bookValues(p.wpA, "09:00", "11:00")
	q.Set("step", "choose")
	status, body := b.get("/book?" + q.Encode())
	if status != 200 || !strings.Contains(body, "Handledare 01") || !strings.Contains(body, "Vem som helst") {
		t.Fatalf("screen 2: %d, free supervisors missing", status)
	}
	form := bookValues(p.wpA, "09:00", "11:00")
	form.Set("supervisor_id", "any")
	status, _, resp := b.post("/book", form)
	m := bookingLocation.FindStringSubmatch(resp.Header.Get("Location"))
	if status != http.StatusSeeOther || m == nil {
		t.Fatalf("confirm: %d, Location %q", status, resp.Header.Get("Location"))
	}
	status, body = b.get(m[0])
	if status != 200 || !strings.Contains(body, "Klart! Bokningen är gjord") || !strings.Contains(body, "mån 2 mars 2026, 09:00–11:00") {
		t.Fatalf("screen 3 (the booking page): %d", status)
	}
}

func TestBookFormValidation(t *testing.T) {
	p := newWebPool(t, march)
	b := p.browser()
	b.login(p.mgrA)
	q := url.Values{"step": {"choose"}, "workplace_id": {itoa(p.wpA)}, "language": {""}, "date": {"2026-03-02"},
		"start": {"9"}, "end": {"08:00"}, "purpose": {"other"}, "notes": {"kom till entré B"}}
	status, body := b.get("/book?" + q.Encode())
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", status)
	}
	for field, msg := range map[string]string{"language": "Välj ett språk.", "start": "Skriv en tid, till exempel 09:00."} {
		if !hasFieldError(body, field, msg) {
			t.Errorf("no Swedish error %q at %s", msg, field)
		}
	}
	if !strings.Contains(body, "kom till entré B") || !strings.Contains(body, `value="2026-03-02"`) {
		t.Error("what the user typed is not kept")
	}
	// A time in the past is refused by the service and shown at the field.
	form := bookValues(p.wpA, "09:00", "11:00")
	form.Set("date", "2026-02-02")
	status, body, _ = b.post("/book", form)
	if status != http.StatusUnprocessableEntity || !hasFieldError(body, "date", "Datumet har redan passerat") {
		t.Fatalf("past booking: %d, no Swedish error at the date", status)
	}
}

func TestBookCollisionOffersOneClickAlternatives(t *testing.T) {
	p := newWebPool(t, march)
	p.book(p.sups[0], p.wpB, "2026-03-02 09:00", "2026-03-02 11:00")
	b := p.browser()
	b.login(p.mgrA)
	b.get("/book")
	form := bookValues(p.wpA, "09:00", "11:00")
	form.Set("supervisor_id", itoa(p.sups[0]))
	status, body, _ := b.post("/book", form)
	if status != http.StatusConflict || !strings.Contains(body, "Handledaren är redan bokad den tiden.") {
		t.Fatalf("collision: %d, no plain Swedish explanation", status)
	}
	if !strings.Contains(body, "Boka Handledare 02, mån 2 mars 2026, 09:00–11:00") {
		t.Fatal("the other supervisor is not offered as a one-click choice")
	}
	// The alternative's button is a form of its own: send exactly its fields.
	i := strings.Index(body, `<ul class="alternatives">`)
	alt := body[i:]
	alt = alt[strings.Index(alt, "<form"):strings.Index(alt, "</form>")]
	vals := url.Values{}
	for _, m := range regexp.MustCompile(`name="([^"]+)" value="([^"]*)"`).FindAllStringSubmatch(alt, -1) {
		vals.Set(m[1], htmlUnescape(m[2]))
	}
	status, _, resp := b.post("/book", vals)
	if status != http.StatusSeeOther || !bookingLocation.MatchString(resp.Header.Get("Location")) {
		t.Fatalf("one click on the alternative: %d %s", status, resp.Header.Get("Location"))
	}
	list, err := p.svc.ListBookings(context.Background(), &booking.User{Role: booking.RoleAdmin}, booking.BookingFilter{From: "2026-03-02", To: "2026-03-02"})
	if err != nil || len(list) != 2 || list[1].SupervisorID != p.sups[1] {
		t.Fatalf("bookings after the alternative: %+v %v", list, err)
	}
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#43;", "+", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'").Replace(s)
}

func TestBookingPageCancelAndFollowup(t *testing.T) {
	p := newWebPool(t, march)
	coming := p.book(p.sups[0], p.wpA, "2026-03-03 09:00", "2026-03-03 10:00")
	held := p.book(p.sups[1], p.wpA, "2026-02-20 09:00", "2026-02-20 10:00")
	b := p.browser()
	b.login(p.mgrA)
	b.get("/bookings/" + itoa(coming))
	status, body, _ := b.post("/bookings/"+itoa(coming)+"/cancel", url.Values{"reason_code": {"illness"}, "reason": {""}})
	if status != http.StatusUnprocessableEntity || !hasFieldError(body, "reason", "Skriv varför bokningen avbokas.") {
		t.Fatalf("cancel without a reason: %d", status)
	}
	if !strings.Contains(body, `value="illness" selected`) {
		t.Error("the chosen reason code is not kept")
	}
	status, _, _ = b.post("/bookings/"+itoa(coming)+"/cancel", url.Values{"reason_code": {"illness"}, "reason": {"Personalen är sjuk"}})
	if status != http.StatusSeeOther {
		t.Fatalf("cancel: %d", status)
	}
	if _, body := b.get("/bookings/" + itoa(coming)); !strings.Contains(body, "Avbokad") || !strings.Contains(body, "Personalen är sjuk") {
		t.Error("the booking page does not show the cancellation")
	}
	b.get("/bookings/" + itoa(held))
	status, body, _ = b.post("/bookings/"+itoa(held)+"/followup", url.Values{"persons_supervised": {"4"}, "rating": {"9"}, "why_booked": {"nya vikarier"}})
	if status != http.StatusUnprocessableEntity || !hasFieldError(body, "rating", "Välj ett betyg från 1 till 5.") || !strings.Contains(body, "nya vikarier") {
		t.Fatalf("follow-up with a bad rating: %d", status)
	}
	status, _, _ = b.post("/bookings/"+itoa(held)+"/followup", url.Values{"persons_supervised": {"4"}, "rating": {"5"}, "why_booked": {"nya vikarier"}})
	if status != http.StatusSeeOther {
		t.Fatalf("follow-up: %d", status)
	}
	bk, err := p.svc.Booking(context.Background(), &booking.User{Role: booking.RoleAdmin}, held)
	if err != nil || bk.Followup == nil || bk.Followup.Rating != 5 {
		t.Fatalf("follow-up not stored: %+v %v", bk, err)
	}
}

func TestPagesRefuseURLGuessing(t *testing.T) {
	p := newWebPool(t, march)
	id := p.book(p.sups[0], p.wpA, "2026-03-03 09:00", "2026-03-03 10:00")
	other := p.browser()
	other.login(p.mgrB)
	if status, _ := other.get("/bookings/" + itoa(id)); status != http.StatusNotFound {
		t.Errorf("another workplace's manager GET the booking page: %d, want 404", status)
	}
	other.get("/")
	if status, _, _ := other.post("/bookings/"+itoa(id)+"/cancel", url.Values{"reason_code": {"other"}, "reason": {"x"}}); status != http.StatusNotFound {
		t.Errorf("another workplace's manager cancels: %d, want 404", status)
	}
	sup := p.browser()
	sup.login(p.supUser)
	coordinatorPages := []string{"/timeline", "/supervisors", "/supervisors/new", "/supervisors/" + itoa(p.sups[0]),
		"/workplaces", "/workplaces/new", "/workplaces/" + itoa(p.wpA), "/users", "/book", "/reports"}
	for _, path := range coordinatorPages {
		if status, body := sup.get(path); status != http.StatusForbidden || !strings.Contains(body, "Du har inte behörighet") {
			t.Errorf("supervisor GET %s: %d, want 403", path, status)
		}
	}
	sup.get("/")
	if status, _, _ := sup.post("/users", url.Values{"email": {"x@example.se"}, "name": {"X"}, "role": {"admin"}}); status != http.StatusForbidden {
		t.Errorf("supervisor POST /users: %d, want 403", status)
	}
	mgr := p.browser()
	mgr.login(p.mgrA)
	for _, path := range []string{"/timeline", "/users", "/supervisors", "/availability", "/absences"} {
		if status, _ := mgr.get(path); status != http.StatusForbidden {
			t.Errorf("manager GET %s: %d, want 403", path, status)
		}
	}
	anon := p.browser()
	if status, _ := anon.get("/timeline"); status != http.StatusSeeOther {
		t.Errorf("visitor GET /timeline: %d, want a redirect to the login form", status)
	}
}

func TestInviteSetsPasswordThroughTheLink(t *testing.T) {
	p := newWebPool(t, march)
	ctx := context.Background()
	admin := p.browser()
	admin.login(p.admin)
	admin.get("/users")
	status, body, _ := admin.post("/users", url.Values{"email": {"inte-en-adress"}, "name": {""}, "role": {"manager"}, "workplace_id": {itoa(p.wpA)}})
	if status != http.StatusUnprocessableEntity || !hasFieldError(body, "email", "Skriv en e-postadress") || !hasFieldError(body, "name", "Fyll i ”Namn”.") {
		t.Fatalf("invalid invitation: %d", status)
	}
	status, _, _ = admin.post("/users", url.Values{"email": {"ny.chef@example.se"}, "name": {"Ny Chef"}, "role": {"manager"}, "workplace_id": {itoa(p.wpA)}})
	if status != http.StatusSeeOther {
		t.Fatalf("invite: %d", status)
	}
	mails, err := outbox.New(p.svc).List(ctx, account.TokenInvite)
	if err != nil || len(mails) != 1 || mails[0].Recipient != "ny.chef@example.se" {
		t.Fatalf("invitation mail: %+v %v", mails, err)
	}
	var payload struct{ Link string }
	if err := json.Unmarshal([]byte(mails[0].Payload), &payload); err != nil {
		t.Fatal(err)
	}
	path := payload.Link[strings.Index(payload.Link, "/invite/"):]
	newbie := p.browser()
	if status, body := newbie.get(path); status != 200 || !strings.Contains(body, "ny.chef@example.se") {
		t.Fatalf("invitation page: %d", status)
	}
	status, body, _ = newbie.post(path, url.Values{"password": {"ett-bra-losen"}, "password_again": {"ett-annat"}})
	if status != http.StatusUnprocessableEntity || !hasFieldError(body, "password_again", "Lösenorden är inte lika.") {
		t.Fatalf("mismatched passwords: %d", status)
	}
	status, _, _ = newbie.post(path, url.Values{"password": {"ett-bra-losen"}, "password_again": {"ett-bra-losen"}})
	if status != http.StatusSeeOther {
		t.Fatalf("set password: %d", status)
	}
	if _, body := newbie.get("/"); !strings.Contains(body, "Kommande bokningar") {
		t.Error("not signed in after choosing the password")
	}
	if status, _ := p.browser().get(path); status != http.StatusNotFound {
		t.Errorf("the used link still works: %d", status)
	}
	if _, err := account.New(p.svc).Login(ctx, "ny.chef@example.se", "ett-bra-losen"); err != nil {
		t.Errorf("login with the chosen password: %v", err)
	}
}

func TestSupervisorForms(t *testing.T) {
	p := newWebPool(t, march)
	p.book(p.sups[0], p.wpA, "2026-03-03 09:00", "2026-03-03 10:00")
	b := p.browser()
	b.login(p.supUser)
	if _, body := b.get("/"); !strings.Contains(body, "v. 9") || !strings.Contains(body, `class="today"`) {
		t.Error("the supervisor's start page is not this week (v. 9) with today marked")
	}
	if _, body := b.get("/week?date=2026-03-03"); !strings.Contains(body, "v. 10") || !strings.Contains(body, "Förskolan Solrosen, Solrosvägen 1") ||
		!strings.Contains(body, "09:00–10:00 arabiska") || !strings.Contains(body, "Föräldrainformation") && !strings.Contains(body, "Språkstöd i arbetet") {
		t.Error("the supervisor's week lacks the week number or the booking's time, language, workplace, address and purpose")
	}
	b.get("/availability")
	status, body, _ := b.post("/availability", url.Values{"d1_0_start": {"08:00"}, "d1_0_end": {"07:00"}, "d2_0_start": {"8"}, "d2_0_end": {"12:00"}})
	if status != http.StatusUnprocessableEntity || !hasFieldError(body, "d1_0_end", "Sluttiden måste vara efter starttiden.") ||
		!hasFieldError(body, "d2_0_start", "Skriv en tid") || !strings.Contains(body, `value="07:00"`) {
		t.Fatalf("bad availability: %d", status)
	}
	// Tuesday's booking is left outside: the page asks first (issue 16).
	week := url.Values{"d1_0_start": {"08:00"}, "d1_0_end": {"12:00"}, "d1_1_start": {"13:00"}, "d1_1_end": {"16:30"}}
	status, body, _ = b.post("/availability", week)
	if status != http.StatusOK || !strings.Contains(body, `id="impact"`) {
		t.Fatalf("availability leaving a booking: %d, want the confirm step", status)
	}
	week.Set("confirm", confirmKey(t, body))
	status, _, _ = b.post("/availability", week)
	if status != http.StatusSeeOther {
		t.Fatalf("availability: %d", status)
	}
	ws, err := p.svc.Availability(context.Background(), &booking.User{Role: booking.RoleAdmin}, p.sups[0])
	if err != nil || len(ws) != 2 || ws[1].End != 16*60+30 {
		t.Fatalf("availability stored: %+v %v", ws, err)
	}
	b.get("/absences")
	status, body, _ = b.post("/absences", url.Values{"start_date": {"2026-03-10"}, "end_date": {"2026-03-09"}, "reason": {"kurs"}})
	if status != http.StatusUnprocessableEntity || !hasFieldError(body, "end_date", "Sluttiden måste vara efter starttiden.") || !strings.Contains(body, `value="kurs"`) {
		t.Fatalf("reversed absence: %d", status)
	}
	status, _, _ = b.post("/absences", url.Values{"start_date": {"2026-03-10"}, "end_date": {"2026-03-11"}, "reason": {"kurs"}})
	if status != http.StatusSeeOther {
		t.Fatalf("absence: %d", status)
	}
	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:tandlakare@example.se\r\nDTSTAMP:20260301T120000Z\r\n" +
		"DTSTART:20260317T080000Z\r\nDTEND:20260317T090000Z\r\nSUMMARY:Tandläkare\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	if status, body := b.upload("/absences/import", "ics", "kalender.ics", "inte en kalender"); status != http.StatusUnprocessableEntity ||
		!hasFieldError(body, "ics", "Välj en .ics-fil") {
		t.Errorf("import of a non-calendar: %d", status)
	}
	b.get("/absences")
	if status, _ := b.upload("/absences/import", "ics", "kalender.ics", ics); status != http.StatusSeeOther {
		t.Fatalf("import: %d", status)
	}
	if _, body := b.get("/absences?imported=1&skipped=0"); !strings.Contains(body, "tis 17 mars 2026, 09:00 – tis 17 mars 2026, 10:00") {
		t.Error("the imported absence is not listed")
	}
	if _, body := b.get("/absences"); !strings.Contains(body, "tis 10 mars 2026, 00:00 – tors 12 mars 2026, 00:00: kurs") {
		t.Errorf("the absence is not listed: %s", body[strings.Index(body, "<main"):])
	}
}

func TestCoordinatorForms(t *testing.T) {
	p := newWebPool(t, march)
	a := p.book(p.sups[0], p.wpA, "2026-03-02 09:00", "2026-03-02 10:00")
	bID := p.book(p.sups[1], p.wpB, "2026-03-03 09:00", "2026-03-03 10:00")
	b := p.browser()
	b.login(p.admin)
	_, body := b.get("/timeline?date=2026-03-04")
	if !strings.Contains(body, "/bookings/"+itoa(a)+`"`) || !strings.Contains(body, "/bookings/"+itoa(bID)+`"`) || !strings.Contains(body, "v. 10") {
		t.Error("the week timeline lacks a booking")
	}
	_, body = b.get("/timeline?date=2026-03-04&workplace_id=" + itoa(p.wpB))
	if strings.Contains(body, "/bookings/"+itoa(a)+`"`) || !strings.Contains(body, "/bookings/"+itoa(bID)+`"`) {
		t.Error("the workplace filter does not filter")
	}
	if _, body = b.get("/timeline?date=2026-03-04&language=so"); strings.Contains(body, "/bookings/"+itoa(a)+`"`) {
		t.Error("the language filter does not filter")
	}
	if _, body = b.get("/bookings/" + itoa(a)); !strings.Contains(body, "Händelser") || !strings.Contains(body, "Bokad") {
		t.Error("the coordinator does not see the booking's audit trail")
	}
	for _, path := range []string{"/", "/timeline", "/supervisors", "/workplaces", "/users", "/supervisors/new", "/workplaces/new"} {
		if status, _ := b.get(path); status != 200 {
			t.Errorf("GET %s: %d", path, status)
		}
	}
	b.get("/supervisors/new")
	status, body, _ := b.post("/supervisors/new", url.Values{"name": {""}, "phone": {"070-1"}, "areas": {"childcare"}})
	if status != http.StatusUnprocessableEntity || !hasFieldError(body, "name", "Fyll i ”Namn”.") || !strings.Contains(body, `value="070-1"`) ||
		!strings.Contains(body, `id="err-languages"`) {
		t.Fatalf("bad supervisor: %d", status)
	}
	status, _, _ = b.post("/supervisors/new", url.Values{"name": {"Amina Yusuf"}, "languages": {"so", "ar"}, "areas": {"childcare"}, "active": {"true"}})
	if status != http.StatusSeeOther {
		t.Fatalf("add supervisor: %d", status)
	}
	b.get("/workplaces/new")
	status, body, _ = b.post("/workplaces/new", url.Values{"name": {""}, "kind": {"childcare"}, "address": {"Storgatan 2"}})
	if status != http.StatusUnprocessableEntity || !hasFieldError(body, "name", "Fyll i ”Namn”.") || !strings.Contains(body, `value="Storgatan 2"`) {
		t.Fatalf("bad workplace: %d", status)
	}
	if status, body := b.get("/reports?from=2026-03-01&to=2026-03-31&by=supervisor"); status != 200 || !strings.Contains(body, "Handledare 01") ||
		!strings.Contains(body, "format=csv") {
		t.Errorf("reports page: %d", status)
	}
	if status, body := b.get("/reports?from=2026-13-01&to=2026-03-31"); status != http.StatusUnprocessableEntity || !hasFieldError(body, "from", "") {
		t.Errorf("reports page with a bad date: %d", status)
	}
	if _, body := b.get("/supervisors"); !strings.Contains(body, "Amina Yusuf") || !strings.Contains(body, "arabiska, somaliska") {
		t.Error("the new supervisor is not listed with her languages")
	}
}

func TestForgotPasswordMailsALink(t *testing.T) {
	p := newWebPool(t, march)
	b := p.browser()
	b.get("/forgot")
	status, body, _ := b.post("/forgot", url.Values{"email": {""}})
	if status != http.StatusUnprocessableEntity || !hasFieldError(body, "email", "Fyll i ”E-postadress”.") {
		t.Fatalf("empty address: %d", status)
	}
	for _, email := range []string{"okand@example.se", p.mgrA} {
		status, body, _ = b.post("/forgot", url.Values{"email": {email}})
		if status != 200 || !strings.Contains(body, "Om adressen finns hos oss") {
			t.Fatalf("%s: %d", email, status)
		}
	}
	mails, err := outbox.New(p.svc).List(context.Background(), account.TokenPasswordReset)
	if err != nil || len(mails) != 1 || mails[0].Recipient != p.mgrA {
		t.Fatalf("reset mails: %+v %v", mails, err)
	}
	var payload struct{ Link string }
	_ = json.Unmarshal([]byte(mails[0].Payload), &payload)
	path := payload.Link[strings.Index(payload.Link, "/reset/"):]
	b.get(path)
	if status, _, _ := b.post(path, url.Values{"password": {"kort"}, "password_again": {"kort"}}); status != http.StatusUnprocessableEntity {
		t.Fatalf("short password: %d", status)
	}
	if status, _, _ := b.post(path, url.Values{"password": {"ett-nytt-losen"}, "password_again": {"ett-nytt-losen"}}); status != http.StatusSeeOther {
		t.Fatalf("reset: %d", status)
	}
	if _, err := account.New(p.svc).Login(context.Background(), p.mgrA, "ett-nytt-losen"); err != nil {
		t.Errorf("login with the new password: %v", err)
	}
}

func TestSupervisorConfirmsOutcome(t *testing.T) {
	p := newWebPool(t, march)
	mine := p.book(p.sups[0], p.wpA, "2026-02-20 09:00", "2026-02-20 10:00")
	other := p.book(p.sups[1], p.wpA, "2026-02-20 09:00", "2026-02-20 10:00")
	b := p.browser()
	b.login(p.supUser)
	if status, body := b.get("/bookings/" + itoa(mine)); status != 200 || !strings.Contains(body, "Blev passet av?") {
		t.Fatalf("the supervisor's held booking: %d, no confirmation form", status)
	}
	status, body, _ := b.post("/bookings/"+itoa(mine)+"/confirmation", url.Values{"note": {"bra möte"}})
	if status != http.StatusUnprocessableEntity || !hasFieldError(body, "outcome", "Välj ett utfall.") || !strings.Contains(body, "bra möte") {
		t.Fatalf("confirmation without an outcome: %d", status)
	}
	if status, _, _ := b.post("/bookings/"+itoa(mine)+"/confirmation", url.Values{"outcome": {"no_show"}, "note": {"bra möte"}}); status != http.StatusSeeOther {
		t.Fatalf("confirmation: %d", status)
	}
	bk, err := p.svc.Booking(context.Background(), &booking.User{Role: booking.RoleAdmin}, mine)
	if err != nil || bk.Confirmation == nil || bk.Confirmation.Outcome != "no_show" {
		t.Fatalf("outcome not stored: %+v %v", bk, err)
	}
	if status, _ := b.get("/bookings/" + itoa(other)); status != http.StatusNotFound {
		t.Errorf("another supervisor's booking page: %d, want 404", status)
	}
	if status, _, _ := b.post("/bookings/"+itoa(other)+"/confirmation", url.Values{"outcome": {"held"}}); status != http.StatusNotFound {
		t.Errorf("confirming another supervisor's booking: %d, want 404", status)
	}
}
