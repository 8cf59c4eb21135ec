package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
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

	// The JSON API (/api/v1), behind its own middleware.
	s.api.Routes(e.Group("/api/v1", s.apiMW...))
}

func (s *Server) healthz(c echo.Context) error {
	if err := s.svc.Ping(c.Request().Context()); err != nil {
		s.log.Error("health check failed", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "database unavailable"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}
