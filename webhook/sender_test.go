package webhook_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"handoff/demo"
	"handoff/domain"
	"handoff/review"
	"handoff/webhookverify"
)

func TestDecisionDeliversSignedEvent(t *testing.T) {
	e := newHookEnv(t)
	rc := newReceiver(t)
	_, secret := e.destination(rc.URL + "/hooks/didit")
	e.sender(fastRetries)

	sess := e.sessions(1, domain.KindBusiness, domain.PhaseApproved)[0]
	e.decide(sess.ID, "Approved") // no change: no event
	e.decide(sess.ID, "Declined")
	waitFor(t, "the delivery", 5*time.Second, func() bool { return len(rc.all()) == 1 })

	got := rc.all()[0]
	if err := webhookverify.Verify(secret, got.header, got.body, time.Now()); err != nil {
		t.Fatalf("the receiver's verification fails: %v", err)
	}
	v2, err := webhookverify.SignV2(secret, got.body)
	if err != nil || got.header.Get("X-Signature-V2") != v2 {
		t.Fatalf("X-Signature-V2 %q, want %q (%v)", got.header.Get("X-Signature-V2"), v2, err)
	}
	if got.header.Get("X-Signature") != webhookverify.SignV1(secret, got.body) {
		t.Fatal("X-Signature is not the HMAC of the raw body")
	}
	onlyV2 := http.Header{"X-Timestamp": got.header.Values("X-Timestamp"), "X-Signature-V2": {v2}}
	if err := webhookverify.Verify(secret, onlyV2, got.body, time.Now()); err != nil {
		t.Fatalf("X-Signature-V2 alone: %v", err)
	}
	if ct := got.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	if got.header.Get("X-Signature-V2-Previous") != "" {
		t.Fatal("a previous-secret signature without a rotation")
	}
	ev := got.event
	for k, want := range map[string]any{"webhook_type": "status.updated", "session_id": sess.ID.String(),
		"session_kind": "business", "status": "DECLINED", "vendor_data": sess.VendorData, "workflow_id": "wf_kyb",
		"created_at": float64(sess.CreatedAt.Unix())} {
		if ev[k] != want {
			t.Errorf("body %s = %#v, want %#v", k, ev[k], want)
		}
	}
	if _, err := uuid.Parse(ev["event_id"].(string)); err != nil {
		t.Errorf("event_id %v", ev["event_id"])
	}
	if ts, ok := ev["timestamp"].(float64); !ok || time.Since(time.Unix(int64(ts), 0)) > time.Minute {
		t.Errorf("timestamp %v", ev["timestamp"])
	}
	if _, ok := ev["shared_from_session"]; ok {
		t.Error("shared_from_session in the event of a session that was not imported")
	}
	waitFor(t, "the delivery to be recorded", 5*time.Second, func() bool {
		ds := e.deliveries(false)
		return len(ds) == 1 && ds[0].State == "delivered" && ds[0].Attempts == 1 && ds[0].LastStatusCode == 200
	})

	// As Didit, a delete sends no webhook (the audit trail records it): no
	// event is even written for it.
	if err := e.svc.DeleteSession(context.Background(), e.caller(), sess.ID); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := e.db.Get(&n, `SELECT count(*) FROM webhook_events WHERE session_id = $1`, sess.ID); err != nil || n != 1 {
		t.Fatalf("%d events for the session after its delete (%v), want the decision's only", n, err)
	}
}

func TestImportIsReported(t *testing.T) {
	e := newHookEnv(t)
	rc := newReceiver(t)
	_, secret := e.destination(rc.URL)
	e.sender(fastRetries)

	issuer, err := e.svc.CreateApplication(context.Background(), review.Operator("test"), review.NewApplication{Name: "Issuer",
		Workflows: []domain.Workflow{{ID: "wf_issuer", Kind: domain.KindUser}}})
	if err != nil {
		t.Fatal(err)
	}
	var src domain.Session
	if err := demo.Generate(context.Background(), e.svc, demo.Options{App: issuer.Application.ID, Count: 1, Kind: domain.KindUser,
		Phase: domain.PhaseApproved, Seed: 1, Actor: "test"}, func(s domain.Session) { src = s }); err != nil {
		t.Fatal(err)
	}
	m, err := e.svc.Share(context.Background(), review.Analyst(issuer.Application.ID, "x"), src.ID, e.app, 600)
	if err != nil {
		t.Fatal(err)
	}
	imported, err := e.svc.Import(context.Background(), review.Analyst(e.app, "y"), review.ImportRequest{ShareToken: m.Token,
		WorkflowID: "wf_kyc", VendorData: "user-<42>&\u2028"})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the import's delivery", 5*time.Second, func() bool { return len(rc.all()) == 1 })
	got := rc.all()[0]
	if err := webhookverify.Verify(secret, got.header, got.body, time.Now()); err != nil {
		t.Fatal(err)
	}
	ev := got.event
	if ev["session_id"] != imported.ID.String() || ev["shared_from_session"] != src.ID.String() ||
		ev["status"] != "In Review" || ev["vendor_data"] != "user-<42>&\u2028" || ev["workflow_id"] != "wf_kyc" {
		t.Fatalf("import event %s", got.body)
	}
}

func TestRotatedSecretSignsWithBoth(t *testing.T) {
	e := newHookEnv(t)
	rc := newReceiver(t)
	dest, oldSecret := e.destination(rc.URL)
	newSecret, err := e.svc.RotateDestinationSecret(context.Background(), review.WebhookOperator(e.app), dest)
	if err != nil || newSecret == oldSecret {
		t.Fatal(err)
	}
	e.sender(fastRetries)
	sess := e.sessions(1, domain.KindUser, domain.PhaseInReview)[0]
	e.decide(sess.ID, "Approved")
	waitFor(t, "the delivery", 5*time.Second, func() bool { return len(rc.all()) == 1 })
	got := rc.all()[0]
	if err := webhookverify.Verify(newSecret, got.header, got.body, time.Now()); err != nil {
		t.Fatalf("new secret: %v", err)
	}
	if webhookverify.Verify(oldSecret, got.header, got.body, time.Now()) == nil {
		t.Fatal("the main signatures verify with the old secret")
	}
	old := http.Header{"X-Timestamp": got.header.Values("X-Timestamp"),
		"X-Signature-V2": got.header.Values("X-Signature-V2-Previous"), "X-Signature": got.header.Values("X-Signature-Previous")}
	if err := webhookverify.Verify(oldSecret, old, got.body, time.Now()); err != nil {
		t.Fatalf("old secret against the -Previous headers: %v", err)
	}
	d, err := e.svc.Destination(context.Background(), review.WebhookOperator(e.app), dest)
	if err != nil || d.PreviousSecretUntil == nil || d.PreviousSecretUntil.Sub(time.Now()) < 23*time.Hour {
		t.Fatalf("previous secret kept until %v (%v)", d.PreviousSecretUntil, err)
	}
}
