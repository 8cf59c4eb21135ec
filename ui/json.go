package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
)

// decode reads a JSON body strictly: right content type, at most 1 MiB, valid
// UTF-8, no unknown fields, one value only.
func decode(c echo.Context, v any) error {
	r := c.Request()
	mt, _, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	if err != nil || mt != echo.MIMEApplicationJSON {
		return badRequest("the body must be JSON, sent with Content-Type: application/json")
	}
	raw, err := io.ReadAll(http.MaxBytesReader(c.Response(), r.Body, maxBody))
	if err != nil {
		return decodeError(err)
	}
	// encoding/json quietly turns invalid UTF-8 into U+FFFD; that would store
	// something other than what was sent.
	if !utf8.Valid(raw) {
		return badRequest("the body is not valid UTF-8; send the JSON as UTF-8 text")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			return decodeError(err)
		}
		return badRequest("the body must hold one JSON value only")
	}
	return nil
}

func decodeError(err error) error {
	var tooLarge *http.MaxBytesError
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var netErr net.Error
	switch {
	case errors.As(err, &netErr) && netErr.Timeout():
		// The server's read timeout cut a slow client off; its JSON was not at fault.
		return &httpError{status: http.StatusRequestTimeout, code: "request_timeout", message: "the body arrived too slowly; send it at once"}
	case errors.As(err, &tooLarge):
		return &httpError{status: http.StatusRequestEntityTooLarge, code: "too_large", message: "the body is larger than 1 MiB"}
	case errors.Is(err, io.EOF):
		return badRequest("the body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("the JSON ends too early")
	case errors.As(err, &syntax):
		return badRequest(fmt.Sprintf("malformed JSON at byte %d: %v", syntax.Offset, syntax))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "the body"
		}
		return badRequest(fmt.Sprintf("%s must be %s, not %s", field, jsonKind(typ.Type.Kind().String()), typ.Value))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return badRequest("unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return badRequest("malformed JSON: " + err.Error())
}

func jsonKind(k string) string {
	switch {
	case strings.HasPrefix(k, "int"), strings.HasPrefix(k, "uint"), strings.HasPrefix(k, "float"):
		return "a number"
	case k == "string":
		return "a string"
	case k == "bool":
		return "true or false"
	case k == "slice":
		return "an array"
	case k == "struct", k == "map":
		return "an object"
	}
	return "of another type"
}

// presence is a JSON array that remembers whether it was sent at all (even as null or []).
type presence struct {
	Set    bool
	Values []string
}

// UnmarshalJSON records that the field was sent.
func (p *presence) UnmarshalJSON(b []byte) error {
	p.Set = true
	if string(b) == "null" {
		return nil
	}
	return json.Unmarshal(b, &p.Values)
}

// pathID reads an id from the path; anything else is simply not found.
func pathID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, notFound()
	}
	return id, nil
}

// queryID reads an optional id from the query string.
func queryID(c echo.Context, name string) (*int64, error) {
	v := c.QueryParam(name)
	if v == "" {
		return nil, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return nil, &booking.Error{Code: booking.CodeInvalid, Message: name + " must be a positive whole number",
			Details: []booking.FieldError{{Field: name, Message: "must be a positive whole number"}}}
	}
	return &id, nil
}

// ts formats an instant in the pool's zone.
func (s *Server) ts(t time.Time) string { return t.In(s.loc).Format(time.RFC3339) }

func (s *Server) tsPtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	v := s.ts(*t)
	return &v
}

// queryTime reads a time from the query string. An unencoded "+" of the offset
// arrives as a space; it is read back as the "+" it was.
func queryTime(c echo.Context, name string) string {
	return strings.ReplaceAll(c.QueryParam(name), " ", "+")
}
