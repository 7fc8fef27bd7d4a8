package api

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
)

// RequestInfo is what the API knows about one finished request: the
// request log line and the metrics are made from it. Route is the mux
// pattern (never the raw path), so it is a bounded label.
type RequestInfo struct {
	ID        string
	Method    string
	Route     string
	Path      string
	Status    int
	Bytes     int64
	Duration  time.Duration
	Client    string
	KeyPrefix string
	// Reason says why a request was refused (401, 403, 429); empty otherwise.
	Reason string
}

// Refused reports whether the request was turned away for who sent it.
func (i *RequestInfo) Refused() bool {
	return i.Status == http.StatusUnauthorized || i.Status == http.StatusForbidden || i.Status == http.StatusTooManyRequests
}

// unmatchedRoute labels requests no route matched, so scanners probing
// random paths cannot grow the set of route labels.
const unmatchedRoute = "unmatched"

// requestKey finds a request's *RequestInfo in its context. The context is
// the request's own and the value lives only inside this package, from
// the middleware to the handlers it wraps (which fill in the key prefix
// and the reason); nothing is passed to review this way: the request id
// goes to review in domain.Caller.
type requestKey struct{}

func infoOf(r *http.Request) *RequestInfo {
	if i, ok := r.Context().Value(requestKey{}).(*RequestInfo); ok {
		return i
	}
	return &RequestInfo{} // a handler called outside ServeHTTP (none today)
}

// requestID is the client's X-Request-Id when it is sane (1 to 128 of
// letters, digits and -_.:/+=), a new random one otherwise, so an id is
// safe to log and to store as it is.
func requestID(h string) string {
	if len(h) == 0 || len(h) > 128 {
		return uuid.NewString()
	}
	for _, c := range h {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_.:/+=", c)) {
			return uuid.NewString()
		}
	}
	return h
}

// keyPrefix is the part of a presented API key that handoff itself stores
// and shows (hk_ and six characters), or "" for a value that is not shaped
// like a handoff key: nothing else of a key is ever logged.
func keyPrefix(key string) string {
	const n = len("hk_") + 6
	if len(key) < n+8 || !strings.HasPrefix(key, "hk_") {
		return ""
	}
	for _, c := range key[:n] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return ""
		}
	}
	return key[:n]
}

// recorder notes the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// begin starts a request: its id (also sent back in X-Request-Id), its
// client address, and the recorder that will give its status.
func (s *Server) begin(w http.ResponseWriter, r *http.Request) (*recorder, *http.Request, *RequestInfo) {
	info := &RequestInfo{ID: requestID(r.Header.Get("X-Request-Id")), Method: r.Method, Path: r.URL.Path,
		Client: s.clients.address(r), Route: unmatchedRoute}
	w.Header().Set("X-Request-Id", info.ID)
	ctx := context.WithValue(r.Context(), requestKey{}, info)
	return &recorder{ResponseWriter: w}, r.WithContext(ctx), info
}

// finish logs the request's one line and hands it to the observer.
func (s *Server) finish(rec *recorder, info *RequestInfo, start time.Time) {
	info.Status, info.Bytes, info.Duration = rec.status, rec.bytes, time.Since(start)
	if info.Status == 0 {
		info.Status = http.StatusOK
	}
	attrs := []slog.Attr{slog.String("method", info.Method), slog.String("route", info.Route),
		slog.Int("status", info.Status), slog.Duration("duration", info.Duration), slog.Int64("bytes", info.Bytes),
		slog.String("client", info.Client), slog.String("key_prefix", info.KeyPrefix), slog.String("request_id", info.ID)}
	level, msg := slog.LevelInfo, "request"
	if info.Refused() {
		level, msg = slog.LevelWarn, "request refused"
		attrs = append(attrs, slog.String("path", loggedPath(info)), slog.String("reason", info.Reason))
	}
	s.log.LogAttrs(context.Background(), level, msg, attrs...)
	if s.observe != nil {
		s.observe(*info)
	}
}

// reqLog is the logger for one request's other lines: its id on each.
func (s *Server) reqLog(r *http.Request) *slog.Logger {
	return s.log.With("request_id", infoOf(r).ID)
}

// loggedPath is what a refused line says was asked for: the route pattern
// when a route matched, since a matched path can hold a partner's
// vendor_data (/v3/users/{vendor_data}/), which may be personal data; the
// raw path, cut short, only for paths no route serves (what scanners probe).
func loggedPath(info *RequestInfo) string {
	if info.Route != unmatchedRoute {
		return info.Route
	}
	return truncate(info.Path, 100)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
