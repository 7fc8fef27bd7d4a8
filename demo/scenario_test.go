package demo_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
	"time"

	"handoff/demo"
	"handoff/domain"
	"handoff/review"
	"handoff/store/pgtest"
	"handoff/webhookverify"
)

// The scenario, seeded once, holds what the demo tells: every finding the
// rules know, a blocklist hit (the oldest case in the partner's queue), a
// duplicate import, a clone of a clone waiting under four-eyes for a
// second analyst, and the demo receiver's webhook destination; a second
// run changes nothing but the keys and the receiver's secret.
func TestSeedHoldsTheStoryAndRunsAgain(t *testing.T) {
	ctx := context.Background()
	svc := review.New(pgtest.DB(t), review.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(svc.Close)
	first, err := demo.Seed(ctx, svc, "")
	if err != nil {
		t.Fatal(err)
	}
	// 320 generated in the issuer (6 more still in progress) and the clone
	// of a clone it imported back; 1 blocklisted
	// + 7 + 1 duplicate imported for review, 3 + 2 more imported and
	// decided; the partner's own 40 are finished.
	if !first.Created || first.Issuer.Name != demo.Issuer || first.Partner.Name != demo.Partner ||
		first.IssuerSessions != 321 || first.PartnerQueue != 9 || first.WebhookSecret == "" {
		t.Fatalf("first run: %+v", first)
	}
	iss, par := review.Analyst(first.Issuer.ID, "reader"), review.Analyst(first.Partner.ID, "reader")

	// Every finding the rules know, on the issuer's finished sessions as
	// the case page reads them.
	seen := map[string]bool{}
	for before := int64(0); ; {
		page, err := svc.FinishedSessions(ctx, iss, review.SessionQuery{Before: before, Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, p := range page {
			s, err := svc.Session(ctx, iss, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range domain.SessionFindings(s, domain.DefaultThresholds) {
				seen[f.Code] = true
			}
		}
		before = page[len(page)-1].Number
	}
	for _, code := range domain.FindingCodes() {
		if !seen[code] {
			t.Errorf("no demo session shows %s", code)
		}
	}

	// The partner's queue: the oldest case is held by its blocklist, and
	// one is a second import of an origin already imported.
	queue, err := svc.Queue(ctx, par, 100)
	if err != nil || len(queue) != 9 {
		t.Fatalf("%d queued (%v)", len(queue), err)
	}
	listed := map[string][]int64{}
	for _, q := range queue {
		dec, err := svc.Decision(ctx, par, q.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range dec.Findings {
			listed[f.Code] = append(listed[f.Code], q.Number)
		}
	}
	// Its IP address, document and e-mail address are on the blocklists.
	if b := listed[domain.FindingBlocklisted]; len(b) != 3 || b[0] != queue[0].Number || b[1] != b[0] || b[2] != b[0] {
		t.Errorf("blocklisted: %v, want three hits of only the oldest case #%d", b, queue[0].Number)
	}
	if len(listed[domain.FindingDuplicateImport]) == 0 || len(listed[domain.FindingDuplicate]) == 0 {
		t.Errorf("no duplicate in the queue: %v", listed)
	}

	// A clone of a clone in the issuer's queue, with a proposal that a
	// second analyst is to confirm.
	back, err := svc.Queue(ctx, iss, 10)
	if err != nil || len(back) != 1 || back[0].SharedFromSession == nil {
		t.Fatalf("the issuer's queue: %v (%v)", back, err)
	}
	mid, err := svc.Session(ctx, par, *back[0].SharedFromSession)
	if err != nil || mid.SharedFromSession == nil {
		t.Fatalf("the clone's source is not a clone in the partner's: %+v (%v)", mid, err)
	}
	if origin, err := svc.Session(ctx, iss, *mid.SharedFromSession); err != nil || origin.SharedFromSession != nil {
		t.Fatalf("the origin is not the issuer's own: %v", err)
	}
	p, ok, err := svc.Proposal(ctx, iss, back[0].ID)
	if err != nil || !ok || p.By != "maria.k" || p.Decision.Phase != domain.PhaseApproved {
		t.Fatalf("proposal %+v %v %v", p, ok, err)
	}
	if set, err := svc.AppSettings(ctx, iss); err != nil || set.FourEyes != domain.FourEyesAll {
		t.Fatalf("four-eyes: %+v %v", set, err)
	}

	// The demo receiver's destination, on loopback.
	ds, err := svc.Destinations(ctx, review.WebhookOperator(first.Partner.ID))
	if err != nil || len(ds) != 1 || ds[0].URL != "http://"+demo.ReceiverAddr+demo.ReceiverPath || ds[0].Label != demo.ReceiverLabel || !ds[0].Enabled {
		t.Fatalf("destinations %+v (%v)", ds, err)
	}

	tokens := func() int {
		t.Helper()
		ts, err := svc.Tokens(ctx, iss, 100)
		if err != nil {
			t.Fatal(err)
		}
		return len(ts)
	}
	// 1 + 16 + 1 imported, 3 active, 2 expired.
	if n := tokens(); n != 23 {
		t.Fatalf("%d tokens minted, want 23", n)
	}
	if _, err := demo.Seed(ctx, svc, "192.0.2.10:80"); !domain.IsCode(err, domain.CodeInvalid) {
		t.Fatalf("a receiver off loopback: %v", err)
	}
	again, err := demo.Seed(ctx, svc, "127.0.0.1:18181")
	if err != nil {
		t.Fatal(err)
	}
	if again.Created || again.Issuer.ID != first.Issuer.ID || again.IssuerKey == first.IssuerKey || again.IssuerSessions != 321 ||
		again.PartnerQueue != 9 || again.WebhookSecret == first.WebhookSecret || again.Shareable != first.Shareable || tokens() != 23 {
		t.Fatalf("second run: %+v", again)
	}
	if ds, _ := svc.Destinations(ctx, review.WebhookOperator(first.Partner.ID)); len(ds) != 1 || ds[0].URL != again.WebhookURL ||
		again.WebhookURL != "http://127.0.0.1:18181/demo/webhook" {
		t.Fatalf("after a second run with another receiver: %+v, %s", ds, again.WebhookURL)
	}
}

// The receiver takes a delivery signed with the destination's secret and
// refuses one signed with another, or stale.
func TestReceiverChecksSignatures(t *testing.T) {
	now := time.Unix(1_790_000_000, 0)
	rc := demo.Receiver{Secret: func() (string, error) { return "s3cret", nil }, Now: func() time.Time { return now }}
	body := []byte(`{"event_id":"e1","webhook_type":"status.updated","session_id":"x","status":"Declined","timestamp":1790000000}`)
	post := func(secret string, at time.Time) int {
		v2, err := webhookverify.SignV2(secret, body)
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodPost, "/demo/webhook", bytes.NewReader(body))
		req.Header.Set("X-Timestamp", strconv.FormatInt(at.Unix(), 10))
		req.Header.Set("X-Signature-V2", v2)
		req.Header.Set("X-Signature", webhookverify.SignV1(secret, body))
		w := httptest.NewRecorder()
		rc.ServeHTTP(w, req)
		return w.Code
	}
	if got := []int{post("s3cret", now), post("other", now), post("s3cret", now.Add(-time.Hour))}; !slices.Equal(got, []int{200, 401, 401}) {
		t.Fatalf("good, wrong secret, stale: %v", got)
	}
}

func TestGenerateRefusesAMissingWorkflow(t *testing.T) {
	ctx := context.Background()
	svc := review.New(pgtest.DB(t))
	t.Cleanup(svc.Close)
	app, err := svc.CreateApplication(ctx, review.Operator("test"), review.NewApplication{Name: "Only people",
		Workflows: []domain.Workflow{{ID: "wf_kyc", Kind: domain.KindUser}}})
	if err != nil {
		t.Fatal(err)
	}
	err = demo.Generate(ctx, svc, demo.Options{App: app.Application.ID, Count: 3, Kind: domain.KindBusiness, Actor: "t"},
		func(domain.Session) { t.Fatal("a session was created") })
	if !domain.IsCode(err, domain.CodeInvalid) {
		t.Fatalf("business sessions without a business workflow: %v", err)
	}
	var n []int64
	err = demo.Generate(ctx, svc, demo.Options{App: app.Application.ID, Count: 3, Kind: domain.KindUser, Actor: "t"},
		func(s domain.Session) { n = append(n, s.Number) })
	if err != nil || len(n) != 3 || n[0] != 1 || n[2] != 3 {
		t.Fatalf("numbers %v (%v)", n, err)
	}
}
