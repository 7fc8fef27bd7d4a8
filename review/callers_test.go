package review_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/review"
)

// Every use case checks its caller: administration is the operator's, and
// everyone else sees only their own application.
func TestCallersAreChecked(t *testing.T) {
	f := newFixture(t, 0)
	ctx := context.Background()
	ana := review.Analyst(f.x, "ana")
	key := uuid.New()
	hooksOnly := domain.Caller{ApplicationID: f.x, KeyID: &key, Privileges: []domain.Privilege{domain.PrivReadWebhooks}}
	forbidden := func(what string, err error) {
		t.Helper()
		if !domain.IsCode(err, domain.CodeForbidden) {
			t.Errorf("%s: %v, want forbidden", what, err)
		}
	}

	for _, c := range []domain.Caller{ana, hooksOnly} {
		_, err := f.svc.CreateApplication(ctx, c, review.NewApplication{Name: "Sneaky"})
		forbidden("creating an application", err)
		forbidden("adding a workflow", f.svc.AddWorkflow(ctx, c, f.x, domain.Workflow{ID: "wf_more", Kind: domain.KindUser}))
		_, err = f.svc.APIKeys(ctx, c, f.x)
		forbidden("listing API keys", err)
		_, err = f.svc.CreateAPIKey(ctx, c, f.x, domain.DefaultPrivileges)
		forbidden("creating an API key", err)
		forbidden("revoking an API key", f.svc.RevokeAPIKey(ctx, c, f.x, uuid.New()))
		forbidden("deleting an application", f.svc.DeleteApplication(ctx, c, f.y))
		_, err = f.svc.Analysts(ctx, c)
		forbidden("listing analysts", err)
		forbidden("removing an analyst", f.svc.RemoveAnalyst(ctx, c, "ana"))
		_, err = f.svc.RotateSigningKey(ctx, c)
		forbidden("rotating the signing key", err)
		_, err = f.svc.WebhookEventApplication(ctx, c, uuid.New())
		forbidden("finding an event's application", err)
		forbidden("adding generated sessions", f.svc.AddGeneratedSessions(ctx, c, nil))
	}
	_, err := f.svc.Applications(ctx, hooksOnly)
	forbidden("an API key listing applications", err)
	if apps, err := f.svc.Applications(ctx, ana); err != nil || len(apps) != 2 {
		t.Errorf("an analyst choosing an application: %v, %v", apps, err)
	}

	// Reading needs read:sessions.
	_, err = f.svc.Audit(ctx, hooksOnly, review.AuditQuery{})
	forbidden("reading the audit trail", err)
	_, err = f.svc.VerifyAudit(ctx, hooksOnly)
	forbidden("verifying the audit trail", err)
	_, err = f.svc.Subscribe(ctx, hooksOnly)
	forbidden("subscribing to changes", err)
	_, err = f.svc.Workflows(ctx, hooksOnly)
	forbidden("listing workflows", err)

	// Another application is not found; one's own is.
	if _, err := f.svc.Application(ctx, ana, f.y.String()); !domain.IsCode(err, domain.CodeNotFound) {
		t.Errorf("an analyst of X looking up Y: %v, want not found", err)
	}
	if a, err := f.svc.Application(ctx, ana, "X"); err != nil || a.ID != f.x {
		t.Errorf("an analyst of X looking up X: %v, %v", a, err)
	}
	op := review.Operator("test")
	if a, err := f.svc.Application(ctx, op, "Y"); err != nil || a.ID != f.y {
		t.Errorf("the operator looking up Y: %v, %v", a, err)
	}
	evs, err := f.svc.Audit(ctx, ana, review.AuditQuery{Limit: 100})
	if err != nil || len(evs) == 0 {
		t.Fatalf("X's audit trail: %v, %v", evs, err)
	}
	for _, ev := range evs {
		if ev.ApplicationID != f.x {
			t.Fatalf("X's audit trail shows an event of %s", ev.ApplicationID)
		}
	}
	keys, err := f.svc.APIKeys(ctx, op, f.x)
	if err != nil || len(keys) != 1 || keys[0].Prefix == "" || len(keys[0].Privileges) != len(domain.DefaultPrivileges) {
		t.Fatalf("the operator listing X's keys: %+v, %v", keys, err)
	}
}

// An analyst's decline needs a reason code and a note, whatever front end
// sends it: review refuses it, and nothing changes.
func TestAnalystDeclineNeedsReasonAndNote(t *testing.T) {
	f := newFixture(t, 2)
	ctx := context.Background()
	ana := review.Analyst(f.y, "ana")
	for _, d := range []domain.Decision{
		{Phase: domain.PhaseDeclined, Note: "no code"},
		domain.Decline(domain.ReasonSanctionsMatch, ""),
		domain.Decline("made_up", "x"),
	} {
		for _, decide := range []func(context.Context, domain.Caller, uuid.UUID, domain.Decision) (domain.Session, error){
			f.svc.Decide, f.svc.DecideCase,
		} {
			if _, err := decide(ctx, ana, f.queued[0], d); !domain.IsCode(err, domain.CodeInvalid) {
				t.Errorf("%+v: %v, want invalid", d, err)
			}
		}
	}
	s, err := f.svc.Session(ctx, ana, f.queued[0])
	if err != nil || s.Status != "In Review" {
		t.Fatalf("after refused declines: %v %v", s.Status, err)
	}
	evs, err := f.svc.Audit(ctx, ana, review.AuditQuery{SessionID: &f.queued[0]})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if ev.Action == domain.ActionStatusChanged {
			t.Fatalf("a refused decline was recorded: %s", ev.Details)
		}
	}

	// With both it is recorded under its code.
	if _, err := f.svc.DecideCase(ctx, ana, f.queued[0], domain.Decline(domain.ReasonPEPMatch, "Minister of finance.")); err != nil {
		t.Fatal(err)
	}
	evs, _ = f.svc.Audit(ctx, ana, review.AuditQuery{SessionID: &f.queued[0], Limit: 1})
	if len(evs) != 1 || !strings.Contains(string(evs[0].Details), `"reason_code":"pep_match"`) ||
		!strings.Contains(string(evs[0].Details), "reason: pep_match — Minister of finance.") {
		t.Fatalf("recorded %v", evs)
	}
	// A partner's key declines as Didit's API does: no code needed.
	key := uuid.New()
	partner := domain.Caller{ApplicationID: f.y, KeyID: &key, Privileges: domain.DefaultPrivileges}
	if _, err := f.svc.Decide(ctx, partner, f.queued[1], domain.Decision{Phase: domain.PhaseDeclined}); err != nil {
		t.Fatalf("an API decline: %v", err)
	}
}
