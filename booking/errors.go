package booking

import (
	"errors"
	"fmt"
)

// Code classifies an error the way callers must react to it. The ui package maps
// each code to one HTTP status and the contract's error shape.
type Code string

// The error vocabulary of the domain.
const (
	CodeInvalid      Code = "invalid"
	CodeNotFound     Code = "not_found"
	CodeConflict     Code = "conflict"
	CodeForbidden    Code = "forbidden"
	CodeUnauthorized Code = "unauthenticated"
	CodeRateLimited  Code = "rate_limited"
	CodeInternal     Code = "internal"
)

// FieldError names one field of the input and what is wrong with it. Message
// is English for API clients and logs; Key names the problem for a page, which
// shows its own words for it ("err."+Key in the catalog) and never reads Message.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Key     string `json:"-"`
}

// Error is the one error type the service returns for anything a caller can act on.
type Error struct {
	Code    Code
	Message string
	// Details: []FieldError for CodeInvalid, []Violation for CodeConflict.
	Details any
	// Alternatives are proposals offered with a booking conflict.
	Alternatives []Alternative
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// ErrorCode returns the code of err, CodeInternal if it is not an *Error.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

func errNotFound(what string) error {
	return &Error{Code: CodeNotFound, Message: what + " not found"}
}

func errForbidden(msg string) error {
	return &Error{Code: CodeForbidden, Message: msg}
}

// Problems collects field errors while validating input.
type Problems []FieldError

// Add records that field is wrong: key names the problem for pages (such as
// "required" or "end_before_start"), format and args say it in English.
func (p *Problems) Add(field, key, format string, args ...any) {
	*p = append(*p, FieldError{Field: field, Key: key, Message: fmt.Sprintf(format, args...)})
}

// Err returns an invalid error listing every problem, or nil if there are none.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Code: CodeInvalid, Message: "the input is not valid: " + p[0].Field + ": " + p[0].Message, Details: []FieldError(p)}
}
