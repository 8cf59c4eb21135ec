package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// accountPage is the user's settings: password, language and API tokens.
type accountPage struct {
	Form *form
	// NoPasswords: password login is off, so there is no password to change.
	NoPasswords bool
	Tokens      []tokenView
}

// tokenView is one API token as the account page lists it, in the pool's zone.
type tokenView struct {
	ID        int64
	CreatedAt time.Time
	LastUsed  *time.Time
}

func (s *Server) accountPage(c echo.Context) error {
	f := newForm()
	if d := c.QueryParam("done"); d == "password" || d == "locale" || d == "token" || d == "sms" {
		f.Values["done"] = d
	}
	return s.showAccount(c, http.StatusOK, f)
}

// showAccount renders the account page with the form as it stands.
func (s *Server) showAccount(c echo.Context, status int, f *form) error {
	u := httpx.Actor(c)
	f.Values["locale"] = u.Locale
	contactValues(f, u)
	tokens, err := s.account.APITokens(c.Request().Context(), u)
	if err != nil {
		return err
	}
	p := &accountPage{Form: f, Tokens: make([]tokenView, len(tokens))}
	p.NoPasswords = !s.account.PasswordLogin()
	for i, t := range tokens {
		p.Tokens[i] = tokenView{ID: t.ID, CreatedAt: t.CreatedAt.In(s.loc)}
		if t.LastUsedAt != nil {
			last := t.LastUsedAt.In(s.loc)
			p.Tokens[i].LastUsed = &last
		}
	}
	return s.render(c, status, "account", s.lang(c).T("account.title"), p)
}

// changePassword checks the current password, sets the new one, ends every
// other session and every API token of the user and keeps this browser signed
// in with a new session.
func (s *Server) changePassword(c echo.Context) error {
	u := httpx.Actor(c)
	l := s.lang(c)
	f := newForm()
	password := c.FormValue("password")
	if password != c.FormValue("password_again") {
		f.Fail("password_again", l.T("err.password_mismatch"))
	}
	if f.OK() {
		err := s.account.ChangePassword(c.Request().Context(), u, c.FormValue("current_password"), password)
		if err != nil && !failFrom(f, l, err, nil) {
			return err
		}
	}
	if !f.OK() {
		return s.showAccount(c, http.StatusUnprocessableEntity, f)
	}
	if err := s.sessions.Start(c, u); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/account?done=password")
}

// setLocale switches the pages between Swedish and English for this user.
func (s *Server) setLocale(c echo.Context) error {
	u := httpx.Actor(c)
	err := s.svc.SetLocale(c.Request().Context(), u, c.FormValue("locale"))
	if booking.ErrorCode(err) == booking.CodeInvalid {
		f := newForm()
		f.Fail("locale", s.lang(c).T("err.locale"))
		return s.showAccount(c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/account?done=locale")
}

// endToken ends one of the user's own API tokens at once (POST
// /account/tokens/:id/end); another user's token is not found.
func (s *Server) endToken(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.account.EndAPIToken(c.Request().Context(), httpx.Actor(c), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/account?done=token")
}
