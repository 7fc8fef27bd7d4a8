package demo_test

import (
	"bytes"
	"context"
	"testing"

	"handoff/demo"
	"handoff/domain"
	"handoff/review"
	"handoff/store"
	"handoff/store/pgtest"
)

// The demo's sessions carry their pictures; an import clones them byte for
// byte, and deleting a session erases its pictures from the database.
func TestEvidenceIsClonedAndErasedWithTheSession(t *testing.T) {
	ctx := context.Background()
	db := pgtest.DB(t)
	svc := review.New(db)
	t.Cleanup(svc.Close)
	wfs := func(p string) []domain.Workflow {
		return []domain.Workflow{{ID: p + "_kyc", Kind: domain.KindUser}, {ID: p + "_kyb", Kind: domain.KindBusiness}}
	}
	issuer, err := svc.CreateApplication(ctx, review.Operator("t"), review.NewApplication{Name: "Issuer", Workflows: wfs("wf_i")})
	if err != nil {
		t.Fatal(err)
	}
	partner, err := svc.CreateApplication(ctx, review.Operator("t"), review.NewApplication{Name: "Partner", Workflows: wfs("wf_p")})
	if err != nil {
		t.Fatal(err)
	}
	iss, par := issuer.Application.ID, partner.Application.ID
	var sessions []domain.Session
	if err := demo.Generate(ctx, svc, demo.Options{App: iss, Count: 8, Seed: 3, Actor: "t", Evidence: 8},
		func(s domain.Session) { sessions = append(sessions, s) }); err != nil {
		t.Fatal(err)
	}
	maria, sam := review.Analyst(iss, "maria"), review.Analyst(par, "sam")
	for _, src := range sessions {
		want := 4
		if src.Kind == domain.KindBusiness {
			want = 1
		}
		orig, err := svc.Evidence(ctx, maria, src.ID)
		if err != nil || len(orig) != want {
			t.Fatalf("%s session #%d has %d pictures (%v), want %d", src.Kind, src.Number, len(orig), err, want)
		}
		m, err := svc.Share(ctx, maria, src.ID, par, 600)
		if err != nil {
			t.Fatal(err)
		}
		wf := "wf_p_kyc"
		if src.Kind == domain.KindBusiness {
			wf = "wf_p_kyb"
		}
		clone, err := svc.Import(ctx, sam, review.ImportRequest{ShareToken: m.Token, WorkflowID: wf})
		if err != nil {
			t.Fatal(err)
		}
		cloned, err := svc.Evidence(ctx, sam, clone.ID)
		if err != nil || len(cloned) != len(orig) {
			t.Fatalf("clone has %d pictures (%v), source %d", len(cloned), err, len(orig))
		}
		for i := range orig {
			if cloned[i].Name != orig[i].Name || cloned[i].ContentType != orig[i].ContentType || !bytes.Equal(cloned[i].Data, orig[i].Data) {
				t.Fatalf("clone's %s differs from the source's %s", cloned[i].Name, orig[i].Name)
			}
		}
		// Another application cannot read the source's pictures.
		if _, err := svc.Evidence(ctx, sam, src.ID); !domain.IsCode(err, domain.CodeNotFound) {
			t.Fatalf("the partner read the issuer's evidence: %v", err)
		}
		if one, err := svc.Evidence(ctx, maria, src.ID, orig[0].Name); err != nil || len(one) != 1 || one[0].Name != orig[0].Name {
			t.Fatalf("by name: %v %v", one, err)
		}
	}
	gone := sessions[0]
	if err := svc.DeleteSession(ctx, review.Analyst(iss, "maria"), gone.ID); err != nil {
		t.Fatal(err)
	}
	var left int
	err = db.InTx(ctx, func(tx *store.Tx) error {
		return tx.GetContext(ctx, &left, `SELECT count(*) FROM session_media WHERE application_id = $1 AND session_id = $2`, iss, gone.ID)
	})
	if err != nil || left != 0 {
		t.Fatalf("%d pictures left of a deleted session (%v)", left, err)
	}
	if kept, err := svc.Evidence(ctx, maria, sessions[1].ID); err != nil || len(kept) == 0 {
		t.Fatalf("another session's pictures went too: %v", err)
	}
}
