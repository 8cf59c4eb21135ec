package ui_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/demo"
)

// phonePages is every page of every role on the demo pool, for the walk of
// TestBrowserEveryPageOnAPhone: add a new page here. ids holds a few of the
// demo pool's ids by name (see demoIDs).
func phonePages(ids map[string]string) map[string][]string {
	return map[string][]string{
		"": {"/", "/forgot", "/accessibility", "/personal-data"},
		booking.RoleManager: {"/", "/book", "/book/times", "/book/times?language=ar", "/requests", "/requests/new",
			"/book?step=choose&workplace_id=" + ids["workplace"] + "&language=ar&date=2026-03-04&start=09:00&end=10:00&purpose=other",
			"/bookings/" + ids["managerBooking"], "/account", "/accessibility", "/personal-data",
			"/my-bookings", "/my-bookings?status=cancelled&q=a", "/bookings/" + ids["managerBooking"] + "/move", "/series/" + ids["series"]},
		booking.RoleSupervisor: {"/", "/week?date=" + ids["supervisorWeek"], "/week/print?date=" + ids["supervisorWeek"],
			"/week/print?day=1&date=" + ids["supervisorDay"], "/availability", "/absences", "/account", "/bookings/" + ids["supervisorBooking"],
			"/personal-data"},
		booking.RoleAdmin: {"/", "/?all=1", "/timeline", "/timeline?date=2026-03-02&sort=booked", "/book", "/requests/queue",
			"/bookings/" + ids["managerBooking"], "/supervisors", "/supervisors?q=a&sort=language", "/supervisors/new",
			"/supervisors/" + ids["supervisor"], "/supervisors/" + ids["supervisor"] + "/availability", "/supervisors/" + ids["supervisor"] + "/absences",
			"/workplaces", "/workplaces/new", "/workplaces/" + ids["workplace"], "/users", "/users?role=manager",
			"/reports", "/reports/cancellations", "/reports/billing", "/reports/followups", "/account",
			"/reports/evaluation", "/reports/demand", "/reports/demand?by=month", "/series/" + ids["series"]},
	}
}

// demoIDs finds in the demo pool: a manager's coming booking and workplace,
// a supervisor's coming booking with its week and day, and that supervisor.
func demoIDs(t *testing.T, svc *booking.Service, logins map[string]string) map[string]string {
	ctx := context.Background()
	loc := svc.Config().Location
	ids := map[string]string{}
	for role, key := range map[string]string{booking.RoleManager: "manager", booking.RoleSupervisor: "supervisor"} {
		u, err := svc.UserByEmail(ctx, logins[role])
		if err != nil {
			t.Fatal(err)
		}
		list, err := svc.ListBookings(ctx, u, booking.BookingFilter{From: "2026-03-02", To: "2026-04-30", Status: booking.StatusConfirmed})
		if err != nil || len(list) == 0 {
			t.Fatalf("no coming booking of %s in the demo pool: %v", u.Email, err)
		}
		ids[key+"Booking"] = itoa(list[0].ID)
		if role == booking.RoleManager {
			ids["workplace"] = itoa(list[0].WorkplaceID)
			// A weekly series from the manager's booking's slot some weeks on,
			// for the series page (the demo pool has none of its own): the
			// first week from which the pool can take it.
			b, count := list[0], 3
			var sr *booking.Series
			for week := 1; week <= 12 && sr == nil; week++ {
				sr, err = svc.CreateSeries(ctx, u, booking.SeriesInput{BookingInput: booking.BookingInput{WorkplaceID: b.WorkplaceID,
					Language: b.Language, Area: b.Area, Mode: b.Mode, MeetingURL: b.MeetingURL, Purpose: b.Purpose,
					ParticipantsExpected: b.ParticipantsExpected, Start: b.Start.AddDate(0, 0, 7*week).Format(time.RFC3339),
					End: b.End.AddDate(0, 0, 7*week).Format(time.RFC3339)}, EveryWeeks: 1, Count: &count, SkipConflicts: true})
			}
			if sr == nil {
				t.Fatalf("no series could be made in the demo pool: %v", err)
			}
			ids["series"] = itoa(sr.ID)
		} else {
			// The week of a parent information session: "Föräldrainformation"
			// is the longest word a week shows.
			b := list[0]
			for _, x := range list {
				if x.Purpose == "parent_information" {
					b = x
					break
				}
			}
			ids["supervisor"] = itoa(*u.SupervisorID)
			ids["supervisorWeek"] = b.Start.In(loc).Format(time.DateOnly)
			ids["supervisorDay"] = ids["supervisorWeek"]
		}
	}
	return ids
}

// TestBrowserEveryPageOnAPhone walks every page of every role (phonePages) in
// one Chromium at 375 px, in Swedish and English: no page scrolls sideways
// (document.documentElement.scrollWidth <= clientWidth) and axe-core finds no
// WCAG 2.1 A or AA violation. Screenshots of the lists, the supervisor form,
// the week and the print view at 375 and 1280 px go to $SPRAKPOOL_SHOTS.
func TestBrowserEveryPageOnAPhone(t *testing.T) {
	srv, svc := newServer(t, "http://sprakpool.test", march, func(svc *booking.Service) error { return demo.Load(context.Background(), svc) })
	ctx := context.Background()
	logins := map[string]string{}
	for _, l := range demo.Logins() {
		if logins[l.Role] == "" {
			logins[l.Role] = l.Email
		}
	}
	ids := demoIDs(t, svc, logins)
	tb := newTab(t, srv.URL)
	pages := phonePages(ids)
	shots := map[string]bool{"/supervisors": true, "/workplaces": true, "/users": true, "/timeline": true, "/supervisors/" + ids["supervisor"]: true,
		"/week?date=" + ids["supervisorWeek"]: true, "/week/print?date=" + ids["supervisorWeek"]: true, "/accessibility": true, "/reports/billing": true, "/bookings/" + ids["managerBooking"]: true}
	for _, lang := range []string{"sv", "en"} {
		for _, role := range []string{"", booking.RoleManager, booking.RoleSupervisor, booking.RoleAdmin} {
			tb.do(chromedp.EmulateViewport(375, 740))
			if email := logins[role]; email != "" {
				u, err := svc.UserByEmail(ctx, email)
				if err != nil {
					t.Fatal(err)
				}
				if err := svc.SetLocale(ctx, u, lang); err != nil {
					t.Fatal(err)
				}
				tb.login(email, demo.Password, map[string]string{"sv": "Logga ut", "en": "Log out"}[lang])
			} else {
				tb.open("/")
				if eval[bool](tb, `!!document.querySelector('form[action="/logout"] button')`) {
					tb.do(chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
					tb.waitJS(`document.querySelector("#f-password")`)
				}
			}
			for _, path := range pages[role] {
				open := path
				if role == "" {
					open += map[bool]string{true: "&", false: "?"}[strings.Contains(path, "?")] + "lang=" + lang
				}
				tb.open(open)
				tb.waitText("Språkpool")
				label := role + " " + path + " " + lang
				if got := eval[string](tb, `document.documentElement.lang`); got != lang {
					t.Errorf("%s: lang=%q", label, got)
				}
				if w := eval[[]int](tb, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`); w[0] > w[1] {
					wide := eval[[]string](tb, `Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !e.closest(".scroll")).slice(0, 5).map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right))`)
					t.Errorf("%s scrolls sideways at 375 px: %d > %d (%v)", label, w[0], w[1], wide)
				}
				tb.checkAxe(label + " 375px")
				if strings.HasPrefix(path, "/week?") {
					tb.do(chromedp.EmulateViewport(1280, 900))
					tb.open(path)
					tb.waitText("Språkpool")
					// The week's columns break only between words (hyphens under
					// lang): no word is cut, none sticks out of its day.
					if bad := eval[[]string](tb, `Array.from(document.querySelectorAll(".week-grid section")).filter(s => { const c = getComputedStyle(s); return s.scrollWidth > s.clientWidth || c.overflowWrap !== "normal" || c.hyphens !== "auto" }).map(s => s.querySelector("h2").innerText)`); len(bad) > 0 {
						t.Errorf("%s: these days break words or overflow: %v", label, bad)
					}
					tb.do(chromedp.EmulateViewport(375, 740))
				}
				if lang == "sv" && role != "" && shots[path] {
					name := strings.NewReplacer("/", "_", "?", "_", "=", "_", "&", "_").Replace(strings.Trim(path, "/"))
					tb.shot(name + "-375")
					tb.do(chromedp.EmulateViewport(1280, 900))
					tb.open(path)
					tb.waitText("Språkpool")
					tb.shot(name + "-1280")
					if w := eval[[]int](tb, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`); w[0] > w[1] {
						t.Errorf("%s scrolls sideways at 1280 px", label)
					}
					// The header is one line at desktop width, the coordinator's too.
					if h := eval[int](tb, `document.querySelector("header.site").offsetHeight`); h > 64 {
						t.Errorf("%s: the header wraps at 1280 px (%d px high)", label, h)
					}
					tb.do(chromedp.EmulateViewport(375, 740))
				}
			}
		}
	}
}
