package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var stderr io.Writer = os.Stderr

// importSQL is what one import does in PostgreSQL, statement for statement
// (review.Import and the store functions it calls): redeem the token, read
// the source session with its token record, find the workflow, queue a
// webhook if one is due (the outbox statement), announce the change
// (NOTIFY), make sure of the entity, insert the clone (numbered from the
// importer's sequence, its payload copied inside the database and
// returned), and append one pending audit event in each application. The sub-selects
// stand in for values the Go side computes between statements.
const importSQL = `\set n random(1, :nsessions)
BEGIN;
INSERT INTO imports (application_id, token_id, session_id, source_application_id, source_session_id, imported_by, created_at)
  VALUES (:y, gen_random_uuid(), gen_random_uuid(), :x, gen_random_uuid(), 'api_key-bench', now()) ON CONFLICT (application_id, token_id) DO NOTHING;
SELECT s.session_id AS sid, coalesce(t.token_id, gen_random_uuid()) AS tid FROM sessions s
  LEFT JOIN share_tokens t ON t.application_id = s.application_id AND t.session_id = s.session_id AND t.token_id = (SELECT gen_random_uuid())
  JOIN applications a ON a.application_id = s.application_id AND a.deleted_at IS NULL
  WHERE s.application_id = :x AND s.session_number = :n AND s.deleted_at IS NULL LIMIT 1 \gset
SELECT workflow_id, kind FROM workflows WHERE application_id = :y AND workflow_id = 'wf_partner_kyc';
WITH dest AS (SELECT destination_id FROM webhook_destinations
    WHERE application_id = :y AND deleted_at IS NULL AND enabled AND 'status.updated' = ANY (subscribed_events)),
  ev AS (INSERT INTO webhook_events (application_id, event_id, webhook_type, session_id, payload, created_at)
    SELECT :y, gen_random_uuid(), 'status.updated', :sid, '{"webhook_type":"status.updated"}'::json, now() WHERE EXISTS (SELECT 1 FROM dest)
    RETURNING application_id, event_id),
  del AS (INSERT INTO webhook_deliveries (application_id, event_id, destination_id, queued_at, next_attempt_at)
    SELECT ev.application_id, ev.event_id, dest.destination_id, now(), now() FROM ev, dest RETURNING 1)
  SELECT (SELECT count(*) FROM del);
SELECT pg_notify('handoff_changes', p) FROM unnest(ARRAY['{"what":"session.imported"}', '{"what":"token.imported"}']) AS p;
INSERT INTO entities (application_id, kind, vendor_data, entity_id) VALUES (:y, 'user', 'bench-user', gen_random_uuid()) ON CONFLICT DO NOTHING;
INSERT INTO sessions (application_id, session_id, session_number, session_kind, status, workflow_id, vendor_data,
    shared_from_session, shared_from_application, import_token_id, checks, created_at, updated_at)
  SELECT :y, gen_random_uuid(), next_session_number(:y), 'user', 'In Review',
    'wf_partner_kyc', 'bench-user', src.session_id, src.application_id, :tid, src.checks, now(), now()
  FROM sessions src WHERE src.application_id = :x AND src.session_id = :sid
  RETURNING session_number, checks;
INSERT INTO audit_pending (application_id, event_id, at, actor, action, session_id, details) VALUES
    (:y, gen_random_uuid(), now(), 'api_key-bench', 'session.imported', :sid, '{"token_id":"bench"}'),
    (:x, gen_random_uuid(), now(), 'api_key-bench', 'share_token.imported', :sid, '{"token_id":"bench"}');
COMMIT;
`

var tpsRe = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)

// pgbench runs importSQL at concurrency n with the same duration and
// returns PostgreSQL's throughput for it.
func (b *bench) pgbench(ctx context.Context, n int) (result, error) {
	script := filepath.Join(os.TempDir(), "handoff-import.pgbench")
	if err := os.WriteFile(script, []byte(importSQL), 0o644); err != nil {
		return result{}, err
	}
	threads := min(n, 2)
	logDir, err := os.MkdirTemp("", "handoff-pgbench-")
	if err != nil {
		return result{}, err
	}
	defer os.RemoveAll(logDir)
	args := []string{"-n", "-M", "extended", "-c", strconv.Itoa(n), "-j", strconv.Itoa(threads),
		"-T", strconv.Itoa(int(b.cfg.duration.Seconds())), "-f", script, "-l", "--log-prefix", filepath.Join(logDir, "tx"),
		"-D", "x=" + b.x.ID, "-D", "y=" + b.y.ID, "-D", "nsessions=" + strconv.Itoa(len(b.sessions)),
		"-h", b.cluster.SocketDir(), "-p", strconv.Itoa(b.cluster.Port()), "-U", "handoff", benchDB}
	cmd := exec.CommandContext(ctx, b.cluster.Bin("pgbench"), args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return result{}, fmt.Errorf("pgbench: %v\n%s", err, out)
	}
	m := tpsRe.FindSubmatch(out)
	if m == nil {
		return result{}, fmt.Errorf("pgbench printed no tps:\n%s", out)
	}
	tps, _ := strconv.ParseFloat(string(m[1]), 64)
	r := result{what: "pgbench", concurrency: n, ok: int(tps * b.cfg.duration.Seconds()), elapsed: b.cfg.duration}
	lat, err := pgbenchLatencies(logDir)
	if err != nil {
		return result{}, err
	}
	r.p50, r.p95, r.p99 = percentiles(lat)
	fmt.Fprintf(stderr, "  pgbench c=%-3d %8.0f/s  p50 %-8s p99 %-8s\n", n, tps, r.p50, r.p99)
	return r, nil
}

// pgbenchLatencies reads pgbench's per-transaction logs, whose third field
// is the latency in microseconds.
func pgbenchLatencies(dir string) ([]time.Duration, error) {
	files, err := filepath.Glob(filepath.Join(dir, "tx*"))
	if err != nil {
		return nil, err
	}
	var lat []time.Duration
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		for _, line := range strings.Split(string(raw), "\n") {
			fields := strings.Fields(line)
			if len(fields) < 3 {
				continue
			}
			us, err := strconv.ParseInt(fields[2], 10, 64)
			if err == nil {
				lat = append(lat, time.Duration(us)*time.Microsecond)
			}
		}
	}
	return lat, nil
}

func report(w io.Writer, cfg config, mints, imports, pg []result) {
	fmt.Fprintf(w, "Run %s, %d s per measurement, %d CPUs.\n\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"),
		int(cfg.duration.Seconds()), numCPU())
	fmt.Fprintln(w, "| concurrency | mint/s | mint p50 | mint p99 | import/s | import p50 | import p95 | import p99 | import p99/p50 | pgbench import tx/s | pgbench p50 | pgbench p99 | pgbench p99/p50 | import / pgbench |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	for i := range imports {
		m, im, p := mints[i], imports[i], pg[i]
		ratio := 0.0
		if p.rate() > 0 {
			ratio = im.rate() / p.rate()
		}
		fmt.Fprintf(w, "| %d | %.0f | %s | %s | %.0f | %s | %s | %s | %.1f | %.0f | %s | %s | %.1f | %.2f |\n", im.concurrency,
			m.rate(), ms(m.p50), ms(m.p99), im.rate(), ms(im.p50), ms(im.p95), ms(im.p99), im.spread(),
			p.rate(), ms(p.p50), ms(p.p99), p.spread(), ratio)
	}
	var failed []string
	for _, r := range append(mints, imports...) {
		if r.failed > 0 {
			failed = append(failed, fmt.Sprintf("%s c=%d: %d", r.what, r.concurrency, r.failed))
		}
	}
	if len(failed) > 0 {
		fmt.Fprintf(w, "\nRefused or failed requests: %s\n", strings.Join(failed, ", "))
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
