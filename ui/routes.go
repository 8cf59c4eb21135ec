package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// routes mounts the parts; each keeps the list of its own routes (web/routes.go,
// api/routes.go, feed/routes.go). Each part sits behind its own middleware, in
// this order: how its errors are answered, the body limit (before anything
// reads the body), the browser session (the API takes one as well as a token),
// no caching of what a signed-in user sees, and the CSRF check. The feeds,
// /healthz and /metrics sit behind the pages' middleware; /healthz and
// /metrics answer errors in JSON.
func (s *server) routes(e *echo.Echo) {
	s.pageMW = []echo.MiddlewareFunc{httpx.AnswerWith(s.web.ErrorPage), httpx.LimitFormBody, s.web.Session(), noStoreSignedIn, s.web.CSRF}
	s.opsMW = append([]echo.MiddlewareFunc{httpx.AnswerWith(httpx.JSON)}, s.pageMW[1:]...)
	s.apiMW = []echo.MiddlewareFunc{httpx.AnswerWith(httpx.JSON), httpx.LimitAPIBody, s.web.Session(), noStoreSignedIn, s.web.CSRFHeader}

	ops := httpx.Behind(e, s.opsMW...)
	ops.GET("/healthz", s.healthz)
	// Prometheus figures, for a scraper holding a coordinator's API token.
	ops.GET("/metrics", s.serveMetrics, httpx.Authenticate(s.account), httpx.Allow(booking.RoleAdmin))

	// Calendar feeds (/ical/…), behind the pages' middleware.
	s.feed.Routes(httpx.Behind(e, s.pageMW...))

	// The pages (HTML).
	s.web.Routes(httpx.Behind(e, s.pageMW...))

	// The JSON API (/api/v1), behind its own middleware.
	s.api.Routes(e.Group("/api/v1", s.apiMW...))
}

func (s *server) healthz(c echo.Context) error {
	if err := s.svc.Ping(c.Request().Context()); err != nil {
		s.log.Error("health check failed", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "database unavailable"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}
