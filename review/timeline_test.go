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
	page, err := f.svc.Timeline(ctx, ana, id, review.TimelineSpan{})
	if err != nil {
		t.Fatal(err)
	}
	tl := page.Timeline
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
	if page.Earlier {
		t.Fatal("a 4-event timeline says it has older events")
	}
	if _, err := f.svc.Timeline(ctx, review.Analyst(f.x, "ana"), id, review.TimelineSpan{}); !domain.IsCode(err, domain.CodeNotFound) {
		t.Fatalf("another application's case: %v", err)
	}
}

// A long timeline opens on its newest page and is read back page by page,
// each event once and in order; the case still says how it arrived (its
// import event is on the first page, long out of reach of the newest).
func TestTimelinePages(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 1)
	ana := review.Analyst(f.y, "ana")
	id := f.queued[0]
	const notes = 2*review.CasePage + 8 // mint, import, notes: two full pages and a short one
	for i := 0; i < notes; i++ {
		if i == notes/2 { // the older half sealed, the newer pending: pages cross from one to the other
			sealAll(t, f)
		}
		if _, err := f.svc.Note(ctx, ana, id, fmt.Sprintf("note %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	cs, err := f.svc.Case(ctx, ana, id, review.TimelineSpan{})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs.Timeline) != review.CasePage || !cs.Earlier || cs.Landing == nil || cs.Landing.SourceStatus != "Approved" {
		t.Fatalf("opened with %d events, earlier %v, landing %+v", len(cs.Timeline), cs.Earlier, cs.Landing)
	}
	if last := cs.Timeline[len(cs.Timeline)-1]; !strings.Contains(string(last.Details), fmt.Sprintf(`"note %d"`, notes-1)) {
		t.Fatalf("the newest page ends with %s", last.Details)
	}
	all := cs.Timeline
	for pages := 1; cs.Earlier; pages++ {
		if pages > 3 {
			t.Fatal("more pages than events")
		}
		p, err := f.svc.Timeline(ctx, ana, id, review.TimelineSpan{Before: all[0].Cursor})
		if err != nil {
			t.Fatal(err)
		}
		all, cs.Earlier = append(p.Timeline, all...), p.Earlier
	}
	var got, want []string
	for i, e := range all {
		got = append(got, e.Action+" "+string(e.Details))
		if i > 0 && e.At.Before(all[i-1].At) {
			t.Fatalf("out of order at %d", i)
		}
	}
	want = append(want, "share_token.minted", "session.imported")
	for i := 0; i < notes; i++ {
		want = append(want, fmt.Sprintf(`"note %d"`, i)) // quoted: note 1 is not note 10
	}
	if len(got) != len(want) {
		t.Fatalf("read %d events, want %d", len(got), len(want))
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) {
			t.Fatalf("event %d is %s, want %s", i, got[i], want[i])
		}
	}
	// A reload of everything read, from its oldest on, is the same events
	// and what came since; from a later one on, it says older ones remain.
	if _, err := f.svc.Note(ctx, ana, id, "the latest"); err != nil {
		t.Fatal(err)
	}
	again, err := f.svc.Case(ctx, ana, id, review.TimelineSpan{From: all[0].Cursor, Limit: len(all) + review.CasePage})
	if err != nil || again.Earlier || len(again.Timeline) != len(all)+1 || again.Timeline[0].Cursor != all[0].Cursor {
		t.Fatalf("reloading %d events and a new one: %d, earlier %v, %v", len(all), len(again.Timeline), again.Earlier, err)
	}
	tail, err := f.svc.Timeline(ctx, ana, id, review.TimelineSpan{From: all[10].Cursor, Limit: len(all) + review.CasePage})
	if err != nil || !tail.Earlier || len(tail.Timeline) != len(all)-10+1 {
		t.Fatalf("from the 11th event on: %d, earlier %v, %v", len(tail.Timeline), tail.Earlier, err)
	}
	if _, err := f.svc.Timeline(ctx, ana, id, review.TimelineSpan{Before: "yesterday"}); !domain.IsCode(err, domain.CodeInvalid) {
		t.Fatalf("a cursor that is none: %v", err)
	}
}

// Reading the newest page of a case's timeline with 1,000 events costs
// what it does with 5: one query on the session's indexes, bounded by the
// page. Recorded in docs/BENCHMARKS.md.
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
	sealAll(b, f) // as a server's sequencer has them within 200 ms
	for _, c := range []struct {
		name string
		id   uuid.UUID
		want int
	}{{"events=5", small, 5}, {"events=1000", big, review.CasePage}} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				p, err := f.svc.Timeline(ctx, ana, c.id, review.TimelineSpan{})
				if err != nil || len(p.Timeline) != c.want {
					b.Fatalf("%d events, %v", len(p.Timeline), err)
				}
			}
		})
	}
}

// sealAll seals every pending audit event, as the sequencer of a running
// server does.
func sealAll(t testing.TB, f *fixture) {
	t.Helper()
	for {
		n, err := f.svc.SealAudit(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// A timeline event keeps its ID when the sequencer seals it (its cursor
// changes), so a page read before and one read after can be told apart
// from a repeat.
func TestTimelineIDsSurviveSealing(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 1)
	ana := review.Analyst(f.y, "ana")
	id := f.queued[0]
	if _, err := f.svc.Note(ctx, ana, id, "pending, then sealed"); err != nil {
		t.Fatal(err)
	}
	ids := func() map[string]string { // ID → cursor
		p, err := f.svc.Timeline(ctx, ana, id, review.TimelineSpan{})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, e := range p.Timeline {
			if e.ID == "" || out[e.ID] != "" {
				t.Fatalf("event %s %s has an empty or repeated ID %q", e.Action, e.Details, e.ID)
			}
			out[e.ID] = e.Cursor
		}
		return out
	}
	before := ids()
	sealAll(t, f)
	after := ids()
	moved := 0
	for k, c := range before {
		if _, ok := after[k]; !ok {
			t.Fatalf("event %s lost its ID when sealed", k)
		}
		if after[k] != c {
			moved++
		}
	}
	if len(after) != len(before) || moved == 0 {
		t.Fatalf("%d events before sealing, %d after, %d with a new cursor: the test did not seal anything", len(before), len(after), moved)
	}
}
