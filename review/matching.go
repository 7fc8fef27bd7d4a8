package review

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
	"handoff/vault"
)

// matchHash is the one keyed hash of a normalised value that list entries
// and session identifiers are stored and compared by: vault's HMAC-SHA256
// under the application's matching key, the entry type as the kind.
func matchHash(m hasher, t domain.EntryType, canonical string) []byte {
	return m.Hash(string(t), canonical)
}

// hasher is a vault.Matcher, or its Hasher where many values are hashed
// in a row.
type hasher interface {
	Hash(kind, value string) []byte
}

// matchKey is a match hash as a map key: comparing arrays, the maps of
// one session's dozens of hashes need no string copy of each.
type matchKey [vault.HashSize]byte

func keyOf(hash []byte) (k matchKey) {
	copy(k[:], hash)
	return k
}

// matcher is app's matchKeys; call it before a transaction begins
// (loading keys takes a connection of its own).
func (s *Service) matcher(ctx context.Context, app uuid.UUID) (matchKeys, error) {
	k, err := s.data.forApp(ctx, app)
	if err != nil {
		return matchKeys{}, err
	}
	return s.data.matchKeys(k), nil
}

func (d *dataKeys) matchKeys(k *appKeys) matchKeys {
	return matchKeys{Matcher: vault.NewMatcher(k.match), data: d, keys: k}
}

// recordIdentifiers stores sess's identifiers so later sessions find it as
// a duplicate.
func recordIdentifiers(ctx context.Context, q store.Queryer, key vault.Matcher, sess domain.Session) error {
	ids := domain.SessionIdentifiers(sess)
	hs, h := make([]store.Hashed, 0, len(ids)), key.Hasher()
	for _, id := range ids {
		hs = append(hs, store.Hashed{Type: id.Type, Hash: matchHash(h, id.Type, id.Value)})
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
func matchLists(ctx context.Context, q store.Queryer, key matchKeys, sess domain.Session) (listMatch, error) {
	m, err := matchBatch(ctx, q, key, sess.ApplicationID, []domain.Session{sess}, false)
	if err != nil {
		return listMatch{}, err
	}
	return m[0], nil
}

// hit adds the finding of a list entry that matched id; true when the
// list is a blocklist (an allowlist silences duplicates of id instead).
func (m *listMatch) hit(id domain.Identifier, h store.EntryHit) bool {
	why := "added by " + displayActor(h.AddedBy)
	if h.Comment != "" {
		why += ": " + h.Comment
	}
	if h.ListType == domain.ListBlocklist {
		m.Blocked = true
		m.Findings = append(m.Findings, domain.Finding{Code: domain.FindingBlocklisted, Severity: domain.SeverityCritical,
			Check: id.Check, Message: fmt.Sprintf("on your blocklist: %s (%s)", id.Describe(), why)})
		return true
	}
	m.Findings = append(m.Findings, domain.Finding{Code: domain.FindingAllowlisted, Severity: domain.SeverityInfo,
		Check: id.Check, Message: fmt.Sprintf("on your allowlist %q: %s (%s); duplicates of it are not reported", h.ListName, id.Describe(), why)})
	return false
}

// duplicate adds the finding of another session holding id.
func (m *listMatch) duplicate(id domain.Identifier, other store.SessionRef) {
	what := id.Type.Label()
	if id.Who != "" {
		what = id.Who + "'s " + what
	}
	m.Findings = append(m.Findings, domain.Finding{Code: domain.FindingDuplicate, Severity: domain.SeverityWarning, Check: id.Check,
		Message: "same " + what + " as " + sessionName(other)})
}

// sameOrigin adds the finding of another clone of the same origin.
func (m *listMatch) sameOrigin(other store.SessionRef) {
	m.Findings = append(m.Findings, domain.Finding{Code: domain.FindingDuplicateImport, Severity: domain.SeverityWarning,
		Message: "this origin session was already imported as " + sessionName(other)})
}

// maxDuplicates bounds the other sessions one session's duplicate
// findings name.
const maxDuplicates = 20

// lookupsPerSession sizes matchBatch's maps: a KYC session's identifiers,
// with its IPv4 address and the 32 ranges that cover it, are about 40
// lookups, and growing the maps to that size cost more than filling them.
const lookupsPerSession = 40

// matchBatch is matchLists for many sessions of app at once (the work
// list's page), with the same findings: two statements whatever their
// number. With record, batch is one session being stored (an import) and
// the first statement also records its identifiers, so that later
// sessions find it as a duplicate.
func matchBatch(ctx context.Context, q store.Queryer, key matchKeys, app uuid.UUID, batch []domain.Session, record bool) ([]listMatch, error) {
	out := make([]listMatch, len(batch))
	type at struct{ sess, id int }
	type lookupAt struct{ lookup, sess int }
	ids := make([][]domain.Identifier, len(batch))
	n := lookupsPerSession * len(batch)
	lookupOf := make(map[matchKey]int, n) // lookup hash → its index in lookups
	idOf := make(map[lookupAt]int, n)     // lookup, session → its identifier with that key (the last)
	lookups := make([]store.Hashed, 0, n)
	own := make([][]store.Hashed, len(batch))
	hash := key.Hasher() // one HMAC for the batch's dozens of hashes
	for si, sess := range batch {
		ids[si] = domain.SessionIdentifiers(sess)
		own[si] = make([]store.Hashed, 0, len(ids[si]))
		for i, id := range ids[si] {
			own[si] = append(own[si], store.Hashed{Type: id.Type, Hash: matchHash(hash, id.Type, id.Value)})
			keys := []string{id.Value}
			if id.Type == domain.EntryIPAddress {
				keys = domain.IPMatchKeys(id.Value) // ranges that cover it
			}
			for _, k := range keys {
				kh := matchHash(hash, id.Type, k)
				li, seen := lookupOf[keyOf(kh)]
				if !seen {
					li = len(lookups)
					lookups = append(lookups, store.Hashed{Type: id.Type, Hash: kh})
					lookupOf[keyOf(kh)] = li
				}
				idOf[lookupAt{li, si}] = i
			}
		}
	}
	var hits []store.EntryHit
	var err error
	if record {
		hits, err = store.MatchAndRecord(ctx, q, app, batch[0].ID, lookups, own[0])
	} else {
		hits, err = store.MatchEntries(ctx, q, app, lookups)
	}
	if err == nil {
		err = key.openHits(ctx, hits)
	}
	if err != nil {
		return nil, err
	}
	allowed := map[at]bool{}
	for _, h := range hits {
		li, ok := lookupOf[keyOf(h.Hash)]
		if !ok {
			continue
		}
		for si := range batch {
			if i, holds := idOf[lookupAt{li, si}]; holds && !out[si].hit(ids[si][i], h) {
				allowed[at{si, i}] = true
			}
		}
	}
	probes := make([]store.Probe, len(batch)) // probe si is batch[si]
	probed := make([][]int, len(batch))       // probe si's hash k is identifier probed[si][k]
	for si, sess := range batch {
		p := store.Probe{Session: sess.ID, VendorData: sess.VendorData, Origin: sess.SharedFromSession}
		for i, h := range own[si] {
			if !allowed[at{si, i}] && ids[si][i].Type != domain.EntryUser {
				p.Hashes = append(p.Hashes, h)
				probed[si] = append(probed[si], i)
			}
		}
		probes[si] = p
	}
	dups, same, err := store.Duplicates(ctx, q, app, probes, maxDuplicates)
	if err != nil {
		return nil, err
	}
	for _, d := range dups { // the lowest maxDuplicates of each, by session number
		out[d.Probe].duplicate(ids[d.Probe][probed[d.Probe][d.Hash]], d.SessionRef)
	}
	for _, d := range same {
		out[d.Probe].sameOrigin(d.SessionRef)
	}
	for i := range out {
		domain.SortFindings(out[i].Findings)
	}
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

// sessionName is "#12 user-7", or "#12" without vendor_data; an import
// writes one for each duplicate, so it is concatenated, not formatted.
func sessionName(r store.SessionRef) string {
	if r.VendorData == "" {
		return "#" + strconv.FormatInt(r.Number, 10)
	}
	return "#" + strconv.FormatInt(r.Number, 10) + " " + r.VendorData
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
func importMatch(ctx context.Context, tx *store.Tx, key matchKeys, sess *domain.Session, full domain.Session) (listMatch, error) {
	ms, err := matchBatch(ctx, tx, key, sess.ApplicationID, []domain.Session{full}, true)
	if err != nil {
		return listMatch{}, err
	}
	m := ms[0]
	if hold := domain.StatusOf(sess.Kind, domain.PhaseInReview); m.Blocked && sess.Status != hold {
		sess.Status = hold
		if err := store.SetLandingStatus(ctx, tx, sess.ApplicationID, sess.ID, hold); err != nil {
			return m, err
		}
	}
	return m, nil
}

// recordBatchIdentifiers stores the identifiers of a batch of generated
// sessions in one statement.
func recordBatchIdentifiers(ctx context.Context, tx *store.Tx, key vault.Matcher, app uuid.UUID, batch []domain.Session) error {
	var rows []store.SessionHashed
	h := key.Hasher()
	for _, sess := range batch {
		for _, id := range domain.SessionIdentifiers(sess) {
			rows = append(rows, store.SessionHashed{Session: sess.ID, Hashed: store.Hashed{Type: id.Type, Hash: matchHash(h, id.Type, id.Value)}})
		}
	}
	return store.InsertBatchIdentifiers(ctx, tx, app, rows)
}

// IndexBatch bounds the sessions one indexing transaction reads.
const IndexBatch = 200

// IndexPendingIdentifiers indexes the sessions stored before identifiers
// existed, so imports find them as duplicates and lists match them, and
// says how many it indexed. Each batch of IndexBatch is one transaction;
// rows another process is indexing are skipped. A session that cannot be
// opened, or whose biometrics (its face identifier) cannot be read without
// the biometric key, stays pending for a later pass and is passed over
// now, so it never holds up the others; so does an application whose keys
// do not load (it is logged).
func (s *Service) IndexPendingIdentifiers(ctx context.Context) (int, error) {
	apps, err := store.AppsWithPendingIdentifiers(ctx, s.db)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, app := range apps {
		k, ok, err := s.housekeepingKeys(ctx, app, "indexing identifiers")
		if !ok {
			if err != nil {
				return n, err
			}
			continue
		}
		key := s.data.matchKeys(k)
		for after, more := uuid.Nil, true; more; {
			done, last := 0, after // set by the transaction that commits
			err = s.db.InTx(ctx, func(tx *store.Tx) error {
				batch, err := store.PendingIdentifiers(ctx, tx, app, after, IndexBatch)
				if err != nil {
					return err
				}
				more = len(batch) == IndexBatch
				var open []domain.Session
				var ids []uuid.UUID
				for _, sealed := range batch {
					last = sealed.ID
					sess, err := s.data.openSession(ctx, sealed)
					if err == nil && sess.BiometricsUnavailable {
						err = errNoBiometricKey
					}
					if err != nil {
						s.log.Warn("housekeeping: a session's identifiers wait", "session", sealed.ID, "err", err)
						continue
					}
					open, ids = append(open, sess), append(ids, sess.ID)
				}
				if err := recordBatchIdentifiers(ctx, tx, key.Matcher, app, open); err != nil {
					return err
				}
				done = len(ids)
				return store.ClearIdentifiersPending(ctx, tx, app, ids)
			})
			if err != nil {
				return n, err
			}
			n, after = n+done, last
		}
	}
	return n, nil
}
