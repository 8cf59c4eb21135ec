// Package session is the browsers' sign-ins: server-side sessions in the
// database, where only a random token travels in the cookie, and the CSRF
// tokens bound to them.
package session

import (
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/account"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// sessionCookie is the contract's name of the browser session cookie.
const sessionCookie = "sprakpool_session"

// sessionLifetime is how long a sign-in lasts at most.
const sessionLifetime = 12 * time.Hour

// Manager is the browsers' sign-ins: server-side sessions in the database,
// where only a random token travels in the cookie, so a session can be revoked
// at any time, and the CSRF tokens bound to them (csrf.go).
type Manager struct {
	svc     *booking.Service
	acct    *account.Service // the session store and the CSRF key
	manager *scs.SessionManager
	secure  bool // cookies are Secure (BaseURL is https)
	log     *slog.Logger
	// The key of CSRF tokens, read from the database on first use.
	csrfMu     sync.Mutex
	csrfSecret []byte
}

// New sets up server-side sessions in the database; secure makes the cookies
// Secure.
func New(svc *booking.Service, acct *account.Service, secure bool, log *slog.Logger) *Manager {
	sm := scs.New()
	sm.Store = acct.Sessions()
	sm.Lifetime = sessionLifetime
	sm.Cookie.Name = sessionCookie
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = secure
	sm.Cookie.Persist = false
	return &Manager{svc: svc, acct: acct, manager: sm, secure: secure, log: log}
}

// Middleware loads and saves the session around each request and puts the
// signed-in user, if any, in the context. Errors are rendered inside it, so
// the session is saved before the answer is written.
func (s *Manager) Middleware() echo.MiddlewareFunc {
	load := echo.WrapMiddleware(s.manager.LoadAndSave)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return load(func(c echo.Context) error {
			if err := s.user(c); err != nil {
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

// user finds the user of the session; a deactivated or vanished user's
// session is destroyed.
func (s *Manager) user(c echo.Context) error {
	ctx := c.Request().Context()
	id := s.manager.GetInt64(ctx, "user_id")
	if id == 0 {
		return nil
	}
	u, err := s.svc.UserByID(ctx, id)
	if err != nil && booking.ErrorCode(err) != booking.CodeNotFound {
		return err
	}
	if err != nil || !u.Active {
		return s.manager.Destroy(ctx)
	}
	httpx.SetSessionUser(c, u)
	return nil
}

// Start signs the browser in as u: a new session token (never the one the
// visitor had before), bound to the user so it can be revoked, and a new CSRF
// token.
func (s *Manager) Start(c echo.Context, u *booking.User) error {
	ctx := c.Request().Context()
	if err := s.manager.RenewToken(ctx); err != nil {
		return fmt.Errorf("start session: %w", err)
	}
	s.manager.Put(ctx, "user_id", u.ID)
	token, _, err := s.manager.Commit(ctx)
	if err != nil {
		return fmt.Errorf("start session: %w", err)
	}
	if err := s.acct.Sessions().Bind(ctx, token, u.ID); err != nil {
		return err
	}
	httpx.SetActor(c, u)
	s.rotateCSRF(c)
	return nil
}

// End signs the browser out.
func (s *Manager) End(c echo.Context) error {
	if err := s.manager.Destroy(c.Request().Context()); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	s.rotateCSRF(c)
	return nil
}

// Secure is whether the cookies are Secure (the base URL is https).
func (s *Manager) Secure() bool { return s.secure }
