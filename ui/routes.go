package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
)

const (
	admin      = booking.RoleAdmin
	manager    = booking.RoleManager
	supervisor = booking.RoleSupervisor
)

// routes is the one list of every route.
func (s *Server) routes(e *echo.Echo) {
	e.GET("/healthz", s.healthz)
	e.POST("/api/v1/auth/token", s.createToken)

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

	api.GET("/workplaces", s.listWorkplaces, anyone)
	api.POST("/workplaces", s.createWorkplace, allow(admin))
	api.GET("/workplaces/:id", s.getWorkplace, anyone)
	api.PATCH("/workplaces/:id", s.updateWorkplace, allow(admin))
	api.POST("/workplaces/:id/feed-token", s.renewWorkplaceFeed, allow(admin, manager))

	api.GET("/availability", s.freeSupervisors, allow(admin, manager))
	api.GET("/bookings", s.listBookings, anyone)
	api.POST("/bookings", s.createBooking, allow(admin, manager))
	api.GET("/bookings/:id", s.getBooking, anyone)
	api.PATCH("/bookings/:id", s.updateBooking, anyone)
	api.POST("/bookings/:id/cancel", s.cancelBooking, allow(admin, manager))
	api.POST("/bookings/:id/followup", s.followupBooking, allow(admin, manager))
	api.POST("/bookings/:id/confirmation", s.confirmBooking, allow(admin, supervisor))
	api.GET("/bookings/:id/events", s.bookingEvents, anyone)

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
}

func (s *Server) me(c echo.Context) error {
	u := actor(c)
	ids := u.WorkplaceIDs
	if ids == nil {
		ids = []int64{}
	}
	return c.JSON(http.StatusOK, meJSON{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role,
		WorkplaceIDs: ids, SupervisorID: u.SupervisorID})
}

func (s *Server) languages(c echo.Context) error {
	return c.JSON(http.StatusOK, booking.Languages())
}
