package api

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
)

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
	token, err := s.account.TokenForLogin(c.Request().Context(), req.Email, req.Password, c.RealIP())
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
	if err := s.account.RevokeToken(c.Request().Context(), strings.TrimSpace(token)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
