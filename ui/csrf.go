package ui

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// CSRF protection by double submit: a random token in an HttpOnly cookie that
// every form repeats in the field _csrf (scripts send the X-CSRF-Token header).
// echo's own CSRF middleware is not used: since v4.15 it hands browsers a fixed
// placeholder instead of a token whenever they send Sec-Fetch-Site, so a form
// would carry no real token, and it answers a missing token with 400, not 403.
const (
	csrfCookie = "sprakpool_csrf"
	csrfField  = "_csrf"
	csrfHeader = "X-CSRF-Token"
	csrfKey    = "csrf"
	// maxFormBody is the largest form a page accepts.
	maxFormBody = 2 << 20
)

func newCSRFToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// csrf checks the token on every unsafe request that a browser's cookies could
// authorise. API calls with a Bearer token, or with no session at all, carry no
// ambient authority and are not checked.
func (s *Server) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token := ""
		if ck, err := c.Cookie(csrfCookie); err == nil && len(ck.Value) == 43 {
			token = ck.Value
		} else {
			token = newCSRFToken()
			s.setCSRFCookie(c, token)
		}
		c.Set(csrfKey, token)
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		if strings.HasPrefix(c.Request().URL.Path, "/api/") {
			_, err := c.Cookie(sessionCookie)
			if c.Request().Header.Get(echo.HeaderAuthorization) != "" || err != nil {
				return next(c)
			}
		}
		sent := c.Request().Header.Get(csrfHeader)
		if sent == "" && !strings.HasPrefix(c.Request().URL.Path, "/api/") {
			// Forms are small; an .ics upload is at most 1 MiB. Nothing larger is read.
			r := c.Request()
			r.Body = http.MaxBytesReader(c.Response(), r.Body, maxFormBody)
			sent = c.FormValue(csrfField)
		}
		if sent == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(token)) != 1 {
			return &httpError{status: http.StatusForbidden, code: "forbidden", message: "the form has expired or did not come from this site; reload the page and try again"}
		}
		return next(c)
	}
}

func (s *Server) setCSRFCookie(c echo.Context, token string) {
	c.SetCookie(&http.Cookie{Name: csrfCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

// rotateCSRF gives the browser a new token at sign-in and sign-out.
func (s *Server) rotateCSRF(c echo.Context) {
	token := newCSRFToken()
	s.setCSRFCookie(c, token)
	c.Set(csrfKey, token)
}

// csrfToken is the token the page's forms must send back.
func csrfToken(c echo.Context) string {
	t, _ := c.Get(csrfKey).(string)
	return t
}
