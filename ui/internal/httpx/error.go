// Package httpx is what the parts of ui (the API, the pages, the feeds) share:
// the one map from errors to HTTP statuses and the contract's error shape, who
// the caller is, the body limits, and reading ids and clock times from a
// request. It knows no part; the parts and ui import it.
package httpx

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
)

// APIError is the contract's error body.
type APIError struct {
	Code         string `json:"code"`
	Message      string `json:"message"`
	Details      any    `json:"details,omitempty"`
	Alternatives any    `json:"alternatives,omitempty"`
}

// Error is an error the web layer itself raises (bad JSON, too large, ...).
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// BadRequest is a 400 with the contract's code bad_request.
func BadRequest(msg string) error {
	return &Error{Status: http.StatusBadRequest, Code: "bad_request", Message: msg}
}

// NotFound is the 404 of a path that names nothing.
func NotFound() error {
	return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "not found"}
}

var statusOf = map[booking.Code]int{
	booking.CodeInvalid:      http.StatusUnprocessableEntity,
	booking.CodeNotFound:     http.StatusNotFound,
	booking.CodeConflict:     http.StatusConflict,
	booking.CodeForbidden:    http.StatusForbidden,
	booking.CodeUnauthorized: http.StatusUnauthorized,
	booking.CodeRateLimited:  http.StatusTooManyRequests,
}

// ErrorBody is the one place where errors become HTTP statuses and the
// contract's JSON error shape; times in the details are written in loc.
// internal reports an error the client cannot be told about (500), for the
// caller to log.
func ErrorBody(err error, loc *time.Location) (status int, body APIError, internal bool) {
	var be *booking.Error
	var he *Error
	var ee *echo.HTTPError
	switch {
	case errors.As(err, &be) && be.Code != booking.CodeInternal:
		body := APIError{Code: string(be.Code), Message: be.Message}
		switch d := be.Details.(type) {
		case []booking.FieldError:
			body.Details = d
		case []booking.Violation:
			body.Details = violationsJSON(d, loc)
		}
		if be.Code == booking.CodeConflict && be.Details != nil {
			body.Alternatives = alternativesJSON(be.Alternatives, loc)
		}
		return statusOf[be.Code], body, false
	case errors.As(err, &he):
		return he.Status, APIError{Code: he.Code, Message: he.Message}, false
	case errors.As(err, &ee):
		switch ee.Code {
		case http.StatusNotFound:
			return ee.Code, APIError{Code: "not_found", Message: "no such resource"}, false
		case http.StatusMethodNotAllowed:
			return ee.Code, APIError{Code: "method_not_allowed", Message: "that method is not allowed here"}, false
		case http.StatusRequestEntityTooLarge:
			return ee.Code, APIError{Code: "too_large", Message: "the body is larger than 1 MiB"}, false
		case http.StatusUnauthorized:
			return ee.Code, APIError{Code: "unauthenticated", Message: "missing or invalid credentials"}, false
		case http.StatusForbidden:
			return ee.Code, APIError{Code: "forbidden", Message: "you may not do this"}, false
		}
		if ee.Code < 500 {
			return ee.Code, APIError{Code: "bad_request", Message: http.StatusText(ee.Code)}, false
		}
	}
	return http.StatusInternalServerError, APIError{Code: "internal", Message: "something went wrong on our side; it has been logged"}, true
}

// An Answer writes the answer to a failed request in the form of the part that
// took it: the contract's JSON error (JSON), or a page.
type Answer func(c echo.Context, status int, body APIError)

// answerKey holds the request's Answer in the context.
const answerKey = "answer"

// AnswerWith comes first in each part's middleware: the errors of the requests
// behind it, wherever they are raised, are answered with a. Routing decides
// which part, and so which answer, a request has.
func AnswerWith(a Answer) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Set(answerKey, a)
			return next(c)
		}
	}
}

// AnswerOf is the Answer of the part that took the request; nil when no part's
// middleware has run (echo found no route for it).
func AnswerOf(c echo.Context) Answer {
	a, _ := c.Get(answerKey).(Answer)
	return a
}

// JSON answers with the contract's error shape; a HEAD request gets the
// status alone.
func JSON(c echo.Context, status int, body APIError) {
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	_ = c.JSON(status, map[string]APIError{"error": body})
}
