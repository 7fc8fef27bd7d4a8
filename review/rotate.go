package review

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"handoff/auditlog"
	"handoff/domain"
	"handoff/store"
	"handoff/vault"
)

// MasterRotation is what a master-key rotation did.
type MasterRotation struct {
	Source    string // where the master keys are
	From, To  string // master key ids
	Rewrapped int    // data keys (and signing keys) wrapped anew
}

// RotateMaster moves every data key (and, for the master key, every
// share-token signing key) to a new master key: the keys themselves are
// unchanged, only their wrapping, so it takes seconds whatever the amount
// of data. The file source keeps the old master key beside the new one
// until every wrapping is rewritten, so a crash at any point leaves
// everything readable; then it forgets the old one. biometric rotates the
// biometric master key instead.
func (s *Service) RotateMaster(ctx context.Context, caller domain.Caller, biometric bool) (MasterRotation, error) {
	if err := caller.RequireOperator(); err != nil {
		return MasterRotation{}, err
	}
	src := s.masterKeys.Master
	if biometric {
		src = s.masterKeys.Biometric
		if src == nil {
			return MasterRotation{}, domain.Unavailablef("This server runs without the biometric key, so it cannot rotate it.")
		}
	}
	rot, ok := src.(vault.Rotator)
	if !ok {
		return MasterRotation{}, domain.Invalidf("%s rotates its keys itself; handoff only re-wraps with its current key.", src.Describe())
	}
	r := MasterRotation{Source: src.Describe(), From: src.CurrentID()}
	var err error
	if r.To, err = rot.Rotate(); err != nil {
		return r, err
	}
	// A key another process wraps while this runs may still use the old
	// master key; pass again until none does.
	for pass := 0; pass < 5; pass++ {
		n, left, err := s.rewrap(ctx, src, biometric, r.From)
		if err != nil {
			return r, fmt.Errorf("re-wrapping under the new master key (both keys are still in %s): %w", src.Describe(), err)
		}
		r.Rewrapped += n
		if left == 0 {
			break
		}
	}
	if err := s.auditKeys(ctx, caller, map[string]any{"rotated": masterName(biometric), "from": r.From, "to": r.To,
		"rewrapped": r.Rewrapped}); err != nil {
		return r, err
	}
	if err := rot.Retire(); err != nil {
		return r, err
	}
	s.data.forget()
	return r, nil
}

func masterName(biometric bool) string {
	if biometric {
		return "biometric_master_key"
	}
	return "master_key"
}

// rewrap wraps every key under src anew in one transaction and says how
// many still name the old master key afterwards.
func (s *Service) rewrap(ctx context.Context, src vault.KeySource, biometric bool, old string) (done, left int, err error) {
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		keys, err := store.AllDataKeys(ctx, tx)
		if err != nil {
			return err
		}
		to := src.CurrentID()
		for _, k := range keys {
			if (k.Purpose == purposeBiometric) != biometric || k.MasterKeyID == to {
				continue
			}
			ad := wrapAD(k.ApplicationID, k.Purpose, k.Generation)
			raw, err := src.Unwrap(ctx, k.Wrapped, ad)
			if err != nil {
				return fmt.Errorf("application %s, %s key %d: %w", k.ApplicationID, k.Purpose, k.Generation, err)
			}
			if k.Wrapped, err = src.Wrap(ctx, raw, ad); err != nil {
				return err
			}
			k.MasterKeyID = to
			if err := store.RewrapDataKey(ctx, tx, k); err != nil {
				return err
			}
			done++
		}
		if biometric {
			return nil
		}
		notes, err := store.NoteKeys(ctx, tx)
		if err != nil {
			return err
		}
		for _, nk := range notes {
			raw := nk.Signer
			if id, _, werr := vault.WrappedBy(nk.Signer); werr == nil {
				if id == to {
					continue
				}
				if raw, err = src.Unwrap(ctx, nk.Signer, auditlog.NoteKeyAD(nk.Name)); err != nil {
					return fmt.Errorf("checkpoint key %s: %w", nk.Name, err)
				}
			}
			wrapped, err := src.Wrap(ctx, raw, auditlog.NoteKeyAD(nk.Name))
			if err != nil {
				return err
			}
			if err := store.RewrapNoteKey(ctx, tx, nk.Name, wrapped); err != nil {
				return err
			}
			done++
		}
		signing, err := store.SigningKeys(ctx, tx)
		if err != nil {
			return err
		}
		for _, sk := range signing {
			raw := sk.Plain
			if sk.Wrapped != nil {
				if id, _, _ := vault.WrappedBy(sk.Wrapped); id == to {
					continue
				}
				if raw, err = src.Unwrap(ctx, sk.Wrapped, signingAD(sk.ID)); err != nil {
					return fmt.Errorf("share-token signing key %s: %w", sk.ID, err)
				}
			}
			wrapped, err := src.Wrap(ctx, raw, signingAD(sk.ID))
			if err != nil {
				return err
			}
			if err := store.RewrapSigningKey(ctx, tx, sk.ID, wrapped); err != nil {
				return err
			}
			done++
		}
		return nil
	})
	if err != nil {
		return done, 0, err
	}
	ids, err := store.MasterKeyIDs(ctx, s.db, biometric)
	return done, ids[old], err
}

// auditKeys records a key event in every application's trail.
func (s *Service) auditKeys(ctx context.Context, caller domain.Caller, details map[string]any) error {
	apps, err := store.ListApplications(ctx, s.db)
	if err != nil {
		return err
	}
	for _, a := range apps {
		if err := s.auditKeysOf(ctx, caller, a.ID, details); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) auditKeysOf(ctx context.Context, caller domain.Caller, app uuid.UUID, details map[string]any) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		return store.AppendAudit(ctx, tx, app, domain.AuditEvent{At: s.now(), Actor: caller.Actor(),
			Action: domain.ActionKeysRotated, Details: mustJSON(details)})
	})
}

// DataRotation is what a data-key rotation did.
type DataRotation struct {
	Generation int   // the generation everything is sealed under now
	Resumed    bool  // it finished a rotation that had stopped
	Resealed   int64 // sessions sealed anew by this run
	// ResealedMedia counts evidence files sealed anew (those written in the
	// clear before evidence was sealed among them).
	ResealedMedia int64
	// ResealedEntries counts list entries sealed anew (those still in the
	// clear among them).
	ResealedEntries int64
}

// DataRotationOptions tunes RotateData.
type DataRotationOptions struct {
	Batch int // sessions per transaction (500)
	// Progress hears, after each batch, how many sessions are done of how
	// many this run moves.
	Progress func(done, total int64)
}

// RotateData moves an application to new data keys (and biometric data
// keys): new sessions are sealed under them at once, and the existing ones
// are re-sealed in batches of one short transaction each, while every
// session stays readable (each value names the generation it is sealed
// with). Stopped at any point — a crash, a kill — it resumes where it was
// when run again: a run that finds sessions under an older generation
// moves them to the newest instead of starting another. Sealed rows
// written before payloads were sealed are sealed by it too.
func (s *Service) RotateData(ctx context.Context, caller domain.Caller, app uuid.UUID, opts DataRotationOptions) (DataRotation, error) {
	if err := caller.RequireOperator(); err != nil {
		return DataRotation{}, err
	}
	if s.masterKeys.Biometric == nil {
		return DataRotation{}, domain.Unavailablef("Rotating data keys re-seals biometric data, which needs the biometric key; this server runs without it.")
	}
	if opts.Batch <= 0 {
		opts.Batch = 500
	}
	k, err := s.data.load(ctx, app)
	if err != nil {
		return DataRotation{}, err
	}
	left, err := store.CountToReseal(ctx, s.db, app, k.current)
	if err != nil {
		return DataRotation{}, err
	}
	// A run that stopped after the sessions still owes the list entries.
	entriesLeft, err := store.CountSealedEntriesToReseal(ctx, s.db, app, k.current)
	if err != nil {
		return DataRotation{}, err
	}
	left += entriesLeft
	r := DataRotation{Resumed: left > 0}
	started := s.now()
	if !r.Resumed {
		if err := s.data.add(ctx, app, k.current+1, purposeData, purposeBiometric); err != nil {
			return r, err
		}
		if k, err = s.data.load(ctx, app); err != nil {
			return r, err
		}
	}
	r.Generation = k.current
	total, err := store.CountToReseal(ctx, s.db, app, k.current)
	if err != nil {
		return r, err
	}
	if err := s.resealAll(ctx, k, opts, &r, total); err != nil {
		return r, err
	}
	// Other processes seal new sessions with the keys they cached until
	// their next refresh: wait for it, then move what they wrote.
	if wait := started.Add(s.data.refresh + time.Second).Sub(s.now()); wait > 0 && !r.Resumed {
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return r, ctx.Err()
		}
	}
	if err := s.resealAll(ctx, k, opts, &r, total); err != nil {
		return r, err
	}
	if err := s.resealWebhookSecrets(ctx, k); err != nil {
		return r, err
	}
	if r.ResealedMedia, err = s.resealMedia(ctx, k, opts.Batch); err != nil {
		return r, err
	}
	if r.ResealedEntries, err = s.resealEntries(ctx, k, opts.Batch); err != nil {
		return r, err
	}
	s.data.forget()
	return r, s.auditKeysOf(ctx, caller, app, map[string]any{"rotated": "data_keys", "generation": r.Generation,
		"resealed": r.Resealed, "resealed_media": r.ResealedMedia, "resealed_list_entries": r.ResealedEntries, "resumed": r.Resumed})
}

// resealAll moves every session of k's application not under k's current
// generation to it, a batch per transaction.
func (s *Service) resealAll(ctx context.Context, k *appKeys, opts DataRotationOptions, r *DataRotation, total int64) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		batch, err := store.ToReseal(ctx, s.db, k.app, k.current, opts.Batch)
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		next := make([]store.Payload, len(batch))
		for i, sess := range batch {
			o, err := s.data.openParts(ctx, k, sess.ID, sess.Payload)
			if err != nil {
				return err
			}
			if next[i], err = k.sealParts(sess.ID, o.checks, o.bio); err != nil {
				return err
			}
		}
		moved := 0
		err = s.db.InTx(ctx, func(tx *store.Tx) error {
			moved = 0
			for i, sess := range batch {
				ok, err := store.Reseal(ctx, tx, k.app, sess.ID, sess.Payload, next[i])
				if err != nil {
					return err
				}
				if ok {
					moved++
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		r.Resealed += int64(moved)
		if opts.Progress != nil {
			opts.Progress(min(r.Resealed, total), total)
		}
	}
}

// resealWebhookSecrets seals the application's webhook secrets under the
// current generation.
func (s *Service) resealWebhookSecrets(ctx context.Context, k *appKeys) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		list, err := store.ListDestinationSecrets(ctx, tx, k.app)
		if err != nil {
			return err
		}
		for _, d := range list {
			cur, err := s.data.openWebhookSecret(ctx, k, d.ID, d.Sealed, d.Plain)
			if err != nil {
				return err
			}
			prev, err := s.data.openWebhookSecret(ctx, k, d.ID, d.SealedPrevious, d.PlainPrevious)
			if err != nil {
				return err
			}
			seal := func(v *string) []byte {
				if v == nil {
					return nil
				}
				return vault.SealVersioned(k.data[k.current], k.current, []byte(*v), webhookSecretAD(k.app, d.ID))
			}
			d.Sealed, d.SealedPrevious = seal(cur), seal(prev)
			if err := store.ResealDestinationSecrets(ctx, tx, d); err != nil {
				return err
			}
		}
		return nil
	})
}
