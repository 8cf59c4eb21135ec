package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// statementPage is what the public pages about the service itself need: the
// address where people report a problem or ask for their data.
type statementPage struct {
	Contact string
}

// contact is the coordinators' address from the configuration
// (SPRAKPOOL_CONTACT_EMAIL, else the sender address).
func (s *Server) contact() string {
	if c := s.svc.Config().ContactEmail; c != "" {
		return c
	}
	return s.svc.Config().MailFrom
}

// accessibilityPage is the accessibility statement that the law on accessible
// digital public service (2018:1937) requires: public, linked from every page.
func (s *Server) accessibilityPage(c echo.Context) error {
	return s.render(c, http.StatusOK, "accessibility", s.lang(c).T("a11y.title"), &statementPage{Contact: s.contact()})
}

// personalDataPage says what Språkpool keeps about people, why, for how long,
// and how to get an export or have it erased (booking/privacy).
func (s *Server) personalDataPage(c echo.Context) error {
	return s.render(c, http.StatusOK, "personal_data", s.lang(c).T("pd.title"), &statementPage{Contact: s.contact()})
}
