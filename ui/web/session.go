package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
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

// sessions are the browsers' sign-ins: server-side sessions in the database,
// where only a random token travels in the cookie, so a session can be revoked
// at any time, and the CSRF tokens bound to them (csrf.go).
type sessions struct {
	svc     *booking.Service
	acct    *account.Service // the session store and the CSRF key
	manager *scs.SessionManager
	secure  bool // cookies are Secure (BaseURL is https)
	log     *slog.Logger
	// The key of CSRF tokens, read from the database on first use.
	csrfMu     sync.Mutex
	csrfSecret []byte
}

// newSessions sets up server-side sessions in the database.
func newSessions(svc *booking.Service, acct *account.Service, secure bool, log *slog.Logger) *sessions {
	sm := scs.New()
	sm.Store = acct.Sessions()
	sm.Lifetime = sessionLifetime
	sm.Cookie.Name = sessionCookie
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = secure
	sm.Cookie.Persist = false
	return &sessions{svc: svc, acct: acct, manager: sm, secure: secure, log: log}
}

// middleware loads and saves the session around each request and puts the
// signed-in user, if any, in the context. Errors are rendered inside it, so
// the session is saved before the answer is written.
func (s *sessions) middleware() echo.MiddlewareFunc {
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
func (s *sessions) user(c echo.Context) error {
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

// start signs the browser in as u: a new session token (never the one the
// visitor had before), bound to the user so it can be revoked, and a new CSRF
// token.
func (s *sessions) start(c echo.Context, u *booking.User) error {
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

// end signs the browser out.
func (s *sessions) end(c echo.Context) error {
	if err := s.manager.Destroy(c.Request().Context()); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	s.rotateCSRF(c)
	return nil
}

// requirePage lets only signed-in users with one of the roles see a page;
// visitors are sent to the login form, which brings them back afterwards.
func requirePage(roles ...string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u := httpx.Actor(c)
			if u == nil {
				if c.Request().Method != http.MethodGet {
					return &booking.Error{Code: booking.CodeUnauthorized, Message: "sign in first"}
				}
				return c.Redirect(http.StatusSeeOther, "/?next="+url.QueryEscape(c.Request().URL.RequestURI()))
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
