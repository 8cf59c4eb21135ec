package ui_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserSMSAccount: on a phone (375 px) a supervisor turns SMS reminders
// on from the account page: a mistyped number is shown at its field, the
// corrected one is saved in E.164; axe checks the page with the error and
// after saving, at phone and desktop widths, and nothing scrolls sideways.
func TestBrowserSMSAccount(t *testing.T) {
	p := newWebPool(t, march)
	tb := newTab(t, p.srv.URL)
	tb.do(chromedp.EmulateViewport(375, 740))
	tb.login(p.supUser, "secret-password", "Min vecka")
	tb.open("/account")
	tb.waitText("SMS-påminnelser")
	tb.set("#f-phone", "070-123 45 6x")
	tb.do(chromedp.Click(chromedp.CSS("#f-sms_reminders")))
	tb.click(`form[action="/account/sms"] button[type=submit]`, "Skriv ett mobilnummer")
	tb.checkAxe("account, bad number, 375 px")
	tb.shot("account-sms-error-phone")
	if eval[bool](tb, `document.documentElement.scrollWidth > window.innerWidth`) {
		t.Errorf("the account page scrolls sideways at 375 px")
	}
	tb.set("#f-phone", "070-123 45 67")
	tb.click(`form[action="/account/sms"] button[type=submit]`, "Ditt mobilnummer och ditt val om SMS är sparade.")
	if got := eval[string](tb, `document.querySelector("#f-phone").value`); got != "+46701234567" {
		t.Errorf("the saved number shows as %q", got)
	}
	if !eval[bool](tb, `document.querySelector("#f-sms_reminders").checked`) {
		t.Errorf("SMS reminders are not ticked after saving")
	}
	tb.checkAxe("account, saved, 375 px")
	tb.do(chromedp.EmulateViewport(1280, 900))
	tb.open("/account")
	tb.checkAxe("account, 1280 px")
	tb.shot("account-sms-desktop")
	u, err := p.svc.UserByEmail(context.Background(), p.supUser)
	if err != nil || u.Phone != "+46701234567" || !u.SMSReminders {
		t.Fatalf("stored: %+v %v", u, err)
	}
}
