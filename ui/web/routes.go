package web

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/account"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

const (
	admin      = booking.RoleAdmin
	manager    = booking.RoleManager
	supervisor = booking.RoleSupervisor
)

// Routes is the one list of the pages' routes, registered behind the pages'
// middleware (ui/routes.go): sessions, CSRF on every form, Swedish unless the
// user chose English. requirePage lets a role in, and sends a visitor to the
// login form.
func (s *Server) Routes(r httpx.Routes) {
	r.GET("/static/*", s.serveStatic)
	r.GET("/", s.home)
	r.POST("/login", s.login, s.passwordsOn)
	r.POST("/logout", s.logout)
	if s.cfg.Demo {
		r.POST("/demo/login", s.demoLogin)
	}
	r.GET("/auth/oidc/login", s.oidcStart)
	r.GET("/auth/oidc/callback", s.oidcCallback)
	r.GET("/forgot", s.forgotPage, s.passwordsOn)
	r.POST("/forgot", s.forgot, s.passwordsOn)
	r.GET("/reset/:token", s.linkPage(account.TokenPasswordReset), s.passwordsOn)
	r.POST("/reset/:token", s.usePasswordLink(account.TokenPasswordReset), s.passwordsOn)
	r.GET("/invite/:token", s.linkPage(account.TokenInvite), s.passwordsOn)
	r.POST("/invite/:token", s.usePasswordLink(account.TokenInvite), s.passwordsOn)
	// What a Swedish public service must show, to anyone (issue 16).
	r.GET("/accessibility", s.accessibilityPage)
	r.GET("/personal-data", s.personalDataPage)
	everyone := requirePage(admin, manager, supervisor)
	r.GET("/account", s.accountPage, everyone)
	r.POST("/account/password", s.changePassword, everyone, s.passwordsOn)
	r.POST("/account/locale", s.setLocale, everyone)
	r.POST("/account/sms", s.setSMS, everyone)
	r.POST("/account/tokens/:id/end", s.endToken, everyone)
	// A supervisor downloads their own personal data; the coordinator anyone's.
	r.GET("/supervisors/:id/export", s.exportSupervisorPage, requirePage(admin, supervisor))
	booker := requirePage(admin, manager)
	rp := requestPages{s}
	r.GET("/book", s.bookForm, booker)
	r.GET("/book/free", s.bookFree, booker)
	r.POST("/book", s.book, booker)
	r.GET("/book/times", rp.timesPage, booker)
	r.GET("/book/series", s.seriesPreviewPage, booker)
	r.POST("/book/series", s.bookSeries, booker)
	r.GET("/series/:id", s.seriesPage, everyone)
	r.POST("/series/:id/cancel", s.cancelSeriesPage, booker)
	r.GET("/requests", rp.myRequests, booker)
	r.GET("/requests/new", rp.requestForm, booker)
	r.POST("/requests", rp.createRequest, booker)
	r.POST("/requests/:id/withdraw", rp.withdrawRequest, booker)
	r.GET("/bookings/:id", s.bookingPage, everyone)
	r.GET("/my-bookings", s.myBookings, booker)
	r.GET("/bookings/:id/move", s.movePage, booker)
	r.POST("/bookings/:id/move", s.moveBooking, booker)
	r.POST("/bookings/:id/cancel", s.cancelBookingPage, booker)
	r.POST("/bookings/:id/reassign", s.reassignPage, requirePage(admin))
	r.POST("/workplaces/:id/feed/renew", s.renewWorkplaceFeedPage, booker)
	r.POST("/bookings/:id/followup", s.followupPage, booker)
	r.GET("/bookings/:id/confirm", s.confirmationPage, requirePage(admin, supervisor))
	r.POST("/bookings/:id/confirmation", s.confirmPage, requirePage(admin, supervisor))
	own := requirePage(supervisor)
	r.GET("/week", s.supervisorWeek, own)
	r.GET("/week/print", s.printWeek, own)
	r.POST("/feed/renew", s.renewFeed, own)
	r.GET("/availability", s.availabilityPage, own)
	r.POST("/availability", s.saveAvailability, own)
	r.GET("/absences", s.absencesPage, own)
	r.POST("/absences", s.addAbsence, own)
	r.POST("/absences/:aid/delete", s.deleteAbsencePage, own)
	r.POST("/absences/import", s.importAbsencesPage, own)
	coord := requirePage(admin)
	r.GET("/timeline", s.timeline, coord)
	r.GET("/requests/queue", rp.requestQueue, coord)
	r.POST("/requests/:id/fill", rp.fillRequest, coord)
	r.POST("/requests/:id/decline", rp.declineRequest, coord)
	r.GET("/reports", s.reportsPage, coord)
	r.GET("/reports/evaluation", s.evaluationPageHandler, coord)
	r.GET("/reports/:kind", s.tableReportPage, coord)
	r.GET("/supervisors", s.supervisorsPage, coord)
	r.GET("/supervisors/new", s.supervisorForm, coord)
	r.POST("/supervisors/new", s.saveSupervisor, coord)
	r.GET("/supervisors/:id", s.supervisorForm, coord)
	r.POST("/supervisors/:id", s.saveSupervisor, coord)
	r.POST("/supervisors/:id/erase", s.eraseSupervisorPage, coord)
	// The coordinator keeps a supervisor's availability and absences too (one
	// without a login, or while they are away), on the supervisor's own pages.
	r.GET("/supervisors/:id/availability", s.availabilityPage, coord)
	r.POST("/supervisors/:id/availability", s.saveAvailability, coord)
	r.GET("/supervisors/:id/absences", s.absencesPage, coord)
	r.POST("/supervisors/:id/absences", s.addAbsence, coord)
	r.POST("/supervisors/:id/absences/:aid/delete", s.deleteAbsencePage, coord)
	r.POST("/supervisors/:id/absences/import", s.importAbsencesPage, coord)
	r.GET("/workplaces", s.workplacesPage, coord)
	r.GET("/workplaces/new", s.workplaceForm, coord)
	r.POST("/workplaces/new", s.saveWorkplace, coord)
	r.GET("/workplaces/:id", s.workplaceForm, coord)
	r.POST("/workplaces/:id", s.saveWorkplace, coord)
	r.GET("/users", s.usersPage, coord)
	r.POST("/users", s.inviteUser, coord)
	r.POST("/users/:id/deactivate", s.deactivateUser, coord)
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
