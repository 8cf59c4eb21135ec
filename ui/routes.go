package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/report"
	"github.com/sprakpool/sprakpool/ui/feed"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

const (
	admin      = booking.RoleAdmin
	manager    = booking.RoleManager
	supervisor = booking.RoleSupervisor
)

// routes is the one list of every route. Each part sits behind its own
// middleware, in this order: how its errors are answered, the body limit
// (before anything reads the body), the browser session (the API takes one as
// well as a token), no caching of what a signed-in user sees, and the CSRF
// check. The feeds, /healthz and /metrics sit behind the pages' middleware;
// /healthz and /metrics answer errors in JSON.
func (s *Server) routes(e *echo.Echo) {
	s.pageMW = []echo.MiddlewareFunc{httpx.AnswerWith(s.pageError), httpx.LimitFormBody, s.sessionMiddleware(), s.noStoreSignedIn, s.csrfPages}
	s.opsMW = append([]echo.MiddlewareFunc{httpx.AnswerWith(httpx.JSON)}, s.pageMW[1:]...)
	s.apiMW = []echo.MiddlewareFunc{httpx.AnswerWith(httpx.JSON), httpx.LimitAPIBody, s.sessionMiddleware(), s.noStoreSignedIn, s.csrfAPI}
	authenticate := httpx.Authenticate(s.svc)
	allow := httpx.Allow

	ops := httpx.Behind(e, s.opsMW...)
	ops.GET("/healthz", s.healthz)
	// Prometheus figures, for a scraper holding a coordinator's API token.
	ops.GET("/metrics", s.serveMetrics, authenticate, allow(admin))

	// Calendar feeds (/ical/…), behind the pages' middleware.
	s.feed.Routes(httpx.Behind(e, s.pageMW...))

	// Web pages (HTML): sessions, CSRF on every form, Swedish unless the user chose English.
	pages := httpx.Behind(e, s.pageMW...)
	pages.GET("/static/*", s.serveStatic)
	pages.GET("/", s.home)
	pages.POST("/login", s.login)
	pages.POST("/logout", s.logout)
	pages.GET("/forgot", s.forgotPage)
	pages.POST("/forgot", s.forgot)
	pages.GET("/reset/:token", s.linkPage(booking.TokenPasswordReset))
	pages.POST("/reset/:token", s.usePasswordLink(booking.TokenPasswordReset))
	pages.GET("/invite/:token", s.linkPage(booking.TokenInvite))
	pages.POST("/invite/:token", s.usePasswordLink(booking.TokenInvite))
	everyone := s.requirePage(admin, manager, supervisor)
	pages.GET("/account", s.accountPage, everyone)
	pages.POST("/account/password", s.changePassword, everyone)
	pages.POST("/account/locale", s.setLocale, everyone)
	pages.POST("/account/tokens/:id/end", s.endToken, everyone)
	// A supervisor downloads their own personal data; the coordinator anyone's.
	pages.GET("/supervisors/:id/export", s.exportSupervisorPage, s.requirePage(admin, supervisor))
	booker := s.requirePage(admin, manager)
	pages.GET("/book", s.bookForm, booker)
	pages.GET("/book/free", s.bookFree, booker)
	pages.POST("/book", s.book, booker)
	pages.GET("/bookings/:id", s.bookingPage, everyone)
	pages.POST("/bookings/:id/cancel", s.cancelBookingPage, booker)
	pages.POST("/workplaces/:id/feed/renew", s.renewWorkplaceFeedPage, booker)
	pages.POST("/bookings/:id/followup", s.followupPage, booker)
	pages.GET("/bookings/:id/confirm", s.confirmationPage, s.requirePage(admin, supervisor))
	pages.POST("/bookings/:id/confirmation", s.confirmPage, s.requirePage(admin, supervisor))
	own := s.requirePage(supervisor)
	pages.GET("/week", s.supervisorWeek, own)
	pages.POST("/feed/renew", s.renewFeed, own)
	pages.GET("/availability", s.availabilityPage, own)
	pages.POST("/availability", s.saveAvailability, own)
	pages.GET("/absences", s.absencesPage, own)
	pages.POST("/absences", s.addAbsence, own)
	pages.POST("/absences/:aid/delete", s.deleteAbsencePage, own)
	pages.POST("/absences/import", s.importAbsencesPage, own)
	coord := s.requirePage(admin)
	pages.GET("/timeline", s.timeline, coord)
	pages.GET("/reports", s.reportsPage, coord)
	pages.GET("/reports/:kind", s.tableReportPage, coord)
	pages.GET("/supervisors", s.supervisorsPage, coord)
	pages.GET("/supervisors/new", s.supervisorForm, coord)
	pages.POST("/supervisors/new", s.saveSupervisor, coord)
	pages.GET("/supervisors/:id", s.supervisorForm, coord)
	pages.POST("/supervisors/:id", s.saveSupervisor, coord)
	pages.POST("/supervisors/:id/erase", s.eraseSupervisorPage, coord)
	// The coordinator keeps a supervisor's availability and absences too (one
	// without a login, or while they are away), on the supervisor's own pages.
	pages.GET("/supervisors/:id/availability", s.availabilityPage, coord)
	pages.POST("/supervisors/:id/availability", s.saveAvailability, coord)
	pages.GET("/supervisors/:id/absences", s.absencesPage, coord)
	pages.POST("/supervisors/:id/absences", s.addAbsence, coord)
	pages.POST("/supervisors/:id/absences/:aid/delete", s.deleteAbsencePage, coord)
	pages.POST("/supervisors/:id/absences/import", s.importAbsencesPage, coord)
	pages.GET("/workplaces", s.workplacesPage, coord)
	pages.GET("/workplaces/new", s.workplaceForm, coord)
	pages.POST("/workplaces/new", s.saveWorkplace, coord)
	pages.GET("/workplaces/:id", s.workplaceForm, coord)
	pages.POST("/workplaces/:id", s.saveWorkplace, coord)
	pages.GET("/users", s.usersPage, coord)
	pages.POST("/users", s.inviteUser, coord)
	pages.POST("/users/:id/deactivate", s.deactivateUser, coord)

	// The JSON API. Unknown paths under it answer in its error shape.
	v1 := e.Group("/api/v1", s.apiMW...)
	v1.POST("/auth/token", s.createToken)
	v1.DELETE("/auth/token", s.revokeToken, authenticate, allow(admin, manager, supervisor))
	api := v1.Group("", authenticate)
	anyone := allow(admin, manager, supervisor)
	api.GET("/me", s.me, anyone)
	api.GET("/languages", s.languages, anyone)

	api.GET("/supervisors", s.listSupervisors, anyone)
	api.POST("/supervisors", s.createSupervisor, allow(admin))
	api.GET("/supervisors/:id", s.getSupervisor, anyone)
	api.PATCH("/supervisors/:id", s.updateSupervisor, allow(admin))
	api.POST("/supervisors/:id/feed-token", s.renewSupervisorFeed, allow(admin, supervisor))
	api.GET("/supervisors/:id/availability", s.getAvailability, allow(admin, supervisor))
	api.PUT("/supervisors/:id/availability", s.putAvailability, allow(admin, supervisor))
	api.GET("/supervisors/:id/absences", s.listAbsences, allow(admin, supervisor))
	api.POST("/supervisors/:id/absences", s.createAbsence, allow(admin, supervisor))
	api.DELETE("/supervisors/:id/absences/:aid", s.deleteAbsence, allow(admin, supervisor))
	api.POST("/supervisors/:id/absences/import", s.importAbsences, allow(admin, supervisor))
	// Personal data: export for the coordinator and the supervisor themself, erasure and audit for the coordinator.
	api.GET("/supervisors/:id/export", s.exportSupervisor, allow(admin, supervisor))
	api.POST("/supervisors/:id/erase", s.eraseSupervisor, allow(admin))
	api.GET("/audit", s.auditLog, allow(admin))

	api.GET("/users", s.listUsers, allow(admin))
	api.POST("/users", s.createUser, allow(admin))
	api.PATCH("/users/:id", s.updateUser, allow(admin))

	api.GET("/workplaces", s.listWorkplaces, anyone)
	api.POST("/workplaces", s.createWorkplace, allow(admin))
	api.GET("/workplaces/:id", s.getWorkplace, anyone)
	api.PATCH("/workplaces/:id", s.updateWorkplace, allow(admin))
	api.POST("/workplaces/:id/feed-token", s.renewWorkplaceFeed, allow(admin, manager))
	api.POST("/pool/feed-token", s.renewPoolFeed, allow(admin))

	api.GET("/availability", s.freeSupervisors, allow(admin, manager))
	api.GET("/bookings", s.listBookings, anyone)
	api.POST("/bookings", s.createBooking, allow(admin, manager))
	api.GET("/bookings/:id", s.getBooking, anyone)
	api.PATCH("/bookings/:id", s.updateBooking, anyone)
	api.POST("/bookings/:id/cancel", s.cancelBooking, allow(admin, manager))
	api.POST("/bookings/:id/followup", s.followupBooking, allow(admin, manager))
	api.POST("/bookings/:id/confirmation", s.confirmBooking, allow(admin, supervisor))
	api.GET("/bookings/:id/events", s.bookingEvents, anyone)

	for _, k := range report.Kinds { // /reports/utilization, and so on
		api.GET("/reports/"+k.Name, s.reportAPI(k), allow(admin))
	}
	api.GET("/rates", s.listRates, allow(admin))
	api.POST("/rates", s.createRate, allow(admin))
	api.PATCH("/rates/:id", s.updateRate, allow(admin))
	api.DELETE("/rates/:id", s.deleteRate, allow(admin))

	// Unknown paths under the API answer in the API's error shape.
	api.Any("/*", func(c echo.Context) error { return httpx.NotFound() })
}

func (s *Server) healthz(c echo.Context) error {
	if err := s.svc.Ping(c.Request().Context()); err != nil {
		s.log.Error("health check failed", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "database unavailable"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

type meJSON struct {
	ID           int64   `json:"id"`
	Email        string  `json:"email"`
	Name         string  `json:"name"`
	Role         string  `json:"role"`
	WorkplaceIDs []int64 `json:"workplace_ids"`
	SupervisorID *int64  `json:"supervisor_id"`
	PoolFeedURL  string  `json:"pool_feed_url,omitempty"`
}

func (s *Server) me(c echo.Context) error {
	u := httpx.Actor(c)
	ids := u.WorkplaceIDs
	if ids == nil {
		ids = []int64{}
	}
	out := meJSON{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, WorkplaceIDs: ids, SupervisorID: u.SupervisorID}
	if u.IsAdmin() {
		token, err := s.svc.PoolFeedToken(c.Request().Context(), u)
		if err != nil {
			return err
		}
		out.PoolFeedURL = feed.URL(s.cfg.BaseURL, booking.FeedPool, token)
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) languages(c echo.Context) error {
	return c.JSON(http.StatusOK, booking.Languages())
}
