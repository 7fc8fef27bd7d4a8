package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

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
