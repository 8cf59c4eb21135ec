// Package feed serves the calendar feeds, /ical/{supervisors,workplaces,pool}/{token}.ics:
// the token in the path is the only credential. Calendar clients poll feeds
// every hour; ETag and Last-Modified let them do it for a 304. The feeds sit
// behind the pages' middleware, so their errors are pages.
package feed

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking/calendar"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// Server serves the feeds of the booking service's calendars.
type Server struct {
	cal *calendar.Service
}

// New is the feeds' server.
func New(cal *calendar.Service) *Server { return &Server{cal: cal} }

type feedFunc func(ctx context.Context, token string) (*calendar.Feed, error)

func (s *Server) supervisorFeed(c echo.Context) error { return s.serveFeed(c, s.cal.SupervisorFeed) }
func (s *Server) workplaceFeed(c echo.Context) error  { return s.serveFeed(c, s.cal.WorkplaceFeed) }
func (s *Server) poolFeed(c echo.Context) error       { return s.serveFeed(c, s.cal.PoolFeed) }

// serveFeed answers GET /ical/{kind}/{token}.ics: the token is the secret; an
// unknown or renewed one is simply not found.
func (s *Server) serveFeed(c echo.Context, render feedFunc) error {
	token, ok := strings.CutSuffix(c.Param("file"), ".ics")
	if !ok {
		return httpx.NotFound()
	}
	feed, err := render(c.Request().Context(), token)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderCacheControl, "private, no-cache")
	h.Set("ETag", feed.ETag)
	h.Set(echo.HeaderLastModified, feed.LastModified.UTC().Format(http.TimeFormat))
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Robots-Tag", "noindex")
	if notModified(c.Request(), feed.ETag, feed.LastModified) {
		return c.NoContent(http.StatusNotModified)
	}
	h.Set(echo.HeaderContentDisposition, `inline; filename="sprakpool.ics"`)
	return c.Blob(http.StatusOK, "text/calendar; charset=utf-8", feed.Body)
}

// notModified applies RFC 9110 §13.1: If-None-Match wins; If-Modified-Since is
// read only without it.
func notModified(r *http.Request, etag string, modified time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, v := range strings.Split(inm, ",") {
			v = strings.TrimPrefix(strings.TrimSpace(v), "W/")
			if v == "*" || v == etag {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		t, err := http.ParseTime(ims)
		return err == nil && !modified.Truncate(time.Second).After(t)
	}
	return false
}

// URL is the absolute URL of a feed of kind (booking.FeedPool, …) with its token.
func URL(baseURL, kind, token string) string {
	return strings.TrimRight(baseURL, "/") + "/ical/" + kind + "/" + token + ".ics"
}
