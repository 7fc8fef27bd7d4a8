package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"runtime"
	"strconv"
	"testing"
	"time"

	"handoff/api"
	"handoff/demo"
	"handoff/domain"
	"handoff/internal/cputime"
	"handoff/review"
	"handoff/store/pgtest"
)

// BenchmarkImportOverHTTP is review's BenchmarkImport through the API
// handler: POST /v3/session/import-shared/ with a partner's key, its body
// decoded and the session written back, each import as another person
// and each session imported twice.
// The handler is called directly (httptest's recorder, no socket), so the
// difference from BenchmarkImport is the API's own work.
//
//	go test ./api -run '^$' -bench ImportOverHTTP -benchmem
func BenchmarkImportOverHTTP(b *testing.B) {
	ctx := context.Background()
	svc := review.New(pgtest.DB(b), review.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	b.Cleanup(svc.Close)
	srv := api.New(svc, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	mk := func(name string) review.CreatedApplication {
		a, err := svc.CreateApplication(ctx, review.Operator("bench"), review.NewApplication{Name: name,
			Workflows: []domain.Workflow{{ID: "wf_kyc", Kind: domain.KindUser}}})
		if err != nil {
			b.Fatal(err)
		}
		return a
	}
	x, y := mk("X"), mk("Y")
	var sessions []domain.Session
	if err := demo.Generate(ctx, svc, demo.Options{App: x.Application.ID, Count: (b.N + 1) / 2, Kind: domain.KindUser,
		Phase: domain.PhaseApproved, Seed: uint64(time.Now().UnixNano()), Actor: "bench"},
		func(s domain.Session) { sessions = append(sessions, s) }); err != nil {
		b.Fatal(err)
	}
	bodies := make([][]byte, b.N)
	for i := range bodies {
		m, err := svc.Share(ctx, review.Analyst(x.Application.ID, "bench"), sessions[i%len(sessions)].ID, y.Application.ID, 3600)
		if err != nil {
			b.Fatal(err)
		}
		bodies[i], _ = json.Marshal(map[string]any{"share_token": m.Token, "workflow_id": "wf_kyc",
			"vendor_data": "bench-" + strconv.Itoa(i), "trust_review": false})
	}
	runtime.GC() // the set-up's garbage is not the imports'
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cputime.Process()
	for _, body := range bodies {
		req := httptest.NewRequest("POST", "/v3/session/import-shared/", bytes.NewReader(body))
		req.Header.Set("x-api-key", y.APIKey)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != 201 {
			b.Fatalf("import: %d %s", rec.Code, rec.Body)
		}
	}
	b.ReportMetric(float64(cputime.Process()-cpu0)/float64(b.N), "cpu-ns/op")
}
