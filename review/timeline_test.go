package review_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/review"
)

// A case's timeline has its whole story in order, mint to decision.
func TestTimelineTellsTheCase(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 1)
	ana := review.Analyst(f.y, "ana")
	id := f.queued[0]
	if _, err := f.svc.Note(ctx, ana, id, "called the customer"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.DecideCase(ctx, ana, id, domain.Decline(domain.ReasonDocumentExpired, "passport expired 2024-08-03")); err != nil {
		t.Fatal(err)
	}
	tl, err := f.svc.Timeline(ctx, ana, id)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i, e := range tl {
		got = append(got, e.Action+" by "+e.Actor)
		if i > 0 && e.At.Before(tl[i-1].At) {
			t.Fatalf("out of order at %d: %v", i, got)
		}
	}
	want := "share_token.minted by analyst:minter, session.imported by analyst:importer, session.note_added by analyst:ana, session.status_changed by analyst:ana"
	if strings.Join(got, ", ") != want {
		t.Fatalf("timeline:\n got %s\nwant %s", strings.Join(got, ", "), want)
	}
	if _, err := f.svc.Timeline(ctx, review.Analyst(f.x, "ana"), id); !domain.IsCode(err, domain.CodeNotFound) {
		t.Fatalf("another application's case: %v", err)
	}
}

// Opening the timeline of a case with 1,000 events costs what one with 5
// does: one query on the session's indexes. Recorded in
// docs/BENCHMARKS.md.
func BenchmarkTimeline(b *testing.B) {
	ctx := context.Background()
	f := newFixture(b, 2)
	ana := review.Analyst(f.y, "ana")
	fill := func(id uuid.UUID, n int) {
		for i := 0; i < n; i++ {
			if _, err := f.svc.Note(ctx, ana, id, fmt.Sprintf("note %d", i)); err != nil {
				b.Fatal(err)
			}
		}
	}
	small, big := f.queued[0], f.queued[1]
	fill(small, 3)
	fill(big, 998)
	for _, c := range []struct {
		name string
		id   uuid.UUID
		want int
	}{{"events=5", small, 5}, {"events=1000", big, 1000}} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				tl, err := f.svc.Timeline(ctx, ana, c.id)
				if err != nil || len(tl) != c.want {
					b.Fatalf("%d events, %v", len(tl), err)
				}
			}
		})
	}
}
