package web

import (
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// home is GET /: the login form for visitors, the start page of each role.
func (s *Server) home(c echo.Context) error {
	u := httpx.Actor(c)
	switch {
	case u == nil:
		if l := c.QueryParam("lang"); l == "sv" || l == "en" {
			// A visitor's choice of language holds for the forms that follow.
			c.SetCookie(&http.Cookie{Name: "sprakpool_lang", Value: l, Path: "/", HttpOnly: true, Secure: s.sessions.Secure(),
				SameSite: http.SameSiteLaxMode, MaxAge: 365 * 24 * 3600})
		}
		f := newForm()
		f.Values["next"] = safeNext(c.QueryParam("next"))
		return s.renderLogin(c, http.StatusOK, f, "")
	case u.IsAdmin():
		return s.dashboard(c)
	case u.Role == booking.RoleManager:
		return s.managerHome(c)
	default:
		return s.supervisorWeek(c)
	}
}

// login checks the form, starts a new session and goes where the visitor was heading.
func (s *Server) login(c echo.Context) error {
	f := formFrom(c, "email", "next")
	l := s.lang(c)
	password := c.FormValue("password")
	if f.V("email") == "" {
		f.Fail("email", l.required("email"))
	}
	if password == "" {
		f.Fail("password", l.required("password"))
	}
	if !f.OK() {
		return s.renderLogin(c, http.StatusUnprocessableEntity, f, "")
	}
	u, err := s.account.LoginFrom(c.Request().Context(), f.V("email"), password, c.RealIP())
	switch booking.ErrorCode(err) {
	case booking.CodeUnauthorized:
		f.Fail("password", l.T("login.wrong"))
		return s.renderLogin(c, http.StatusUnprocessableEntity, f, "")
	case booking.CodeRateLimited:
		f.Fail("password", l.T("login.limited"))
		return s.renderLogin(c, http.StatusTooManyRequests, f, "")
	}
	if err != nil {
		return err
	}
	if err := s.sessions.Start(c, u); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, safeNext(f.V("next")))
}

// loginPage is the login page: the municipality's button when OpenID
// Connect is configured, the password form unless password login is off,
// and the message of a refused sign-in.
type loginPage struct {
	Form      *form
	OIDCLabel string // empty: no such button
	Passwords bool
	Notice    string // a catalog key
}

func (s *Server) renderLogin(c echo.Context, status int, f *form, notice string) error {
	p := loginPage{Form: f, Passwords: s.account.PasswordLogin(), Notice: notice}
	if s.oidc != nil {
		if p.OIDCLabel = s.oidc.cfg.Label; p.OIDCLabel == "" {
			p.OIDCLabel = s.lang(c).T("login.oidc")
		}
	}
	return s.render(c, status, "login", s.lang(c).T("login.title"), p)
}

// passwordsOn refuses the password form and the links that set a password
// when password login is off (SPRAKPOOL_PASSWORD_LOGIN=off).
func (s *Server) passwordsOn(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !s.account.PasswordLogin() {
			return &booking.Error{Code: booking.CodeForbidden, Message: "password login is turned off; sign in with the municipality's account"}
		}
		return next(c)
	}
}

func (s *Server) logout(c echo.Context) error {
	if err := s.sessions.End(c); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/")
}

// forgotPage asks for the e-mail address to send a reset link to.
func (s *Server) forgotPage(c echo.Context) error {
	return s.render(c, http.StatusOK, "forgot", s.lang(c).T("forgot.title"), newForm())
}

// forgotAnswerTime is the least time /forgot takes to answer. Making a link
// and its mail for a real account writes two rows (1–2 ms) that an unknown
// address does not; the answer waits until this much time has passed either
// way, so its timing does not tell who has an account.
const forgotAnswerTime = 50 * time.Millisecond

// forgot always answers the same way, and after the same time, so nobody
// learns who has an account.
func (s *Server) forgot(c echo.Context) error {
	answerAt := time.Now().Add(forgotAnswerTime)
	f := formFrom(c, "email")
	l := s.lang(c)
	if f.V("email") == "" {
		f.Fail("email", l.required("email"))
		return s.render(c, http.StatusUnprocessableEntity, "forgot", l.T("forgot.title"), f)
	}
	ctx := c.Request().Context()
	if _, _, err := s.account.RequestPasswordReset(ctx, f.V("email")); err != nil {
		return err
	}
	select {
	case <-time.After(time.Until(answerAt)):
	case <-ctx.Done():
		return ctx.Err()
	}
	f.Values["sent"] = "1"
	return s.render(c, http.StatusOK, "forgot", l.T("forgot.title"), f)
}

// linkPage is GET /invite/:token and /reset/:token: choose a password.
func (s *Server) linkPage(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		u, err := s.account.AccountTokenUser(c.Request().Context(), kind, c.Param("token"))
		if err != nil {
			return err
		}
		f := newForm()
		f.Values["kind"], f.Values["email"] = kind, u.Email
		return s.render(c, http.StatusOK, "password_link", s.lang(c).T("link.title."+kind), f)
	}
}

// usePasswordLink sets the password through the link and signs the user in.
func (s *Server) usePasswordLink(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		target, err := s.account.AccountTokenUser(ctx, kind, c.Param("token"))
		if err != nil {
			return err
		}
		f := newForm()
		f.Values["kind"], f.Values["email"] = kind, target.Email
		l := s.lang(c)
		password := c.FormValue("password")
		if password != c.FormValue("password_again") {
			f.Fail("password_again", l.T("err.password_mismatch"))
		}
		var u *booking.User
		if f.OK() {
			u, err = s.account.SetPasswordWithToken(ctx, kind, c.Param("token"), password)
			if err != nil && !failFrom(f, l, err, nil) {
				return err
			}
		}
		if !f.OK() {
			return s.render(c, http.StatusUnprocessableEntity, "password_link", l.T("link.title."+kind), f)
		}
		if err := s.sessions.Start(c, u); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/")
	}
}

// safeNext keeps a post-login redirect on this site: one leading "/", no second
// "/" or backslash right after it, no control characters or spaces anywhere,
// else "/". Browsers drop tabs and newlines from a URL and read a backslash as
// "/", so "/<tab>/evil.example" would leave the site (finding 6 of issue 12).
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		!utf8.ValidString(next) || strings.IndexFunc(next, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) >= 0 {
		return "/"
	}
	return next
}
