package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"handoff/domain"
	"handoff/review"
)

// A long case opens on the newest page of its timeline and says so; o
// reads the page before, as often as there is one (then the count is the
// whole and o is no longer offered), the import's arrival is in the
// Decision block all along, and a reload or a live change keeps what was
// read.
func TestCaseTimelineOlderPages(t *testing.T) {
	w := newWorld(t)
	sess := queued(w)
	ctx := context.Background()
	ana := review.Analyst(w.y.ID, "ana")
	const notes = 2*review.CasePage + 5 // with the mint and the import: two full pages and seven
	for i := 0; i < notes; i++ {
		w.clock.Set(t0.Add(time.Duration(i+1) * time.Minute))
		if _, err := w.svc.Note(ctx, ana, sess.ID, fmt.Sprintf("note number %d.", i)); err != nil {
			t.Fatal(err)
		}
	}
	h := w.open(w.y, "sam", 120, 40)
	h.press("2", "enter")
	d, ok := h.top().(*detailPage)
	if !ok || d.sess == nil {
		t.Fatalf("enter opens the case, got %T", h.top())
	}
	text := func() string { c, _, _, _ := d.content(); return ansiStrip(c) }
	if len(d.cs.Timeline) != review.CasePage || !strings.Contains(text(), fmt.Sprintf("Timeline · the newest %d", review.CasePage)) ||
		!strings.Contains(text(), "▲ older events: o reads the 50 before these") || !offered(h, "older events") {
		t.Fatalf("opens on the newest page (%d events), saying so:\n%s", len(d.cs.Timeline), text())
	}
	if strings.Contains(text(), "note number 0.") || !strings.Contains(text(), fmt.Sprintf("note number %d.", notes-1)) {
		t.Fatalf("the newest page has the newest note and not the oldest:\n%s", text())
	}
	if !strings.Contains(text(), "issuer's status        Approved at import") {
		t.Fatalf("the Decision block says how the case arrived, its import event long out of the page:\n%s", text())
	}

	h.press("o")
	if len(d.cs.Timeline) != 2*review.CasePage || !d.cs.Earlier {
		t.Fatalf("o reads the page before: %d events, earlier %v", len(d.cs.Timeline), d.cs.Earlier)
	}
	h.press("o")
	total := notes + 2
	if len(d.cs.Timeline) != total || d.cs.Earlier || offered(h, "older events") {
		t.Fatalf("o again reads the rest: %d events (want %d), earlier %v", len(d.cs.Timeline), total, d.cs.Earlier)
	}
	h.expectView(fmt.Sprintf("Timeline · %d", total), "minted the share token in the issuer's application", "imported it")
	if strings.Contains(text(), "older events") {
		t.Fatalf("nothing older is left to offer:\n%s", text())
	}
	for i, e := range d.cs.Timeline[1:] {
		if e.At.Before(d.cs.Timeline[i].At) || e.Cursor == d.cs.Timeline[i].Cursor {
			t.Fatalf("out of order or read twice at %d", i+1)
		}
	}
	h.press("o") // nothing older: o does nothing
	if len(d.cs.Timeline) != total {
		t.Fatalf("o with nothing older: %d events", len(d.cs.Timeline))
	}

	h.press("r") // and reads sam's claim of the case, recorded as it opened
	total++
	if len(d.cs.Timeline) != total || d.cs.Earlier || d.cs.Timeline[0].Kind != "mint" ||
		d.cs.Timeline[total-1].Action != domain.ActionCaseClaimed {
		t.Fatalf("a reload keeps what was read: %d events", len(d.cs.Timeline))
	}
	w.clock.Set(t0.Add(time.Duration(notes+1) * time.Minute))
	if _, err := w.svc.Note(ctx, review.Analyst(w.y.ID, "alice"), sess.ID, "the latest word."); err != nil {
		t.Fatal(err)
	}
	h.awaitChange("alice's note", changeOf(review.ChangeSessionReviewed, &sess.ID))
	if len(d.cs.Timeline) != total+1 || d.cs.Earlier || !strings.Contains(text(), "the latest word.") || !strings.Contains(text(), "note number 0.") {
		t.Fatalf("a live change keeps what was read and adds the new: %d events", len(d.cs.Timeline))
	}
}
