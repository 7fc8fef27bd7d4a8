package review

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/domain/synth/evidence"
	"handoff/store"
	"handoff/vault"
)

// Evidence pictures are biometric material: each file is sealed under the
// application's biometric data key, bound to its session and name, like
// the biometric part of the checks.

// errEvidenceUnavailable is what reading evidence without the biometric
// key gets.
var errEvidenceUnavailable = domain.Unavailablef("Evidence images are unavailable: this server runs without the biometric key.")

func mediaAD(app, session uuid.UUID, name string) []byte {
	return vault.AD("handoff session media", app[:], session[:], []byte(name))
}

// sealMedia seals a session's media under k's current biometric key.
func (k *appKeys) sealMedia(session uuid.UUID, media []domain.Media) ([]store.MediaRow, error) {
	if len(media) == 0 {
		return nil, nil
	}
	bk, ok := k.bio[k.current]
	if !ok {
		return nil, errNoBiometricKey
	}
	gen := k.current
	out := make([]store.MediaRow, len(media))
	for i, m := range media {
		out[i] = store.MediaRow{Name: m.Name, ContentType: m.ContentType, Generation: &gen,
			Data: vault.SealVersioned(bk, gen, m.Data, mediaAD(k.app, session, m.Name))}
	}
	return out, nil
}

// openMedia opens stored media of one of k's application's sessions; rows
// written before sealing are in the clear.
func (d *dataKeys) openMedia(ctx context.Context, k *appKeys, session uuid.UUID, rows []store.MediaRow) ([]domain.Media, error) {
	out := make([]domain.Media, len(rows))
	for i, r := range rows {
		out[i] = domain.Media{Name: r.Name, ContentType: r.ContentType, Data: r.Data}
		if r.Generation == nil {
			continue
		}
		if d.keys.Biometric == nil {
			return nil, errEvidenceUnavailable
		}
		var err error
		if out[i].Data, err = d.open(ctx, k, purposeBiometric, r.Data, mediaAD(k.app, session, r.Name)); err != nil {
			return nil, fmt.Errorf("session %s media %s: %w", session, r.Name, err)
		}
	}
	return out, nil
}

// copyMedia gives a clone its source's media, opened under the source's
// keys and sealed under the importer's, in the import's transaction.
func (s *Service) copyMedia(ctx context.Context, tx *store.Tx, from, to *appKeys, fromSession, toSession uuid.UUID) error {
	rows, err := store.SessionMedia(ctx, tx, from.app, fromSession)
	if err != nil || len(rows) == 0 {
		return err
	}
	media, err := s.data.openMedia(ctx, from, fromSession, rows)
	if err != nil {
		return err
	}
	sealed, err := to.sealMedia(toSession, media)
	if err != nil {
		return err
	}
	return store.PutMedia(ctx, tx, to.app, toSession, sealed)
}

// Evidence returns the media of one of the caller's sessions (all of it,
// or the files named), in name order; a session without media has none.
// Without the biometric key it is unavailable (CodeUnavailable).
func (s *Service) Evidence(ctx context.Context, caller domain.Caller, id uuid.UUID, names ...string) ([]domain.Media, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return nil, err
	}
	k, err := s.data.forApp(ctx, caller.ApplicationID)
	if err != nil {
		return nil, err
	}
	if _, err := store.GetSession(ctx, s.db, caller.ApplicationID, id, false); err != nil {
		return nil, err
	}
	rows, err := store.SessionMedia(ctx, s.db, caller.ApplicationID, id, names...)
	if err != nil {
		return nil, err
	}
	return s.data.openMedia(ctx, k, id, rows)
}

// AddGeneratedEvidence draws and stores the synthetic evidence of
// generated sessions (the demo's), sealed, in one transaction.
func (s *Service) AddGeneratedEvidence(ctx context.Context, caller domain.Caller, batch []domain.Session) error {
	if err := caller.RequireOperator(); err != nil {
		return err
	}
	k, err := s.data.forApp(ctx, caller.ApplicationID)
	if err != nil {
		return err
	}
	sealed := make([][]store.MediaRow, len(batch))
	for i, sess := range batch {
		if sess.ApplicationID != caller.ApplicationID {
			return domain.Invalidf("a generated session of another application")
		}
		if sealed[i], err = k.sealMedia(sess.ID, evidence.Media(sess.Kind, sess.Checks)); err != nil {
			return err
		}
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		for i, sess := range batch {
			if err := store.PutMedia(ctx, tx, sess.ApplicationID, sess.ID, sealed[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// resealMedia seals every media row of k's application that is in the
// clear or under an older generation under k's current one, a batch per
// transaction; it returns how many rows it moved.
func (s *Service) resealMedia(ctx context.Context, k *appKeys, batch int) (int64, error) {
	var moved int64
	for {
		if err := ctx.Err(); err != nil {
			return moved, err
		}
		rows, err := store.MediaToReseal(ctx, s.db, k.app, k.current, batch)
		if err != nil || len(rows) == 0 {
			return moved, err
		}
		next := make([]store.MediaRow, len(rows))
		for i, r := range rows {
			open, err := s.data.openMedia(ctx, k, r.SessionID, []store.MediaRow{r.MediaRow})
			if err != nil {
				return moved, err
			}
			sealed, err := k.sealMedia(r.SessionID, open)
			if err != nil {
				return moved, err
			}
			next[i] = sealed[0]
		}
		n := 0
		err = s.db.InTx(ctx, func(tx *store.Tx) error {
			n = 0
			for i, r := range rows {
				ok, err := store.ResealMedia(ctx, tx, k.app, r.SessionID, r.MediaRow, next[i])
				if err != nil {
					return err
				}
				if ok {
					n++
				}
			}
			return nil
		})
		if err != nil {
			return moved, err
		}
		if n == 0 {
			// Every row changed under us since it was read (a concurrent
			// rotation): read again, but do not spin if nothing moves.
			return moved, nil
		}
		moved += int64(n)
	}
}
