package domain

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Code classifies an error so that the API and the TUI can each map it in
// one place.
type Code string

const (
	CodeInvalid      Code = "invalid"
	CodeUnauthorized Code = "unauthorized"
	CodeForbidden    Code = "forbidden"
	CodeNotFound     Code = "not_found"
	CodeConflict     Code = "conflict"
	CodeUnavailable  Code = "unavailable"
)

// Error is an error a user can act on. Message is safe to show; Fields, when
// set, holds validation messages keyed by request field. Cause, when set,
// is what went wrong underneath: for the log, never shown.
type Error struct {
	Code    Code
	Message string
	Fields  map[string][]string
	Cause   error
}

// Unwrap is the cause, so errors.Is and errors.As still see it.
func (e *Error) Unwrap() error { return e.Cause }

func (e *Error) Error() string {
	if e.Message != "" || len(e.Fields) == 0 {
		return e.Message
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+": "+strings.Join(e.Fields[k], "; "))
	}
	return strings.Join(parts, ", ")
}

func newErr(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func Invalidf(format string, args ...any) *Error { return newErr(CodeInvalid, format, args...) }
func Unauthorizedf(format string, args ...any) *Error {
	return newErr(CodeUnauthorized, format, args...)
}
func Forbiddenf(format string, args ...any) *Error { return newErr(CodeForbidden, format, args...) }
func NotFoundf(format string, args ...any) *Error  { return newErr(CodeNotFound, format, args...) }
func Conflictf(format string, args ...any) *Error  { return newErr(CodeConflict, format, args...) }

// Unavailable says a dependency (the database) is down or did not answer
// in time: nothing was done, and the same request may succeed shortly.
func Unavailable(message string, cause error) *Error {
	return &Error{Code: CodeUnavailable, Message: message, Cause: cause}
}

// FieldError is a validation error about one request field.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Code: CodeInvalid, Fields: map[string][]string{field: {fmt.Sprintf(format, args...)}}}
}

// ErrorCode returns the code of err, or "" for an error handoff did not
// classify (an internal failure).
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// IsCode reports whether err carries code.
func IsCode(err error, code Code) bool { return ErrorCode(err) == code }

// Unavailablef is an error for something handoff cannot do right now (a
// database outage, a key this server does not hold).
func Unavailablef(format string, args ...any) *Error { return newErr(CodeUnavailable, format, args...) }
