package ui_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/request"
)

// shot saves the page as a PNG into $SPRAKPOOL_SHOTS, when it is set, for a
// person to look at.
func (tb *tab) shot(name string) {
	tb.t.Helper()
	dir := os.Getenv("SPRAKPOOL_SHOTS")
	if dir == "" {
		return
	}
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// TestBrowserFreeTimes: on a phone (375 px), a manager books through the
// free times in three taps after choosing the language; a manager whose
// language has no free time sends a request, the coordinator fills it from
// the queue in one click, and the manager then sees the booking. axe checks
// the new pages in Swedish and English at both widths.
func TestBrowserFreeTimes(t *testing.T) {
	p := newWebPool(t, march)
	ctx := context.Background()
	tb := newTab(t, p.srv.URL)
	tb.do(chromedp.EmulateViewport(375, 740))

	tb.login(p.mgrA, "secret-password", "Kommande bokningar")
	tb.click(`main a.button[href="/book/times"]`, "Visa lediga tider")
	tb.set("#f-language", "ar")
	taps := 0
	tb.click("#times-form button[type=submit]", "Vecka 10")
	taps++
	tb.shot("times-phone")
	tb.click("a.slot", "Steg 2 av 2")
	taps++
	tb.click(`form[action="/book"] button[type=submit]`, "Klart! Bokningen är gjord")
	taps++
	tb.waitText("mån 2 mars 2026, 08:00–09:00")
	list, err := p.svc.ListBookings(ctx, &booking.User{Role: booking.RoleAdmin}, booking.BookingFilter{From: "2026-03-02", To: "2026-03-02"})
	if err != nil || len(list) != 1 || taps > 3 {
		t.Fatalf("after %d taps: %+v %v", taps, list, err)
	}

	// Everyone is away for two weeks: Somali has no free time there.
	for _, sv := range p.sups {
		p.must(201, "POST", fmt.Sprintf("/api/v1/supervisors/%d/absences", sv), p.admin_(),
			map[string]any{"start": "2026-03-01T00:00:00+01:00", "end": "2026-03-15T00:00:00+01:00", "reason": "kurs"}, nil)
	}
	tb.open("/book/times")
	tb.set("#f-language", "so")
	tb.click("#times-form button[type=submit]", "Alla som talar språket är redan bokade eller borta")
	tb.waitText("Nästa lediga tider")
	tb.shot("times-none-phone")
	tb.set("#r-latest_date", "2026-03-20")
	tb.set("#r-notes", "Föräldramöte")
	tb.click("#request-form button[type=submit]", "Förfrågan är skickad")
	tb.waitText("Öppen – samordnaren letar")
	tb.shot("requests-phone")

	tb.login(p.admin, "secret-password", "Översikt")
	tb.open("/requests/queue")
	tb.waitText("Kan tas nu")
	tb.shot("queue-phone")
	tb.click(`form[action$="/fill"] button`, "Förfrågan är bokad.")

	tb.login(p.mgrA, "secret-password", "Kommande bokningar")
	tb.waitText("mån 16 mars 2026, 08:00–09:00")
	tb.open("/requests")
	tb.waitText("Bokad")
	tb.click(`a[href^="/bookings/"]`, "mån 16 mars 2026, 08:00–09:00")
	tb.waitText("somaliska")

	// One more open request, for the queue's candidates under axe.
	admin, err := p.svc.UserByEmail(ctx, p.admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := request.New(p.svc).Create(ctx, admin, request.Input{WorkplaceID: p.wpA, Language: "ar", Purpose: "other",
		DurationMinutes: 60, Earliest: "2026-03-16T08:00:00+01:00", Latest: "2026-03-20T17:00:00+01:00", Notes: "Personalmöte"}); err != nil {
		t.Fatal(err)
	}
	filled, err := p.svc.ListBookings(ctx, admin, booking.BookingFilter{From: "2026-03-16", To: "2026-03-16"})
	if err != nil || len(filled) != 1 {
		t.Fatalf("the filled request's booking: %v %v", filled, err)
	}
	step2 := "/book?step=choose&workplace_id=" + itoa(p.wpA) + "&language=ar&purpose=other&mode=on_site&participants_expected=4&date=2026-03-17&start=09:00&end=10:00"
	t.Run("axe", func(t *testing.T) {
		tb.t = t
		pages := []struct{ email, path, want string }{
			{p.mgrA, "/my-bookings", "/move"},
			{p.mgrA, "/my-bookings?status=cancelled&q=x&from=2026-01-01&to=2026-12-31", "cancelled"},
			{p.mgrA, "/bookings/" + itoa(filled[0].ID) + "/move", "f-date"},
			{p.mgrA, step2, "summary-list"},
			{p.mgrA, "/book?step=choose&workplace_id=" + itoa(p.wpA) + "&language=wo&purpose=other&mode=video&date=2026-03-17&start=09:00&end=10:00", "err-meeting_url"},
			{p.mgrA, "/book/times", "times-form"},
			{p.mgrA, "/book/times?language=ar&duration=60&from=2026-03-16", "slot"},
			{p.mgrA, "/book/times?language=wo&duration=60", "request-form"},
			{p.mgrA, "/book/times?language=&duration=60", "err-language"},
			{p.mgrA, "/requests", "withdraw"},
			{p.mgrA, "/requests/new", "request-form"},
			{p.admin, "/requests/queue", "fill"},
			{p.admin, "/book/times?language=ar&duration=60&workplace_id=" + itoa(p.wpA) + "&from=2026-03-16", "slot"},
		}
		for _, lang := range []string{"sv", "en"} {
			for _, email := range []string{p.mgrA, p.admin} {
				u, err := p.svc.UserByEmail(ctx, email)
				if err != nil {
					t.Fatal(err)
				}
				if err := p.svc.SetLocale(ctx, u, lang); err != nil {
					t.Fatal(err)
				}
				tb.login(email, "secret-password", map[string]string{"sv": "Logga ut", "en": "Log out"}[lang])
				for _, pg := range pages {
					if pg.email != email {
						continue
					}
					for _, w := range [][2]int64{{1280, 900}, {375, 740}} {
						tb.do(chromedp.EmulateViewport(w[0], w[1]))
						tb.open(pg.path)
						tb.waitJS(`document.body.innerHTML.includes("` + pg.want + `")`)
						tb.checkAxe(email + " " + pg.path + " " + lang + " " + itoa(w[0]) + "px")
						name := strings.NewReplacer("/", "_", "?", "_", "&", "_", "=", "-").Replace(strings.TrimPrefix(pg.path, "/"))
						tb.shot(fmt.Sprintf("%s-%s-%d", name, lang, w[0]))
					}
				}
			}
		}
	})
}
