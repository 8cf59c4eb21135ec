// Package web is Språkpool's pages: HTML in Swedish and English (the texts
// in ui/internal/catalog), the forms, the templates and the static files, embedded and
// parsed once; the sign-ins and CSRF tokens are ui/internal/session's.
// Handlers are thin: they read the form, call the booking service and render
// a page, or the form again with an error on each field that failed.
package web

import (
	"log/slog"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/account"
	"github.com/sprakpool/sprakpool/booking/calendar"
	"github.com/sprakpool/sprakpool/booking/outbox"
	"github.com/sprakpool/sprakpool/booking/privacy"
	"github.com/sprakpool/sprakpool/booking/report"
	"github.com/sprakpool/sprakpool/booking/request"
	"github.com/sprakpool/sprakpool/booking/search"
	"github.com/sprakpool/sprakpool/ui/internal/session"
)

// Config is what the pages need beyond the booking service.
type Config struct {
	BaseURL  string // the start of absolute links (feed URLs); https makes cookies Secure
	Logger   *slog.Logger
	Reports  *report.Service   // the reports' pages and the overview's utilization
	Privacy  *privacy.Service  // the export download and the erasure
	Calendar *calendar.Service // the .ics import of absences
	Outbox   *outbox.Service   // the overview's mail that failed
	Account  *account.Service  // sign-in, sessions, CSRF key, tokens and account links
	Requests *request.Service  // the managers' requests and the coordinators' queue
	Search   *search.Service   // free times; nil: search.New(svc)
	OIDC     OIDC              // the municipality's login (oidc.go); no Issuer: none
	// Demo (serve --demo) lists the demo logins on the login page, each
	// signing in with one click; without it neither the list nor its route exists.
	Demo bool
}

// Server holds the pages' dependencies.
type Server struct {
	svc      *booking.Service
	cfg      Config
	log      *slog.Logger
	loc      *time.Location
	reports  *report.Service
	privacy  *privacy.Service
	outbox   *outbox.Service
	account  *account.Service
	pages    *pages           // the templates and the content-hashed static files
	sessions *session.Manager // the browsers' sign-ins and their CSRF tokens
	oidc     *oidcLogin       // the municipality's login; nil: none
}

// New is the pages of svc; it fails only if an embedded template does not parse.
func New(svc *booking.Service, cfg Config) (*Server, error) {
	pg, err := loadPages()
	if err != nil {
		return nil, err
	}
	if cfg.Search == nil {
		cfg.Search = search.New(svc)
	}
	return &Server{svc: svc, cfg: cfg, log: cfg.Logger, loc: svc.Config().Location, reports: cfg.Reports,
		privacy: cfg.Privacy, outbox: cfg.Outbox, account: cfg.Account, pages: pg,
		sessions: session.New(svc, cfg.Account, strings.HasPrefix(cfg.BaseURL, "https://"), cfg.Logger),
		oidc:     newOIDCLogin(cfg.OIDC, cfg.BaseURL)}, nil
}

// Session loads and saves the browser's session around a request; its user,
// if any, becomes the caller (httpx.SetSessionUser). The API takes sessions
// too.
func (s *Server) Session() echo.MiddlewareFunc { return s.sessions.Middleware() }

// CSRF checks the token on the unsafe requests of the pages (and of whatever
// sits behind their middleware), sent in the form or in the header.
func (s *Server) CSRF(next echo.HandlerFunc) echo.HandlerFunc { return s.sessions.CSRF(next, false) }

// CSRFHeader checks the token on the API's unsafe requests that a browser's
// session authorises, sent in the X-CSRF-Token header.
func (s *Server) CSRFHeader(next echo.HandlerFunc) echo.HandlerFunc {
	return s.sessions.CSRF(next, true)
}
