package ui_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sprakpool/sprakpool/booking"
)

// TestBrowserSeries: on a phone (375 px), a manager books a 6-week series
// from the booking form's Upprepa part: the preview lists every Thursday,
// Kristi himmelsfärdsdag (6 May 2027) skipped by name; "Boka alla" books the
// five others and the series page shows them and the skipped day. axe checks
// both pages; neither scrolls sideways at 375 or 1280 px.
func TestBrowserSeries(t *testing.T) {
	p := newWebPool(t, time.Date(2027, 4, 1, 8, 0, 0, 0, time.UTC))
	tb := newTab(t, p.srv.URL)
	tb.do(chromedp.EmulateViewport(375, 740))
	tb.login(p.mgrA, "secret-password", "Kommande bokningar")
	tb.open("/book")
	tb.waitJS(`document.querySelector("#f-repeat_every")`)
	tb.set("#f-language", "ar")
	tb.set("#f-date", "2027-04-22")
	tb.set("#f-start", "10:00")
	tb.set("#f-end", "11:00")
	tb.set("#f-repeat_every", "1")
	tb.set("#f-repeat_count", "6")
	noSideScroll(tb, "booking form")
	tb.checkAxe("booking form with Upprepa, 375 px")
	tb.shot("book-repeat-phone")
	tb.click("#series-preview", "Boka en serie")
	for _, want := range []string{"tors 22 april 2027, 10:00–11:00", "tors 27 maj 2027, 10:00–11:00",
		"Hoppas över – stängt: Kristi himmelsfärdsdag", "5 lediga, 1 hoppas över, 0 krockar"} {
		tb.waitText(want)
	}
	if n := eval[int](tb, `document.querySelectorAll("#occurrences li").length`); n != 6 {
		t.Errorf("the preview lists %d occurrences, want 6", n)
	}
	noSideScroll(tb, "preview")
	tb.checkAxe("series preview, 375 px")
	tb.shot("series-preview-phone")
	tb.click(`main form[action="/book/series"] button[value="false"]`, "Klart! Serien är bokad.")
	if !strings.HasPrefix(tb.path(), "/series/") {
		t.Fatalf("after booking: %s", tb.path())
	}
	tb.waitText("Kristi himmelsfärdsdag")
	if n := eval[int](tb, `document.querySelectorAll("#occurrences li a[href^='/bookings/']").length`); n != 5 {
		t.Errorf("the series page links %d bookings, want 5", n)
	}
	noSideScroll(tb, "series page")
	tb.checkAxe("series page, 375 px")
	tb.shot("series-phone")
	list, err := p.svc.ListBookings(context.Background(), &booking.User{Role: booking.RoleAdmin}, booking.BookingFilter{From: "2027-04-01", To: "2027-06-30"})
	if err != nil || len(list) != 5 || list[0].SeriesID == nil {
		t.Fatalf("booked: %v %d", err, len(list))
	}
	for _, b := range list {
		if b.SupervisorID != list[0].SupervisorID || b.Start.In(p.loc).Format("15:04 Mon") != "10:00 Thu" {
			t.Errorf("booking %d: supervisor %d at %s", b.ID, b.SupervisorID, b.Start.In(p.loc))
		}
	}
	tb.do(chromedp.EmulateViewport(1280, 900))
	tb.open(tb.path())
	tb.waitText("Avboka resten av serien")
	noSideScroll(tb, "series page, 1280 px")
	tb.checkAxe("series page, 1280 px")
	tb.shot("series-wide")
}

// noSideScroll fails when the page is wider than the window.
func noSideScroll(tb *tab, label string) {
	tb.t.Helper()
	if w := eval[[]int](tb, `[document.documentElement.scrollWidth, window.innerWidth]`); w[0] > w[1] {
		tb.t.Errorf("%s scrolls sideways: %d px wide in a %d px window", label, w[0], w[1])
	}
}
