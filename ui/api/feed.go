package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/ui/feed"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// renewPoolFeed answers POST /api/v1/pool/feed-token with the pool feed's new URL.
func (s *Server) renewPoolFeed(c echo.Context) error {
	token, err := s.svc.RenewPoolFeedToken(c.Request().Context(), httpx.Actor(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"feed_url": feed.URL(s.cfg.BaseURL, booking.FeedPool, token)})
}
