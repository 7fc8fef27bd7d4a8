package review_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"handoff/demo"
	"handoff/domain"
	"handoff/review"
	"handoff/store"
	"handoff/store/pgtest"
)

// chainWorld is three applications where a session travels N → H → back
// to N, and H → Z: a clone of a clone in its origin's own application and
// in a third one.
type chainWorld struct {
	svc           *review.Service
	db            *store.DB
	n, h, z       uuid.UUID
	origin        domain.Session
	atH           domain.Session // N's session cloned into H
	backN, atZ    domain.Session // H's clone cloned into N and into Z
	tNH, tHN, tHZ uuid.UUID      // the tokens of the three hops
}

func newChainWorld(t *testing.T) *chainWorld {
	t.Helper()
	ctx := context.Background()
	w := &chainWorld{db: pgtest.DB(t)}
	w.svc = review.New(w.db)
	t.Cleanup(w.svc.Close)
	mk := func(name, wf string) uuid.UUID {
		a, err := w.svc.CreateApplication(ctx, review.Operator("test"), review.NewApplication{Name: name,
			Workflows: []domain.Workflow{{ID: wf, Kind: domain.KindUser}}})
		if err != nil {
			t.Fatal(err)
		}
		return a.Application.ID
	}
	w.n, w.h, w.z = mk("Northwind Bank", "wf_n"), mk("Harbor Pay", "wf_h"), mk("Zenith", "wf_z")
	// A few sessions first, so that numbers differ between applications.
	if err := demo.Generate(ctx, w.svc, demo.Options{App: w.n, Count: 3, Kind: domain.KindUser, Phase: domain.PhaseApproved,
		Seed: 7, Actor: "test"}, func(s domain.Session) { w.origin = s }); err != nil {
		t.Fatal(err)
	}
	hop := func(from uuid.UUID, src domain.Session, to uuid.UUID, wf string) (domain.Session, uuid.UUID) {
		m, err := w.svc.Share(ctx, review.Analyst(from, "minter"), src.ID, to, 600)
		if err != nil {
			t.Fatal(err)
		}
		s, err := w.svc.Import(ctx, review.Analyst(to, "importer"), review.ImportRequest{ShareToken: m.Token, WorkflowID: wf, TrustReview: true})
		if err != nil {
			t.Fatal(err)
		}
		return s, m.TokenID
	}
	w.atH, w.tNH = hop(w.n, w.origin, w.h, "wf_h")
	w.backN, w.tHN = hop(w.h, w.atH, w.n, "wf_n")
	w.atZ, w.tHZ = hop(w.h, w.atH, w.z, "wf_z")
	return w
}

func (w *chainWorld) chainOf(t *testing.T, app uuid.UUID, s domain.Session) review.Provenance {
	t.Helper()
	p, err := w.svc.Provenance(context.Background(), review.Analyst(app, "reader"), s.ID)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func wantChain(t *testing.T, got domain.Chain, want ...domain.Hop) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("chain of %d hops, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("hop %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// A clone of a clone knows every hop back to the origin, with the token of
// each, and says when the origin is the reader's own application.
func TestProvenanceChainToTheOrigin(t *testing.T) {
	w := newChainWorld(t)
	origin := domain.Hop{ApplicationID: w.n, Application: "Northwind Bank", SessionID: w.origin.ID, Number: w.origin.Number}
	viaH := domain.Hop{ApplicationID: w.h, Application: "Harbor Pay", SessionID: w.atH.ID, Number: w.atH.Number}

	p := w.chainOf(t, w.h, w.atH)
	o := origin
	o.TokenID = w.tNH
	wantChain(t, p.Chain, o)
	if p.OwnOrigin {
		t.Error("a direct clone of another application's session is not of its own origin")
	}

	p = w.chainOf(t, w.n, w.backN)
	h := viaH
	h.TokenID = w.tHN
	wantChain(t, p.Chain, o, h)
	if !p.OwnOrigin {
		t.Error("a clone of Harbor's clone of Northwind's session, read in Northwind, must say it started there")
	}
	if p.SourceApplication != "Harbor Pay" || p.SourceSessionID != w.atH.ID || p.TokenID != w.tHN {
		t.Errorf("the direct source is Harbor's clone: %+v", p)
	}

	p = w.chainOf(t, w.z, w.atZ)
	h.TokenID = w.tHZ
	wantChain(t, p.Chain, o, h)
	if p.OwnOrigin {
		t.Error("Zenith is not the origin")
	}

	// Another application's clone is not found; an original has no chain.
	if _, err := w.svc.Provenance(context.Background(), review.Analyst(w.z, "reader"), w.backN.ID); !domain.IsCode(err, domain.CodeNotFound) {
		t.Errorf("another application's session: %v, want not found", err)
	}
	if _, err := w.svc.Provenance(context.Background(), review.Analyst(w.n, "reader"), w.origin.ID); !domain.IsCode(err, domain.CodeNotFound) {
		t.Errorf("an original session: %v, want not found", err)
	}
}

// Clones of clones imported before the chain was recorded get it from the
// migration, which follows the imports back.
func TestProvenanceChainBackfilled(t *testing.T) {
	w := newChainWorld(t)
	ctx := context.Background()
	before := w.chainOf(t, w.n, w.backN).Chain
	w.db.MustExecContext(ctx, `DROP TABLE import_hops`)
	w.db.MustExecContext(ctx, `ALTER TABLE imports DROP COLUMN source_application_name, DROP COLUMN source_session_number`)
	w.db.MustExecContext(ctx, `DELETE FROM goose_db_version WHERE version_id IN (80, 100)`)
	if err := w.db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	wantChain(t, w.chainOf(t, w.n, w.backN).Chain, before...)
	if got := w.chainOf(t, w.z, w.atZ).Chain; len(got) != 2 || got[0].SessionID != w.origin.ID {
		t.Errorf("Zenith's clone after the backfill: %+v", got)
	}
	if got := w.chainOf(t, w.h, w.atH).Chain; len(got) != 1 {
		t.Errorf("a direct clone has one hop after the backfill: %+v", got)
	}
}

// The chain is what each import recorded: deleting the applications a
// clone of a clone came through leaves its history as it was (a chain read
// by joining today's rows would lose their names).
func TestProvenanceChainRecordedAtImport(t *testing.T) {
	w := newChainWorld(t)
	ctx := context.Background()
	before := w.chainOf(t, w.z, w.atZ).Chain
	wantChain(t, before,
		domain.Hop{ApplicationID: w.n, Application: "Northwind Bank", SessionID: w.origin.ID, Number: w.origin.Number, TokenID: w.tNH},
		domain.Hop{ApplicationID: w.h, Application: "Harbor Pay", SessionID: w.atH.ID, Number: w.atH.Number, TokenID: w.tHZ})
	for _, app := range []uuid.UUID{w.n, w.h} {
		if err := w.svc.DeleteApplication(ctx, review.Operator("test"), app); err != nil {
			t.Fatal(err)
		}
	}
	p := w.chainOf(t, w.z, w.atZ)
	wantChain(t, p.Chain, before...)
	if p.SourceApplication != "Harbor Pay" {
		t.Errorf("the direct source's name after its deletion: %q", p.SourceApplication)
	}
	if got := p.Chain[0].String(); got != fmt.Sprintf("Northwind Bank #%d", w.origin.Number) {
		t.Errorf("origin reads %q", got)
	}
}
