package httpx

import (
	"errors"
	"mime"
	"mime/multipart"
	"net/http"

	"github.com/labstack/echo/v4"
)

// Body limits by kind (finding 1 of issue 12). The kind follows from the route,
// never from what the client says it sends, so no header buys a larger limit:
// each part's middleware begins with its own limit.
const (
	// MaxBody is the largest body of an API request: JSON, or an .ics file
	// sent as text/calendar.
	MaxBody = 1 << 20
	// MaxFormBody is the largest form a page accepts, an .ics upload included.
	MaxFormBody = 2 << 20
)

// LimitAPIBody bounds the body of an API request to MaxBody.
func LimitAPIBody(next echo.HandlerFunc) echo.HandlerFunc { return limitBody(next, MaxBody, false) }

// LimitFormBody bounds the body of a page's request to MaxFormBody and parses
// its form, if it sends one.
func LimitFormBody(next echo.HandlerFunc) echo.HandlerFunc { return limitBody(next, MaxFormBody, true) }

// limitBody bounds every request body before anything else reads it, whatever
// Content-Length or Transfer-Encoding says: a declared length over the limit is
// refused at once, unread; a chunked body is cut off at the limit.
//
// A page's form is parsed here, on the request net/http handed in, with all of
// it held in memory (the limit is below the memory allowance, so no part goes
// to a temporary file). Parsing it later on a copy of the request, as scs
// LoadAndSave's request does, would leave any file parts on disk: net/http
// removes the temporary files only of the request it made itself. Whatever
// multipart form a later handler still parsed is removed when the request ends.
func limitBody(next echo.HandlerFunc, limit int64, forms bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.ContentLength > limit {
			c.Response().Header().Set(echo.HeaderConnection, "close")
			return TooLarge(limit)
		}
		if r.Body != nil && r.Body != http.NoBody {
			// The response writer is net/http's own here, so going over the limit
			// also tells the server to close the connection rather than read on.
			r.Body = http.MaxBytesReader(c.Response().Writer, r.Body, limit)
		}
		defer func() {
			removeMultipart(r.MultipartForm)
			if last := c.Request(); last != r {
				removeMultipart(last.MultipartForm)
			}
		}()
		if forms && isForm(r) {
			// maxMemory above the limit: every part, file or not, stays in memory.
			err := r.ParseMultipartForm(limit + 1)
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				c.Response().Header().Set(echo.HeaderConnection, "close")
				return TooLarge(limit)
			}
			// Any other broken form reads as an empty one, as before: the CSRF
			// check or the handler refuses it.
		}
		return next(c)
	}
}

// isForm reports whether r sends a form that may need parsing.
func isForm(r *http.Request) bool {
	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
	default:
		return false
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	return mt == echo.MIMEMultipartForm || mt == echo.MIMEApplicationForm
}

func removeMultipart(f *multipart.Form) {
	if f != nil {
		_ = f.RemoveAll()
	}
}

// TooLarge is the 413 of a body over limit (MaxBody or MaxFormBody).
func TooLarge(limit int64) error {
	return &Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large",
		Message: "the body is larger than " + map[int64]string{MaxBody: "1 MiB", MaxFormBody: "2 MiB"}[limit]}
}
