package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// contactValues fills the account page's SMS form with the user's number and
// choice, unless the form holds what was just sent (and refused).
func contactValues(f *form, u *booking.User) {
	if _, sent := f.Values["phone"]; sent {
		return
	}
	f.Values["phone"] = u.Phone
	if u.SMSReminders {
		f.Values["sms_reminders"] = "true"
	}
}

// setSMS is POST /account/sms: the user's own phone number and whether
// reminders also come by SMS, as PATCH /api/v1/me sets them.
func (s *Server) setSMS(c echo.Context) error {
	phone := c.FormValue("phone")
	on := c.FormValue("sms_reminders") == "true"
	err := s.svc.SetContact(c.Request().Context(), httpx.Actor(c), booking.ContactPatch{Phone: &phone, SMSReminders: &on})
	if err != nil {
		f := newForm()
		if !failFrom(f, s.lang(c), err, nil) {
			return err
		}
		f.Values["phone"] = phone
		if on {
			f.Values["sms_reminders"] = "true"
		}
		return s.showAccount(c, http.StatusUnprocessableEntity, f)
	}
	return c.Redirect(http.StatusSeeOther, "/account?done=sms")
}
