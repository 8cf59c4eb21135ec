package session

import (
	"github.com/labstack/echo/v4"
)

// PutFlow keeps the secret state of a sign-in at another site (the OpenID
// Connect state, nonce and PKCE verifier) in the browser's session, which is
// server-side: only the session's random token travels in the HttpOnly
// cookie, so the browser can neither read nor forge the state. A visitor gets
// a session that holds this and nothing else.
func (s *Manager) PutFlow(c echo.Context, key string, state []byte) {
	s.manager.Put(c.Request().Context(), "flow:"+key, state)
}

// PopFlow takes the state PutFlow kept, so it serves one callback only; nil
// if there is none.
func (s *Manager) PopFlow(c echo.Context, key string) []byte {
	return s.manager.PopBytes(c.Request().Context(), "flow:"+key)
}
