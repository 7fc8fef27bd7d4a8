package ui

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"handoff/domain"
	"handoff/review"
)

// syncBuffer is a terminal output both the program and the test touch.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) Read(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Read(p)
}

// program runs the real Bubble Tea program for one analyst of app.
func (w *world) program(t *testing.T, app domain.Application, analyst string, clip *syncBuffer) *teatest.TestModel {
	m := New(context.Background(), w.svc, review.Analyst(app.ID, analyst), Options{Output: clip, Now: w.clock.Now,
		Location: time.UTC, Logger: quietLogger()})
	return teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
}

// waitFor waits until the program has drawn every one of want.
func waitFor(t *testing.T, tm *teatest.TestModel, want ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		for _, s := range want {
			if !bytes.Contains(b, []byte(s)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}

func keys(tm *teatest.TestModel, ks ...string) {
	for _, k := range ks {
		tm.Send(keyMsg(k))
	}
}

// TestFlowShareImportDecline is the analysts' day in two programs: X mints
// a token and copies it; Y pastes it, imports it for review, finds it in
// the queue, is refused a decline without a reason, declines with one.
func TestFlowShareImportDecline(t *testing.T) {
	w := newWorld(t)
	src := w.generate(w.x, 1, domain.KindUser, domain.PhaseApproved, 11)[0]

	// Service X: share the session with Y for an hour and copy the token.
	clip := &syncBuffer{}
	x := w.program(t, w.x, "maria", clip)
	waitFor(t, x, "Finished sessions", src.VendorData)
	keys(x, "s")
	waitFor(t, x, "Partner application", "Service Y")
	keys(x, "enter")
	waitFor(t, x, "Lifetime of the token")
	keys(x, "enter") // 1 hour, the default
	waitFor(t, x, "for 1 hour?")
	keys(x, "y")
	waitFor(t, x, "press c to copy", "expires in 1:00:00")
	keys(x, "c")
	var token string
	teatest.WaitFor(t, clip, func(b []byte) bool {
		s := string(b)
		i, j := strings.Index(s, "\x1b]52;c;"), strings.Index(s, "\a")
		if i < 0 || j < i {
			return false
		}
		raw, err := base64.StdEncoding.DecodeString(s[i+len("\x1b]52;c;") : j])
		token = string(raw)
		return err == nil
	}, teatest.WithDuration(15*time.Second))
	keys(x, "ctrl+c")
	x.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))

	// Service Y: import it with trust_review off.
	y := w.program(t, w.y, "sam", &syncBuffer{})
	waitFor(t, y, "Imports queue")
	keys(y, "2")
	waitFor(t, y, "Waiting for review")
	keys(y, "i")
	waitFor(t, y, "Paste the token")
	y.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(token), Paste: true})
	keys(y, "enter")
	waitFor(t, y, "Workflow to import it into", "wf_partner_kyc")
	keys(y, "enter")
	waitFor(t, y, "vendor_data:")
	y.Type("flow-case-1")
	keys(y, "enter")
	waitFor(t, y, "trust_review off")
	keys(y, "y")
	waitFor(t, y, "Imported as session #1", "waiting in the imports queue")
	keys(y, "esc")

	// Find it in the queue and decline it: first without a reason.
	waitFor(t, y, "flow-case-1", "1 case")
	keys(y, "d")
	waitFor(t, y, "Reason code:")
	keys(y, "enter")
	waitFor(t, y, "A decline needs a reason")
	keys(y, "5", "tab") // identity_mismatch, then the note
	y.Type("Selfie does not match the document")
	keys(y, "enter")
	waitFor(t, y, "Audit comment", "reason: identity_mismatch")
	keys(y, "y")
	waitFor(t, y, "is now Declined", "0 cases")
	keys(y, "ctrl+c")
	y.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))

	// What the API would report: the session and its audit trail.
	ctx := context.Background()
	caller := review.Analyst(w.y.ID, "check")
	rows, err := w.svc.FinishedSessions(ctx, caller, review.SessionQuery{Search: "flow-case-1"})
	if err != nil || len(rows) != 1 {
		t.Fatalf("imported session: %v %v", rows, err)
	}
	sess, err := w.svc.Session(ctx, caller, rows[0].ID)
	if err != nil || sess.Status != "Declined" || sess.SharedFromSession == nil || *sess.SharedFromSession != src.ID {
		t.Fatalf("session: %+v %v", sess, err)
	}
	id := sess.ID
	evs, err := w.svc.Audit(ctx, review.Analyst(w.y.ID, "t"), review.AuditQuery{SessionID: &id})
	if err != nil {
		t.Fatal(err)
	}
	var decided, imported bool
	for _, e := range evs {
		switch e.Action {
		case domain.ActionStatusChanged:
			decided = e.Actor == "analyst:sam" &&
				strings.Contains(string(e.Details), "reason: identity_mismatch — Selfie does not match the document") &&
				strings.Contains(string(e.Details), `"to":"Declined"`)
		case domain.ActionSessionImported:
			imported = e.Actor == "analyst:sam" && strings.Contains(string(e.Details), `"trust_review":false`)
		}
	}
	if !decided || !imported {
		t.Fatalf("audit trail (decided %v, imported %v): %+v", decided, imported, evs)
	}
	if q, _ := w.svc.Queue(ctx, caller, 10); len(q) != 0 {
		t.Fatal("the declined case left the queue")
	}
}

// TestFlowCloneOfCloneShowsTheChain: X's session goes to Y and Y's clone
// comes back to X; X's case names every hop back to the origin and warns
// that it started in X.
func TestFlowCloneOfCloneShowsTheChain(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	src := w.generate(w.x, 2, domain.KindUser, domain.PhaseApproved, 12)[1]
	atY, err := w.svc.Import(ctx, review.Analyst(w.y.ID, "sam"), review.ImportRequest{ShareToken: w.mint(w.x, w.y, src),
		WorkflowID: "wf_partner_kyc", VendorData: "y-copy", TrustReview: true})
	if err != nil {
		t.Fatal(err)
	}
	m, err := w.svc.Share(ctx, review.Analyst(w.y.ID, "sam"), atY.ID, w.x.ID, 3600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Import(ctx, review.Analyst(w.x.ID, "maria"), review.ImportRequest{ShareToken: m.Token,
		WorkflowID: "wf_x_kyc", VendorData: "came-back"}); err != nil {
		t.Fatal(err)
	}

	x := w.program(t, w.x, "maria", &syncBuffer{})
	waitFor(t, x, "Imports queue")
	keys(x, "2")
	waitFor(t, x, "came-back", "1 case")
	keys(x, "enter")
	waitFor(t, x, fmt.Sprintf("originated in Service X #%d → Service Y #%d → this case", src.Number, atY.Number),
		fmt.Sprintf("this case started in your own application (Service X #%d)", src.Number))
	keys(x, "ctrl+c")
	x.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}
