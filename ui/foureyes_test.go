package ui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"
	"github.com/google/uuid"

	"handoff/domain"
	"handoff/review"
)

// screen is one running program and everything it has drawn, so that a
// test can ask what it drew since a point (waitSince) and what it never
// drew (never).
type screen struct {
	t    *testing.T
	tm   *teatest.TestModel
	all  []byte
	mark int
}

func (w *world) screen(t *testing.T, app domain.Application, analyst string) *screen {
	return &screen{t: t, tm: w.program(t, app, analyst, &syncBuffer{})}
}

// wait waits until the program has drawn every one of want since the
// last wait, and marks the point.
func (s *screen) wait(want ...string) {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	buf := make([]byte, 64<<10)
	for {
		for {
			n, err := s.tm.Output().Read(buf)
			s.all = append(s.all, buf[:n]...)
			if n == 0 || err == io.EOF {
				break
			}
		}
		since := s.all[s.mark:]
		if !slices.ContainsFunc(want, func(w string) bool { return !bytes.Contains(since, []byte(w)) }) {
			s.mark = len(s.all)
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the screen never showed all of %q; since the last mark:\n%s", want, ansiStrip(string(since)))
		}
		time.Sleep(20 * time.Millisecond) // polling for a condition, not timing one
	}
}

// never fails if the program has ever drawn text.
func (s *screen) never(text string) {
	s.t.Helper()
	if bytes.Contains(s.all, []byte(text)) {
		s.t.Fatalf("the screen showed %q", text)
	}
}

func (s *screen) keys(ks ...string) { keys(s.tm, ks...) }
func (s *screen) typeText(text string) {
	s.tm.Type(text)
}

func (s *screen) quit() {
	s.keys("ctrl+c")
	s.tm.WaitFinished(s.t, teatest.WithFinalTimeout(10*time.Second))
}

// reasonDigit is the key that picks code in the decline dialog.
func reasonDigit(t *testing.T, code domain.ReasonCode) string {
	i := slices.Index(domain.ReasonCodes(), code)
	if i < 0 || i > 8 {
		t.Fatalf("%s is not among the first nine reasons", code)
	}
	return fmt.Sprint(i + 1)
}

// Four-eyes in two programs at once, two analysts of one application on
// one PostgreSQL: alice's decline becomes a proposal, which her screen
// shows with no key to confirm it; bob's queue marks it live, n takes him
// to it first, he confirms, and both screens show the case Declined. Then
// alice proposes again and bob rejects the proposal with a note: it is
// back in alice's queue to decide.
func TestFlowFourEyesTwoAnalysts(t *testing.T) {
	w := newWorld(t)
	first, second := importCase(w, "case-1", 31), importCase(w, "case-2", 32)
	setPolicy(w, domain.FourEyesDeclines, 24*time.Hour)

	alice, bob := w.screen(t, w.y, "alice"), w.screen(t, w.y, "bob")
	alice.wait("four-eyes declines · SLA 24h")
	alice.keys("2")
	alice.wait("case-1", "case-2", "a approve", "d decline")
	bob.keys("2")
	bob.wait("case-1", "case-2")

	// Alice opens case-1 and declines it: the dialog says it is a proposal.
	alice.keys("enter")
	alice.wait(fmt.Sprintf("Session #%d", first.Number))
	alice.keys("d", reasonDigit(t, domain.ReasonSanctionsMatch), "enter")
	alice.typeText("OFAC list hit, same birth date")
	alice.keys("enter")
	alice.wait("reason: sanctions_match", "Four-eyes (declines): this is a proposal")
	alice.keys("y")
	alice.wait("proposed: Declined — sanctions_match; awaiting a second analyst",
		"awaiting second review: Declined — sanctions_match, by alice", "yours: a different analyst")
	alice.keys("y") // offered nowhere; refused all the same
	alice.wait("You proposed Declined — sanctions_match on #")

	// Bob's queue marks it without a key pressed; n takes him there first
	// although case-1 is no older than case-2.
	bob.wait("⚑ decline by alice")
	bob.keys("n")
	bob.wait(fmt.Sprintf("Session #%d", first.Number), "y confirms it, R rejects it", "y confirm proposal")
	bob.keys("y")
	bob.wait("alice proposed Declined — sanctions_match", "OFAC list hit, same birth date")
	bob.keys("enter")
	bob.wait("Confirm alice's decision: Declined — sanctions_match?", "both names go to the audit trail")
	bob.keys("y")
	bob.wait("is now Declined: alice's decision confirmed by you", "KYC · Declined")
	alice.wait("KYC · Declined") // her open case follows
	alice.never("confirm proposal")

	// Both names are in the audit trail and on the timeline.
	ctx := context.Background()
	reader := review.Analyst(w.y.ID, "reader")
	evs, err := w.svc.Timeline(ctx, reader, first.ID, review.TimelineSpan{})
	if err != nil {
		t.Fatal(err)
	}
	var trail []string
	for _, e := range evs.Timeline {
		if e.Action == domain.ActionDecisionProposed || e.Action == domain.ActionStatusChanged {
			trail = append(trail, e.Actor+" "+e.Action)
			if e.Action == domain.ActionStatusChanged && !strings.Contains(string(e.Details), `"proposed_by":"analyst:alice"`) {
				t.Errorf("the decision does not name its proposer: %s", e.Details)
			}
		}
	}
	if got, want := strings.Join(trail, ", "), "analyst:alice "+domain.ActionDecisionProposed+", analyst:bob "+domain.ActionStatusChanged; got != want {
		t.Errorf("timeline: %s, want %s", got, want)
	}

	// Alice back in the queue proposes declining case-2 from there.
	alice.keys("esc")
	alice.wait("case-2", "1 case")
	alice.keys("d", reasonDigit(t, domain.ReasonIdentityMismatch), "enter")
	alice.typeText("Selfie is someone else")
	alice.keys("enter", "y")
	alice.wait("proposed: Declined — identity_mismatch", "⚑ yours: decline")

	// Bob rejects it: a note is required.
	bob.keys("esc")
	bob.wait("⚑ decline by alice", "R reject proposal")
	bob.keys("R")
	bob.wait("Reject the proposal on", "Selfie is someone else")
	bob.keys("enter")
	bob.wait("Rejecting a proposal needs a note saying why")
	bob.typeText("The selfie matches; the document photo is old")
	bob.keys("enter")
	bob.wait("Reject alice's proposal (Declined — identity_mismatch)?")
	bob.keys("y")
	bob.wait("is back in the queue: alice's proposal (Declined — identity_mismatch) rejected")
	alice.wait("a approve", "d decline") // hers to decide again, live

	alice.quit()
	bob.quit()
	if got := statusOf(t, w, second.ID); got != "In Review" {
		t.Fatalf("a rejected proposal changed the status to %s", got)
	}
	revs, err := w.svc.Reviews(ctx, reader, second.ID)
	if err != nil || len(revs) != 2 || revs[1].Activity != domain.ActivityProposalRejected || revs[1].ActorDisplay != "bob" ||
		revs[1].Comment != "The selfie matches; the document photo is old" {
		t.Fatalf("reviews of the rejected proposal: %+v %v", revs, err)
	}
}

func statusOf(t *testing.T, w *world, id uuid.UUID) domain.Status {
	t.Helper()
	s, err := w.svc.Session(context.Background(), review.Analyst(w.y.ID, "reader"), id)
	if err != nil {
		t.Fatal(err)
	}
	return s.Status
}
