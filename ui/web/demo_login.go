package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/demo"
)

func init() {
	// mailbox is the part of a demo address before the @: the button's text,
	// short enough for a phone (the domain is the same for every account).
	templateFuncs["mailbox"] = func(email string) string {
		local, _, _ := strings.Cut(email, "@")
		return local
	}
}

// demoLogin is POST /demo/login (serve --demo only): one click signs in as a
// demo account, so that whoever tries Språkpool sees each role in a minute.
// It signs in with the demo password like the form would, so an account whose
// password was changed is not opened by it, and only demo addresses are taken.
func (s *Server) demoLogin(c echo.Context) error {
	email := c.FormValue("email")
	if !slices.ContainsFunc(demo.Logins(), func(l demo.Login) bool { return l.Email == email }) {
		return &booking.Error{Code: booking.CodeNotFound, Message: "no such demo login"}
	}
	u, err := s.account.LoginFrom(c.Request().Context(), email, demo.Password, c.RealIP())
	if booking.ErrorCode(err) == booking.CodeUnauthorized || booking.ErrorCode(err) == booking.CodeRateLimited {
		l := s.lang(c)
		f := newForm()
		f.Values["email"] = email
		f.Fail("email", l.T("demo.gone"))
		return s.render(c, http.StatusUnprocessableEntity, "login", l.T("login.title"), f)
	}
	if err != nil {
		return err
	}
	if err := s.sessions.Start(c, u); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/")
}
