package ui_test

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/account"
	"github.com/sprakpool/sprakpool/booking/demo"
	"github.com/sprakpool/sprakpool/booking/outbox"
)

// -screenshots writes the browser tests' pictures of the three roles' main
// pages into testdata/screenshots, where the README shows them.
var writeScreenshots = flag.Bool("screenshots", false, "write the browser tests' screenshots to testdata/screenshots")

// needTool finds a tool the test needs; without it the test fails under CI and
// is skipped elsewhere.
func needTool(t *testing.T, what, path string) {
	t.Helper()
	if _, err := os.Stat(path); err == nil {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not found at %s (bash .ci/test installs it)", what, path)
	}
	t.Skipf("%s not found at %s; run bash .ci/test to install it", what, path)
}

// tab is one headless Chromium tab on the test server.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string
	axe  string
}

func newTab(t *testing.T, base string) *tab {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		chromium = "/usr/bin/chromium"
	}
	needTool(t, "chromium", chromium)
	axePath, _ := filepath.Abs("../.ci/node_modules/axe-core/axe.min.js")
	needTool(t, "axe-core (npm)", axePath)
	axe, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first run starts the browser and must not have a time limit: the
	// browser lives as long as the context of that run.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return &tab{t: t, ctx: ctx, base: base, axe: string(axe)}
}

// do runs steps with a time limit, failing the test on an error.
func (tb *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.t.Fatalf("browser: %v", err)
	}
}

// eval evaluates a script, retrying while a page is loading.
func eval[T any](tb *tab, js string, opts ...chromedp.EvaluateOption) T {
	tb.t.Helper()
	var last error
	for range 100 {
		ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
		v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, opts...))
		cancel()
		if err == nil {
			return v
		}
		last = err
		time.Sleep(50 * time.Millisecond)
	}
	tb.t.Fatalf("evaluate %s: %v", js, last)
	var zero T
	return zero
}

// waitText waits until the page's text holds want.
func (tb *tab) waitText(want string) {
	tb.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(eval[string](tb, `document.readyState === "complete" ? document.body.innerText : ""`), want) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.t.Fatalf("the page at %s never showed %q; it shows:\n%s", tb.path(), want, eval[string](tb, `document.body.innerText`))
}

// waitJS waits until the script is true in the loaded page.
func (tb *tab) waitJS(js string) {
	tb.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if eval[bool](tb, `document.readyState === "complete" && !!(`+js+`)`) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.t.Fatalf("the page at %s never made %s true", tb.path(), js)
}

func (tb *tab) path() string { return eval[string](tb, `location.pathname + location.search`) }

// open loads a page; a navigation that a late one of the previous page
// interrupted (net::ERR_ABORTED) is tried again.
func (tb *tab) open(path string) {
	tb.t.Helper()
	var err error
	for range 3 {
		ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
		err = chromedp.Do(ctx, chromedp.Navigate(tb.base+path))
		cancel()
		if err == nil || !strings.Contains(err.Error(), "ERR_ABORTED") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		tb.t.Fatalf("open %s: %v", path, err)
	}
}

// click clicks the element and waits for the page it leads to to show want.
func (tb *tab) click(sel, want string) {
	tb.t.Helper()
	tb.do(chromedp.Click(chromedp.CSS(sel)))
	tb.waitText(want)
}

func (tb *tab) set(sel, value string) {
	tb.t.Helper()
	tb.do(chromedp.SetValue(chromedp.CSS(sel), value))
}

func (tb *tab) login(email, password, want string) {
	tb.t.Helper()
	tb.open("/")
	if eval[bool](tb, `!!document.querySelector('form[action="/logout"] button')`) {
		tb.do(chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
		tb.waitJS(`document.querySelector("#f-password")`)
	}
	tb.set("#f-email", email)
	tb.set("#f-password", password)
	tb.click("main button[type=submit]", want)
}

// checkAxe runs axe-core in the page and fails on any WCAG 2.1 A or AA violation.
func (tb *tab) checkAxe(label string) {
	tb.t.Helper()
	if !eval[bool](tb, `typeof axe !== "undefined"`) {
		eval[chromedp.Void](tb, tb.axe)
	}
	type result struct {
		Passes     int
		Violations []string
	}
	got := eval[result](tb, `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
		.then(r => ({passes: r.passes.length, violations: r.violations.map(v => v.id + " (" + v.impact + "): " + v.help + " at " +
			v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "))}))`,
		chromedp.EvalAwaitPromise)
	if got.Passes < 5 {
		tb.t.Errorf("axe, %s: only %d rules passed; did axe run at all?", label, got.Passes)
	}
	for _, v := range got.Violations {
		tb.t.Errorf("axe, %s: %s", label, v)
	}
}

func (tb *tab) screenshot(name string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil || len(png) < 1000 || string(png[1:4]) != "PNG" {
		tb.t.Fatalf("screenshot %s: %v (%d bytes)", name, err, len(png))
	}
	if *writeScreenshots {
		if err := os.WriteFile(filepath.Join("testdata", "screenshots", name+".png"), png, 0o644); err != nil {
			tb.t.Fatal(err)
		}
	}
}

// TestBrowser drives a real headless Chromium through the three roles: a
// manager books in three screens, a collision is solved with one click, the
// supervisor sees the booking, the manager cancels it and the supervisor sees
// that, a coordinator invites a manager who sets a password through the link.
// Then axe-core checks every page of every role in Swedish and English at
// desktop and phone widths.
func TestBrowser(t *testing.T) {
	p := newWebPool(t, march)
	ctx := context.Background()
	tb := newTab(t, p.srv.URL)

	// A manager logs in and books in three screens.
	tb.login(p.mgrA, "secret-password", "Kommande bokningar")
	tb.click(`a.button[href="/book"]`, "Steg 1 av 2")
	screens := []string{tb.path()}
	tb.set("#f-language", "ar")
	tb.set("#f-date", "2026-03-02")
	tb.set("#f-start", "09:00")
	tb.set("#f-end", "11:00")
	tb.set("#f-purpose", "parent_information")
	tb.set("#f-participants_expected", "12")
	// The little script shows who is free as the form changes (the CSP lets it run).
	eval[bool](tb, `document.getElementById("book-form").dispatchEvent(new Event("change"))`)
	tb.waitText("Lediga handledare just nu: 2")
	tb.click("#book-form button[type=submit]", "Steg 2 av 2")
	screens = append(screens, tb.path())
	tb.click(`form[action="/book"] button[type=submit]`, "Klart! Bokningen är gjord")
	screens = append(screens, tb.path())
	if !strings.HasPrefix(screens[2], "/bookings/") || len(screens) != 3 {
		t.Fatalf("booking took these screens: %v", screens)
	}
	first := strings.TrimSuffix(strings.TrimPrefix(screens[2], "/bookings/"), "?done=booked")
	tb.waitText("mån 2 mars 2026, 09:00–11:00")

	// A collision: someone else takes the chosen supervisor meanwhile; the
	// alternatives are offered and one click books one.
	tb.open("/book")
	tb.set("#f-language", "ar")
	tb.set("#f-date", "2026-03-02")
	tb.set("#f-start", "09:00")
	tb.set("#f-end", "11:00")
	tb.click("#book-form button[type=submit]", "Handledare 02")
	tb.do(chromedp.Click(chromedp.CSS(`input[name="supervisor_id"][value="` + itoa(p.sups[1]) + `"]`)))
	p.book(p.sups[1], p.wpB, "2026-03-02 09:00", "2026-03-02 11:00")
	tb.click(`form[action="/book"] button[type=submit]:not([name])`, "Handledaren är redan bokad den tiden.")
	tb.checkAxe("collision page")
	tb.click(".alternatives button", "Klart! Bokningen är gjord")
	tb.waitText("Handledare 02")

	// The supervisor sees the booking in their week.
	tb.login(p.supUser, "secret-password", "Min vecka")
	tb.open("/week?date=2026-03-02")
	tb.waitText("09:00–11:00 arabiska")

	// The manager cancels it with a reason; the supervisor's week shows it cancelled.
	tb.login(p.mgrA, "secret-password", "Kommande bokningar")
	tb.open("/bookings/" + first)
	tb.set("#f-reason_code", "illness")
	tb.set("#f-reason", "Personalen är sjuk")
	tb.click("button.danger", "Bokningen är avbokad.")
	tb.login(p.supUser, "secret-password", "Min vecka")
	tb.open("/week?date=2026-03-02")
	tb.waitText("Avbokad")

	// A coordinator invites a manager, who sets a password through the link.
	tb.login(p.admin, "secret-password", "Översikt")
	tb.open("/timeline?date=2026-03-02")
	tb.waitText("Handledare 02")
	tb.open("/users")
	tb.set("#f-name", "Nora Nilsson")
	tb.set("#f-email", "nora@example.se")
	tb.set("#f-role", "manager")
	tb.do(chromedp.Click(chromedp.CSS(`input[name="workplace_ids"][value="` + itoa(p.wpA) + `"]`)))
	tb.click(`form[action="/users"][method="post"] button[type=submit]`, "Inbjudan är skickad")
	mails, err := outbox.New(p.svc).List(ctx, account.TokenInvite)
	if err != nil || len(mails) != 1 {
		t.Fatalf("invitation mail: %v %v", mails, err)
	}
	var payload struct{ Link string }
	if err := json.Unmarshal([]byte(mails[0].Payload), &payload); err != nil {
		t.Fatal(err)
	}
	invite := payload.Link[strings.Index(payload.Link, "/invite/"):]
	tb.click(`form[action="/logout"] button`, "Glömt lösenordet?")
	tb.open(invite)
	tb.waitText("Välkommen till Språkpool")
	tb.checkAxe("invitation page")
	tb.set("#f-password", "noras-losenord")
	tb.set("#f-password_again", "noras-losenord")
	tb.click("main button[type=submit]", "Kommande bokningar")
	tb.waitText("Nora Nilsson")

	// A supervisor on a phone confirms a session from their week in one tap,
	// and the coordinator then sees it confirmed.
	held := itoa(p.book(p.sups[0], p.wpA, "2026-02-20 09:00", "2026-02-20 10:00"))
	tb.login(p.supUser, "secret-password", "Min vecka")
	tb.do(chromedp.EmulateViewport(375, 740))
	tb.open("/week")
	tb.waitText("Pass att bekräfta")
	tb.click(`form.one-tap[action="/bookings/`+held+`/confirmation"] button`, "Tack! Passet är bekräftat.")
	if got := tb.path(); got != "/week?date=2026-02-20&done=confirmed" {
		t.Fatalf("after the one tap the supervisor is at %s", got)
	}
	tb.waitText("Passet hölls")
	tb.do(chromedp.EmulateViewport(1280, 900))
	tb.login(p.admin, "secret-password", "Översikt")
	tb.open("/bookings/" + held)
	tb.waitText("Passet hölls, 09:00–10:00")

	// Pages of issue 9 for axe: an unconfirmed session, a late cancellation.
	open := itoa(p.book(p.sups[0], p.wpA, "2026-02-19 09:00", "2026-02-19 10:00"))
	late := itoa(p.book(p.sups[0], p.wpA, "2026-03-02 12:00", "2026-03-02 13:00"))
	tb.login(p.mgrA, "secret-password", "Kommande bokningar")
	tb.open("/bookings/" + late)
	tb.waitText("Avbokningen sker mindre än 24 timmar före starten och debiteras verksamheten.")
	t.Run("axe", func(t *testing.T) { checkEveryPage(t, tb, p, first, held, open, late) })
}

// checkEveryPage runs axe on every page of every role, in Swedish and
// English, at desktop and phone widths.
func checkEveryPage(t *testing.T, tb *tab, p *webPool, bookingID, heldID, openID, lateID string) {
	tb.t = t
	ctx := context.Background()
	roles := []struct {
		email string
		pages []string
	}{
		{"", []string{"/", "/forgot"}},
		{p.mgrA, []string{"/", "/book", "/book?step=choose&workplace_id=" + itoa(p.wpA) + "&language=ar&date=2026-03-04&start=09:00&end=10:00&purpose=other",
			"/book?step=choose&language=&date=x", "/bookings/" + bookingID, "/bookings/" + heldID, "/bookings/" + lateID, "/account", "/timeline"}},
		{p.supUser, []string{"/", "/week?date=2026-03-02", "/availability", "/absences", "/account", "/bookings/" + bookingID, "/bookings/" + heldID,
			"/bookings/" + openID + "/confirm", "/bookings/" + heldID + "/confirm?done=confirmed"}},
		{p.admin, []string{"/", "/timeline?date=2026-03-02", "/book", "/bookings/" + bookingID, "/supervisors", "/supervisors/new",
			"/supervisors/" + itoa(p.sups[0]), "/supervisors/" + itoa(p.sups[0]) + "/availability", "/supervisors/" + itoa(p.sups[0]) + "/absences", "/workplaces", "/workplaces/new", "/workplaces/" + itoa(p.wpA), "/users", "/reports", "/reports/cancellations", "/reports/billing", "/account", "/bookings/999"}},
	}
	for _, lang := range []string{"sv", "en"} {
		for _, r := range roles {
			if r.email != "" {
				u, err := p.svc.UserByEmail(ctx, r.email)
				if err != nil {
					t.Fatal(err)
				}
				if err := p.svc.SetLocale(ctx, u, lang); err != nil {
					t.Fatal(err)
				}
				tb.login(r.email, "secret-password", map[string]string{"sv": "Logga ut", "en": "Log out"}[lang])
			} else {
				tb.open("/")
				if eval[bool](tb, `!!document.querySelector('form[action="/logout"] button')`) {
					tb.do(chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
					// The page before logout also says "Språkpool": wait for the login form.
					tb.waitJS(`document.querySelector("#f-password")`)
				}
			}
			for _, path := range r.pages {
				if r.email == "" {
					path += map[bool]string{true: "&", false: "?"}[strings.Contains(path, "?")] + "lang=" + lang
				}
				for _, w := range [][2]int64{{1280, 900}, {375, 740}} {
					tb.do(chromedp.EmulateViewport(w[0], w[1]))
					tb.open(path)
					tb.waitText("Språkpool")
					if got := eval[string](tb, `document.documentElement.lang`); got != lang {
						t.Errorf("%s %s: lang=%q", r.email, path, got)
					}
					tb.checkAxe(r.email + " " + path + " " + lang + " " + itoa(w[0]) + "px")
				}
			}
		}
	}
	// A form with errors, at phone width: errors are tied to their fields.
	tb.open("/")
	tb.do(chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
	tb.waitJS(`document.querySelector("#f-password")`)
	tb.do(chromedp.Click(chromedp.CSS("main button[type=submit]")))
	tb.waitJS(`document.querySelector("#err-email")`)
	tb.checkAxe("login form with errors")
}

// TestREADMEShowsScreenshots: the README shows the three roles' main pages,
// from the PNGs that TestBrowser takes.
func TestREADMEShowsScreenshots(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, role := range []string{"manager", "supervisor", "coordinator"} {
		path := "ui/testdata/screenshots/" + role + ".png"
		if !strings.Contains(string(readme), "]("+path+")") {
			t.Errorf("the README does not show %s", path)
		}
		png, err := os.ReadFile(filepath.Join("testdata", "screenshots", role+".png"))
		if err != nil || len(png) < 1000 || string(png[1:4]) != "PNG" {
			t.Errorf("%s is not a PNG screenshot: %v", path, err)
		}
	}
}

// TestBrowserScreenshots takes the README's pictures of the three roles' main
// pages on the demo pool, at desktop width, and the supervisor's week on a phone.
func TestBrowserScreenshots(t *testing.T) {
	srv, svc := newServer(t, "http://sprakpool.test", march, func(svc *booking.Service) error { return demo.Load(context.Background(), svc) })
	tb := newTab(t, srv.URL)
	first := map[string]string{}
	for _, l := range demo.Logins() {
		if first[l.Role] == "" {
			first[l.Role] = l.Email
		}
	}
	tb.login(first[booking.RoleManager], demo.Password, "Kommande bokningar")
	tb.screenshot("manager")
	// The supervisor's week: the first coming week with a booking of theirs.
	ctx := context.Background()
	u, err := svc.UserByEmail(ctx, first[booking.RoleSupervisor])
	if err != nil {
		t.Fatal(err)
	}
	list, err := svc.ListBookings(ctx, u, booking.BookingFilter{From: "2026-03-02", To: "2026-04-30", Status: booking.StatusConfirmed})
	if err != nil || len(list) == 0 {
		t.Fatalf("no coming booking of %s in the demo pool: %v", u.Email, err)
	}
	week := "/week?date=" + list[0].Start.In(svc.Config().Location).Format(time.DateOnly)
	tb.login(u.Email, demo.Password, "Min vecka")
	tb.open(week)
	tb.waitText(list[0].Start.In(svc.Config().Location).Format("15:04"))
	tb.screenshot("supervisor")
	tb.do(chromedp.EmulateViewport(375, 740))
	tb.open(week)
	tb.waitText("Min vecka")
	tb.screenshot("supervisor-phone")
	tb.do(chromedp.EmulateViewport(1280, 900))
	tb.login(first[booking.RoleAdmin], demo.Password, "Översikt")
	tb.screenshot("coordinator")
	tb.open("/timeline?date=2026-03-02")
	tb.waitText("Alla bokningar")
	tb.screenshot("coordinator-timeline")
}
