package ui

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
)

// apiError is the contract's error body.
type apiError struct {
	Code         string `json:"code"`
	Message      string `json:"message"`
	Details      any    `json:"details,omitempty"`
	Alternatives any    `json:"alternatives,omitempty"`
}

// httpError is an error the web layer itself raises (bad JSON, too large, ...).
type httpError struct {
	status  int
	code    string
	message string
}

func (e *httpError) Error() string { return e.message }

func badRequest(msg string) error {
	return &httpError{status: http.StatusBadRequest, code: "bad_request", message: msg}
}

func notFound() error {
	return &httpError{status: http.StatusNotFound, code: "not_found", message: "not found"}
}

var statusOf = map[booking.Code]int{
	booking.CodeInvalid:      http.StatusUnprocessableEntity,
	booking.CodeNotFound:     http.StatusNotFound,
	booking.CodeConflict:     http.StatusConflict,
	booking.CodeForbidden:    http.StatusForbidden,
	booking.CodeUnauthorized: http.StatusUnauthorized,
	booking.CodeRateLimited:  http.StatusTooManyRequests,
}

// handleError is the one place where errors become HTTP statuses and the
// contract's JSON error shape.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, body := s.errorBody(c, err)
	if path := c.Request().URL.Path; !strings.HasPrefix(path, "/api/") && path != "/healthz" && path != "/metrics" {
		s.pageError(c, status)
		return
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	_ = c.JSON(status, map[string]apiError{"error": body})
}

func (s *Server) errorBody(c echo.Context, err error) (int, apiError) {
	var be *booking.Error
	var he *httpError
	var ee *echo.HTTPError
	switch {
	case errors.As(err, &be) && be.Code != booking.CodeInternal:
		body := apiError{Code: string(be.Code), Message: be.Message}
		switch d := be.Details.(type) {
		case []booking.FieldError:
			body.Details = d
		case []booking.Violation:
			body.Details = s.violationsJSON(d)
		}
		if be.Code == booking.CodeConflict && be.Details != nil {
			body.Alternatives = s.alternativesJSON(be.Alternatives)
		}
		return statusOf[be.Code], body
	case errors.As(err, &he):
		return he.status, apiError{Code: he.code, Message: he.message}
	case errors.As(err, &ee):
		switch ee.Code {
		case http.StatusNotFound:
			return ee.Code, apiError{Code: "not_found", Message: "no such resource"}
		case http.StatusMethodNotAllowed:
			return ee.Code, apiError{Code: "method_not_allowed", Message: "that method is not allowed here"}
		case http.StatusRequestEntityTooLarge:
			return ee.Code, apiError{Code: "too_large", Message: "the body is larger than 1 MiB"}
		case http.StatusUnauthorized:
			return ee.Code, apiError{Code: "unauthenticated", Message: "missing or invalid credentials"}
		case http.StatusForbidden:
			return ee.Code, apiError{Code: "forbidden", Message: "you may not do this"}
		}
		if ee.Code < 500 {
			return ee.Code, apiError{Code: "bad_request", Message: http.StatusText(ee.Code)}
		}
	}
	s.log.Error("internal error", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	return http.StatusInternalServerError, apiError{Code: "internal", Message: "something went wrong on our side; it has been logged"}
}
