package ui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/calendar"
)

// Calendar feeds (/ical/…) and the .ics absence import. Calendar clients poll
// feeds every hour; ETag and Last-Modified let them do it for a 304.

type feedFunc func(ctx context.Context, token string) (*calendar.Feed, error)

func (s *Server) supervisorFeed(c echo.Context) error { return s.serveFeed(c, s.cal.SupervisorFeed) }
func (s *Server) workplaceFeed(c echo.Context) error  { return s.serveFeed(c, s.cal.WorkplaceFeed) }
func (s *Server) poolFeed(c echo.Context) error       { return s.serveFeed(c, s.cal.PoolFeed) }

// serveFeed answers GET /ical/{kind}/{token}.ics: the token is the secret; an
// unknown or renewed one is simply not found.
func (s *Server) serveFeed(c echo.Context, render feedFunc) error {
	token, ok := strings.CutSuffix(c.Param("file"), ".ics")
	if !ok {
		return notFound()
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

// feedURL is the absolute URL of a feed.
func (s *Server) feedURL(kind, token string) string {
	return strings.TrimRight(s.cfg.BaseURL, "/") + "/ical/" + kind + "/" + token + ".ics"
}

// renewPoolFeed answers POST /api/v1/pool/feed-token with the pool feed's new URL.
func (s *Server) renewPoolFeed(c echo.Context) error {
	token, err := s.svc.RenewPoolFeedToken(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"feed_url": s.feedURL(booking.FeedPool, token)})
}

// importAbsences answers POST /api/v1/supervisors/{id}/absences/import, whose body
// is an .ics file (text/calendar), with the counts created and skipped.
func (s *Server) importAbsences(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, maxBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return &httpError{status: http.StatusRequestEntityTooLarge, code: "too_large", message: "the body is larger than 1 MiB"}
	}
	if err != nil {
		return badRequest("could not read the body: " + err.Error())
	}
	res, err := s.cal.ImportAbsences(c.Request().Context(), actor(c), id, bytes.NewReader(body))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}
