package review

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
	"handoff/vault"
)

// Finding codes of list matching.
const (
	FindingBlocklisted     = "blocklisted"
	FindingAllowlisted     = "allowlisted"
	FindingDuplicate       = "duplicate_identifier"
	FindingDuplicateImport = "duplicate_import"
)

// matchHash is the one keyed hash of a normalised value that list entries
// and session identifiers are stored and compared by: vault's HMAC-SHA256
// under the application's matching key, the entry type as the kind.
func matchHash(m vault.Matcher, t domain.EntryType, canonical string) []byte {
	return m.Hash(string(t), canonical)
}

// matcher is app's Matcher; call it before a transaction begins (loading
// keys takes a connection of its own).
func (s *Service) matcher(ctx context.Context, app uuid.UUID) (vault.Matcher, error) {
	k, err := s.data.forApp(ctx, app)
	if err != nil {
		return vault.Matcher{}, err
	}
	return vault.NewMatcher(k.match), nil
}

// recordIdentifiers stores sess's identifiers so later sessions find it as
// a duplicate.
func recordIdentifiers(ctx context.Context, q store.Queryer, key vault.Matcher, sess domain.Session) error {
	var hs []store.Hashed
	for _, id := range domain.SessionIdentifiers(sess) {
		hs = append(hs, store.Hashed{Type: id.Type, Hash: matchHash(key, id.Type, id.Value)})
	}
	return store.InsertIdentifiers(ctx, q, sess.ApplicationID, sess.ID, hs)
}

// listMatch is what the lists and the other sessions say of one session.
type listMatch struct {
	Findings []domain.Finding
	Blocked  bool // a blocklist holds one of its identifiers
}

// matchLists matches sess's identifiers against its application's
// blocklists and allowlists and its other live sessions: a few index
// lookups in two round trips, whatever the size of the application.
func matchLists(ctx context.Context, q store.Queryer, key vault.Matcher, sess domain.Session) (listMatch, error) {
	return match(ctx, q, key, sess, false)
}

// match is matchLists; with record it also stores sess's identifiers (in
// the first round trip), so that later sessions find it as a duplicate.
func match(ctx context.Context, q store.Queryer, key vault.Matcher, sess domain.Session, record bool) (listMatch, error) {
	var out listMatch
	ids := domain.SessionIdentifiers(sess)
	byHash := map[string]int{} // lookup hash → index in ids
	var lookups, own []store.Hashed
	for i, id := range ids {
		h := matchHash(key, id.Type, id.Value)
		own = append(own, store.Hashed{Type: id.Type, Hash: h})
		keys := []string{id.Value}
		if id.Type == domain.EntryIPAddress {
			keys = domain.IPMatchKeys(id.Value) // ranges that cover it
		}
		for _, k := range keys {
			kh := matchHash(key, id.Type, k)
			byHash[string(kh)] = i
			lookups = append(lookups, store.Hashed{Type: id.Type, Hash: kh})
		}
	}
	var recorded []store.Hashed
	if record {
		recorded = own
	}
	hits, err := store.MatchAndRecord(ctx, q, sess.ApplicationID, sess.ID, lookups, recorded)
	if err != nil {
		return out, err
	}
	allowed := map[int]bool{}
	for _, h := range hits {
		i, ok := byHash[string(h.Hash)]
		if !ok {
			continue
		}
		id := ids[i]
		why := "added by " + displayActor(h.AddedBy)
		if h.Comment != "" {
			why += ": " + h.Comment
		}
		if h.ListType == domain.ListBlocklist {
			out.Blocked = true
			out.Findings = append(out.Findings, domain.Finding{Code: FindingBlocklisted, Severity: domain.SeverityCritical,
				Check: id.Check, Message: fmt.Sprintf("on your blocklist: %s (%s)", id.Describe(), why)})
		} else {
			allowed[i] = true
			out.Findings = append(out.Findings, domain.Finding{Code: FindingAllowlisted, Severity: domain.SeverityInfo,
				Check: id.Check, Message: fmt.Sprintf("on your allowlist %q: %s (%s); duplicates of it are not reported", h.ListName, id.Describe(), why)})
		}
	}
	var dupLookups []store.Hashed
	ownIdx := map[string]int{}
	for i, h := range own {
		if !allowed[i] && ids[i].Type != domain.EntryUser {
			dupLookups = append(dupLookups, h)
			ownIdx[string(h.Hash)] = i
		}
	}
	dups, same, err := store.DuplicatesAndOrigin(ctx, q, sess.ApplicationID, sess.ID, sess.VendorData, dupLookups, 20, sess.SharedFromSession)
	if err != nil {
		return out, err
	}
	for _, d := range dups {
		id := ids[ownIdx[string(d.Hash)]]
		what := id.Type.Label()
		if id.Who != "" {
			what = id.Who + "'s " + what
		}
		out.Findings = append(out.Findings, domain.Finding{Code: FindingDuplicate, Severity: domain.SeverityWarning, Check: id.Check,
			Message: fmt.Sprintf("same %s as %s", what, sessionName(d))})
	}
	for _, d := range same {
		out.Findings = append(out.Findings, domain.Finding{Code: FindingDuplicateImport, Severity: domain.SeverityWarning,
			Message: "this origin session was already imported as " + sessionName(d)})
	}
	domain.SortFindings(out.Findings)
	return out, nil
}

// auditFindings are findings as the audit trail records them: code,
// severity and check. Their messages name people (a key person's
// duplicate document), and the trail is neither sealed nor erasable.
func auditFindings(fs []domain.Finding) []domain.Finding {
	out := make([]domain.Finding, len(fs))
	for i, f := range fs {
		out[i] = domain.Finding{Code: f.Code, Severity: f.Severity, Check: f.Check}
	}
	return out
}

func sessionName(r store.SessionRef) string {
	if r.VendorData == "" {
		return fmt.Sprintf("#%d", r.Number)
	}
	return fmt.Sprintf("#%d %s", r.Number, r.VendorData)
}

// displayActor names who added an entry: "alice" for analyst:alice.
func displayActor(a string) string {
	if n, ok := strings.CutPrefix(a, "analyst:"); ok {
		return n
	}
	return a
}

// importMatch records the clone's identifiers and matches them, in the
// import's transaction; a blocklist hit holds the clone In Review whatever
// the importer trusted.
// full is sess with its opened payload (biometrics included: the face).
func importMatch(ctx context.Context, tx *store.Tx, key vault.Matcher, sess *domain.Session, full domain.Session) (listMatch, error) {
	m, err := match(ctx, tx, key, full, true)
	if err != nil {
		return m, err
	}
	if hold := domain.StatusOf(sess.Kind, domain.PhaseInReview); m.Blocked && sess.Status != hold {
		sess.Status = hold
		if err := store.SetLandingStatus(ctx, tx, sess.ApplicationID, sess.ID, hold); err != nil {
			return m, err
		}
	}
	return m, nil
}

// ListFindings is what the caller's lists and other sessions say of one
// of its sessions now: list hits and duplicates, computed afresh so an
// entry added after the import shows at once.
func (s *Service) ListFindings(ctx context.Context, caller domain.Caller, id uuid.UUID) ([]domain.Finding, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return nil, err
	}
	sess, err := s.Session(ctx, caller, id)
	if err != nil {
		return nil, err
	}
	key, err := s.matcher(ctx, caller.ApplicationID)
	if err != nil {
		return nil, err
	}
	m, err := matchLists(ctx, s.db, key, sess)
	return m.Findings, err
}

// recordBatchIdentifiers stores the identifiers of a batch of generated
// sessions in one statement.
func recordBatchIdentifiers(ctx context.Context, tx *store.Tx, key vault.Matcher, app uuid.UUID, batch []domain.Session) error {
	var rows []store.SessionHashed
	for _, sess := range batch {
		for _, id := range domain.SessionIdentifiers(sess) {
			rows = append(rows, store.SessionHashed{Session: sess.ID, Hashed: store.Hashed{Type: id.Type, Hash: matchHash(key, id.Type, id.Value)}})
		}
	}
	return store.InsertBatchIdentifiers(ctx, tx, app, rows)
}

// IndexBatch bounds the sessions one indexing transaction reads.
const IndexBatch = 200

// IndexPendingIdentifiers indexes up to IndexBatch sessions per
// application that were stored before identifiers existed, so imports
// find them as duplicates and lists match them; it says how many it
// indexed. Each application's batch is one transaction; rows another
// process is indexing are skipped.
func (s *Service) IndexPendingIdentifiers(ctx context.Context) (int, error) {
	apps, err := store.AppsWithPendingIdentifiers(ctx, s.db)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, app := range apps {
		key, err := s.matcher(ctx, app) // before the transaction: it loads the keys
		if err != nil {
			return n, err
		}
		done := 0
		err = s.db.InTx(ctx, func(tx *store.Tx) error {
			batch, err := store.PendingIdentifiers(ctx, tx, app, IndexBatch)
			if err != nil {
				return err
			}
			ids := make([]uuid.UUID, len(batch))
			for i, sealed := range batch {
				sess, err := s.data.openSession(ctx, sealed)
				if err != nil {
					return err
				}
				if err := recordIdentifiers(ctx, tx, key, sess); err != nil {
					return err
				}
				ids[i] = sess.ID
			}
			if err := store.ClearIdentifiersPending(ctx, tx, app, ids); err != nil {
				return err
			}
			done = len(batch)
			return nil
		})
		if n += done; err != nil {
			return n, err
		}
	}
	return n, nil
}
