package demo

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/review"
)

// The demo's webhook receiver: `handoff tui --tour` and `handoff serve`
// run it on the loopback address demo.env names (ReceiverAddr unless
// `handoff demo --receiver` said otherwise), and check each delivery's
// signatures with the secret demo.env holds.
const (
	ReceiverAddr  = "127.0.0.1:8181"
	ReceiverPath  = "/demo/webhook"
	ReceiverLabel = "demo receiver"
)

// The analysts the scenario acts as.
const (
	issuerAnalyst  = "maria.k"
	partnerAnalyst = "sam.ortiz"
)

// scenario is the state of one creation of the demo: the applications,
// who acts in each, and the issuer's history, newest last.
type scenario struct {
	s                *review.Service
	iss, par         uuid.UUID
	minter, importer domain.Caller
	history          []domain.Session
	used             map[uuid.UUID]bool
	imports          int
}

// imported is one import: its source and its clone.
type imported struct{ src, clone domain.Session }

// take is the newest session of the issuer's history of kind ("" any)
// that the scenario has not shared yet: those have evidence pictures.
func (sc *scenario) take(kind domain.Kind) domain.Session {
	if sc.used == nil {
		sc.used = map[uuid.UUID]bool{}
	}
	for i := len(sc.history) - 1; i >= 0; i-- {
		if h := sc.history[i]; !sc.used[h.ID] && (kind == "" || h.Kind == kind) {
			sc.used[h.ID] = true
			return h
		}
	}
	panic("demo: the issuer's history is used up") // IssuerCount is far larger than the scenario needs
}

// share mints a token for sess for the partner, on svc's clock.
func (sc *scenario) share(ctx context.Context, sess domain.Session, ttl int, svc *review.Service) (review.Minted, error) {
	return svc.Share(ctx, sc.minter, sess.ID, sc.par, ttl)
}

// shareAndImport shares src with the partner for an hour and imports it
// there under a new vendor_data.
func (sc *scenario) shareAndImport(ctx context.Context, src domain.Session, trust bool) (imported, error) {
	m, err := sc.share(ctx, src, 3600, sc.s)
	if err != nil {
		return imported{}, err
	}
	wf := PartnerKYC
	if src.Kind == domain.KindBusiness {
		wf = PartnerKYB
	}
	sc.imports++
	clone, err := sc.s.Import(ctx, sc.importer, review.ImportRequest{ShareToken: m.Token, WorkflowID: wf,
		VendorData: fmt.Sprintf("harbor-%s-%04d", src.Kind, 100+sc.imports), TrustReview: trust})
	return imported{src, clone}, err
}

// blocklisted puts a person's IP address, document and e-mail address on
// the partner's system blocklists (the document's entry labelled with
// their name: list entries are sealed at rest like the sessions), then
// imports their session trusting the issuer: the hits hold the clone In
// Review with blocklisted findings.
func (sc *scenario) blocklisted(ctx context.Context) error {
	src := sc.take(domain.KindUser)
	for identifier(src, domain.EntryIPAddress) == "" || identifier(src, domain.EntryDocument) == "" ||
		identifier(src, domain.EntryEmail) == "" || domain.Summarize(src).FullName == "" {
		src = sc.take(domain.KindUser)
	}
	for _, e := range []struct {
		t              domain.EntryType
		label, comment string
	}{
		{domain.EntryIPAddress, "Card testing", "address seen in a card-testing attack on Harbor Pay's checkout"},
		{domain.EntryDocument, domain.Summarize(src).FullName + ", card testing", "passport used to open the accounts behind the attack"},
		{domain.EntryEmail, "Card testing", "contact address of the same accounts"},
	} {
		if err := sc.block(ctx, e.t, review.NewEntry{Value: identifier(src, e.t), DisplayLabel: e.label, Comment: e.comment}); err != nil {
			return err
		}
	}
	_, err := sc.shareAndImport(ctx, src, true)
	return err
}

// block adds an entry to the partner's system blocklist of type t.
func (sc *scenario) block(ctx context.Context, t domain.EntryType, e review.NewEntry) error {
	lists, _, err := sc.s.Lists(ctx, sc.importer, review.ListsQuery{ListType: string(domain.ListBlocklist),
		EntryType: string(t), Limit: 10})
	if err != nil {
		return err
	}
	for _, l := range lists {
		if l.System {
			_, err := sc.s.AddEntry(ctx, sc.importer, l.ID, e)
			return err
		}
	}
	return fmt.Errorf("the partner has no system %s blocklist", t.Label())
}

// identifier is src's first identifier of type t, as the lists match it,
// or "".
func identifier(src domain.Session, t domain.EntryType) string {
	for _, id := range domain.SessionIdentifiers(src) {
		if id.Type == t {
			return id.Value
		}
	}
	return ""
}

// duplicate imports src a second time, under another vendor_data: the
// second clone is flagged as a duplicate import of the first.
func (sc *scenario) duplicate(ctx context.Context, src domain.Session) error {
	_, err := sc.shareAndImport(ctx, src, false)
	return err
}

// cloneOfAClone has the partner pass one of its trusted clones back to the
// issuer, which imports it for review under a four-eyes policy: the
// issuer's first analyst proposes approving it, and the case waits for a
// second analyst to confirm.
func (sc *scenario) cloneOfAClone(ctx context.Context, clone domain.Session) error {
	m, err := sc.s.Share(ctx, review.Analyst(sc.par, partnerAnalyst), clone.ID, sc.iss, 3600)
	if err != nil {
		return err
	}
	wf := IssuerKYC
	if clone.Kind == domain.KindBusiness {
		wf = IssuerKYB
	}
	again, err := sc.s.Import(ctx, sc.minter, review.ImportRequest{ShareToken: m.Token, WorkflowID: wf,
		VendorData: "northwind-returning-0001"})
	if err != nil {
		return err
	}
	all := domain.FourEyesAll
	if _, err := sc.s.SetAppSettings(ctx, review.Operator("demo"), sc.iss, review.SettingsChange{FourEyes: &all}); err != nil {
		return err
	}
	_, err = sc.s.Decide(ctx, sc.minter, again.ID, domain.Approve("Returning customer: Harbor Pay's clone of our own verification; consistent."))
	return err
}

// receiverDestination makes sure the partner has the demo receiver's
// webhook destination pointing at url (a loopback URL, which only this
// call may set), gives it a new signing secret (the old one cannot be read
// back) and returns the secret.
func receiverDestination(ctx context.Context, s *review.Service, partner uuid.UUID, url string) (string, error) {
	op := review.WebhookOperator(partner)
	private := s.Clone(review.WithPrivateWebhooks(true))
	ds, err := s.Destinations(ctx, op)
	if err != nil {
		return "", err
	}
	on := true
	for _, d := range ds {
		if d.Label != ReceiverLabel {
			continue
		}
		if d.URL != url || !d.Enabled {
			if _, err := private.UpdateDestination(ctx, op, d.ID, review.DestinationInput{URL: &url, Enabled: &on}); err != nil {
				return "", err
			}
		}
		return s.RotateDestinationSecret(ctx, op, d.ID)
	}
	label, events := ReceiverLabel, []string{domain.EventStatusUpdated}
	d, err := private.CreateDestination(ctx, op, review.DestinationInput{URL: &url, Label: &label, SubscribedEvents: &events, Enabled: &on})
	return d.Secret, err
}
