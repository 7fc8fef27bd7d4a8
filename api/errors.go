package api

import (
	"errors"
	"net/http"

	"handoff/domain"
)

// statusOf is the one table from error codes to HTTP statuses.
var statusOf = map[domain.Code]int{
	domain.CodeInvalid:      http.StatusBadRequest,
	domain.CodeUnauthorized: http.StatusUnauthorized,
	domain.CodeForbidden:    http.StatusForbidden,
	domain.CodeNotFound:     http.StatusNotFound,
	domain.CodeConflict:     http.StatusConflict,
	domain.CodeUnavailable:  http.StatusServiceUnavailable,
}

// writeError answers with Didit's error body: {"detail": "..."}, or the
// field-keyed lists of a validation error. Anything handoff did not
// classify is a 500 that says nothing internal; its cause goes to the log.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var e *domain.Error
	status, known := 0, false
	if errors.As(err, &e) {
		status, known = statusOf[e.Code]
	}
	if !known {
		s.reqLog(r).Error("request failed", "method", r.Method, "route", infoOf(r).Route, "err", err)
		writeJSON(w, http.StatusInternalServerError, detail("A server error occurred."))
		return
	}
	if e.Code == domain.CodeUnavailable {
		// Not the client's fault and not a bug: worth a retry, and a line
		// in the log with the cause (the driver's error, no request data).
		s.reqLog(r).Warn("request failed: database unavailable", "method", r.Method, "route", infoOf(r).Route, "err", e.Cause)
		w.Header().Set("Retry-After", unavailableRetryAfter)
	}
	if len(e.Fields) > 0 {
		writeJSON(w, status, e.Fields)
		return
	}
	writeJSON(w, status, detail(e.Message))
}

// unavailableRetryAfter is how many seconds a client waits before retrying
// when the database is unavailable: long enough for a restart or a failover.
const unavailableRetryAfter = "5"

func detail(msg string) map[string]string { return map[string]string{"detail": msg} }
