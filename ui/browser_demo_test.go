package ui_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserDemoLogins: the first minute with serve --demo, on a phone. The
// login page lists the demo logins by role (axe-clean in Swedish and
// English), and one tap signs in as the coordinator and, after logging out,
// as a manager.
func TestBrowserDemoLogins(t *testing.T) {
	e := demoServer(t, true)
	tb := newTab(t, e.srv.URL)
	tb.do(chromedp.EmulateViewport(375, 740))
	tb.open("/?lang=en")
	tb.waitText("Try it with the demo accounts")
	tb.checkAxe("demo logins en 375px")
	tb.shot("demo-logins-en-375")
	tb.open("/?lang=sv")
	tb.waitText("Prova med demokonton")
	tb.checkAxe("demo logins sv 375px")
	tb.shot("demo-logins-sv-375")
	tb.click(`form[action="/demo/login"] button`, "Översikt")
	tb.click(`form[action="/logout"] button`, "Prova med demokonton")
	tb.click(`form[action="/demo/login"] input[value^="chef."] + button`, "Kommande bokningar")
	tb.do(chromedp.EmulateViewport(1280, 900))
	tb.open("/")
	tb.click(`form[action="/logout"] button`, "Prova med demokonton")
	tb.checkAxe("demo logins sv 1280px")
	tb.shot("demo-logins-sv-1280")
}
