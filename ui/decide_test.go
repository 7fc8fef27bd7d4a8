package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"handoff/domain"
	"handoff/review"
)

// TestFlowDeclineNoteWithListKeys is issue 10's defect in the real
// program: after choosing a reason the analyst types a note full of the
// reason list's keys (j, k, g, digits), goes back to the list and types
// on. The letters are text wherever they are typed; the reason chosen
// with the digit and the arrows is the one the audit trail records.
func TestFlowDeclineNoteWithListKeys(t *testing.T) {
	w := newWorld(t)
	sess := queued(w)
	y := w.program(t, w.y, "sam", &syncBuffer{})
	waitFor(t, y, "Imports queue")
	keys(y, "2")
	waitFor(t, y, "case-1", "1 case")
	keys(y, "d")
	waitFor(t, y, "Reason code:", "↑ up · ↓ down · 1-9 pick · enter choose → note · tab note")
	keys(y, "5", "down", "up", "enter") // identity_mismatch, then the note
	waitFor(t, y, "enter decline · shift+tab reason")
	y.Type("look: j k g 42, kyc 3 gone")
	keys(y, "tab")       // no field after the note: nothing moves
	keys(y, "shift+tab") // back to the reasons, as the analyst did with tab
	waitFor(t, y, "enter choose → note")
	y.Type(" and jkg") // letters in the list go into the note, and the focus with them
	waitFor(t, y, "enter decline · shift+tab reason")
	keys(y, "enter")
	const comment = "reason: identity_mismatch — look: j k g 42, kyc 3 gone and jkg"
	waitFor(t, y, "Audit comment", "reason: identity_mismatch")
	keys(y, "y")
	waitFor(t, y, "is now Declined", "0 cases")
	keys(y, "ctrl+c")
	y.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))

	ev := lastStatusChange(t, w, w.y)
	if ev.SessionID == nil || *ev.SessionID != sess.ID || ev.Actor != "analyst:sam" {
		t.Fatalf("the decline of the case by sam: %+v", ev)
	}
	if !strings.Contains(string(ev.Details), comment) {
		t.Fatalf("audit trail has the reason and the whole note %q:\n%s", comment, ev.Details)
	}
	got, err := w.svc.Session(context.Background(), review.Analyst(w.y.ID, "x"), sess.ID)
	if err != nil || got.Status != "Declined" {
		t.Fatalf("declined: %v %v", got.Status, err)
	}
}

func TestDeclineNeedsReason(t *testing.T) {
	w := newWorld(t)
	sess := queued(w)
	h := w.open(w.y, "sam", 80, 24)
	h.clock.Set(t0.Add(2 * time.Hour))
	h.press("2")
	h.expectView("case-1", "2h 00m")
	h.press("d")
	dec, ok := h.top().(*decidePage)
	if !ok {
		t.Fatalf("d opens the decline dialog, got %T", h.top())
	}
	h.press("enter")
	if dec.confirm || !strings.Contains(dec.err, "needs a reason") {
		t.Fatalf("no reason code: refused (%q)", dec.err)
	}
	h.expectView("A decline needs a reason")
	h.press("3") // sanctions_match
	h.press("enter")
	if dec.confirm || dec.focus != focusNote || dec.err != "" {
		t.Fatalf("enter chooses the reason and moves to the note (%v %q)", dec.focus, dec.err)
	}
	h.press("enter")
	if dec.confirm || !strings.Contains(dec.err, "type a note") {
		t.Fatalf("no note: refused (%q)", dec.err)
	}
	h.typeText("AML hit confirmed")
	h.press("enter")
	if !dec.confirm {
		t.Fatalf("reason and note: asks to confirm (%q)", dec.err)
	}
	h.expectView("reason: sanctions_match — AML hit confirmed")
	h.press("n") // cancel the confirmation
	if dec.confirm {
		t.Fatal("n cancels")
	}
	h.press("enter", "y")
	got, err := w.svc.Session(context.Background(), review.Analyst(w.y.ID, "x"), sess.ID)
	if err != nil || got.Status != "Declined" {
		t.Fatalf("declined: %v %v", got.Status, err)
	}
	if len(h.queue().list.Items()) != 0 {
		t.Fatal("a decided case leaves the queue")
	}
	if st := h.status(); !strings.Contains(st.text, "#1 is now Declined") {
		t.Fatalf("status line: %+v", st)
	}
	ev := lastStatusChange(t, w, w.y)
	if ev.Actor != "analyst:sam" || !strings.Contains(string(ev.Details), "reason: sanctions_match — AML hit confirmed") {
		t.Fatalf("audit names the analyst and the comment: %s %s", ev.Actor, ev.Details)
	}
}

func lastStatusChange(t *testing.T, w *world, app domain.Application) domain.AuditEvent {
	t.Helper()
	evs, err := w.svc.Audit(context.Background(), review.Analyst(app.ID, "t"), review.AuditQuery{Search: domain.ActionStatusChanged, Limit: 1})
	if err != nil || len(evs) != 1 {
		t.Fatalf("audit: %v %v", evs, err)
	}
	return evs[0]
}

func TestApproveFromCase(t *testing.T) {
	w := newWorld(t)
	sess := queued(w)
	h := w.open(w.y, "sam", 120, 40)
	h.press("2", "enter")
	d, ok := h.top().(*detailPage)
	if !ok {
		t.Fatalf("enter opens the case, got %T", h.top())
	}
	v := h.view()
	if p, c := strings.Index(v, "Provenance"), strings.Index(v, "ID verification"); p < 0 || (c >= 0 && c < p) {
		t.Fatalf("provenance comes first:\n%s", v)
	}
	h.expectView("source application     Service X", "minted by", "analyst:issuer", "imported by", "analyst:importer")
	h.press("a")
	if !h.top().Capturing() {
		t.Fatal("approve opens with the optional note focused")
	}
	h.typeText("looks right")
	h.press("enter", "y")
	got, err := w.svc.Session(context.Background(), review.Analyst(w.y.ID, "x"), sess.ID)
	if err != nil || got.Status != "Approved" {
		t.Fatalf("approved: %v %v", got.Status, err)
	}
	if d.current().Status != "Approved" {
		t.Fatal("the open case shows its new status")
	}
	h.press("esc")
	if len(h.queue().list.Items()) != 0 {
		t.Fatal("the approved case left the queue")
	}
	if ev := lastStatusChange(t, w, w.y); !strings.Contains(string(ev.Details), "looks right") {
		t.Fatalf("comment in audit: %s", ev.Details)
	}
}
