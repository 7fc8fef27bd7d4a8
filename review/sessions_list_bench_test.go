package review_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/review"
	"handoff/store/pgtest"
)

// BenchmarkListSessions pages GET /v3/sessions/'s use case over an
// application holding 1,000 and 1,000,000 sessions (small payloads, filled
// by SQL): the first page, a page halfway down reached by the keyset
// cursor its next links carry, and the reconciliation filters; and the
// first page of a small application (50 sessions) beside it, which plans
// made for the average application must not make slow. Each iteration
// includes the bounded count. Run with
//
//	go test ./review -run '^$' -bench BenchmarkListSessions -benchtime 200x
func BenchmarkListSessions(b *testing.B) {
	for _, n := range []int{1_000, 1_000_000} {
		b.Run(fmt.Sprintf("sessions=%d", n), func(b *testing.B) {
			ctx := context.Background()
			db := pgtest.DB(b)
			svc := review.New(db)
			b.Cleanup(svc.Close)
			a, err := svc.CreateApplication(ctx, review.Operator("bench"), review.NewApplication{Name: "Bench",
				Workflows: []domain.Workflow{{ID: "wf", Kind: domain.KindUser}}})
			if err != nil {
				b.Fatal(err)
			}
			app := a.Application.ID
			small, err := svc.CreateApplication(ctx, review.Operator("bench"), review.NewApplication{Name: "Small",
				Workflows: []domain.Workflow{{ID: "wf", Kind: domain.KindUser}}})
			if err != nil {
				b.Fatal(err)
			}
			for _, fill := range []struct {
				app uuid.UUID
				n   int
			}{{app, n}, {small.Application.ID, 50}} {
				// Every tenth session is an import, so shared_from_session has something to find.
				if _, err := db.ExecContext(ctx, `INSERT INTO sessions (application_id, session_id, session_number, session_kind,
						status, workflow_id, vendor_data, shared_from_session, checks, created_at, updated_at)
					SELECT $1, gen_random_uuid(), i, 'user', (ARRAY['Approved','Declined','In Review'])[1 + i % 3], 'wf',
						'user-' || i, CASE WHEN i % 10 = 0 THEN gen_random_uuid() END,
						'{"id_verifications":[{"status":"Approved","full_name":"A B"}]}'::jsonb,
						now() - (($2 - i) || ' seconds')::interval, now()
					FROM generate_series(1, $2) AS i`, fill.app, fill.n); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := db.ExecContext(ctx, `ANALYZE sessions`); err != nil {
				b.Fatal(err)
			}
			var probe uuid.UUID
			if err := db.GetContext(ctx, &probe, `SELECT shared_from_session FROM sessions
				WHERE application_id = $1 AND session_number = $2`, app, n/2-(n/2)%10); err != nil {
				b.Fatal(err)
			}
			caller := review.Analyst(app, "bench")
			user := []domain.Kind{domain.KindUser}
			for _, c := range []struct {
				name   string
				caller domain.Caller
				f      domain.SessionListFilter
				p      domain.Page
			}{
				{"first-page", caller, domain.SessionListFilter{Kinds: user}, domain.Page{Limit: 50}},
				{"halfway-by-keyset", caller, domain.SessionListFilter{Kinds: user}, domain.Page{Limit: 50, Offset: n / 2, Before: int64(n / 2)}},
				{"vendor_data", caller, domain.SessionListFilter{Kinds: user, VendorData: fmt.Sprintf("user-%d", n/3)}, domain.Page{Limit: 50}},
				{"shared_from_session", caller, domain.SessionListFilter{SharedFromSession: &probe}, domain.Page{Limit: 50}},
				{"small-application", review.Analyst(small.Application.ID, "bench"), domain.SessionListFilter{Kinds: user}, domain.Page{Limit: 50}},
			} {
				b.Run(c.name, func(b *testing.B) {
					for b.Loop() {
						l, err := svc.ListSessions(ctx, c.caller, c.f, c.p)
						if err != nil || len(l.Sessions) == 0 {
							b.Fatalf("%v, %d rows", err, len(l.Sessions))
						}
					}
				})
			}
		})
	}
}
