package ui

import (
	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// contentSecurityPolicy allows only this site's own files: no inline script or
// style, no framing, forms post only here.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// securityHeaders sets the headers every answer carries; HSTS only behind HTTPS.
func (s *server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if s.secure {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		return next(c)
	}
}

// noStoreSignedIn keeps every answer to a signed-in user out of caches (the
// browser's back button and disk cache, shared proxies): pages show names,
// phone numbers and bookings (finding 11 of issue 12). Content-hashed static
// files set their own Cache-Control afterwards and stay cacheable.
func noStoreSignedIn(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if httpx.SignedIn(c) {
			c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		}
		return next(c)
	}
}
