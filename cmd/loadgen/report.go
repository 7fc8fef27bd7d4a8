package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// report is one run's measurements.
type report struct {
	mints, imports         []result
	bareMints, bareImports []result
	fanin, independent     result
	seeded                 []seededRun
	tokenCheck             []turn
}

func ratio(a, b result) float64 {
	if b.rate() == 0 {
		return 0
	}
	return a.rate() / b.rate()
}

func (rep report) write(w io.Writer, cfg config) {
	fmt.Fprintf(w, "Run %s, %d s per measurement, %d CPUs.\n\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"),
		int(cfg.duration.Seconds()), numCPU())
	for _, op := range []struct {
		name      string
		got, bare []result
	}{{"mint", rep.mints, rep.bareMints}, {"import", rep.imports, rep.bareImports}} {
		fmt.Fprintf(w, "**%s** — handoff over HTTP against pgbench running the bare statements (no application lock):\n\n", op.name)
		fmt.Fprintln(w, "| clients | handoff/s | p50 | p99 | p99/p50 | sealing lag from commit p50 | p99 | max | p99 from insert | load | bare/s | bare p50 | bare p99 | load | handoff / bare |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
		for i := range op.got {
			g, b := op.got[i], op.bare[i]
			fmt.Fprintf(w, "| %d | %.0f | %s | %s | %.1f | %s | %s | %s | %s | %.1f | %.0f | %s | %s | %.1f | **%.2f** |\n", g.concurrency,
				g.rate(), ms(g.p50), ms(g.p99), g.spread(), ms(g.lag.p50), ms(g.lag.p99), ms(g.lag.max), ms(g.lag.fromInsert), g.load,
				b.rate(), ms(b.p50), ms(b.p99), b.load, ratio(g, b))
		}
		fmt.Fprintln(w)
	}
	if rep.fanin.ok > 0 {
		fmt.Fprintln(w, "**One issuer, eight partners** importing its tokens at once, against eight independent issuer–partner pairs, 16 clients:")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| scenario | imports/s | p50 | p99 | sealing lag p99 |")
		fmt.Fprintln(w, "|---|---|---|---|---|")
		for _, r := range []result{rep.fanin, rep.independent} {
			fmt.Fprintf(w, "| %s | %.0f | %s | %s | %s |\n", r.what, r.rate(), ms(r.p50), ms(r.p99), ms(r.lag.p99))
		}
		fmt.Fprintf(w, "\nfan-in / independent: **%.2f**\n\n", ratio(rep.fanin, rep.independent))
	}
	writeSeeded(w, cfg, rep.seeded)
	writeTokenCheck(w, rep.tokenCheck)
	var failed []string
	all := append(append(rep.mints, rep.imports...), rep.fanin, rep.independent)
	for _, s := range rep.seeded {
		all = append(all, s.empty, s.seeded)
	}
	for _, r := range all {
		if r.failed > 0 {
			failed = append(failed, fmt.Sprintf("%s c=%d: %d", r.what, r.concurrency, r.failed))
		}
	}
	if len(failed) > 0 {
		fmt.Fprintf(w, "\nRefused or failed requests: %s\n", strings.Join(failed, ", "))
	}
}
