package ui_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/account"
)

// TestBrowserOIDCLogin: the login page shows the municipality's button;
// following it through the loopback provider (its login page: fill and
// submit) lands on the user's start page. Someone the pool does not know is
// sent back to the login page with a Swedish message. axe checks the login
// page with the button, the refusal and the page without passwords, at 375
// and 1280 px.
func TestBrowserOIDCLogin(t *testing.T) {
	users := opUsers{"anna": opUser("1", "anna", "Anna.Lind@kommun.example", true),
		"okand": opUser("2", "okand", "okand@kommun.example", true)}
	p := newOIDCPool(t, account.Options{SingleSignOn: true}, zitadelOP(t, users))
	p.user("anna.lind@kommun.example", booking.RoleAdmin)
	tb := newTab(t, p.base)
	noScroll := `document.documentElement.scrollWidth <= window.innerWidth`

	tb.do(chromedp.EmulateViewport(375, 740))
	tb.open("/")
	tb.waitText("Logga in med kommunens konto")
	tb.waitText("Eller med lösenord")
	tb.waitJS(noScroll)
	tb.checkAxe("login with the municipality's button, 375 px")
	tb.shot("oidc-login-375")

	// Through the provider's own login page and back.
	tb.click("#oidc-login", "Username")
	tb.set("#username", "anna")
	tb.set("#password", "verysecure")
	tb.click(`button[type=submit]`, "Namn anna.lind@kommun.example")
	if got := tb.path(); got != "/" {
		t.Errorf("after the provider the browser is at %s, want the start page /", got)
	}
	if email, ok := p.signedIn(p.client()); ok {
		t.Errorf("another browser is signed in as %s", email)
	}
	tb.shot("oidc-start-375")

	// Someone unknown: back on the login page, with the message, signed out.
	tb.do(chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
	tb.waitJS(`document.querySelector("#oidc-login")`)
	tb.click("#oidc-login", "Username")
	tb.set("#username", "okand")
	tb.set("#password", "verysecure")
	tb.click(`button[type=submit]`, "Du har inget aktivt konto i Språkpoolen")
	tb.waitJS(`!document.querySelector('form[action="/logout"]') && document.querySelector("#oidc-login")`)
	tb.waitJS(noScroll)
	tb.checkAxe("refused municipality login, 375 px")
	tb.shot("oidc-refused-375")
	tb.do(chromedp.EmulateViewport(1280, 900))
	tb.checkAxe("refused municipality login, 1280 px")
	tb.shot("oidc-refused-1280")
	tb.open("/")
	tb.waitText("Logga in med kommunens konto")
	tb.shot("oidc-login-1280")

	// Without passwords: the button only.
	q := newOIDCPool(t, account.Options{SingleSignOn: true, NoPasswords: true}, zitadelOP(t, opUsers{}))
	tb.base = q.base
	tb.open("/?lang=en")
	tb.waitText("Sign in with the municipality's account")
	tb.waitJS(`!document.querySelector("#f-password") && !document.querySelector('a[href="/forgot"]')`)
	tb.checkAxe("login without passwords, English, 1280 px")
	tb.shot("oidc-nopasswords-1280")
	tb.do(chromedp.EmulateViewport(375, 740))
	tb.waitJS(noScroll)
	tb.shot("oidc-nopasswords-375")
}
