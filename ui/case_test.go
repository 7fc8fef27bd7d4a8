package ui

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/google/uuid"

	"handoff/domain"
	"handoff/review"
)

// casePage opens the newest session of app (a declined one, with
// findings) at w×h and returns its page.
func casePage(t *testing.T, w *world, width, height int) (*harness, *detailPage) {
	t.Helper()
	h := w.open(w.x, "ana", width, height)
	h.press("enter")
	d, ok := h.top().(*detailPage)
	if !ok || d.sess == nil {
		t.Fatalf("enter opens the case, got %T", h.top())
	}
	if len(d.found) == 0 || d.found[0].Check == "" {
		t.Fatalf("the case needs a finding that points at a check: %+v", d.found)
	}
	return h, d
}

// At 200 columns the case has two columns, each scrolling on its own;
// tab moves the keyboard between them (the focused one's title is
// marked); ] and [ walk the sections and go on to the other column; f
// goes to the first finding and enter from it to its check, marked.
func TestCaseTwoColumnsAndJumps(t *testing.T) {
	w := newWorld(t)
	w.generate(w.x, 1, domain.KindUser, domain.PhaseDeclined, 5)
	h, d := casePage(t, w, 200, 50)
	if !d.lay.two {
		t.Fatal("200 columns: two columns")
	}
	h.expectView("▌Case · decision", "Evidence · pictures and checks", "Timeline", "ID verification")
	h.press("tab")
	h.expectView("▌Evidence")
	if d.lay.focus != colEvidence {
		t.Fatal("tab gives the evidence the keyboard")
	}
	h.press("j")
	if d.lay.panes[colEvidence].Offset() != 1 || d.lay.panes[colCase].Offset() != 0 {
		t.Fatal("j scrolls the focused column only")
	}
	h.press("tab", "g")
	for _, name := range []string{"decision", "findings", "provenance", "timeline"} {
		m, ok := d.lay.panes[colCase].Mark(name)
		if name == "provenance" && !ok {
			continue // not an import
		}
		h.press("]")
		if !ok || d.lay.focus != colCase || d.lay.panes[colCase].Offset() != m.Line {
			t.Fatalf("] goes to %s (line %d): at %d, focus %d", name, m.Line, d.lay.panes[colCase].Offset(), d.lay.focus)
		}
	}
	h.press("]")
	if d.lay.focus != colEvidence {
		t.Fatal("] after the last section of the case goes on to the evidence")
	}
	h.press("[")
	if m, _ := d.lay.panes[colCase].Mark("timeline"); d.lay.focus != colCase || d.lay.panes[colCase].Offset() != m.Line {
		t.Fatal("[ at the top of the evidence goes back to the case's last section")
	}

	h.press("f")
	if d.sel != 0 || !strings.Contains(h.view(), "▸ ") {
		t.Fatalf("f selects the first finding (%d):\n%s", d.sel, h.view())
	}
	h.press("enter")
	want := d.found[0].Check
	for ; want != ""; want = parentCheck(want) {
		if _, ok := d.lay.panes[colEvidence].Mark(want); ok {
			break
		}
	}
	m, _ := d.lay.panes[colEvidence].Mark(want)
	if want == "" || d.hot != want || d.lay.focus != colEvidence || d.lay.panes[colEvidence].Offset() != m.Line {
		t.Fatalf("enter on %+v goes to its check %q: hot %q, focus %d, at %d", d.found[0], want, d.hot, d.lay.focus, d.lay.panes[colEvidence].Offset())
	}
	h.expectView("▶ ")
}

// At 80×24 the case is one column: the sections, then the evidence, and
// the same keys reach them; tab is not offered there.
func TestCaseOneColumnAt80(t *testing.T) {
	w := newWorld(t)
	w.generate(w.x, 1, domain.KindUser, domain.PhaseDeclined, 5)
	h, d := casePage(t, w, 80, 24)
	if d.lay.two || offered(h, "other column") {
		t.Fatal("80 columns: one column, and no tab")
	}
	pane := d.lay.focused()
	var seen []string
	for range pane.Sections() {
		h.press("]")
		for _, m := range pane.Sections() {
			if m.Line == pane.Offset() {
				seen = append(seen, m.Name)
			}
		}
	}
	// (generated sessions have no pictures, so no Evidence section)
	if got := strings.Join(seen, " "); !strings.HasPrefix(got, "decision findings timeline id_verifications liveness_checks") {
		t.Fatalf("] walks decision, findings, timeline, then the evidence: %s", got)
	}
	h.press("g", "f", "enter")
	if m, ok := pane.Mark(d.hot); !ok || pane.Offset() != m.Line {
		t.Fatalf("enter on the finding shows its check %q at the top", d.hot)
	}
	h.press("F")
	if d.sel != len(d.found)-1 && len(d.found) > 1 {
		t.Fatalf("F goes to the previous finding (wrapping): %d", d.sel)
	}
}

func TestParentCheck(t *testing.T) {
	for in, want := range map[string]string{
		"key_people_checks[1].aml_screenings[0]": "key_people_checks[1]",
		"key_people_checks[1]":                   "key_people_checks",
		"id_verifications":                       "",
	} {
		if got := parentCheck(in); got != want {
			t.Errorf("parentCheck(%q) = %q, want %q", in, got, want)
		}
	}
}

// c adds a note without deciding: an empty one is refused in the dialog;
// a note typed with letters that are keys elsewhere reaches the audit
// trail whole and shows in the timeline at once; another analyst's note
// arrives live.
func TestCaseNote(t *testing.T) {
	w := newWorld(t)
	sess := queued(w)
	h := w.open(w.y, "sam", 80, 24)
	h.press("2", "enter", "c")
	if _, ok := h.top().(*notePage); !ok {
		t.Fatalf("c opens the note dialog, got %T", h.top())
	}
	h.press("enter")
	h.expectView("A note needs some text")
	const note = "Called the customer: j k g ] f 2, all fine."
	h.typeText(note)
	h.press("enter")
	d, ok := h.top().(*detailPage)
	if !ok || !strings.Contains(h.status().text, "Note added") {
		t.Fatalf("the note is saved and the case shown again: %T %+v", h.top(), h.status())
	}
	if d.current().Status != "In Review" {
		t.Fatalf("a note decides nothing: %s", d.current().Status)
	}
	caseText, _, _, _ := d.content()
	if !strings.Contains(ansiStrip(caseText), "note: "+note) {
		t.Fatalf("the timeline shows the note:\n%s", ansiStrip(caseText))
	}
	events, err := w.svc.Audit(context.Background(), review.Analyst(w.y.ID, "check"), review.AuditQuery{SessionID: &sess.ID, Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range events {
		found = found || e.Action == domain.ActionNoteAdded && e.Actor == "analyst:sam" && strings.Contains(string(e.Details), note)
	}
	if !found {
		t.Fatalf("the note is in the audit trail: %+v", events)
	}

	if _, err := w.svc.Note(context.Background(), review.Analyst(w.y.ID, "alice"), sess.ID, "second opinion: fine"); err != nil {
		t.Fatal(err)
	}
	h.awaitChange("alice's note", changeOf(review.ChangeSessionReviewed, &sess.ID))
	caseText, _, _, _ = d.content()
	if !strings.Contains(ansiStrip(caseText), "alice  note: second opinion: fine") {
		t.Fatalf("another analyst's note arrives live:\n%s", ansiStrip(caseText))
	}
}

// A decision awaiting a second review is said once on the case page, in
// its Decision block, and at 80×24 without scrolling: with the keys for
// the analyst who may settle it, and "yours" for its proposer.
func TestCaseProposalShownOnce(t *testing.T) {
	w := newWorld(t)
	s := queued(w)
	proposeDecline(w, "alice", s)
	for analyst, hint := range map[string]string{"sam": "y confirms it, R rejects it", "alice": "yours: a different analyst"} {
		h := w.open(w.y, analyst, 80, 24)
		h.press("2", "enter")
		d, ok := h.top().(*detailPage)
		if !ok || d.sess == nil {
			t.Fatalf("%s: enter opens the case, got %T", analyst, h.top())
		}
		h.expectView("Decision", "four-eyes", "⚑ awaiting second review: Declined —", hint, "proposed note", "OFAC list hit")
		caseText, _, _, _ := d.content()
		if n := strings.Count(ansiStrip(caseText), "awaiting second review:"); n != 1 {
			t.Fatalf("%s: the proposal is said %d times:\n%s", analyst, n, ansiStrip(caseText))
		}
		h.model().leave()()
	}
}

// A case awaiting a second review, as another analyst opens it, at
// 80×24, 120×40 and 200×50: the proposal once, in the Decision block, with
// the keys that settle it. Regenerate with -update.
func TestGoldenCaseFourEyes(t *testing.T) {
	uuid.SetRand(rand.New(rand.NewSource(7)))
	defer uuid.SetRand(nil)
	w := newWorld(t)
	s := importCase(w, "harbor-user-0101", 61)
	proposeDecline(w, "alice", s)
	for _, size := range []struct{ w, h int }{{80, 24}, {120, 40}, {200, 50}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			w.t = t
			h := w.open(w.y, "sam.ortiz", size.w, size.h)
			defer func() { h.model().leave()() }()
			h.clock.Set(t0.Add(time.Hour))
			h.press("2", "enter")
			golden.RequireEqual(t, []byte(mask(h.view())+"\n"))
		})
	}
}

func TestDetailRendersKYB(t *testing.T) {
	w := newWorld(t)
	s := w.generate(w.x, 1, domain.KindBusiness, domain.PhaseDeclined, 9)[0]
	h := w.open(w.x, "ana", 120, 40)
	h.press("enter")
	d := h.top().(*detailPage)
	caseText, _, evText, _ := d.content()
	text := ansiStrip(caseText + "\n" + evText)
	for _, want := range []string{"Company registry", "officers", "beneficial owners", "Key people", "kyc",
		"Company documents", "AML screening", "Questionnaires", "Findings", "✗ "} {
		if !strings.Contains(text, want) {
			t.Fatalf("detail of %s lacks %q:\n%s", s.ID, want, text)
		}
	}
	for _, fam := range domain.Families(domain.KindBusiness) {
		if !strings.Contains(text, familyTitle(fam)) {
			t.Fatalf("family %s not rendered", fam)
		}
	}
	h.press("G")
	if !d.lay.focused().AtBottom() {
		t.Fatal("G scrolls to the end")
	}
	h.press("esc")
	if _, ok := h.top().(*sessionsTab); !ok {
		t.Fatal("esc goes back")
	}
}
