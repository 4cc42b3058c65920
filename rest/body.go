package rest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/gonnect/gonnect/rest/entities"
)

const rawBodyKey = "gonnect.rawBody"

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// readBody reads the request body once, up to the size limit, and keeps the raw bytes
// for signature checks and forwarding. A body-carrying request must be JSON (415).
func (s *Server) readBody(c *gin.Context) ([]byte, bool) {
	if b, ok := c.Get(rawBodyKey); ok {
		return b.([]byte), true
	}
	r := c.Request
	b, err := io.ReadAll(io.LimitReader(r.Body, s.cfg.maxBody+1))
	if err != nil {
		s.fail(c, &entities.BadRequestError{Msg: "Cannot read request body: " + err.Error()})
		return nil, false
	}
	if int64(len(b)) > s.cfg.maxBody {
		s.fail(c, &bodyTooLargeError{limit: s.cfg.maxBody})
		return nil, false
	}
	if len(b) > 0 {
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "application/json" {
			s.fail(c, errMediaType)
			return nil, false
		}
	}
	c.Set(rawBodyKey, b)
	return b, true
}

// jsonSyntax describes a JSON decoding error with its position, as a 500 in the
// manner of Jackson's parse errors surfacing through Connect's exception mapper.
func jsonError(b []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		line, col := position(b, se.Offset)
		return &entities.StatusError{Status: http.StatusInternalServerError,
			Msg: fmt.Sprintf("Cannot parse request body as JSON: %s (line: %d, column: %d)", se.Error(), line, col)}
	case errors.As(err, &te):
		line, col := position(b, te.Offset)
		where := "the request body"
		if te.Field != "" {
			where = "field " + strconv.Quote(te.Field)
		}
		return &entities.StatusError{Status: http.StatusInternalServerError,
			Msg: fmt.Sprintf("Cannot deserialize %s: expected %s but found JSON %s (line: %d, column: %d)", where, jsonKind(te.Type), te.Value, line, col)}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &entities.StatusError{Status: http.StatusInternalServerError,
			Msg: "Cannot parse request body as JSON: unexpected end of input"}
	}
	return &entities.StatusError{Status: http.StatusInternalServerError, Msg: "Cannot parse request body as JSON: " + err.Error()}
}

func position(b []byte, off int64) (line, col int) {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	line, col = 1, 1
	for _, ch := range b[:off] {
		if ch == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// decodeStrict decodes exactly one JSON value into v.
func decodeStrict(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return jsonError(b, err)
	}
	if d.More() {
		return &entities.StatusError{Status: http.StatusInternalServerError, Msg: "Cannot parse request body as JSON: unexpected data after the JSON value"}
	}
	return nil
}

// configMap decodes a JSON object of config values as Jackson reads a
// Map<String,String>: strings as is, numbers and booleans by their JSON text, null as
// a null value (reported by nulls), objects and arrays rejected naming the key.
func configMap(b []byte, what string) (cfg map[string]string, nulls []string, err error) {
	var raw map[string]json.RawMessage
	if err := decodeStrict(b, &raw); err != nil {
		return nil, nil, err
	}
	if raw == nil {
		return nil, nil, nil
	}
	return coerceConfig(raw, what)
}

func coerceConfig(raw map[string]json.RawMessage, what string) (map[string]string, []string, error) {
	cfg := make(map[string]string, len(raw))
	var nulls []string
	for k, v := range raw {
		v = bytes.TrimSpace(v)
		switch {
		case len(v) == 0 || string(v) == "null":
			nulls = append(nulls, k)
		case v[0] == '"':
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				return nil, nil, jsonError(v, err)
			}
			cfg[k] = s
		case v[0] == '{' || v[0] == '[':
			kind := "Object"
			if v[0] == '[' {
				kind = "Array"
			}
			return nil, nil, &entities.StatusError{Status: http.StatusInternalServerError,
				Msg: fmt.Sprintf("Cannot deserialize value of type `java.lang.String` from %s value (in %s at key %q)", kind, what, k)}
		default: // number, true, false: Jackson coerces scalars to their text
			cfg[k] = string(v)
		}
	}
	return cfg, nulls, nil
}

// nullValuesError is the 400 the Java validation gives for null config values.
func nullValuesError(n int) error {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "Connector configuration is invalid and contains the following %d error(s):", n)
	for range n {
		buf.WriteString("\nNull value can not be supplied as the configuration value.")
	}
	buf.WriteString("\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`")
	return &entities.BadRequestError{Msg: buf.String()}
}

// jsonKind names the JSON shape a Go type decodes from.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Map, reflect.Struct:
		return "a JSON object"
	case reflect.Slice, reflect.Array:
		return "a JSON array"
	case reflect.String:
		return "a JSON string"
	case reflect.Bool:
		return "a JSON boolean"
	}
	return "a JSON number"
}
