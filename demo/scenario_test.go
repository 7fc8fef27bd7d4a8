package demo_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"handoff/demo"
	"handoff/domain"
	"handoff/review"
	"handoff/store/pgtest"
)

func TestSeedCreatesOnceAndMintsKeysEveryRun(t *testing.T) {
	ctx := context.Background()
	svc := review.New(pgtest.DB(t), review.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(svc.Close)
	first, err := demo.Seed(ctx, svc)
	if err != nil {
		t.Fatal(err)
	}
	// 320 generated in the issuer (6 more still in progress); 7 + 3
	// imported for review, of which 3 + 2 were decided; the partner's own
	// 40 are finished.
	if !first.Created || first.Issuer.Name != demo.Issuer || first.Partner.Name != demo.Partner ||
		first.IssuerSessions != 320 || first.PartnerQueue != 7 {
		t.Fatalf("first run: %+v", first)
	}
	again, err := demo.Seed(ctx, svc)
	if err != nil {
		t.Fatal(err)
	}
	if again.Created || again.Issuer.ID != first.Issuer.ID || again.IssuerKey == first.IssuerKey || again.IssuerSessions != 320 {
		t.Fatalf("second run: %+v", again)
	}
	tokens, err := svc.Tokens(ctx, review.Analyst(first.Issuer.ID, "x"), 100)
	if err != nil || len(tokens) != 21 {
		t.Fatalf("%d tokens minted (%v), want 16 imported + 3 active + 2 expired", len(tokens), err)
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
