package demo

import (
	"context"
	"fmt"
	"net/netip"
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
	// WebhookURL is the demo receiver's, and WebhookSecret its
	// destination's signing secret, new on every run.
	WebhookURL, WebhookSecret string
}

// Seed creates the demo scenario unless it exists: a bank that verifies
// people and companies, a payments partner that imports them, imported
// cases waiting in the partner's queue (the oldest held by a blocklist
// hit, one a duplicate import), decided history, active, imported and
// expired tokens, a clone of a clone waiting under four-eyes for a second
// analyst, and a webhook destination for the demo receiver. Every run
// mints a new API key per application and a new secret for the receiver's
// destination (keys and secrets cannot be read back).
// receiver is the demo receiver's loopback address ("" for ReceiverAddr).
func Seed(ctx context.Context, s *review.Service, receiver string) (Report, error) {
	var r Report
	if receiver == "" {
		receiver = ReceiverAddr
	}
	if ap, err := netip.ParseAddrPort(receiver); err != nil || !ap.Addr().IsLoopback() {
		return r, domain.Invalidf("the demo receiver's address must be a loopback address and port, like %s, not %q", ReceiverAddr, receiver)
	}
	op := review.Operator("demo")
	issuer, err := s.Application(ctx, op, Issuer)
	if domain.IsCode(err, domain.CodeNotFound) {
		if err := create(ctx, s, "http://"+receiver+ReceiverPath); err != nil {
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
	r.WebhookURL = "http://" + receiver + ReceiverPath
	r.WebhookSecret, err = receiverDestination(ctx, s, partner.ID, r.WebhookURL)
	return r, err
}

func create(ctx context.Context, s *review.Service, receiverURL string) error {
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
	sc := &scenario{s: s, iss: issuer.Application.ID, par: partner.Application.ID}
	// The receiver's destination first, so that the partner's imports and
	// decisions below queue their webhooks for it.
	if _, err := receiverDestination(ctx, s, sc.par, receiverURL); err != nil {
		return err
	}
	sc.minter, sc.importer = review.Analyst(sc.iss, issuerAnalyst), review.Analyst(sc.par, partnerAnalyst)
	collect := func(sess domain.Session) { sc.history = append(sc.history, sess) }
	if err := Generate(ctx, s, Options{App: sc.iss, Count: IssuerCount, Seed: IssuerSeed, Actor: "demo", Evidence: 40}, collect); err != nil {
		return err
	}
	if err := Generate(ctx, s, Options{App: sc.par, Count: 40, Seed: 7, Actor: "demo", Evidence: 10}, func(domain.Session) {}); err != nil {
		return err
	}
	// A few sessions still in flight, which cannot be shared.
	if err := Generate(ctx, s, Options{App: sc.iss, Count: 6, Seed: 99, Phase: domain.PhaseInProgress, Actor: "demo"}, func(domain.Session) {}); err != nil {
		return err
	}
	// The oldest case in the partner's queue: held by its blocklist.
	if err := sc.blocklisted(ctx); err != nil {
		return err
	}
	// Imported for review (the queue), imported trusted, imported then
	// decided.
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
	var forReview, trusted []imported
	for _, p := range plan {
		for j := 0; j < p.n; j++ {
			imp, err := sc.shareAndImport(ctx, sc.take(""), p.trust)
			if err != nil {
				return err
			}
			if p.decide != nil {
				if _, err := s.Decide(ctx, sc.importer, imp.clone.ID, *p.decide); err != nil {
					return err
				}
			}
			switch {
			case p.decide != nil:
			case p.trust:
				trusted = append(trusted, imp)
			default:
				forReview = append(forReview, imp)
			}
		}
	}
	if err := sc.duplicate(ctx, forReview[0].src); err != nil {
		return err
	}
	if err := sc.cloneOfAClone(ctx, trusted[0].clone); err != nil {
		return err
	}
	// Minted and not yet imported, and expired.
	for _, ttl := range []int{900, 3600, 86400} {
		if _, err := sc.share(ctx, sc.take(""), ttl, s); err != nil {
			return err
		}
	}
	past := s.Clone(review.WithClock(func() time.Time { return s.Now().Add(-3 * time.Hour) }))
	for j := 0; j < 2; j++ {
		if _, err := sc.share(ctx, sc.take(""), 600, past); err != nil {
			return err
		}
	}
	return nil
}
