// Package ui is Språkpool's web face: one echo server that mounts its parts,
// each behind its own middleware (routes.go): the JSON API of the contract
// (ui/api), the HTML pages with their sessions and CSRF tokens (ui/web) and the
// calendar feeds (ui/feed), plus /healthz and /metrics. What the parts share,
// the one map from errors to HTTP statuses and who the caller is, is in
// ui/internal/httpx; every error is answered here (error.go).
package ui

import (
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/account"
	"github.com/sprakpool/sprakpool/booking/calendar"
	"github.com/sprakpool/sprakpool/booking/outbox"
	"github.com/sprakpool/sprakpool/booking/privacy"
	"github.com/sprakpool/sprakpool/booking/report"
	"github.com/sprakpool/sprakpool/booking/request"
	"github.com/sprakpool/sprakpool/ui/api"
	"github.com/sprakpool/sprakpool/ui/feed"
	"github.com/sprakpool/sprakpool/ui/web"
)

// Config is what the web layer needs beyond the service.
type Config struct {
	BaseURL string
	Logger  *slog.Logger
	// Reports computes the reports and keeps the rates; nil: report.New(svc).
	Reports *report.Service
	// Privacy exports and erases personal data and keeps the audit log; nil:
	// privacy.New(svc).
	Privacy *privacy.Service
	// Outbox lists the mail that failed, for the dashboard; nil: outbox.New(svc).
	Outbox *outbox.Service
	// TrustedProxies are the reverse proxies (SPRAKPOOL_TRUSTED_PROXIES) whose
	// X-Forwarded-For says who the client is; from anyone else it is ignored.
	TrustedProxies []*net.IPNet
	// Calendar renders the feeds and imports absences; nil: calendar.New(svc).
	Calendar *calendar.Service
	// Requests keeps what managers ask for when no free time fits; nil:
	// request.New(svc).
	Requests *request.Service
	// Account signs people in: passwords, API tokens, sessions, account
	// links; nil: account.New(svc).
	Account *account.Service
	// OIDC is the municipality's login (SPRAKPOOL_OIDC_*); no Issuer: none.
	// Whether passwords are taken too is Account's (account.Options).
	OIDC web.OIDC
	// Demo is serve --demo: the login page offers the demo logins.
	Demo bool
}

// server is the mount: the parts, and what every request goes through.
type server struct {
	svc     *booking.Service
	account *account.Service // API tokens (/metrics)
	log     *slog.Logger
	loc     *time.Location
	secure  bool        // BaseURL is https: answers carry HSTS
	metrics *metrics    // Prometheus figures of this instance (/metrics)
	api     *api.Server // the JSON API (/api/v1)
	web     *web.Server // the pages, sessions and CSRF
	feed    *feed.Server
	// The middleware each part sits behind (routes.go).
	pageMW, apiMW, opsMW []echo.MiddlewareFunc
}

// New builds the echo server with every route.
func New(svc *booking.Service, cfg Config) *echo.Echo {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Reports == nil {
		cfg.Reports = report.New(svc)
	}
	if cfg.Calendar == nil {
		cfg.Calendar = calendar.New(svc)
	}
	if cfg.Privacy == nil {
		cfg.Privacy = privacy.New(svc)
	}
	if cfg.Outbox == nil {
		cfg.Outbox = outbox.New(svc)
	}
	if cfg.Requests == nil {
		cfg.Requests = request.New(svc)
	}
	if cfg.Account == nil {
		cfg.Account = account.New(svc)
	}
	s := &server{svc: svc, account: cfg.Account, log: cfg.Logger, loc: svc.Config().Location, secure: strings.HasPrefix(cfg.BaseURL, "https://")}
	pages, err := web.New(svc, web.Config{BaseURL: cfg.BaseURL, Logger: cfg.Logger, Reports: cfg.Reports, Privacy: cfg.Privacy,
		Calendar: cfg.Calendar, Outbox: cfg.Outbox, Account: cfg.Account, Requests: cfg.Requests, OIDC: cfg.OIDC, Demo: cfg.Demo})
	if err != nil {
		panic(err) // the templates are embedded: a test parses every one of them
	}
	s.web = pages
	s.api = api.New(svc, api.Config{BaseURL: cfg.BaseURL, Reports: cfg.Reports, Privacy: cfg.Privacy, Calendar: cfg.Calendar,
		Requests: cfg.Requests, Account: cfg.Account})
	s.feed = feed.New(cfg.Calendar)
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = ipExtractor(cfg.TrustedProxies)
	e.HTTPErrorHandler = s.handleError
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.log.Error("panic in handler", "path", c.Path(), "err", err, "stack", string(stack))
			return err
		},
	}))
	s.metrics = newMetrics(cfg.Outbox)
	e.Use(s.metrics.observe)
	e.Use(s.logRequests)
	e.Use(s.securityHeaders, s.unrouted)
	s.routes(e)
	return e
}

// ipExtractor finds the address a request counts as coming from, for every
// per-address limit and in the logs. With no trusted proxies it is the peer's
// address and X-Forwarded-For is ignored (echo's default RealIP would believe
// anyone's). Behind trusted proxies it is the right-most X-Forwarded-For entry
// that is not itself a trusted proxy, so a client cannot choose its address by
// sending the header itself (finding 12 of issue 12); an entry that is no
// address makes the request count as the proxy's. echo's own extractor does
// the walk; only loopback, link-local and private ranges it would trust by
// default are turned off, so nothing but the configured ranges is trusted.
func ipExtractor(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// logRequests writes one log line per request.
func (s *server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
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
			"path", c.Path(), "status", status, "duration", time.Since(start), "ip", c.RealIP())
		return nil
	}
}
