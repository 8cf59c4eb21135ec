package api

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// The users API lets a municipality keep Språkpool's users in step with its
// staff register by script (admins only; the role is checked before the body).

type userJSON struct {
	ID           int64   `json:"id"`
	Email        string  `json:"email"`
	Name         string  `json:"name"`
	Role         string  `json:"role"`
	WorkplaceIDs []int64 `json:"workplace_ids"`
	SupervisorID *int64  `json:"supervisor_id"`
	Active       bool    `json:"active"`
	Phone        string  `json:"phone"`
	SMSReminders bool    `json:"sms_reminders"`
}

func toUserJSON(u *booking.User) userJSON {
	ids := u.WorkplaceIDs
	if ids == nil {
		ids = []int64{}
	}
	return userJSON{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, WorkplaceIDs: ids,
		SupervisorID: u.SupervisorID, Active: u.Active, Phone: u.Phone, SMSReminders: u.SMSReminders}
}

type newUserRequest struct {
	Email        string  `json:"email"`
	Name         string  `json:"name"`
	Role         string  `json:"role"`
	WorkplaceIDs []int64 `json:"workplace_ids"`
	SupervisorID *int64  `json:"supervisor_id"`
}

// userPatchRequest patches a user; absent fields stay as they are.
type userPatchRequest struct {
	Name         *string    `json:"name"`
	Role         *string    `json:"role"`
	WorkplaceIDs *[]int64   `json:"workplace_ids"`
	SupervisorID optionalID `json:"supervisor_id"`
	Active       *bool      `json:"active"`
}

// optionalID is an id that may be sent as null ("none"), told apart from one
// that was not sent at all.
type optionalID struct {
	Set bool
	ID  *int64
}

func (o *optionalID) UnmarshalJSON(b []byte) error {
	o.Set = true
	if bytes.Equal(b, []byte("null")) {
		o.ID = nil
		return nil
	}
	return json.Unmarshal(b, &o.ID)
}

// listUsers is GET /api/v1/users: every user, active or not, by name.
func (s *Server) listUsers(c echo.Context) error {
	list, err := s.svc.ListUsers(c.Request().Context(), httpx.Actor(c))
	if err != nil {
		return err
	}
	out := make([]userJSON, len(list))
	for i := range list {
		out[i] = toUserJSON(&list[i])
	}
	return c.JSON(http.StatusOK, out)
}

// createUser is POST /api/v1/users: the user is created with no password and
// mailed a link to choose one, as an invitation from the users page is.
func (s *Server) createUser(c echo.Context) error {
	var req newUserRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	u, _, err := s.account.InviteUser(c.Request().Context(), httpx.Actor(c), booking.UserInput{Email: req.Email, Name: req.Name,
		Role: req.Role, WorkplaceIDs: req.WorkplaceIDs, SupervisorID: req.SupervisorID})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toUserJSON(u))
}

// updateUser is PATCH /api/v1/users/{id}.
func (s *Server) updateUser(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	var req userPatchRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	u, err := s.svc.UpdateUser(c.Request().Context(), httpx.Actor(c), id, booking.UserPatch{Name: req.Name, Role: req.Role,
		WorkplaceIDs: req.WorkplaceIDs, SupervisorID: req.SupervisorID.ID, SupervisorSet: req.SupervisorID.Set, Active: req.Active})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toUserJSON(u))
}
