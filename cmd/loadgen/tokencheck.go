package main

import (
	"context"
	"fmt"
	"io"
)

// The token record check (issue 17) priced where it costs: in the
// database. On the Go side it is a handful of comparisons
// (domain.ShareClaims.CheckRecord), and the failed-authentication limiter
// is not on a successful request's path at all (api.Server.authed draws
// on it only for a 401). In the database it is the share_tokens row read
// and held FOR SHARE in the import's transaction, which writes the row's
// lock into its header. -token-check runs the bare import with it
// (importSQL) and without it (importWithoutRecord) in turns.

// turn is two measurements: a is the one being priced.
type turn struct{ a, b result }

func (b *bench) tokenCheckRuns(ctx context.Context, n, rounds int) ([]turn, error) {
	var out []turn
	for i := 0; i < rounds; i++ {
		with, err := b.pgbench(ctx, "import", importSQL, n)
		if err != nil {
			return nil, err
		}
		without, err := b.pgbench(ctx, "import-norecord", importWithoutRecord, n)
		if err != nil {
			return nil, err
		}
		out = append(out, turn{with, without})
	}
	return out, nil
}

func writeTokenCheck(w io.Writer, runs []turn) {
	if len(runs) == 0 {
		return
	}
	fmt.Fprintf(w, "**Token record check** — the bare import with the share_tokens row read FOR SHARE and without it, in turns, %d clients:\n\n",
		runs[0].a.concurrency)
	fmt.Fprintln(w, "| round | with/s | p50 | p99 | load | without/s | p50 | p99 | load | with / without |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|")
	var a, bb float64
	for i, r := range runs {
		fmt.Fprintf(w, "| %d | %.0f | %s | %s | %.1f | %.0f | %s | %s | %.1f | **%.2f** |\n", i+1,
			r.a.rate(), ms(r.a.p50), ms(r.a.p99), r.a.load, r.b.rate(), ms(r.b.p50), ms(r.b.p99), r.b.load, ratio(r.a, r.b))
		a += r.a.rate()
		bb += r.b.rate()
	}
	fmt.Fprintf(w, "\nall rounds: with / without **%.2f**\n\n", a/bb)
}
