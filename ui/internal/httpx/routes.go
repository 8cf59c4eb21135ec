package httpx

import "github.com/labstack/echo/v4"

// Routes registers a part's routes on the server, each behind the part's
// middleware. echo's Group.Use would do the same but also add catch-all
// routes for its prefix: under "" those would take every unknown path and
// turn a page's 405 (a known path, another method) into a 404.
type Routes struct {
	e  *echo.Echo
	mw []echo.MiddlewareFunc
}

// Behind is where a part registers routes that sit behind mw.
func Behind(e *echo.Echo, mw ...echo.MiddlewareFunc) Routes { return Routes{e: e, mw: mw} }

// GET registers a GET route behind the part's middleware and then m.
func (r Routes) GET(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.e.GET(path, h, r.with(m)...)
}

// HEAD registers a HEAD route behind the part's middleware and then m.
func (r Routes) HEAD(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.e.HEAD(path, h, r.with(m)...)
}

// POST registers a POST route behind the part's middleware and then m.
func (r Routes) POST(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.e.POST(path, h, r.with(m)...)
}

// with is the part's middleware followed by m, in a slice of its own.
func (r Routes) with(m []echo.MiddlewareFunc) []echo.MiddlewareFunc {
	return append(append(make([]echo.MiddlewareFunc, 0, len(r.mw)+len(m)), r.mw...), m...)
}
