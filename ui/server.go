// Package ui is Språkpool's web face: the echo server with the JSON API of the
// contract and the HTML pages (server-side sessions, CSRF, Swedish and English).
// Handlers are thin: they read input, call the booking service, and render its
// answer or its error.
package ui

import (
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/sprakpool/sprakpool/booking"
)

// Config is what the web layer needs beyond the service.
type Config struct {
	BaseURL string
	Logger  *slog.Logger
}

// Server holds the handlers' dependencies.
type Server struct {
	svc *booking.Service
	cfg Config
	log *slog.Logger
	loc *time.Location
	// Web pages: templates, server-side sessions, and whether cookies are Secure
	// (when BaseURL is https).
	pages    *pages
	sessions *scs.SessionManager
	secure   bool
	metrics  *metrics // Prometheus figures of this instance (/metrics)
	// The key of CSRF tokens, read from the database on first use.
	csrfMu     sync.Mutex
	csrfSecret []byte
}

// New builds the echo server with every route.
func New(svc *booking.Service, cfg Config) *echo.Echo {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Server{svc: svc, cfg: cfg, log: cfg.Logger, loc: svc.Config().Location}
	s.secure = strings.HasPrefix(cfg.BaseURL, "https://")
	pg, err := loadPages()
	if err != nil {
		panic(err) // the templates are embedded: a test parses every one of them
	}
	s.pages, s.sessions = pg, newSessions(svc, s.secure)
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	// Trust no proxy headers by default: RealIP is the peer address.
	e.IPExtractor = echo.ExtractIPDirect()
	e.HTTPErrorHandler = s.handleError
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.log.Error("panic in handler", "path", c.Path(), "err", err, "stack", string(stack))
			return err
		},
	}))
	s.metrics = newMetrics(svc)
	e.Use(s.metrics.observe)
	e.Use(s.logRequests)
	e.Use(s.securityHeaders, s.limitBody, s.sessionMiddleware(), s.noStoreSignedIn, s.csrf)
	s.routes(e)
	return e
}

// logRequests writes one log line per request.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		status := c.Response().Status
		level := slog.LevelDebug
		if status >= http.StatusInternalServerError {
			level = slog.LevelError
		}
		s.log.Log(c.Request().Context(), level, "request", "method", c.Request().Method,
			"path", c.Path(), "status", status, "duration", time.Since(start))
		return nil
	}
}
