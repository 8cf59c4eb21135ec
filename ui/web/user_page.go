package web

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// usersPage lists the users with the invitation form.
type usersPage struct {
	Users       []booking.User
	Workplaces  []booking.Workplace
	Supervisors []booking.Supervisor
	Form        *form
	Invited     string
	// Q is the list's search and filters; List the users it keeps; Picked the
	// workplaces ticked in the invitation form.
	Q      listQuery
	List   []booking.User
	Picked []int64
	Done   string // "deactivated" after a deactivation
}

func (s *Server) usersPage(c echo.Context) error {
	f := newForm()
	f.Values["role"] = booking.RoleManager
	return s.showUsers(c, http.StatusOK, f, nil, c.QueryParam("invited"))
}

func (s *Server) showUsers(c echo.Context, status int, f *form, picked []int64, invited string) error {
	ctx := c.Request().Context()
	u := httpx.Actor(c)
	p := &usersPage{Form: f, Invited: invited, Q: listQueryFrom(c), Picked: picked}
	if c.QueryParam("done") == "deactivated" {
		p.Done = "deactivated"
	}
	var err error
	if p.Users, err = s.svc.ListUsers(ctx, u); err != nil {
		return err
	}
	p.List = filterUsers(p.Users, p.Q)
	if p.Workplaces, err = s.svc.ListWorkplaces(ctx, u); err != nil {
		return err
	}
	if p.Supervisors, err = s.svc.ListSupervisors(ctx, u); err != nil {
		return err
	}
	return s.render(c, status, "users", s.lang(c).T("users.title"), p)
}

// inviteUser creates the user and mails them a link to choose a password
// (the service queues the mail with the user).
func (s *Server) inviteUser(c echo.Context) error {
	l := s.lang(c)
	f := formFrom(c, "email", "name", "role", "supervisor_id")
	in := booking.UserInput{Email: f.V("email"), Name: f.V("name"), Role: f.V("role")}
	// A manager may lead several workplaces: one box each (workplace_ids);
	// workplace_id, the one select of before, still counts.
	form, _ := c.FormParams()
	var picked []int64
	for _, v := range append(form["workplace_ids"], form["workplace_id"]...) {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 && !slices.Contains(picked, id) {
			picked = append(picked, id)
		}
	}
	if in.Role == booking.RoleManager {
		in.WorkplaceIDs = picked
	}
	if id, err := strconv.ParseInt(f.V("supervisor_id"), 10, 64); err == nil && id > 0 && in.Role == booking.RoleSupervisor {
		in.SupervisorID = &id
	}
	u, _, err := s.account.InviteUser(c.Request().Context(), httpx.Actor(c), in)
	if booking.ErrorCode(err) == booking.CodeConflict {
		f.Fail("email", l.T("err.email_taken"))
	}
	if err != nil && !failFrom(f, l, err, nil) && f.OK() {
		return err
	}
	if !f.OK() {
		return s.showUsers(c, http.StatusUnprocessableEntity, f, picked, "")
	}
	return c.Redirect(http.StatusSeeOther, "/users?invited="+strconv.FormatInt(u.ID, 10))
}

// deactivateUser ends a user's access at once: sessions and API tokens included.
func (s *Server) deactivateUser(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.svc.DeactivateUser(c.Request().Context(), httpx.Actor(c), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/users?done=deactivated")
}
