package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/report"
)

const (
	admin      = booking.RoleAdmin
	manager    = booking.RoleManager
	supervisor = booking.RoleSupervisor
)

// routes is the one list of every route.
func (s *Server) routes(e *echo.Echo) {
	e.GET("/healthz", s.healthz)
	// Prometheus figures, for a scraper holding a coordinator's API token.
	e.GET("/metrics", s.serveMetrics, s.authenticate, allow(admin))

	// Calendar feeds: the token in the path is the credential.
	e.GET("/ical/supervisors/:file", s.supervisorFeed)
	e.HEAD("/ical/supervisors/:file", s.supervisorFeed)
	e.GET("/ical/workplaces/:file", s.workplaceFeed)
	e.HEAD("/ical/workplaces/:file", s.workplaceFeed)
	e.GET("/ical/pool/:file", s.poolFeed)
	e.HEAD("/ical/pool/:file", s.poolFeed)

	// Web pages (HTML): sessions, CSRF on every form, Swedish unless the user chose English.
	e.GET("/static/*", s.serveStatic)
	e.GET("/", s.home)
	e.POST("/login", s.login)
	e.POST("/logout", s.logout)
	e.GET("/forgot", s.forgotPage)
	e.POST("/forgot", s.forgot)
	e.GET("/reset/:token", s.linkPage(booking.TokenPasswordReset))
	e.POST("/reset/:token", s.usePasswordLink(booking.TokenPasswordReset))
	e.GET("/invite/:token", s.linkPage(booking.TokenInvite))
	e.POST("/invite/:token", s.usePasswordLink(booking.TokenInvite))
	everyone := s.requirePage(admin, manager, supervisor)
	e.GET("/account", s.accountPage, everyone)
	e.POST("/account/password", s.changePassword, everyone)
	e.POST("/account/locale", s.setLocale, everyone)
	e.POST("/account/tokens/:id/end", s.endToken, everyone)
	// A supervisor downloads their own personal data; the coordinator anyone's.
	e.GET("/supervisors/:id/export", s.exportSupervisorPage, s.requirePage(admin, supervisor))
	booker := s.requirePage(admin, manager)
	e.GET("/book", s.bookForm, booker)
	e.GET("/book/free", s.bookFree, booker)
	e.POST("/book", s.book, booker)
	e.GET("/bookings/:id", s.bookingPage, everyone)
	e.POST("/bookings/:id/cancel", s.cancelBookingPage, booker)
	e.POST("/workplaces/:id/feed/renew", s.renewWorkplaceFeedPage, booker)
	e.POST("/bookings/:id/followup", s.followupPage, booker)
	e.GET("/bookings/:id/confirm", s.confirmationPage, s.requirePage(admin, supervisor))
	e.POST("/bookings/:id/confirmation", s.confirmPage, s.requirePage(admin, supervisor))
	own := s.requirePage(supervisor)
	e.GET("/week", s.supervisorWeek, own)
	e.POST("/feed/renew", s.renewFeed, own)
	e.GET("/availability", s.availabilityPage, own)
	e.POST("/availability", s.saveAvailability, own)
	e.GET("/absences", s.absencesPage, own)
	e.POST("/absences", s.addAbsence, own)
	e.POST("/absences/:aid/delete", s.deleteAbsencePage, own)
	e.POST("/absences/import", s.importAbsencesPage, own)
	coord := s.requirePage(admin)
	e.GET("/timeline", s.timeline, coord)
	e.GET("/reports", s.reportsPage, coord)
	e.GET("/reports/:kind", s.tableReportPage, coord)
	e.GET("/supervisors", s.supervisorsPage, coord)
	e.GET("/supervisors/new", s.supervisorForm, coord)
	e.POST("/supervisors/new", s.saveSupervisor, coord)
	e.GET("/supervisors/:id", s.supervisorForm, coord)
	e.POST("/supervisors/:id", s.saveSupervisor, coord)
	e.POST("/supervisors/:id/erase", s.eraseSupervisorPage, coord)
	// The coordinator keeps a supervisor's availability and absences too (one
	// without a login, or while they are away), on the supervisor's own pages.
	e.GET("/supervisors/:id/availability", s.availabilityPage, coord)
	e.POST("/supervisors/:id/availability", s.saveAvailability, coord)
	e.GET("/supervisors/:id/absences", s.absencesPage, coord)
	e.POST("/supervisors/:id/absences", s.addAbsence, coord)
	e.POST("/supervisors/:id/absences/:aid/delete", s.deleteAbsencePage, coord)
	e.POST("/supervisors/:id/absences/import", s.importAbsencesPage, coord)
	e.GET("/workplaces", s.workplacesPage, coord)
	e.GET("/workplaces/new", s.workplaceForm, coord)
	e.POST("/workplaces/new", s.saveWorkplace, coord)
	e.GET("/workplaces/:id", s.workplaceForm, coord)
	e.POST("/workplaces/:id", s.saveWorkplace, coord)
	e.GET("/users", s.usersPage, coord)
	e.POST("/users", s.inviteUser, coord)
	e.POST("/users/:id/deactivate", s.deactivateUser, coord)
	e.POST("/api/v1/auth/token", s.createToken)
	e.DELETE("/api/v1/auth/token", s.revokeToken, s.authenticate, allow(admin, manager, supervisor))

	api := e.Group("/api/v1", s.authenticate)
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
	api.Any("/*", func(c echo.Context) error { return notFound() })
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
	u := actor(c)
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
		out.PoolFeedURL = s.feedURL(booking.FeedPool, token)
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) languages(c echo.Context) error {
	return c.JSON(http.StatusOK, booking.Languages())
}
