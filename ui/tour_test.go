package ui

import (
	"context"
	"encoding/base64"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"handoff/demo"
	"handoff/domain"
	"handoff/review"
	"handoff/webhook"
)

// TestTourFlow drives the real program through the whole guided tour, on
// PostgreSQL, with a webhook sender and the demo's receiver running: each
// step moves on when the analyst has done it, the last when the signed
// webhook of the decline was delivered to (and verified by) the receiver;
// t hides the finished tour and shows it again from the start.
func TestTourFlow(t *testing.T) {
	w := newWorld(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	var issued []domain.Session
	if err := demo.Generate(ctx, w.svc, demo.Options{App: w.x.ID, Count: 3, Kind: domain.KindUser, Phase: domain.PhaseApproved,
		Seed: 31, Actor: "test", Evidence: 3}, func(s domain.Session) { issued = append(issued, s) }); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Import(ctx, review.Analyst(w.y.ID, "importer"), review.ImportRequest{
		ShareToken: w.mint(w.x, w.y, issued[0]), WorkflowID: "wf_partner_kyc", VendorData: "case-1"}); err != nil {
		t.Fatal(err)
	}

	// The partner's destination for the demo receiver, and a sender.
	var secret string
	rc := httptest.NewServer(demo.Receiver{Secret: func() (string, error) { return secret, nil }, Log: quietLogger()})
	t.Cleanup(rc.Close)
	w.svc.SetPrivateWebhooks(true)
	url, label, events := rc.URL+demo.ReceiverPath, demo.ReceiverLabel, []string{domain.EventStatusUpdated}
	d, err := w.svc.CreateDestination(ctx, review.WebhookOperator(w.y.ID), review.DestinationInput{URL: &url, Label: &label, SubscribedEvents: &events})
	if err != nil {
		t.Fatal(err)
	}
	secret = d.Secret
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		webhook.New(w.svc.DB(), webhook.Config{Workers: 2, Poll: 50 * time.Millisecond, AllowPrivate: true,
			Secrets: w.svc.OpenDeliverySecrets, Decision: w.svc.DeliveryDecision, Log: quietLogger()}).Run(ctx)
	}()
	t.Cleanup(func() { cancel(); <-sent })

	clip := &syncBuffer{}
	m := New(ctx, w.svc, review.Analyst(w.y.ID, "sam"), Options{Output: clip, Now: w.clock.Now, Location: time.UTC,
		Logger: quietLogger(), Images: "blocks", Tab: "queue",
		Tour: &Tour{Issuer: w.x.Name, Partner: w.y.Name, Receiver: demo.ReceiverLabel}})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))

	// 1-2: the oldest case, its findings and its evidence side by side.
	waitFor(t, tm, "Tour 1/9", "Open the oldest case", "case-1")
	keys(tm, "enter")
	// At 120 columns the evidence follows the decision, findings,
	// provenance and timeline: ] five times brings it to the top.
	waitFor(t, tm, "Tour 2/9", "Timeline")
	keys(tm, "]", "]", "]", "]", "]")
	waitFor(t, tm, "Tour 3/9", "Switch to Service X")
	// 3: Service X.
	keys(tm, "esc", "A")
	waitFor(t, tm, "Work in another application")
	keys(tm, "up", "enter")
	waitFor(t, tm, "Tour 4/9", "Now working in Service X")
	// 4-5: share a session with Service Y, copy the token.
	keys(tm, "s")
	waitFor(t, tm, "Partner application", "Service Y")
	keys(tm, "enter")
	waitFor(t, tm, "Lifetime of the token")
	keys(tm, "enter")
	waitFor(t, tm, "for 1 hour?")
	keys(tm, "y")
	waitFor(t, tm, "Tour 5/9", "Copy the token")
	keys(tm, "c")
	waitFor(t, tm, "Tour 6/9")
	token := copied(t, clip)
	// 6: back in Service Y, import it for review.
	keys(tm, "esc", "A")
	waitFor(t, tm, "Work in another application")
	keys(tm, "down", "enter")
	waitFor(t, tm, "Now working in Service Y")
	keys(tm, "2", "i")
	waitFor(t, tm, "Paste the token")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(token), Paste: true})
	keys(tm, "enter")
	waitFor(t, tm, "Workflow to import it into")
	keys(tm, "enter")
	waitFor(t, tm, "vendor_data:")
	tm.Type("tour-case")
	keys(tm, "enter")
	waitFor(t, tm, "trust_review off")
	keys(tm, "y")
	waitFor(t, tm, "Tour 7/9", "Decline it with a reason")
	// 7: open it and decline it with a reason.
	keys(tm, "esc")
	waitFor(t, tm, "tour-case")
	keys(tm, "G", "enter")
	waitFor(t, tm, "tour-case", "Findings")
	keys(tm, "d")
	waitFor(t, tm, "Reason code:")
	keys(tm, "5", "tab")
	tm.Type("Selfie does not match the document")
	keys(tm, "enter")
	waitFor(t, tm, "Audit comment")
	keys(tm, "y")
	waitFor(t, tm, "Tour 8/9", "timeline")
	// 8: the audit chain verified.
	keys(tm, "esc", "4")
	waitFor(t, tm, "Tour 9/9", "log verified")
	// 9: the webhook delivered to the receiver.
	keys(tm, "5")
	waitFor(t, tm, "Tour done")
	keys(tm, "t") // hides it
	keys(tm, "t") // shows it again, from the start
	waitFor(t, tm, "Tour 1/9")
	keys(tm, "q")
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
	if tr := final.c.opts.tour; !tr.shown || tr.step != 0 {
		t.Fatalf("after t, t on a finished tour: shown %v, step %d", tr.shown, tr.step)
	}
}

// copied is the last token the program copied with OSC 52.
func copied(t *testing.T, clip *syncBuffer) string {
	t.Helper()
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
	return token
}

// The tour's panel takes no key but t: without it, t does nothing; with
// it, the keys of the view under it act as before, and the panel leaves
// the body its lines.
func TestTourTakesOnlyItsKey(t *testing.T) {
	w := newWorld(t)
	queued(w)
	plain := w.openWith(w.y, "sam", 100, 30, Options{Tab: "queue"})
	plain.press("t")
	if plain.model().c.opts.tour != nil || plain.model().active != 1 {
		t.Fatal("t without a tour changed something")
	}
	h := w.openWith(w.y, "sam", 100, 30, Options{Tab: "queue", Tour: &Tour{Issuer: w.x.Name, Partner: w.y.Name, Receiver: "r", Hidden: true}})
	_, full := h.model().bodySize()
	h.press("t")
	h.expectView("Tour 1/9", "t hides", "case-1")
	if _, with := h.model().bodySize(); with >= full || strings.Count(h.view(), "\n") != 29 {
		t.Fatalf("the panel takes %d of %d lines; screen of %d lines", full-with, full, strings.Count(h.view(), "\n")+1)
	}
	h.press("enter")
	if _, ok := h.top().(*detailPage); !ok {
		t.Fatalf("enter under the tour opened %T", h.top())
	}
	h.press("t")
	if h.model().c.opts.tour.shown || strings.Contains(h.view(), "Tour 1/9") {
		t.Fatal("t hides the tour")
	}
}
