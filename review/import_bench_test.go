package review_test

import (
	"context"
	"runtime"
	"strconv"
	"testing"
	"time"

	"handoff/demo"
	"handoff/domain"
	"handoff/internal/cputime"
	"handoff/review"
	"handoff/store/pgtest"
)

// BenchmarkImport is one import through the review layer on real
// PostgreSQL, as cmd/loadgen's import run makes them: a share token of one
// of X's finished KYC sessions redeemed by Y, each import as a different
// person (vendor_data), each session imported twice (loadgen's run imports
// each of its 2,000 sessions about twice), so that an import finds the
// other clone of its origin and its identifiers as duplicates, and its cost
// does not grow with b.N. The tokens are minted before the clock starts.
// Its allocations are what the server's garbage collector pays for an
// import, cpu-ns/op the CPU it costs the process (docs/BENCHMARKS.md):
//
//	go test ./review -run '^$' -bench 'BenchmarkImport$' -benchmem
func BenchmarkImport(b *testing.B) {
	ctx := context.Background()
	svc := review.New(pgtest.DB(b))
	b.Cleanup(svc.Close)
	mk := func(name string) domain.Caller {
		a, err := svc.CreateApplication(ctx, review.Operator("bench"), review.NewApplication{Name: name,
			Workflows: []domain.Workflow{{ID: "wf_kyc", Kind: domain.KindUser}}})
		if err != nil {
			b.Fatal(err)
		}
		return review.Analyst(a.Application.ID, "bench")
	}
	x, y := mk("X"), mk("Y")
	var sessions []domain.Session
	if err := demo.Generate(ctx, svc, demo.Options{App: x.ApplicationID, Count: (b.N + 1) / 2, Kind: domain.KindUser,
		Phase: domain.PhaseApproved, Seed: uint64(time.Now().UnixNano()), Actor: "bench"},
		func(s domain.Session) { sessions = append(sessions, s) }); err != nil {
		b.Fatal(err)
	}
	tokens := make([]string, b.N)
	for i := range tokens {
		m, err := svc.Share(ctx, x, sessions[i%len(sessions)].ID, y.ApplicationID, 3600)
		if err != nil {
			b.Fatal(err)
		}
		tokens[i] = m.Token
	}
	runtime.GC() // the set-up's garbage is not the imports'
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cputime.Process()
	for i, tok := range tokens {
		if _, err := svc.Import(ctx, y, review.ImportRequest{ShareToken: tok, WorkflowID: "wf_kyc",
			VendorData: "bench-" + strconv.Itoa(i)}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cputime.Process()-cpu0)/float64(b.N), "cpu-ns/op")
}
