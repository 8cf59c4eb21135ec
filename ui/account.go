package ui

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
)

// accountPage shows the user's settings: password and language.
func (s *Server) accountPage(c echo.Context) error {
	f := newForm()
	f.Values["locale"] = actor(c).Locale
	if d := c.QueryParam("done"); d == "password" || d == "locale" {
		f.Values["done"] = d
	}
	return s.render(c, http.StatusOK, "account", s.lang(c).T("account.title"), f)
}

// changePassword checks the current password, sets the new one, ends every
// other session of the user and keeps this browser signed in with a new one.
func (s *Server) changePassword(c echo.Context) error {
	u := actor(c)
	l := s.lang(c)
	f := newForm()
	f.Values["locale"] = u.Locale
	password := c.FormValue("password")
	if password != c.FormValue("password_again") {
		f.Fail("password_again", l.T("err.password_mismatch"))
	}
	if f.OK() {
		err := s.svc.ChangePassword(c.Request().Context(), u, c.FormValue("current_password"), password)
		if err != nil && !failFrom(f, l, err, nil) {
			return err
		}
	}
	if !f.OK() {
		return s.render(c, http.StatusUnprocessableEntity, "account", l.T("account.title"), f)
	}
	if err := s.startSession(c, u); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/account?done=password")
}

// setLocale switches the pages between Swedish and English for this user.
func (s *Server) setLocale(c echo.Context) error {
	u := actor(c)
	err := s.svc.SetLocale(c.Request().Context(), u, c.FormValue("locale"))
	if booking.ErrorCode(err) == booking.CodeInvalid {
		f := newForm()
		f.Values["locale"] = u.Locale
		f.Fail("locale", s.lang(c).T("err.invalid"))
		return s.render(c, http.StatusUnprocessableEntity, "account", s.lang(c).T("account.title"), f)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/account?done=locale")
}

// mailAccountLink queues the invitation or password-reset mail.
func (s *Server) mailAccountLink(c echo.Context, kind string, u *booking.User, link string) error {
	return s.queueAccountMail(c.Request().Context(), kind, u, link)
}

// queueAccountMail puts the link into the outbox; notify sends it.
func (s *Server) queueAccountMail(ctx context.Context, kind string, u *booking.User, link string) error {
	sum := sha256.Sum256([]byte(link))
	id := u.ID
	return s.svc.QueueMail(ctx, booking.MailInput{Key: kind + ":user:" + strconv.FormatInt(u.ID, 10) + ":" + hex.EncodeToString(sum[:8]),
		Kind: kind, Recipient: u.Email, UserID: &id, Payload: map[string]any{"link": link, "name": u.Name}})
}
