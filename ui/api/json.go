package api

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
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// decode reads a JSON body strictly: right content type, at most 1 MiB, valid
// UTF-8, no unknown fields, one value only.
func decode(c echo.Context, v any) error {
	r := c.Request()
	mt, _, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	if err != nil || mt != echo.MIMEApplicationJSON {
		return httpx.BadRequest("the body must be JSON, sent with Content-Type: application/json")
	}
	raw, err := io.ReadAll(http.MaxBytesReader(c.Response(), r.Body, httpx.MaxBody))
	if err != nil {
		return decodeError(err)
	}
	// encoding/json quietly turns invalid UTF-8 into U+FFFD; that would store
	// something other than what was sent.
	if !utf8.Valid(raw) {
		return httpx.BadRequest("the body is not valid UTF-8; send the JSON as UTF-8 text")
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
		return httpx.BadRequest("the body must hold one JSON value only")
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
		return &httpx.Error{Status: http.StatusRequestTimeout, Code: "request_timeout", Message: "the body arrived too slowly; send it at once"}
	case errors.As(err, &tooLarge):
		return &httpx.Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Message: "the body is larger than 1 MiB"}
	case errors.Is(err, io.EOF):
		return httpx.BadRequest("the body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return httpx.BadRequest("the JSON ends too early")
	case errors.As(err, &syntax):
		return httpx.BadRequest(fmt.Sprintf("malformed JSON at byte %d: %v", syntax.Offset, syntax))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "the body"
		}
		return httpx.BadRequest(fmt.Sprintf("%s must be %s, not %s", field, jsonKind(typ.Type.Kind().String()), typ.Value))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return httpx.BadRequest("unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return httpx.BadRequest("malformed JSON: " + err.Error())
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
func (s *Server) ts(t time.Time) string { return httpx.Timestamp(t, s.loc) }

func (s *Server) tsPtr(t *time.Time) *string { return httpx.TimestampPtr(t, s.loc) }

// queryTime reads a time from the query string. An unencoded "+" of the offset
// arrives as a space; it is read back as the "+" it was.
func queryTime(c echo.Context, name string) string {
	return strings.ReplaceAll(c.QueryParam(name), " ", "+")
}

// rawJSON passes stored JSON through as it is.
func rawJSON(s string) json.RawMessage {
	if !json.Valid([]byte(s)) {
		return json.RawMessage("null")
	}
	return json.RawMessage(s)
}
