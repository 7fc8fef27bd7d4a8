package main

import (
	"fmt"
	"strings"
)

// With -statements, each handoff measurement is followed by the
// statements PostgreSQL spent most time on during it, from
// pg_stat_statements (which the cluster must preload:
// shared_preload_libraries = 'pg_stat_statements' in its postgresql.conf).
// It says where a use case's database time goes; the extension's own cost
// makes the run's figures a little lower, so they are not the ones to
// record.

func (b *bench) resetStatements() {
	if !b.cfg.statements {
		return
	}
	if _, err := b.db.Exec(`CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()`); err != nil {
		fmt.Fprintln(stderr, "  statements:", err)
	}
}

func (b *bench) printStatements(what string) {
	if !b.cfg.statements {
		return
	}
	var rows []struct {
		Calls int64   `db:"calls"`
		Total float64 `db:"total"`
		Mean  float64 `db:"mean"`
		Plan  float64 `db:"plan"`
		Hit   float64 `db:"hit"`
		Query string  `db:"query"`
	}
	err := b.db.Select(&rows, `SELECT calls, total_exec_time AS total, mean_exec_time AS mean, total_plan_time AS plan, shared_blks_hit::float8 / greatest(calls, 1) AS hit, query
		FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
		WHERE d.datname = current_database() ORDER BY total_exec_time + total_plan_time DESC LIMIT 15`)
	if err != nil {
		fmt.Fprintln(stderr, "  statements:", err)
		return
	}
	fmt.Fprintf(stderr, "  statements during %s (calls, exec ms in all, mean ms, plan ms in all, buffers hit per call):\n", what)
	for _, r := range rows {
		q := strings.Join(strings.Fields(r.Query), " ")
		if len(q) > 110 {
			q = q[:110] + "…"
		}
		fmt.Fprintf(stderr, "    %7d %9.0f %7.3f %7.0f %7.0f  %s\n", r.Calls, r.Total, r.Mean, r.Plan, r.Hit, q)
	}
}
