package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"handoff/domain"
	"handoff/review"
	"handoff/ui/widget"
)

// queuedCases imports n X sessions into Y for review, "case-1" first.
func queuedCases(w *world, n int) []domain.Session {
	w.t.Helper()
	srcs := w.generate(w.x, n, domain.KindUser, domain.PhaseApproved, 16)
	out := make([]domain.Session, n)
	for i, src := range srcs {
		s, err := w.svc.Import(context.Background(), review.Analyst(w.y.ID, "importer"), review.ImportRequest{
			ShareToken: w.mint(w.x, w.y, src), WorkflowID: "wf_partner_kyc", VendorData: fmt.Sprintf("case-%d", i+1)})
		if err != nil {
			w.t.Fatal(err)
		}
		out[i] = s
	}
	return out
}

// An import made elsewhere reaches an open Sessions tab in place: the new
// session appears on top, the header counts follow, the cursor stays on
// the session it was on.
func TestLiveImportUpdatesSessions(t *testing.T) {
	w := newWorld(t)
	w.generate(w.y, 5, "", 0, 21)
	h := w.open(w.y, "sam", 120, 40)
	s := h.sessions()
	h.press("j", "j")
	keep := s.list.Items()[2]
	h.expectView("5 finished · 0 in queue")

	cases := queuedCases(w, 1) // another analyst's import, through the service
	h.awaitChange("import", changeOf(review.ChangeSessionImported, &cases[0].ID))
	if len(s.list.Items()) != 6 || s.list.Items()[0].ID != cases[0].ID {
		t.Fatalf("the import is on top: %d rows", len(s.list.Items()))
	}
	if sel, _ := s.list.Selected(); sel.ID != keep.ID {
		t.Fatalf("the cursor left its session: on #%d, was on #%d", sel.Number, keep.Number)
	}
	h.expectView("6 finished · 1 in queue", "case-1", "2 Imports queue (1)")
}

// A decision by another analyst reaches the queue of an analyst working
// in it: the case leaves, the cursor stays on its case, and an open
// dialog on the decided case stays open and says what happened.
func TestLiveDecisionByAnotherAnalyst(t *testing.T) {
	w := newWorld(t)
	cases := queuedCases(w, 3)
	h := w.open(w.y, "sam", 120, 40)
	h.press("2", "j", "j") // on case-3
	h.expectView("3 in queue")
	ctx := context.Background()
	if _, err := w.svc.DecideCase(ctx, review.Analyst(w.y.ID, "alice"), cases[0].ID, domain.Approve("fine")); err != nil {
		t.Fatal(err)
	}
	h.awaitChange("decision", changeOf(review.ChangeSessionDecided, &cases[0].ID))
	q := h.queue()
	if len(q.list.Items()) != 2 {
		t.Fatalf("the decided case left the queue: %d rows", len(q.list.Items()))
	}
	if sel, _ := q.list.Selected(); sel.ID != cases[2].ID {
		t.Fatalf("the cursor stays on case-3, is on %s", sel.VendorData)
	}
	h.expectView("2 in queue", "2 Imports queue (2)")
	if strings.Contains(h.view(), "case-1") {
		t.Fatal("case-1 still shown")
	}

	// Sam writes a decline of case-3 while alice approves it.
	h.press("d", "2", "tab")
	h.typeText("AML hit")
	dec := h.top().(*decidePage)
	if _, err := w.svc.DecideCase(ctx, review.Analyst(w.y.ID, "alice"), cases[2].ID, domain.Approve("fine")); !domain.IsCode(err, domain.CodeConflict) {
		t.Fatalf("alice decided a case sam's dialog holds: %v", err)
	}
	h.expectView("Decline session #3") // sam's dialog claimed it: alice was refused
	if w.claimsIn(w.y)[cases[2].ID] != "sam" {
		t.Fatal("the decision dialog claims the case while it is open")
	}
	h.press("esc") // sam gives up: the claim goes, alice decides
	if _, ok := w.claimsIn(w.y)[cases[2].ID]; ok {
		t.Fatal("closing the dialog releases its claim")
	}
	h.press("d", "2", "tab")
	h.typeText("AML hit")
	dec = h.top().(*decidePage)
	w.svc.Release(ctx, review.Analyst(w.y.ID, "sam"), cases[2].ID) // as if sam's claim had expired
	if _, err := w.svc.DecideCase(ctx, review.Analyst(w.y.ID, "alice"), cases[2].ID, domain.Approve("fine")); err != nil {
		t.Fatal(err)
	}
	h.awaitChange("decision", changeOf(review.ChangeSessionDecided, &cases[2].ID))
	if h.top() != dec || dec.note.Value() != "AML hit" {
		t.Fatalf("the dialog stays open with what was typed: %T %q", h.top(), dec.note.Value())
	}
	h.expectView("alice has just decided this case")
	h.press("enter", "y")
	if !strings.Contains(dec.err, "already decided") {
		t.Fatalf("the decision is refused in the service's words: %q", dec.err)
	}
}

// Claims: opening a case claims it; others see who holds it and cannot
// decide it; n opens the oldest case nobody holds; leaving releases.
func TestClaimsInTheQueue(t *testing.T) {
	w := newWorld(t)
	cases := queuedCases(w, 3)
	sam := w.open(w.y, "sam", 120, 40)
	alice := w.open(w.y, "alice", 120, 40)
	alice.press("2")

	sam.press("2", "enter") // case-1
	if w.claimsIn(w.y)[cases[0].ID] != "sam" {
		t.Fatal("opening a queued case claims it")
	}
	sam.expectView("yours while the case is open")
	alice.awaitChange("claim", changeOf(review.ChangeClaimTaken, &cases[0].ID))
	alice.expectView("claimed by sam")

	alice.press("a")
	if st := alice.status(); !st.err || !strings.Contains(st.text, "claimed by sam") {
		t.Fatalf("a on sam's case is refused: %+v", st)
	}
	if _, ok := alice.top().(*queueTab); !ok {
		t.Fatalf("no dialog opens for a case claimed by another, got %T", alice.top())
	}
	alice.press("enter")
	alice.expectView("claimed by sam until 09:45")
	alice.press("d")
	if st := alice.status(); !st.err || !strings.Contains(st.text, "This case is claimed by sam") {
		t.Fatalf("d in the case view is refused with the service's message: %+v", st)
	}
	alice.press("esc")

	alice.press("n") // the oldest case nobody holds: case-2
	d, ok := alice.top().(*detailPage)
	if !ok || d.summary.ID != cases[1].ID {
		t.Fatalf("n opens case-2, got %T", alice.top())
	}
	if claims := w.claimsIn(w.y); claims[cases[1].ID] != "alice" || claims[cases[0].ID] != "sam" {
		t.Fatalf("claims after n: %v", claims)
	}
	alice.expectView("Session #2", "yours while the case is open")

	// Sam leaves case-1: released; n from the open case moves alice on.
	sam.press("esc")
	if _, ok := w.claimsIn(w.y)[cases[0].ID]; ok {
		t.Fatal("esc releases the claim")
	}
	alice.press("n")
	if claims := w.claimsIn(w.y); claims[cases[0].ID] != "alice" || claims[cases[1].ID] != "" {
		t.Fatalf("n from a case releases it and claims the next: %v", claims)
	}
	// With every other case held, n finds none and stays on the case.
	for _, c := range cases[1:] {
		if _, err := w.svc.Claim(context.Background(), review.Analyst(w.y.ID, "sam"), c.ID); err != nil {
			t.Fatal(err)
		}
	}
	alice.press("n")
	if st := alice.status(); !strings.Contains(st.text, "No unclaimed case") {
		t.Fatalf("n with nothing free says so: %+v", st)
	}
	if d, ok := alice.top().(*detailPage); !ok || d.summary.ID != cases[0].ID || w.claimsIn(w.y)[cases[0].ID] != "alice" {
		t.Fatalf("alice is back on case-1, still hers: %T", alice.top())
	}

	// Quitting releases everything the analyst holds.
	alice.press("q")
	if claims := w.claimsIn(w.y); !alice.quit || len(claims) != 2 || claims[cases[0].ID] != "" {
		t.Fatalf("quit releases alice's claims: %v", claims)
	}
}

// A case view of a case another analyst holds takes it when they leave,
// and renews its claim before it expires.
func TestClaimFollowsAndRenews(t *testing.T) {
	w := newWorld(t)
	cases := queuedCases(w, 1)
	id := cases[0].ID
	sam := w.open(w.y, "sam", 120, 40)
	alice := w.open(w.y, "alice", 120, 40)
	sam.press("2", "enter")
	alice.press("2", "enter")
	alice.expectView("claimed by sam")
	sam.press("esc")
	alice.awaitChange("release", changeOf(review.ChangeClaimReleased, &id))
	if w.claimsIn(w.y)[id] != "alice" {
		t.Fatal("alice's open case is hers once sam left it")
	}
	alice.expectView("yours while the case is open")

	d := alice.top().(*detailPage)
	w.clock.Set(t0.Add(10 * time.Minute))
	alice.send(asyncMsg{c: alice.model().c, msg: renewMsg{cl: d.claim, timer: d.claim.timer}})
	cs, _ := w.svc.Claims(context.Background(), review.Analyst(w.y.ID, "x"))
	if got := cs[id].ExpiresAt; !got.Equal(t0.Add(25 * time.Minute)) {
		t.Fatalf("renewed claim expires at %v", got)
	}
	if !d.claim.until.Equal(t0.Add(25 * time.Minute)) {
		t.Fatal("the view knows the new expiry")
	}
}

// Switching application leaves the claims of the one left.
func TestSwitchReleasesClaims(t *testing.T) {
	w := newWorld(t)
	queuedCases(w, 1)
	h := w.open(w.y, "sam", 80, 24)
	h.press("2", "enter")
	if len(w.claimsIn(w.y)) != 1 {
		t.Fatal("claimed")
	}
	h.press("esc")
	h.press("n")
	old := h.model()
	h.press("esc") // released by esc; now hold one again and switch
	h.press("enter")
	h.send(switchAppMsg{w.x})
	if h.model() == old || len(w.claimsIn(w.y)) != 0 {
		t.Fatalf("switching application releases the claims in the old one: %v", w.claimsIn(w.y))
	}
	if old.c.Ctx.Err() == nil {
		t.Fatal("the old workspace's context (and subscription) ended")
	}
	h.generateAndAwait(w.x)
}

// generateAndAwait makes a session in app and waits until the program
// hears of it: the new workspace has its own subscription.
func (h *harness) generateAndAwait(app domain.Application) {
	h.t.Helper()
	h.w.generate(app, 1, domain.KindUser, domain.PhaseApproved, 99)
	h.awaitChange("session created", changeOf(review.ChangeSessionCreated, nil))
}

// The screen says when the connection that brings changes is lost, and
// reloads everything when it is back (changes may have been missed).
func TestReconnectingAndResync(t *testing.T) {
	w := newWorld(t)
	w.generate(w.x, 2, "", 0, 22)
	h := w.open(w.x, "ana", 80, 24)
	h.send(asyncMsg{c: h.model().c, msg: changeMsg{review.Change{What: review.ChangeReconnecting}}})
	h.expectView("reconnecting…")
	w.generate(w.x, 3, "", 0, 23) // announced, but the program is not told
	select {
	case <-h.model().changes: // heard by the process (and dropped on the way)
	case <-time.After(5 * time.Second):
		t.Fatal("the change was not announced")
	}
	if len(h.sessions().list.Items()) != 2 {
		t.Fatal("nothing reloaded yet")
	}
	h.send(asyncMsg{c: h.model().c, msg: changeMsg{review.Change{What: review.ChangeResync}}})
	if strings.Contains(h.view(), "reconnecting") {
		t.Fatal("the notice goes when the connection is back")
	}
	h.expectView("Connected to the database again")
	if len(h.sessions().list.Items()) != 5 {
		t.Fatalf("a resync reloads: %d rows", len(h.sessions().list.Items()))
	}
	h.expectView("5 finished")
}

// Changes made through another service on the same database (another
// handoff process) reach a program.
func TestLiveAcrossProcesses(t *testing.T) {
	w := newWorld(t)
	other := review.New(w.svc.DB(), review.WithLogger(quietLogger()))
	t.Cleanup(other.Close)
	h := w.openOn(other, w.y, "sam", 120, 40, Options{})
	h.press("2")
	cases := queuedCases(w, 1) // through w.svc
	h.awaitChange("import", changeOf(review.ChangeSessionImported, &cases[0].ID))
	h.expectView("case-1", "1 in queue")
}

// Bursts of changes reload each view once.
func TestChangesCoalesce(t *testing.T) {
	w := newWorld(t)
	h := w.open(w.x, "ana", 80, 24)
	m := h.model()
	for i := 0; i < 10; i++ {
		m.Update(asyncMsg{c: m.c, msg: changeMsg{review.Change{App: w.x.ID, What: review.ChangeSessionCreated}}})
	}
	if !m.flushing || !m.pending.any(review.ChangeSessionCreated) {
		t.Fatal("changes wait for one flush")
	}
	before := len(h.msgs)
	h.send(asyncMsg{c: m.c, msg: flushMsg{}})
	loads := 0
	for _, msg := range h.msgs[before:] {
		if _, ok := msg.(asyncMsg).msg.(widget.ReadMsg[domain.Session]); ok {
			loads++
		}
	}
	if loads != 1 || m.flushing {
		t.Fatalf("one reload for ten changes, got %d", loads)
	}
}

// The Webhooks tab lists deliveries, with a filter for failed ones.
func TestWebhooksTab(t *testing.T) {
	w := newWorld(t)
	w.svc.SetPrivateWebhooks(true)
	cases := queuedCases(w, 1)
	url, label := "http://127.0.0.1:9/hooks/handoff", "partner backend"
	if _, err := w.svc.CreateDestination(context.Background(), review.WebhookOperator(w.y.ID), review.DestinationInput{
		URL: &url, Label: &label, SubscribedEvents: &[]string{domain.EventStatusUpdated}}); err != nil {
		t.Fatal(err)
	}
	h := w.open(w.y, "sam", 120, 40)
	h.press("5")
	h.expectView("Webhooks", "no webhook deliveries yet")
	if _, err := w.svc.DecideCase(context.Background(), review.Analyst(w.y.ID, "alice"), cases[0].ID, domain.Approve("")); err != nil {
		t.Fatal(err)
	}
	h.awaitChange("decision", changeOf(review.ChangeSessionDecided, nil))
	h.expectView("status.updated", "partner backend", "pending", "not tried yet")
	h.press("enter")
	h.expectView("Delivery of", "http://127.0.0.1:9/hooks/handoff", cases[0].ID.String())
	h.press("esc", "f")
	h.expectView("failed deliveries", "no failed deliveries (f or esc shows all)")
	h.press("f")
	h.expectView("recent deliveries", "pending")
}
