package api

import (
	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// mePatchRequest is PATCH /api/v1/me: how the user is reached by SMS.
type mePatchRequest struct {
	Phone        *string `json:"phone"`
	SMSReminders *bool   `json:"sms_reminders"`
}

// patchMe is PATCH /api/v1/me: any user sets their own phone number and SMS
// reminders, and gets GET /api/v1/me's answer.
func (s *Server) patchMe(c echo.Context) error {
	var req mePatchRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	err := s.svc.SetContact(c.Request().Context(), httpx.Actor(c), booking.ContactPatch{Phone: req.Phone, SMSReminders: req.SMSReminders})
	if err != nil {
		return err
	}
	return s.me(c)
}
