package ui

import (
	"errors"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// Body limits by kind (finding 1 of issue 12). The kind follows from the route,
// never from what the client says it sends, so no header buys a larger limit.
const (
	// maxBody is the largest body of an API request: JSON, or an .ics file
	// sent as text/calendar.
	maxBody = 1 << 20
	// maxFormBody is the largest form a page accepts, an .ics upload included.
	maxFormBody = 2 << 20
)

// bodyLimit is the most a request to path may send.
func bodyLimit(path string) int64 {
	if strings.HasPrefix(path, "/api/") {
		return maxBody
	}
	return maxFormBody
}

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
func (s *Server) limitBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		limit := bodyLimit(r.URL.Path)
		if r.ContentLength > limit {
			c.Response().Header().Set(echo.HeaderConnection, "close")
			return tooLarge(limit)
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
		if limit == maxFormBody && isForm(r) {
			// maxMemory above the limit: every part, file or not, stays in memory.
			err := r.ParseMultipartForm(maxFormBody + 1)
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				c.Response().Header().Set(echo.HeaderConnection, "close")
				return tooLarge(limit)
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

func tooLarge(limit int64) error {
	return &httpError{status: http.StatusRequestEntityTooLarge, code: "too_large",
		message: "the body is larger than " + map[int64]string{maxBody: "1 MiB", maxFormBody: "2 MiB"}[limit]}
}
