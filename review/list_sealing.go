package review

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
	"handoff/vault"
)

// A list entry's value, label, comment and metadata name people (a
// blocked document number, "Jane Doe, forged passport"), so they are
// sealed together under the application's data key, bound to the
// application and the entry's id: copied into another row, they do not
// open. A face identifier is biometric: its entry is sealed under the
// biometric data key instead, with its own label. Matching compares
// value_hash and opens only the entries it hits.

func entryAD(app, entry uuid.UUID) []byte {
	return vault.AD("handoff list entry", app[:], entry[:])
}

func faceEntryAD(app, entry uuid.UUID) []byte {
	return vault.AD("handoff list entry biometrics", app[:], entry[:])
}

// entrySecret is what an entry's sealed part holds.
type entrySecret struct {
	Value        string          `json:"value"`
	DisplayLabel string          `json:"display_label,omitempty"`
	Comment      string          `json:"comment,omitempty"`
	Metadata     json.RawMessage `json:"metadata,omitempty"`
}

// sealEntry seals e's value, label, comment and metadata under k's
// current generation: a face entry (type t) under the biometric key.
func (k *appKeys) sealEntry(t domain.EntryType, e domain.ListEntry) (store.SealedEntry, error) {
	plain, err := json.Marshal(entrySecret{Value: e.Value, DisplayLabel: e.DisplayLabel, Comment: e.Comment, Metadata: e.Metadata})
	if err != nil {
		return store.SealedEntry{}, err
	}
	gen := k.current
	key, aad := k.data[gen], entryAD(k.app, e.ID)
	if t == domain.EntryFace {
		var ok bool
		if key, ok = k.bio[gen]; !ok {
			return store.SealedEntry{}, errNoBiometricKey
		}
		aad = faceEntryAD(k.app, e.ID)
	}
	return store.SealedEntry{ListEntry: e, EntryType: t, Generation: &gen,
		Sealed: vault.SealVersioned(key, gen, plain, aad)}, nil
}

// openEntry opens a stored entry of k's application; an entry still in
// the clear (written before entries were sealed) is returned as it is. A
// face entry without the biometric key reads as Unavailable.
func (d *dataKeys) openEntry(ctx context.Context, k *appKeys, e store.SealedEntry) (domain.ListEntry, error) {
	if e.Sealed == nil {
		return e.ListEntry, nil
	}
	var plain []byte
	var err error
	if e.EntryType == domain.EntryFace {
		if d.keys.Biometric == nil {
			out := e.ListEntry
			out.Value, out.DisplayLabel, out.Comment, out.Metadata, out.Unavailable = "", "", "", nil, true
			return out, nil
		}
		plain, err = d.open(ctx, k, purposeBiometric, e.Sealed, faceEntryAD(k.app, e.ID))
		if errors.Is(err, vault.ErrOpen) {
			// Sealed under the data key by the first sealing code (a
			// developer database of 2 December 2026): it still opens, and
			// rotate-data moves it to the biometric key.
			plain, err = d.open(ctx, k, purposeData, e.Sealed, entryAD(k.app, e.ID))
		}
	} else {
		plain, err = d.open(ctx, k, purposeData, e.Sealed, entryAD(k.app, e.ID))
	}
	if err != nil {
		return domain.ListEntry{}, fmt.Errorf("list entry %s: %w", e.ID, err)
	}
	var sec entrySecret
	if err := json.Unmarshal(plain, &sec); err != nil {
		return domain.ListEntry{}, fmt.Errorf("list entry %s: opened value is not a JSON object: %w", e.ID, err)
	}
	out := e.ListEntry
	out.Value, out.DisplayLabel, out.Comment, out.Metadata = sec.Value, sec.DisplayLabel, sec.Comment, nil
	if len(sec.Metadata) > 0 {
		out.Metadata = sec.Metadata
	}
	return out, nil
}

func (d *dataKeys) openEntries(ctx context.Context, k *appKeys, es []store.SealedEntry) ([]domain.ListEntry, error) {
	out := make([]domain.ListEntry, len(es))
	for i, e := range es {
		var err error
		if out[i], err = d.openEntry(ctx, k, e); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// matchKeys are what matching needs of an application's keys: the
// matcher that hashes identifiers, and the data key that opens the
// entries they hit (their comments go into the findings).
type matchKeys struct {
	vault.Matcher
	data *dataKeys
	keys *appKeys
}

// openHits opens the entries of hits in place.
func (m matchKeys) openHits(ctx context.Context, hits []store.EntryHit) error {
	for i := range hits {
		e, err := m.data.openEntry(ctx, m.keys, hits[i].SealedEntry)
		if err != nil {
			return err
		}
		hits[i].ListEntry = e
	}
	return nil
}

// entrySearchBatch bounds the entries one read of a search opens.
const entrySearchBatch = 1000

// searchEntries is ListEntries with a search: the values are sealed, so
// it reads the list's entries a keyset page at a time, opens them, and
// keeps those whose value or label contains search (ignoring case), as
// the page from offset and the count of all that match.
func (s *Service) searchEntries(ctx context.Context, k *appKeys, list uuid.UUID, search string, limit, offset int) ([]domain.ListEntry, int64, error) {
	needle := strings.ToLower(search)
	var out []domain.ListEntry
	var n int64
	var after *store.SealedEntry
	for {
		batch, err := store.EntriesAfter(ctx, s.db, k.app, list, after, entrySearchBatch)
		if err != nil {
			return nil, 0, err
		}
		for i := range batch {
			e, err := s.data.openEntry(ctx, k, batch[i])
			if err != nil {
				return nil, 0, err
			}
			if !strings.Contains(strings.ToLower(e.Value), needle) && !strings.Contains(strings.ToLower(e.DisplayLabel), needle) {
				continue
			}
			if n >= int64(offset) && len(out) < limit {
				out = append(out, e)
			}
			n++
		}
		if len(batch) < entrySearchBatch {
			return out, n, nil
		}
		after = &batch[len(batch)-1]
	}
}

// EntryBatch bounds the list entries one sealing transaction reads.
const EntryBatch = 200

// housekeepingKeys loads app's keys for a housekeeping pass, before its
// transaction (loading takes a connection of its own). An application
// whose keys do not load is logged and passed over (ok false, err nil), so
// it does not hold up the others; err is set only once ctx has ended.
func (s *Service) housekeepingKeys(ctx context.Context, app uuid.UUID, pass string) (*appKeys, bool, error) {
	k, err := s.data.forApp(ctx, app)
	if err == nil {
		return k, true, nil
	}
	if ctx.Err() != nil {
		return nil, false, err
	}
	s.log.Error("housekeeping: "+pass+": the application's keys do not load; skipped", "application", app, "err", err)
	return nil, false, nil
}

// SealPendingEntries seals the list entries written in the clear before
// entries were sealed, and blanks their plain columns, a batch of
// EntryBatch per transaction per application (rows another process is
// sealing are skipped); it says how many it sealed. Run by the
// housekeeping in `serve`: the key lives outside the database, so the
// migration that added the sealed column could not. An application whose
// keys do not load is logged and skipped, so it does not hold up the
// others.
func (s *Service) SealPendingEntries(ctx context.Context) (int, error) {
	apps, err := store.AppsWithUnsealedEntries(ctx, s.db)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, app := range apps {
		k, ok, err := s.housekeepingKeys(ctx, app, "sealing list entries")
		if !ok {
			if err != nil {
				return n, err
			}
			continue
		}
		err = s.db.InTx(ctx, func(tx *store.Tx) error {
			batch, err := store.EntriesToSeal(ctx, tx, app, uuid.Nil, EntryBatch, s.data.keys.Biometric != nil)
			if err != nil || len(batch) == 0 {
				return err
			}
			sealed := make([]store.SealedEntry, len(batch))
			for i, e := range batch {
				if sealed[i], err = k.sealEntry(e.EntryType, e.ListEntry); err != nil {
					return err
				}
			}
			done, err := store.ResealEntries(ctx, tx, app, batch, sealed, k.current)
			n += done
			return err
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// resealEntries moves every list entry of k's application not under k's
// current generation (or still in the clear) to it, a batch per
// transaction; it returns how many it moved.
func (s *Service) resealEntries(ctx context.Context, k *appKeys, batch int) (int64, error) {
	var moved int64
	for {
		if err := ctx.Err(); err != nil {
			return moved, err
		}
		rows, err := store.EntriesToReseal(ctx, s.db, k.app, k.current, batch)
		if err != nil || len(rows) == 0 {
			return moved, err
		}
		next := make([]store.SealedEntry, len(rows))
		for i, r := range rows {
			e, err := s.data.openEntry(ctx, k, r)
			if err != nil {
				return moved, err
			}
			if next[i], err = k.sealEntry(r.EntryType, e); err != nil {
				return moved, err
			}
		}
		n, err := store.ResealEntries(ctx, s.db, k.app, rows, next, k.current)
		if err != nil {
			return moved, err
		}
		if n == 0 {
			// Every row changed under us since it was read (a concurrent
			// rotation): do not spin if nothing moves.
			return moved, nil
		}
		moved += int64(n)
	}
}
