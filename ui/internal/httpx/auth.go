package httpx

import (
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/account"
)

// Who the caller is: the user of a browser session (the pages' session
// middleware finds it) or of an API token (Authenticate), kept in the context.
const (
	userKey        = "user"
	sessionUserKey = "session_user"
)

// Actor is the signed-in user of the request; nil for a visitor.
func Actor(c echo.Context) *booking.User {
	u, _ := c.Get(userKey).(*booking.User)
	return u
}

// SetActor makes u the user of the request (at sign-in, for the rest of it).
func SetActor(c echo.Context, u *booking.User) { c.Set(userKey, u) }

// SetSessionUser makes u the user of the request, signed in by the browser's
// session: what the CSRF check guards and what no cache may keep.
func SetSessionUser(c echo.Context, u *booking.User) {
	c.Set(userKey, u)
	c.Set(sessionUserKey, true)
}

// SignedIn reports whether the request's user came from a browser session.
func SignedIn(c echo.Context) bool {
	signedIn, _ := c.Get(sessionUserKey).(bool)
	return signedIn
}

// Authenticate requires a valid API token, or a browser session, and puts its
// user in the context. Bad tokens count towards the per-address limit of the
// address echo's IPExtractor gives.
func Authenticate(acct *account.Service) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Request().Header.Get(echo.HeaderAuthorization)
			if h == "" && SignedIn(c) {
				return next(c) // the browser's session; csrf has checked unsafe methods
			}
			token, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				token = ""
			}
			u, err := acct.Authenticate(c.Request().Context(), strings.TrimSpace(token), c.RealIP())
			if err != nil {
				if booking.ErrorCode(err) == booking.CodeUnauthorized {
					c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="sprakpool"`)
				}
				return err
			}
			SetActor(c, u)
			return next(c)
		}
	}
}

// Allow lets only the given roles through, before the body is read.
func Allow(roles ...string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !slices.Contains(roles, Actor(c).Role) {
				return &booking.Error{Code: booking.CodeForbidden, Message: "your role may not do this"}
			}
			return next(c)
		}
	}
}
