package ui_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sprakpool/sprakpool/booking"
)

func adminUser(t *testing.T, p *webPool) *booking.User {
	t.Helper()
	u, err := p.svc.UserByEmail(context.Background(), p.admin)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestBrowserAttention (issue 16): on a phone, the coordinator records an
// absence over two of a supervisor's bookings, is shown them before saving
// and saves anyway; the dashboard opens with "Behöver åtgärd", and from it
// the coordinator reaches a booking and gives it to the free supervisor: two
// clicks. axe checks the confirm step, the dashboard and the booking page at
// 375 px in Swedish and English, with no horizontal scroll.
func TestBrowserAttention(t *testing.T) {
	p := newWebPool(t, time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	ctx := context.Background()
	x, y := p.sups[0], p.sups[1]
	wed := p.book(x, p.wpA, "2026-12-09 09:00", "2026-12-09 10:00")
	thu := p.book(x, p.wpA, "2026-12-10 09:00", "2026-12-10 10:00")
	tb := newTab(t, p.srv.URL)
	tb.do(chromedp.EmulateViewport(375, 740))
	noScroll := func(label string) {
		t.Helper()
		if w := eval[int](tb, `document.documentElement.scrollWidth - window.innerWidth`); w > 0 {
			t.Errorf("%s: %d px of horizontal scroll at 375 px", label, w)
		}
	}

	tb.login(p.admin, "secret-password", "Översikt")
	tb.waitText("Inga bokningar behöver åtgärd.")
	tb.open(fmt.Sprintf("/supervisors/%d/absences", x))
	tb.set("#f-start_date", "2026-12-09")
	tb.set("#f-end_date", "2026-12-10")
	tb.set("#f-reason", "Sjuk")
	tb.click(`form[action$="/absences"] button[type=submit]`, "Bokade pass som blir utan handledare: 2")
	tb.waitJS(fmt.Sprintf(`document.querySelector('#impact a[href="/bookings/%d"]') && document.querySelector('#impact a[href="/bookings/%d"]')`, wed, thu))
	tb.checkAxe("absence confirm step sv 375px")
	noScroll("absence confirm step")
	tb.shot("attention-absence-confirm-sv-375")
	tb.click(`form[action$="/absences"] button[type=submit]`, "Sjuk")

	// From the dashboard to a reassigned booking.
	tb.open("/")
	tb.waitText("Behöver åtgärd (2)")
	tb.checkAxe("dashboard sv 375px")
	noScroll("dashboard")
	tb.shot("attention-dashboard-sv-375")
	clicks := 0
	tb.click(fmt.Sprintf(`#attention ~ ul a[href="/bookings/%d"]`, wed), "Ge passet till någon annan")
	clicks++
	tb.checkAxe("booking needing attention sv 375px")
	noScroll("booking needing attention")
	tb.shot("attention-booking-sv-375")
	tb.click(fmt.Sprintf(`form[action="/bookings/%d/reassign"] button`, wed), "Passet har fått en ny handledare.")
	clicks++
	tb.waitText("Handledare 02")
	if clicks > 3 || tb.path() != fmt.Sprintf("/bookings/%d?done=reassigned", wed) {
		t.Errorf("after %d clicks at %s", clicks, tb.path())
	}
	got, err := p.svc.Booking(ctx, adminUser(t, p), wed)
	if err != nil || got.SupervisorID != y || len(got.Attention) != 0 {
		t.Fatalf("the booking after the click: %+v %v", got, err)
	}
	tb.do(chromedp.EmulateViewport(1280, 900))
	tb.open("/")
	tb.waitText("Behöver åtgärd (1)")
	tb.shot("attention-dashboard-sv-1280")
	tb.open(fmt.Sprintf("/bookings/%d", thu))
	tb.waitText("Ge passet till någon annan")
	tb.shot("attention-booking-sv-1280")

	// The same pages in English, on a phone.
	if err := p.svc.SetLocale(ctx, adminUser(t, p), "en"); err != nil {
		t.Fatal(err)
	}
	tb.do(chromedp.EmulateViewport(375, 740))
	tb.login(p.admin, "secret-password", "Log out")
	tb.open("/")
	tb.waitText("Needs attention (1)")
	tb.checkAxe("dashboard en 375px")
	noScroll("dashboard en")
	tb.shot("attention-dashboard-en-375")
	tb.open(fmt.Sprintf("/bookings/%d", thu))
	tb.waitText("Give the session to someone else")
	tb.checkAxe("booking needing attention en 375px")
	noScroll("booking needing attention en")
	tb.shot("attention-booking-en-375")
	tb.open(fmt.Sprintf("/supervisors/%d/absences", y))
	tb.set("#f-start_date", "2026-12-09")
	tb.set("#f-end_date", "2026-12-09")
	tb.click(`form[action$="/absences"] button[type=submit]`, "Booked sessions that will have no supervisor: 1")
	tb.checkAxe("absence confirm step en 375px")
	noScroll("absence confirm step en")
	tb.do(chromedp.EmulateViewport(1280, 900))
	tb.open("/timeline?date=2026-12-07")
	tb.waitJS(`document.querySelector(".badge.attention")`)
	tb.shot("attention-timeline-en-1280")

	// The supervisor's week marks the booking that needs attention.
	tb.do(chromedp.EmulateViewport(375, 740))
	tb.login(p.supUser, "secret-password", "Logga ut")
	tb.open("/week?date=2026-12-07")
	tb.waitText("Behöver åtgärd")
	tb.checkAxe("supervisor's week sv 375px")
	noScroll("supervisor's week")
	tb.shot("attention-week-sv-375")
}
