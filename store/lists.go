package store

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"handoff/domain"
)

type listRow struct {
	ApplicationID    uuid.UUID  `db:"application_id"`
	ID               uuid.UUID  `db:"list_id"`
	Name             string     `db:"name"`
	Description      string     `db:"description"`
	Type             string     `db:"list_type"`
	EntryType        string     `db:"entry_type"`
	System           bool       `db:"is_system"`
	EntryCount       int64      `db:"entry_count"`
	LastEntryAddedAt *time.Time `db:"last_entry_added_at"`
	CreatedAt        time.Time  `db:"created_at"`
	UpdatedAt        time.Time  `db:"updated_at"`
}

const listCols = `application_id, list_id, name, description, list_type, entry_type, is_system, entry_count,
	last_entry_added_at, created_at, updated_at`

func (r listRow) domain() domain.List {
	return domain.List{ApplicationID: r.ApplicationID, ID: r.ID, Name: r.Name, Description: r.Description,
		Type: domain.ListType(r.Type), EntryType: domain.EntryType(r.EntryType), System: r.System, EntryCount: r.EntryCount,
		LastEntryAddedAt: r.LastEntryAddedAt, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

// ListsFilter narrows GET /v3/lists/; empty fields do not filter.
type ListsFilter struct {
	Type          domain.ListType
	EntryType     domain.EntryType
	Limit, Offset int
}

// Lists returns a page of app's lists, system blocklists first, and the
// count of all that match.
func Lists(ctx context.Context, q Queryer, app uuid.UUID, f ListsFilter) ([]domain.List, int64, error) {
	where := ` FROM lists WHERE application_id = $1 AND ($2 = '' OR list_type = $2) AND ($3 = '' OR entry_type = $3)`
	var n int64
	if err := q.GetContext(ctx, &n, `SELECT count(*)`+where, app, f.Type, f.EntryType); err != nil {
		return nil, 0, mapErr(err)
	}
	var rows []listRow
	if err := q.SelectContext(ctx, &rows, `SELECT `+listCols+where+` ORDER BY is_system DESC, created_at, name LIMIT $4 OFFSET $5`,
		app, f.Type, f.EntryType, f.Limit, f.Offset); err != nil {
		return nil, 0, mapErr(err)
	}
	out := make([]domain.List, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, n, nil
}

// GetList loads one list of app; forUpdate locks it (entries change its counts).
func GetList(ctx context.Context, q Queryer, app, id uuid.UUID, forUpdate bool) (domain.List, error) {
	query := `SELECT ` + listCols + ` FROM lists WHERE application_id = $1 AND list_id = $2`
	if forUpdate {
		query += ` FOR UPDATE`
	}
	var r listRow
	if err := q.GetContext(ctx, &r, query, app, id); err != nil {
		return domain.List{}, notFound(err, "List not found.")
	}
	return r.domain(), nil
}

// SystemList is app's system blocklist for entry type t.
func SystemList(ctx context.Context, q Queryer, app uuid.UUID, t domain.EntryType) (domain.List, error) {
	var r listRow
	err := q.GetContext(ctx, &r, `SELECT `+listCols+` FROM lists WHERE application_id = $1 AND entry_type = $2 AND is_system`, app, t)
	if err != nil {
		return domain.List{}, notFound(err, "No system blocklist for "+string(t)+".")
	}
	return r.domain(), nil
}

// CreateList inserts l; a name already used in the application is a
// conflict on the name field.
func CreateList(ctx context.Context, q Queryer, l domain.List) error {
	_, err := q.ExecContext(ctx, `INSERT INTO lists (application_id, list_id, name, description, list_type, entry_type,
		is_system, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, false, $7, $7)`,
		l.ApplicationID, l.ID, l.Name, l.Description, l.Type, l.EntryType, l.CreatedAt)
	return nameConflict(err, l.Name)
}

func nameConflict(err error, name string) error {
	err = mapErr(err)
	if domain.IsCode(err, domain.CodeConflict) {
		return domain.FieldError("name", "A list named %q already exists in this application.", name)
	}
	return err
}

// UpdateList writes l's name and description.
func UpdateList(ctx context.Context, q Queryer, l domain.List) error {
	_, err := q.ExecContext(ctx, `UPDATE lists SET name = $3, description = $4, updated_at = $5
		WHERE application_id = $1 AND list_id = $2`, l.ApplicationID, l.ID, l.Name, l.Description, l.UpdatedAt)
	return nameConflict(err, l.Name)
}

// DeleteList removes a list and its entries.
func DeleteList(ctx context.Context, q Queryer, app, id uuid.UUID) error {
	res, err := q.ExecContext(ctx, `DELETE FROM lists WHERE application_id = $1 AND list_id = $2`, app, id)
	return affected(res, err, "List not found.")
}

type entryRow struct {
	ID                     uuid.UUID  `db:"entry_id"`
	ListID                 uuid.UUID  `db:"list_id"`
	Value                  string     `db:"value"`
	DisplayLabel           string     `db:"display_label"`
	Comment                string     `db:"comment"`
	AddedBy                string     `db:"added_by"`
	ReferenceSessionID     *uuid.UUID `db:"reference_session_id"`
	ReferenceSessionNumber *int64     `db:"reference_session_number"`
	Metadata               []byte     `db:"metadata"`
	CreatedAt              time.Time  `db:"created_at"`
	Sealed                 []byte     `db:"sealed"`
	Generation             *int       `db:"key_generation"`
	EntryType              string     `db:"entry_type"`
}

const entryCols = `entry_id, list_id, value, display_label, comment, added_by, reference_session_id,
	reference_session_number, metadata, created_at, sealed, key_generation, entry_type`

// SealedEntry is a list entry as stored. Sealed holds its value, label,
// comment and metadata, which the review layer opens; it is nil for an
// entry written in the clear before entries were sealed, whose ListEntry
// has them. EntryType says which key seals it (a face identifier is
// biometric).
type SealedEntry struct {
	domain.ListEntry
	Sealed     []byte
	Generation *int
	EntryType  domain.EntryType
}

func (r entryRow) domain() SealedEntry {
	return SealedEntry{ListEntry: domain.ListEntry{ID: r.ID, ListID: r.ListID, Value: r.Value, DisplayLabel: r.DisplayLabel,
		Comment: r.Comment, AddedBy: r.AddedBy, ReferenceSessionID: r.ReferenceSessionID,
		ReferenceSessionNumber: r.ReferenceSessionNumber, Metadata: r.Metadata, CreatedAt: r.CreatedAt},
		Sealed: r.Sealed, Generation: r.Generation, EntryType: domain.EntryType(r.EntryType)}
}

func entries(rows []entryRow) []SealedEntry {
	out := make([]SealedEntry, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out
}

// ListEntries returns a page of a list's entries, newest first, and how
// many it has. (Their values are sealed: a search is the review layer's,
// over EntriesAfter.)
func ListEntries(ctx context.Context, q Queryer, app, list uuid.UUID, limit, offset int) ([]SealedEntry, int64, error) {
	var n int64
	if err := q.GetContext(ctx, &n, `SELECT count(*) FROM list_entries WHERE application_id = $1 AND list_id = $2`,
		app, list); err != nil {
		return nil, 0, mapErr(err)
	}
	var rows []entryRow
	if err := q.SelectContext(ctx, &rows, `SELECT `+entryCols+` FROM list_entries WHERE application_id = $1 AND list_id = $2
		ORDER BY created_at DESC, entry_id LIMIT $3 OFFSET $4`, app, list, limit, offset); err != nil {
		return nil, 0, mapErr(err)
	}
	return entries(rows), n, nil
}

// EntriesAfter returns up to limit of a list's entries in ListEntries'
// order that come after the entry after (from the first when nil): one
// keyset page of the index.
func EntriesAfter(ctx context.Context, q Queryer, app, list uuid.UUID, after *SealedEntry, limit int) ([]SealedEntry, error) {
	var rows []entryRow
	var err error
	if after == nil {
		err = q.SelectContext(ctx, &rows, entriesFirstSQL, app, list, limit)
	} else {
		err = q.SelectContext(ctx, &rows, entriesAfterSQL, app, list, after.CreatedAt, after.ID, limit)
	}
	return entries(rows), mapErr(err)
}

const (
	entriesFirstSQL = `SELECT ` + entryCols + ` FROM list_entries WHERE application_id = $1 AND list_id = $2
		ORDER BY created_at DESC, entry_id LIMIT $3`
	// created_at <= $3 is implied by the rest; it is what makes the page
	// an index range that starts at the cursor (the OR is not one). Its
	// own statement: a cached generic plan of "$3 IS NULL OR ..." would
	// not fold the NULL test away.
	entriesAfterSQL = `SELECT ` + entryCols + ` FROM list_entries WHERE application_id = $1 AND list_id = $2
		AND created_at <= $3 AND (created_at < $3 OR (created_at = $3 AND entry_id > $4))
		ORDER BY created_at DESC, entry_id LIMIT $5`
)

// InsertEntry adds e to list l (locked by the caller) with the keyed hash
// of its value, and counts it on the list. e.Sealed holds the value,
// label, comment and metadata; the plain columns stay blank. The same
// value twice on one list is a conflict on the value field.
func InsertEntry(ctx context.Context, q Queryer, l domain.List, e SealedEntry, hash []byte) error {
	_, err := q.ExecContext(ctx, `INSERT INTO list_entries (application_id, list_id, entry_id, entry_type, list_type, value,
		value_hash, display_label, comment, added_by, reference_session_id, reference_session_number, created_at,
		sealed, key_generation)
		VALUES ($1, $2, $3, $4, $5, '', $6, '', '', $7, $8, $9, $10, $11, $12)`,
		l.ApplicationID, l.ID, e.ID, l.EntryType, l.Type, hash, e.AddedBy,
		e.ReferenceSessionID, e.ReferenceSessionNumber, e.CreatedAt, e.Sealed, e.Generation)
	if err = mapErr(err); domain.IsCode(err, domain.CodeConflict) {
		return domain.FieldError("value", "This value is already on the list.")
	} else if err != nil {
		return err
	}
	_, err = q.ExecContext(ctx, `UPDATE lists SET entry_count = entry_count + 1, last_entry_added_at = $3, updated_at = $3
		WHERE application_id = $1 AND list_id = $2`, l.ApplicationID, l.ID, e.CreatedAt)
	return mapErr(err)
}

// GetEntry loads one entry of a list.
func GetEntry(ctx context.Context, q Queryer, app, list, id uuid.UUID) (SealedEntry, error) {
	var r entryRow
	err := q.GetContext(ctx, &r, `SELECT `+entryCols+` FROM list_entries WHERE application_id = $1 AND list_id = $2 AND entry_id = $3`,
		app, list, id)
	if err != nil {
		return SealedEntry{}, notFound(err, "Entry not found.")
	}
	return r.domain(), nil
}

// DeleteEntry removes an entry from a list (locked by the caller) and
// counts it off.
func DeleteEntry(ctx context.Context, q Queryer, app, list, id uuid.UUID, at time.Time) error {
	res, err := q.ExecContext(ctx, `DELETE FROM list_entries WHERE application_id = $1 AND list_id = $2 AND entry_id = $3`,
		app, list, id)
	if err := affected(res, err, "Entry not found."); err != nil {
		return err
	}
	_, err = q.ExecContext(ctx, `UPDATE lists SET entry_count = entry_count - 1, updated_at = $3
		WHERE application_id = $1 AND list_id = $2`, app, list, at)
	return mapErr(err)
}

// A Hashed is one identifier's type and keyed hash.
type Hashed struct {
	Type domain.EntryType
	Hash []byte
}

func unzip(hs []Hashed) (pq.StringArray, pq.ByteaArray) {
	ts, bs := make(pq.StringArray, len(hs)), make(pq.ByteaArray, len(hs))
	for i, h := range hs {
		ts[i], bs[i] = string(h.Type), h.Hash
	}
	return ts, bs
}

// An EntryHit is a list entry that one of the hashes matched (sealed: the
// review layer opens it).
type EntryHit struct {
	SealedEntry
	EntryType domain.EntryType `db:"entry_type"`
	ListType  domain.ListType  `db:"list_type"`
	ListName  string           `db:"name"`
	Hash      []byte           `db:"value_hash"`
}

// MatchEntries finds the blocklist and allowlist entries of app whose
// hash is among hs: one index lookup per hash.
func MatchEntries(ctx context.Context, q Queryer, app uuid.UUID, hs []Hashed) ([]EntryHit, error) {
	return matchEntries(ctx, q, app, hs, uuid.Nil, nil)
}

// MatchAndRecord is MatchEntries for hs and InsertIdentifiers of own for
// session, in one round trip (an import does both).
func MatchAndRecord(ctx context.Context, q Queryer, app, session uuid.UUID, hs, own []Hashed) ([]EntryHit, error) {
	if len(own) == 0 {
		return MatchEntries(ctx, q, app, hs)
	}
	return matchEntries(ctx, q, app, hs, session, own)
}

func matchEntries(ctx context.Context, q Queryer, app uuid.UUID, hs []Hashed, session uuid.UUID, own []Hashed) ([]EntryHit, error) {
	if len(hs) == 0 && len(own) == 0 {
		return nil, nil
	}
	ts, bs := unzip(hs)
	record, args := "", []any{app, ts, bs}
	if len(own) > 0 {
		ots, obs := unzip(own)
		record = `WITH recorded AS (INSERT INTO session_identifiers (application_id, session_id, id_type, value_hash)
			SELECT $1, $4, t, v FROM unnest($5::text[], $6::bytea[]) AS h (t, v) ON CONFLICT DO NOTHING) `
		args = append(args, session, ots, obs)
	}
	var rows []struct {
		entryRow
		ListType string `db:"list_type"`
		ListName string `db:"name"`
		Hash     []byte `db:"value_hash"`
	}
	err := q.SelectContext(ctx, &rows, record+`SELECT e.entry_id, e.list_id, e.value, e.display_label, e.comment, e.added_by,
		e.reference_session_id, e.reference_session_number, e.metadata, e.created_at, e.sealed, e.key_generation,
		e.entry_type, e.list_type, l.name, e.value_hash
		FROM unnest($2::text[], $3::bytea[]) AS h (t, v)
		JOIN list_entries e ON e.application_id = $1 AND e.entry_type = h.t AND e.value_hash = h.v
		JOIN lists l ON l.application_id = e.application_id AND l.list_id = e.list_id
		WHERE e.list_type IN ('blocklist', 'allowlist')
		ORDER BY e.list_type DESC, e.created_at`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]EntryHit, len(rows))
	for i, r := range rows {
		out[i] = EntryHit{SealedEntry: r.entryRow.domain(), EntryType: domain.EntryType(r.entryRow.EntryType),
			ListType: domain.ListType(r.ListType), ListName: r.ListName, Hash: r.Hash}
	}
	return out, nil
}

// InsertIdentifiers records a session's identifiers.
func InsertIdentifiers(ctx context.Context, q Queryer, app, session uuid.UUID, hs []Hashed) error {
	if len(hs) == 0 {
		return nil
	}
	ts, bs := unzip(hs)
	_, err := q.ExecContext(ctx, `INSERT INTO session_identifiers (application_id, session_id, id_type, value_hash)
		SELECT $1, $2, t, v FROM unnest($3::text[], $4::bytea[]) AS h (t, v) ON CONFLICT DO NOTHING`, app, session, ts, bs)
	return mapErr(err)
}

// A SessionRef names another session in a finding, as analysts know it:
// by number and vendor_data.
type SessionRef struct {
	Number     int64  `db:"session_number"`
	VendorData string `db:"vendor_data"`
}

// SetLandingStatus corrects the status a clone was inserted with, in the
// import's own transaction (a list hit holds it In Review): it is the
// status it lands in, not a change, so the version stays.
func SetLandingStatus(ctx context.Context, q Queryer, app, id uuid.UUID, status domain.Status) error {
	res, err := q.ExecContext(ctx, `UPDATE sessions SET status = $3 WHERE application_id = $1 AND session_id = $2`, app, id, status)
	return affected(res, err, "Session not found.")
}

// SessionHashed is one identifier of one session.
type SessionHashed struct {
	Session uuid.UUID
	Hashed
}

// InsertBatchIdentifiers records the identifiers of many sessions of app
// in one statement.
func InsertBatchIdentifiers(ctx context.Context, q Queryer, app uuid.UUID, rows []SessionHashed) error {
	if len(rows) == 0 {
		return nil
	}
	ids := make(pq.StringArray, len(rows))
	hs := make([]Hashed, len(rows))
	for i, r := range rows {
		ids[i], hs[i] = r.Session.String(), r.Hashed
	}
	ts, bs := unzip(hs)
	_, err := q.ExecContext(ctx, `INSERT INTO session_identifiers (application_id, session_id, id_type, value_hash)
		SELECT $1, s::uuid, t, v FROM unnest($2::text[], $3::text[], $4::bytea[]) AS h (s, t, v) ON CONFLICT DO NOTHING`, app, ids, ts, bs)
	return mapErr(err)
}

// PendingIdentifiers locks up to limit of app's sessions after the
// session id after that were stored before identifiers were indexed
// (others' housekeeping skips them), with their payloads, in id order.
func PendingIdentifiers(ctx context.Context, tx *Tx, app, after uuid.UUID, limit int) ([]SealedSession, error) {
	var rows []sealedRow
	err := tx.SelectContext(ctx, &rows, `SELECT `+sessionCols+`, `+payloadCols+` FROM sessions
		WHERE application_id = $1 AND identifiers_pending AND session_id > $2 ORDER BY session_id LIMIT $3
		FOR UPDATE SKIP LOCKED`, app, after, limit)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]SealedSession, len(rows))
	for i, r := range rows {
		out[i] = SealedSession{Session: r.domain(), Payload: r.Payload}
	}
	return out, nil
}

// AppsWithPendingIdentifiers lists the applications that have sessions
// awaiting their identifiers.
func AppsWithPendingIdentifiers(ctx context.Context, q Queryer) ([]uuid.UUID, error) {
	var apps []uuid.UUID
	err := q.SelectContext(ctx, &apps, `SELECT a.application_id FROM applications a
		WHERE EXISTS (SELECT 1 FROM sessions s WHERE s.application_id = a.application_id AND s.identifiers_pending)`)
	return apps, mapErr(err)
}

// ClearIdentifiersPending marks app's sessions ids as indexed.
func ClearIdentifiersPending(ctx context.Context, tx *Tx, app uuid.UUID, ids []uuid.UUID) error {
	strs := make([]string, len(ids))
	for i, id := range ids {
		strs[i] = id.String()
	}
	_, err := tx.ExecContext(ctx, `UPDATE sessions SET identifiers_pending = false
		WHERE application_id = $1 AND session_id = ANY($2::uuid[])`, app, pq.Array(strs))
	return mapErr(err)
}
