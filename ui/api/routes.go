package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/report"
	"github.com/sprakpool/sprakpool/booking/vocab"
	"github.com/sprakpool/sprakpool/ui/feed"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

const (
	admin      = booking.RoleAdmin
	manager    = booking.RoleManager
	supervisor = booking.RoleSupervisor
)

// Routes is the one list of the API's routes, registered on g: /api/v1,
// behind the API's middleware (ui/routes.go). Signing in for a token needs no
// credentials; everything else needs a token or a browser session, and the
// role is checked before the body is read.
func (s *Server) Routes(g *echo.Group) {
	authenticate := httpx.Authenticate(s.account)
	allow := httpx.Allow
	g.POST("/auth/token", s.createToken)
	g.DELETE("/auth/token", s.revokeToken, authenticate, allow(admin, manager, supervisor))
	api := g.Group("", authenticate)
	anyone := allow(admin, manager, supervisor)
	api.GET("/me", s.me, anyone)
	api.PATCH("/me", s.patchMe, anyone)
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

	api.POST("/series", s.createSeries, allow(admin, manager))
	api.GET("/series/:id", s.getSeries, anyone)
	api.POST("/series/:id/cancel", s.cancelSeries, allow(admin, manager))

	api.GET("/slots", s.listSlots, allow(admin, manager))
	api.POST("/requests", s.createRequest, allow(admin, manager))
	api.GET("/requests", s.listRequests, allow(admin, manager))
	api.GET("/requests/:id", s.getRequest, allow(admin, manager))
	api.POST("/requests/:id/fill", s.fillRequest, allow(admin))
	api.POST("/requests/:id/decline", s.declineRequest, allow(admin))
	api.POST("/requests/:id/withdraw", s.withdrawRequest, allow(admin, manager))

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

type meJSON struct {
	ID           int64   `json:"id"`
	Email        string  `json:"email"`
	Name         string  `json:"name"`
	Role         string  `json:"role"`
	WorkplaceIDs []int64 `json:"workplace_ids"`
	SupervisorID *int64  `json:"supervisor_id"`
	PoolFeedURL  string  `json:"pool_feed_url,omitempty"`
	Phone        string  `json:"phone"`
	SMSReminders bool    `json:"sms_reminders"`
}

func (s *Server) me(c echo.Context) error {
	u := httpx.Actor(c)
	ids := u.WorkplaceIDs
	if ids == nil {
		ids = []int64{}
	}
	out := meJSON{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, WorkplaceIDs: ids, SupervisorID: u.SupervisorID,
		Phone: u.Phone, SMSReminders: u.SMSReminders}
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
	return c.JSON(http.StatusOK, vocab.Languages())
}
