package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/review"
)

// The demo applications' names.
const (
	Issuer  = "Northwind Bank (issuer)"
	Partner = "Harbor Pay (partner)"
)

// The demo applications' workflows.
const (
	IssuerKYC  = "wf_northwind_kyc"
	IssuerKYB  = "wf_northwind_kyb"
	PartnerKYC = "wf_partner_kyc"
	PartnerKYB = "wf_partner_kyb"
)

// The issuer's generated history: this seed and count give at least one
// session showing each finding domain.SessionFindings knows (a test holds
// it to that).
const (
	IssuerSeed  = 2026
	IssuerCount = 320
)

// Report says what the demo scenario holds and gives fresh API keys.
type Report struct {
	Created               bool // false when the scenario already existed
	Issuer, Partner       domain.Application
	IssuerKey, PartnerKey string
	IssuerSessions        int64
	PartnerQueue          int64
	// Shareable is a finished KYC session of the issuer's, with evidence,
	// for the walk-through to share.
	Shareable uuid.UUID
}

// Seed creates the demo scenario unless it exists: a bank that verifies
// people and companies, a payments partner that imports them, imported
// cases waiting in the partner's queue, decided history, and active,
// imported and expired tokens. Every run mints a new API key per
// application (keys are stored hashed, so old ones cannot be shown again).
func Seed(ctx context.Context, s *review.Service) (Report, error) {
	var r Report
	op := review.Operator("demo")
	issuer, err := s.Application(ctx, op, Issuer)
	if domain.IsCode(err, domain.CodeNotFound) {
		if err := create(ctx, s); err != nil {
			return r, fmt.Errorf("creating the demo scenario: %w", err)
		}
		r.Created = true
		issuer, err = s.Application(ctx, op, Issuer)
	}
	if err != nil {
		return r, err
	}
	partner, err := s.Application(ctx, op, Partner)
	if err != nil {
		return r, err
	}
	r.Issuer, r.Partner = issuer, partner
	if r.IssuerKey, err = s.CreateAPIKey(ctx, op, issuer.ID, domain.DefaultPrivileges); err != nil {
		return r, err
	}
	if r.PartnerKey, err = s.CreateAPIKey(ctx, op, partner.ID, domain.DefaultPrivileges); err != nil {
		return r, err
	}
	ic, err := s.Counts(ctx, review.Analyst(issuer.ID, "demo"))
	if err != nil {
		return r, err
	}
	pc, err := s.Counts(ctx, review.Analyst(partner.ID, "demo"))
	if err != nil {
		return r, err
	}
	r.IssuerSessions, r.PartnerQueue = ic.Finished, pc.Queue
	newest, err := s.FinishedSessions(ctx, review.Analyst(issuer.ID, "demo"),
		review.SessionQuery{Phase: domain.PhaseApproved, Kind: domain.KindUser, Limit: 1})
	if err != nil {
		return r, err
	}
	if len(newest) == 0 {
		return r, fmt.Errorf("the demo issuer has no approved KYC session to share")
	}
	r.Shareable = newest[0].ID
	return r, nil
}

func create(ctx context.Context, s *review.Service) error {
	op := review.Operator("demo")
	issuer, err := s.CreateApplication(ctx, op, review.NewApplication{Name: Issuer, Workflows: []domain.Workflow{
		{ID: IssuerKYC, Kind: domain.KindUser}, {ID: IssuerKYB, Kind: domain.KindBusiness}}})
	if err != nil {
		return err
	}
	partner, err := s.CreateApplication(ctx, op, review.NewApplication{Name: Partner, Workflows: []domain.Workflow{
		{ID: PartnerKYC, Kind: domain.KindUser}, {ID: PartnerKYB, Kind: domain.KindBusiness}}})
	if err != nil {
		return err
	}
	iss, par := issuer.Application.ID, partner.Application.ID
	var sessions []domain.Session
	collect := func(sess domain.Session) { sessions = append(sessions, sess) }
	if err := Generate(ctx, s, Options{App: iss, Count: IssuerCount, Seed: IssuerSeed, Actor: "demo", Evidence: 40}, collect); err != nil {
		return err
	}
	if err := Generate(ctx, s, Options{App: par, Count: 40, Seed: 7, Actor: "demo", Evidence: 10}, func(domain.Session) {}); err != nil {
		return err
	}
	// A few sessions still in flight, which cannot be shared.
	if err := Generate(ctx, s, Options{App: iss, Count: 6, Seed: 99, Phase: domain.PhaseInProgress, Actor: "demo"}, func(domain.Session) {}); err != nil {
		return err
	}

	minter := review.Analyst(iss, "maria.k")
	importer := review.Analyst(par, "sam.ortiz")
	var shared int
	share := func(sess domain.Session, ttl int, svc *review.Service) (review.Minted, error) {
		shared++
		return svc.Share(ctx, minter, sess.ID, par, ttl)
	}
	// Imported for review (the queue), imported trusted, imported then
	// decided, minted and not yet imported, and expired.
	approve := domain.Approve("Documents and AML screening reviewed; consistent with the issuer's findings.")
	decline := domain.Decline(domain.ReasonSanctionsMatch, "AML hit confirmed against a sanctions list.")
	plan := []struct {
		trust  bool
		decide *domain.Decision
		n      int
	}{
		{false, nil, 7},
		{true, nil, 4},
		{false, &approve, 3},
		{false, &decline, 2},
	}
	i := 0
	for _, p := range plan {
		for j := 0; j < p.n; j++ {
			sess := sessions[len(sessions)-1-i]
			i++
			m, err := share(sess, 3600, s)
			if err != nil {
				return err
			}
			wf := PartnerKYC
			if sess.Kind == domain.KindBusiness {
				wf = PartnerKYB
			}
			imp, err := s.Import(ctx, importer, review.ImportRequest{ShareToken: m.Token, WorkflowID: wf,
				VendorData: fmt.Sprintf("harbor-%s-%04d", sess.Kind, 100+i), TrustReview: p.trust})
			if err != nil {
				return err
			}
			if p.decide != nil {
				if _, err := s.Decide(ctx, importer, imp.ID, *p.decide); err != nil {
					return err
				}
			}
		}
	}
	for j := 0; j < 3; j++ {
		if _, err := share(sessions[len(sessions)-1-i], []int{900, 3600, 86400}[j], s); err != nil {
			return err
		}
		i++
	}
	past := s.Clone(review.WithClock(func() time.Time { return s.Now().Add(-3 * time.Hour) }))
	for j := 0; j < 2; j++ {
		if _, err := share(sessions[len(sessions)-1-i], 600, past); err != nil {
			return err
		}
		i++
	}
	return nil
}
