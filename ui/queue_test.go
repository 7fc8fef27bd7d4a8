package ui

import (
	"context"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/google/uuid"
	"github.com/muesli/termenv"

	"handoff/domain"
	"handoff/review"
)

// colourOptions draw in 256 colours, so that tests can tell styles apart.
func colourOptions() Options {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI256)
	return Options{Renderer: r}
}

func queueIDs(q *queueTab) []uuid.UUID {
	var out []uuid.UUID
	for _, c := range q.list.Items() {
		out = append(out, c.ID)
	}
	return out
}

func sameIDs(a []uuid.UUID, b ...uuid.UUID) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The findings column counts a case's findings and names the worst; r
// sorts by them (worst, then most), o by waiting (longest first), and the
// same key again goes back to the default: decisions awaiting my second
// review first, then the oldest.
func TestQueueFindingsAndSorts(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	oldest, middle, newest := importCase(w, "case-old", 41), importCase(w, "case-mid", 42), importCase(w, "case-new", 43)
	alice := review.Analyst(w.y.ID, "alice")
	blocklistDocument(w, middle)       // a critical finding
	proposeDecline(w, "alice", newest) // awaiting sam's second review

	h := w.open(w.y, "sam", 120, 40)
	h.press("2")
	q := h.queue()
	want, err := w.svc.Findings(ctx, alice, middle.ID)
	if err != nil {
		t.Fatal(err)
	}
	if worst, _ := domain.Worst(want); worst != domain.SeverityCritical {
		t.Fatalf("the blocklisted case's worst finding is %q", worst)
	}
	h.expectView("findings", "second review", "⚑ decline by alice", "second reviews first")
	row := lineWith(t, h.view(), "case-mid")
	if !strings.Contains(row, strconv.Itoa(len(want))+" crit") {
		t.Fatalf("the findings column does not say %d crit: %q", len(want), row)
	}
	if !sameIDs(queueIDs(q), newest.ID, oldest.ID, middle.ID) {
		t.Fatalf("default order: %v", queueIDs(q))
	}

	h.press("r")
	h.expectView("worst findings first")
	if got := queueIDs(q); got[0] != middle.ID {
		t.Fatalf("r puts the critical case first: %v", got)
	}
	for i, c := range q.list.Items()[1:] {
		prev := q.list.Items()[i]
		if byFindings(prev, c) > 0 {
			t.Fatalf("r order breaks at %d: %+v before %+v", i, prev.Findings, c.Findings)
		}
	}
	h.press("r")
	if !sameIDs(queueIDs(q), newest.ID, oldest.ID, middle.ID) {
		t.Fatalf("r again goes back to the default: %v", queueIDs(q))
	}
	h.press("o")
	h.expectView("longest waiting first")
	if !sameIDs(queueIDs(q), oldest.ID, middle.ID, newest.ID) {
		t.Fatalf("o sorts by waiting, longest first: %v", queueIDs(q))
	}
	if sel, _ := q.list.Selected(); sel.ID != newest.ID {
		t.Fatalf("the cursor follows its case across sorts: on %v", sel.ID)
	}
	// A reload keeps the order and the cursor.
	h.press("g", "j")
	h.press("ctrl+r")
	if sel, _ := q.list.Selected(); sel.ID != middle.ID || !sameIDs(queueIDs(q), oldest.ID, middle.ID, newest.ID) {
		t.Fatalf("after a reload: on %v, order %v", sel.ID, queueIDs(q))
	}
	h.press("o")
	if sel, _ := q.list.Selected(); sel.ID != middle.ID || queueIDs(q)[0] != newest.ID {
		t.Fatalf("o again: on %v, order %v", sel.ID, queueIDs(q))
	}
}

// blocklistDocument puts s's document on Y's document blocklist.
func blocklistDocument(w *world, s domain.Session) {
	w.t.Helper()
	ctx := context.Background()
	alice := review.Analyst(w.y.ID, "alice")
	full, err := w.svc.Session(ctx, alice, s.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	var doc string
	for _, id := range domain.SessionIdentifiers(full) {
		if id.Type == domain.EntryDocument {
			doc = id.Value
		}
	}
	lists, _, err := w.svc.Lists(ctx, alice, review.ListsQuery{ListType: "blocklist", EntryType: "document", Limit: 5})
	if err != nil || len(lists) != 1 || doc == "" {
		w.t.Fatalf("document blocklist %v %v, document %q", lists, err, doc)
	}
	if _, err := w.svc.AddEntry(ctx, alice, lists[0].ID, review.NewEntry{Value: doc, Comment: "reported stolen"}); err != nil {
		w.t.Fatal(err)
	}
}

func lineWith(t *testing.T, view, text string) string {
	t.Helper()
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(l, text) {
			return l
		}
	}
	t.Fatalf("no line with %q:\n%s", text, view)
	return ""
}

// Waiting time against the service level: plain in its first three
// quarters, amber (Warning) in its last, red (Error) once overdue, and
// plain with no service level. The clock is the program's, moved.
func TestQueueWaitingAgainstSLA(t *testing.T) {
	w := newWorld(t)
	c := importCase(w, "case-1", 51)
	setPolicy(w, domain.FourEyesOff, 24*time.Hour)
	h := w.openWith(w.y, "sam", 120, 40, colourOptions())
	h.press("2")
	q := h.queue()
	st := h.model().c.Styles
	styleAt := func(after time.Duration) (string, string) {
		t.Helper()
		h.clock.Set(c.CreatedAt.Add(after))
		q.list.Redraw()
		items := q.list.Items()
		if len(items) != 1 {
			t.Fatalf("queue: %d cases", len(items))
		}
		row := q.drawer()(items[0])
		return row.Cells[8], row.Styles[8].Render(row.Cells[8])
	}
	for _, c := range []struct {
		after time.Duration
		style lipgloss.Style
		name  string
	}{
		{17 * time.Hour, st.Plain, "plain"},
		{18 * time.Hour, st.Warning, "amber"},
		{23*time.Hour + 59*time.Minute, st.Warning, "amber"},
		{24 * time.Hour, st.Error, "red"},
		{50 * time.Hour, st.Error, "red"},
	} {
		cell, drawn := styleAt(c.after)
		if drawn != c.style.Render(cell) {
			t.Errorf("waiting %s under a 24h SLA: %q is not %s", c.after, drawn, c.name)
		}
	}
	if st.Warning.Render("x") == st.Plain.Render("x") || st.Error.Render("x") == st.Warning.Render("x") {
		t.Fatal("the test's renderer does not tell the styles apart")
	}
	h.expectView("four-eyes off · SLA 24h")

	// The SLA changes elsewhere: the header and the colours follow.
	setPolicy(w, domain.FourEyesOff, 0)
	h.awaitChange("applications changed", changeOf(review.ChangeApplications, nil))
	if cell, drawn := styleAt(50 * time.Hour); drawn != st.Plain.Render(cell) {
		t.Errorf("without an SLA the waiting time is plain: %q", drawn)
	}
	if strings.Contains(h.view(), "SLA") {
		t.Errorf("the header still shows an SLA:\n%s", h.view())
	}
}

// The work list at 80×24 under four-eyes with a service level: number,
// vendor_data, findings and waiting stay readable, the proposal is marked,
// empty columns went first. Regenerate with -update.
func TestGoldenQueueFourEyes80x24(t *testing.T) {
	w := newWorld(t)
	var cases []domain.Session
	for i, v := range []string{"harbor-user-0101", "harbor-user-0102", "harbor-business-0103", "harbor-user-0104"} {
		cases = append(cases, importCase(w, v, uint64(61+i)))
		w.clock.Set(w.clock.Now().Add(5 * time.Hour)) // imported five hours apart
	}
	proposeDecline(w, "alice", cases[2])
	blocklistDocument(w, cases[0])
	setPolicy(w, domain.FourEyesDeclines, 24*time.Hour)
	if _, err := w.svc.Claim(context.Background(), review.Analyst(w.y.ID, "bob"), cases[3].ID); err != nil {
		t.Fatal(err)
	}
	h := w.open(w.y, "sam.ortiz", 80, 24)
	h.clock.Set(t0.Add(22 * time.Hour)) // the oldest is in its SLA's last quarter
	h.press("2")
	golden.RequireEqual(t, []byte(h.view()+"\n"))
}
