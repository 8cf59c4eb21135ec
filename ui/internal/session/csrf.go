package session

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// CSRF protection by a token that only the server can make: every form carries
// it in the field _csrf (scripts send the X-CSRF-Token header), and it is an
// HMAC, under a key derived from the database's secret, of what the request is
// bound to: the session's token once someone is signed in, before that a random
// visitor value the server issued in the HttpOnly cookie sprakpool_csrf. A
// client that makes up its own cookie and header pair cannot make the matching
// token (finding 1 of issue 12: a self-made pair of equal values used to pass).
// echo's own CSRF middleware is not used: since v4.15 it hands browsers a fixed
// placeholder instead of a token whenever they send Sec-Fetch-Site, so a form
// would carry no real token, and it answers a missing token with 400, not 403.
const (
	csrfCookie = "sprakpool_csrf"
	csrfField  = "_csrf"
	csrfHeader = "X-CSRF-Token"
	// csrfKey holds the visitor value of the request; set once CSRF has run.
	csrfKey = "csrf"
	// csrfPurpose names the signing key of CSRF tokens (booking.Service.SigningKey).
	csrfPurpose = "csrf"
)

// visitorForms are the routes that take a form from someone not signed in; on
// every other route a visitor's request is refused anyway, as unauthenticated.
var visitorForms = map[string]bool{"/login": true, "/logout": true, "/forgot": true,
	"/reset/:token": true, "/invite/:token": true, "/demo/login": true}

func newCSRFToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// CSRF checks the token on every unsafe request that a browser's cookies could
// authorise. For the API (api), calls with a Bearer token, or without a
// signed-in session, carry no ambient authority and are not checked, and the
// token is read from the header only; elsewhere a form may carry it. The body
// was bounded, and a page's form parsed, by the body limit before this runs.
func (s *Manager) CSRF(next echo.HandlerFunc, api bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		visitor := ""
		if ck, err := c.Cookie(csrfCookie); err == nil && len(ck.Value) == 43 {
			visitor = ck.Value
		} else {
			visitor = newCSRFToken()
			s.setCSRFCookie(c, visitor)
		}
		c.Set(csrfKey, visitor)
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		signedIn := httpx.SignedIn(c)
		if api && (c.Request().Header.Get(echo.HeaderAuthorization) != "" || !signedIn) {
			return next(c)
		}
		sent := c.Request().Header.Get(csrfHeader)
		if sent == "" && !api {
			sent = c.FormValue(csrfField)
		}
		want, err := s.expectedCSRF(c)
		if err != nil {
			return err
		}
		if sent == "" || want == "" || !hmac.Equal([]byte(sent), []byte(want)) {
			if !signedIn && !visitorForms[c.Path()] {
				// Nothing here works without signing in, whatever the token (a
				// form of a session that has since ended, say): say that.
				return &booking.Error{Code: booking.CodeUnauthorized, Message: "sign in first"}
			}
			return &httpx.Error{Status: http.StatusForbidden, Code: "forbidden", Message: "the form has expired or did not come from this site; reload the page and try again"}
		}
		return next(c)
	}
}

// expectedCSRF is the token the request must carry: bound to the signed-in
// session, else to the visitor value of the cookie ("" before CSRF has run).
func (s *Manager) expectedCSRF(c echo.Context) (string, error) {
	ctx := c.Request().Context()
	binding := ""
	if v, _ := c.Get(csrfKey).(string); v != "" {
		binding = "visitor:" + v
	}
	if httpx.SignedIn(c) {
		if t := s.manager.Token(ctx); t != "" {
			binding = "session:" + t
		}
	}
	if binding == "" {
		return "", nil
	}
	key, err := s.csrfSigningKey(ctx)
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(binding))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)), nil
}

// csrfSigningKey reads the key once; until a read succeeds, every call tries again.
func (s *Manager) csrfSigningKey(ctx context.Context) ([]byte, error) {
	s.csrfMu.Lock()
	defer s.csrfMu.Unlock()
	if s.csrfSecret == nil {
		key, err := s.acct.SigningKey(ctx, csrfPurpose)
		if err != nil {
			return nil, err
		}
		s.csrfSecret = key
	}
	return s.csrfSecret, nil
}

func (s *Manager) setCSRFCookie(c echo.Context, token string) {
	c.SetCookie(&http.Cookie{Name: csrfCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

// rotateCSRF gives the browser a new visitor value at sign-in and sign-out; once
// signed in, the token follows the session's new token anyway.
func (s *Manager) rotateCSRF(c echo.Context) {
	token := newCSRFToken()
	s.setCSRFCookie(c, token)
	c.Set(csrfKey, token)
}

// CSRFToken is the token the page's forms must send back.
func (s *Manager) CSRFToken(c echo.Context) string {
	t, err := s.expectedCSRF(c)
	if err != nil {
		s.log.Error("csrf token", "err", err)
	}
	return t
}

// CSRFChecked is whether the request went through CSRF (the pages' errors
// tell an expired form from a forbidden one by it).
func CSRFChecked(c echo.Context) bool { return c.Get(csrfKey) != nil }
