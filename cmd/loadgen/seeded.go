package main

import (
	"context"
	"fmt"
	"io"
	"time"
)

// The seeded comparison (issue 11): import throughput into an application
// that already holds many sessions (each with its identifiers) and list
// entries, against an empty one, in turns in the same run so the
// machine's load moves both alike. The seed is bulk SQL (generate_series),
// not the API: a million sessions through HTTP would take hours here.

// seedPartner fills p with sessions sessions, six identifiers each (the
// kinds a KYC session has), and entries list entries spread over its
// system blocklists.
func (b *bench) seedPartner(ctx context.Context, p partner, sessions, entries int) error {
	start := time.Now()
	fmt.Fprintf(stderr, "seeding %d sessions and %d list entries into %s ...\n", sessions, entries, p.ID)
	const batch = 100_000 // one transaction per batch keeps each one's WAL modest
	for done := 0; done < sessions; done += batch {
		if err := b.seedBatch(ctx, p, done+1, done+min(batch, sessions-done)); err != nil {
			return err
		}
	}
	// Entries are sealed at rest: opaque bytes stand in for the sealed
	// value (nothing matches these hashes, so nothing opens them), and the
	// housekeeping has no entry in the clear to seal during a run.
	if _, err := b.db.ExecContext(ctx, `INSERT INTO list_entries (application_id, list_id, entry_id, entry_type, list_type,
			value, value_hash, added_by, created_at, sealed, key_generation)
		SELECT $1, l.list_id, gen_random_uuid(), l.entry_type, l.list_type, '', sha256(('entry' || g)::bytea), 'bench', now(),
			sha512(('sealed entry' || g)::bytea), 1
		FROM generate_series(1, $2::int) g
		JOIN lists l ON l.application_id = $1 AND l.is_system
		  AND l.entry_type = (ARRAY['document', 'face', 'phone', 'email', 'user', 'ip_address'])[1 + g % 6]`,
		p.ID, entries); err != nil {
		return fmt.Errorf("seeding list entries: %w", err)
	}
	if _, err := b.db.ExecContext(ctx, `UPDATE lists l SET entry_count = (SELECT count(*) FROM list_entries e
		WHERE e.application_id = l.application_id AND e.list_id = l.list_id) WHERE l.application_id = $1`, p.ID); err != nil {
		return err
	}
	// As autovacuum would have by the time an application is this big.
	if _, err := b.db.ExecContext(ctx, `VACUUM ANALYZE sessions, session_identifiers, list_entries, entities`); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "  seeded in %s\n", time.Since(start).Round(time.Second))
	return nil
}

// seededRun is one import measurement into the empty partner and one into
// the seeded one.
type seededRun struct{ empty, seeded result }

// seeded measures imports at concurrency n into the empty partner y and
// the seeded partner z in turns, rounds times.
func (b *bench) seeded(z partner, n, rounds int) []seededRun {
	var out []seededRun
	for i := 0; i < rounds; i++ {
		var r seededRun
		for _, p := range []struct {
			to  partner
			dst *result
		}{{b.y, &r.empty}, {z, &r.seeded}} {
			tokens := make(chan string, 1<<20)
			b.topUp(b.x, p.to, tokens, n)
			*p.dst = b.measure("import", n, b.importOnce(p.to, tokens))
		}
		out = append(out, r)
	}
	return out
}

func writeSeeded(w io.Writer, cfg config, runs []seededRun) {
	if len(runs) == 0 {
		return
	}
	fmt.Fprintf(w, "**Import into an application holding %d sessions and %d list entries**, against an empty one, in turns, %d clients:\n\n",
		cfg.seedSessions, cfg.seedEntries, runs[0].empty.concurrency)
	fmt.Fprintln(w, "| round | empty/s | p50 | p99 | load | seeded/s | p50 | p99 | load | seeded / empty |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|")
	var e, s float64
	for i, r := range runs {
		fmt.Fprintf(w, "| %d | %.0f | %s | %s | %.1f | %.0f | %s | %s | %.1f | **%.2f** |\n", i+1,
			r.empty.rate(), ms(r.empty.p50), ms(r.empty.p99), r.empty.load,
			r.seeded.rate(), ms(r.seeded.p50), ms(r.seeded.p99), r.seeded.load, ratio(r.seeded, r.empty))
		e += r.empty.rate()
		s += r.seeded.rate()
	}
	fmt.Fprintf(w, "\nall rounds: seeded / empty **%.2f**\n\n", s/e)
}

// seedBatch adds sessions from..to of p with their identifiers and
// entities. The rows are valid by construction, so the transaction skips
// the per-row foreign-key checks (session_replication_role; the tables
// involved have no triggers of their own), which would triple the time.
func (b *bench) seedBatch(ctx context.Context, p partner, from, to int) error {
	tx, err := b.db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `WITH s AS (
			INSERT INTO sessions (application_id, session_id, session_number, session_kind, status, workflow_id,
				vendor_data, key_generation, sealed, created_at, updated_at)
			SELECT $1, gen_random_uuid(), next_session_number($1), 'user', 'Approved', 'wf_partner_kyc',
				'seed-' || g, 1, sha256(('sealed' || g)::bytea), now() - interval '1 day', now() - interval '1 day'
			FROM generate_series($2::int, $3::int) g
			RETURNING session_id, vendor_data)
		INSERT INTO session_identifiers (application_id, session_id, id_type, value_hash)
		SELECT $1, s.session_id, t, sha256((t || s.vendor_data)::bytea)
		FROM s, unnest(ARRAY['user', 'email', 'phone', 'face', 'ip_address', 'document']) AS t`, p.ID, from, to); err != nil {
		return fmt.Errorf("seeding sessions: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO entities (application_id, kind, vendor_data, entity_id)
		SELECT $1, 'user', 'seed-' || g, gen_random_uuid() FROM generate_series($2::int, $3::int) g`, p.ID, from, to); err != nil {
		return fmt.Errorf("seeding entities: %w", err)
	}
	return tx.Commit()
}
