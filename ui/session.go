package ui

import (
	"fmt"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// sessionCookie is the contract's name of the browser session cookie.
const sessionCookie = "sprakpool_session"

// sessionLifetime is how long a sign-in lasts at most.
const sessionLifetime = 12 * time.Hour

// newSessions sets up server-side sessions in the database: only a random
// token travels in the cookie, so a session can be revoked at any time.
func newSessions(svc *booking.Service, secure bool) *scs.SessionManager {
	sm := scs.New()
	sm.Store = svc.Sessions()
	sm.Lifetime = sessionLifetime
	sm.Cookie.Name = sessionCookie
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = secure
	sm.Cookie.Persist = false
	return sm
}

// sessionMiddleware loads and saves the session around each request and puts
// the signed-in user, if any, in the context. Errors are rendered inside it,
// so the session is saved before the answer is written.
func (s *Server) sessionMiddleware() echo.MiddlewareFunc {
	load := echo.WrapMiddleware(s.sessions.LoadAndSave)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return load(func(c echo.Context) error {
			if err := s.sessionUser(c); err != nil {
				c.Error(err)
				return nil
			}
			if err := next(c); err != nil {
				c.Error(err)
			}
			return nil
		})
	}
}

// sessionUser finds the user of the session; a deactivated or vanished user's
// session is destroyed.
func (s *Server) sessionUser(c echo.Context) error {
	ctx := c.Request().Context()
	id := s.sessions.GetInt64(ctx, "user_id")
	if id == 0 {
		return nil
	}
	u, err := s.svc.UserByID(ctx, id)
	if err != nil && booking.ErrorCode(err) != booking.CodeNotFound {
		return err
	}
	if err != nil || !u.Active {
		return s.sessions.Destroy(ctx)
	}
	httpx.SetSessionUser(c, u)
	return nil
}

// startSession signs the browser in as u: a new session token (never the one
// the visitor had before), bound to the user so it can be revoked, and a new
// CSRF token.
func (s *Server) startSession(c echo.Context, u *booking.User) error {
	ctx := c.Request().Context()
	if err := s.sessions.RenewToken(ctx); err != nil {
		return fmt.Errorf("start session: %w", err)
	}
	s.sessions.Put(ctx, "user_id", u.ID)
	token, _, err := s.sessions.Commit(ctx)
	if err != nil {
		return fmt.Errorf("start session: %w", err)
	}
	if err := s.svc.Sessions().Bind(ctx, token, u.ID); err != nil {
		return err
	}
	httpx.SetActor(c, u)
	s.rotateCSRF(c)
	return nil
}

// endSession signs the browser out.
func (s *Server) endSession(c echo.Context) error {
	if err := s.sessions.Destroy(c.Request().Context()); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	s.rotateCSRF(c)
	return nil
}

// requirePage lets only signed-in users with one of the roles see a page;
// visitors are sent to the login form, which brings them back afterwards.
func (s *Server) requirePage(roles ...string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u := httpx.Actor(c)
			if u == nil {
				if c.Request().Method != http.MethodGet {
					return &booking.Error{Code: booking.CodeUnauthorized, Message: "sign in first"}
				}
				return c.Redirect(http.StatusSeeOther, "/?next="+urlQueryEscape(c.Request().URL.RequestURI()))
			}
			for _, r := range roles {
				if u.Role == r {
					return next(c)
				}
			}
			return &booking.Error{Code: booking.CodeForbidden, Message: "your role may not see this page"}
		}
	}
}
