package ui

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
)

const userKey = "user"

// authenticate requires a valid API token, or a browser session, and puts its
// user in the context.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header.Get(echo.HeaderAuthorization)
		if sessionUser, _ := c.Get(sessionUserKey).(bool); h == "" && sessionUser {
			return next(c) // the browser's session; csrf has checked unsafe methods
		}
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			token = ""
		}
		u, err := s.svc.Authenticate(c.Request().Context(), strings.TrimSpace(token), c.RealIP())
		if err != nil {
			if booking.ErrorCode(err) == booking.CodeUnauthorized {
				c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="sprakpool"`)
			}
			return err
		}
		c.Set(userKey, u)
		return next(c)
	}
}

// allow lets only the given roles through, before the body is read.
func allow(roles ...string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !slices.Contains(roles, actor(c).Role) {
				return &booking.Error{Code: booking.CodeForbidden, Message: "your role may not do this"}
			}
			return next(c)
		}
	}
}

// actor is the signed-in user of the request.
func actor(c echo.Context) *booking.User {
	u, _ := c.Get(userKey).(*booking.User)
	return u
}

type tokenRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// createToken signs in with e-mail and password and returns a new API token.
// Wrong passwords count towards the same limits as the login form's, per
// account and per address.
func (s *Server) createToken(c echo.Context) error {
	var req tokenRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	token, err := s.svc.TokenForLogin(c.Request().Context(), req.Email, req.Password, c.RealIP())
	if err != nil {
		return err
	}
	return c.JSON(201, map[string]string{"token": token})
}

// revokeToken ends the API token the request was made with, so a script can
// retire its own secret; a browser session has no token to revoke.
func (s *Server) revokeToken(c echo.Context) error {
	token, ok := strings.CutPrefix(c.Request().Header.Get(echo.HeaderAuthorization), "Bearer ")
	if !ok {
		return &booking.Error{Code: booking.CodeInvalid, Message: "this request carries no API token; sign out to end a session",
			Details: []booking.FieldError{{Field: "authorization", Message: "send the token to revoke as Bearer"}}}
	}
	if err := s.svc.RevokeToken(c.Request().Context(), strings.TrimSpace(token)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
