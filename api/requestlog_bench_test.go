package api_test

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"handoff/api"
)

// What the request middleware adds to every request: an id, the recorder,
// one JSON log line and the observer. Measured on a path no route serves,
// so no database is involved; the figure is an upper bound of the
// per-request overhead (it includes the mux lookup and the 404 body).
//
//	go test ./api -run '^$' -bench RequestMiddleware -benchtime 2s
func BenchmarkRequestMiddleware(b *testing.B) {
	srv := api.New(nil, slog.New(slog.NewJSONHandler(io.Discard, nil)), api.WithObserver(func(api.RequestInfo) {}))
	req := httptest.NewRequest("GET", "/not/a/route", nil)
	req.Header.Set("x-api-key", "hk_abcdefghijklmnopqrstuvwxyz")
	b.ReportAllocs()
	for b.Loop() {
		srv.ServeHTTP(httptest.NewRecorder(), req)
	}
}
