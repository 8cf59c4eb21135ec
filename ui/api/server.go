// Package api is /api/v1 of the contract: every JSON handler and every JSON
// shape (reports and the privacy export included). Handlers are thin: they
// read the request, call the booking service (or reports, or privacy) and
// write its answer. An error is returned as it is; ui turns it into the
// contract's error shape (httpx.ErrorBody), the same for every route.
package api

import (
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/account"
	"github.com/sprakpool/sprakpool/booking/calendar"
	"github.com/sprakpool/sprakpool/booking/privacy"
	"github.com/sprakpool/sprakpool/booking/report"
	"github.com/sprakpool/sprakpool/booking/request"
	"github.com/sprakpool/sprakpool/booking/search"
)

// Config is what the API needs beyond the booking service.
type Config struct {
	BaseURL  string            // the start of absolute links (feed URLs)
	Reports  *report.Service   // reports and rates
	Privacy  *privacy.Service  // export, erasure and the audit log
	Calendar *calendar.Service // the .ics import of absences
	Requests *request.Service  // the requests left when no free time fits
	Search   *search.Service   // free times; nil: search.New(svc)
	Account  *account.Service  // sign-in, API tokens and invitations
}

// Server holds the API handlers' dependencies.
type Server struct {
	svc      *booking.Service
	cfg      Config
	loc      *time.Location // the pool's zone, in which every time is written
	reports  *report.Service
	privacy  *privacy.Service
	requests *request.Service
	account  *account.Service
}

// New is the API of svc.
func New(svc *booking.Service, cfg Config) *Server {
	if cfg.Search == nil {
		cfg.Search = search.New(svc)
	}
	return &Server{svc: svc, cfg: cfg, loc: svc.Config().Location, reports: cfg.Reports, privacy: cfg.Privacy,
		requests: cfg.Requests, account: cfg.Account}
}
