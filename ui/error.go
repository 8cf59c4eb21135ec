package ui

import (
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// handleError is echo's error handler: the error becomes its status and body
// in one place (httpx.ErrorBody), and the part that took the request answers
// in its own form (httpx.AnswerWith).
func (s *server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, body, internal := httpx.ErrorBody(err, s.loc)
	if internal {
		s.log.Error("internal error", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	answer := httpx.AnswerOf(c)
	if answer == nil {
		answer = httpx.JSON // only if something before every part's middleware failed
	}
	answer(c, status, body)
}

// unrouted puts a request that no route took behind the middleware of the part
// whose paths it is among, as if that part had a route for it: under /api/ the
// API's, /healthz and /metrics their own, anything else the pages'. Those are
// echo's own answers: 404 for an unknown path, and for a known path with
// another method 405, or the Allow list to OPTIONS (the router has set the
// Allow key then, and the route's own middleware does not run).
func (s *server) unrouted(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Path() != "" && c.Get(echo.ContextKeyHeaderAllow) == nil {
			return next(c) // a route took it, behind its part's middleware
		}
		mw := s.pageMW
		switch path := c.Request().URL.Path; {
		case strings.HasPrefix(path, "/api/"):
			mw = s.apiMW
		case path == "/healthz" || path == "/metrics":
			mw = s.opsMW
		}
		h := next
		for i := len(mw) - 1; i >= 0; i-- {
			h = mw[i](h)
		}
		return h(c)
	}
}
