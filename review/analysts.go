package review

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
)

// AnalystKey is one SSH public key: its SHA256 fingerprint and the
// authorized_keys line it came from.
type AnalystKey struct {
	Fingerprint string
	PublicKey   string
}

// NewAnalyst registers an analyst for applications with their keys.
type NewAnalyst struct {
	Name string
	Apps []uuid.UUID
	Keys []AnalystKey
}

// AnalystInfo is a registered analyst.
type AnalystInfo struct {
	Name     string
	Apps     []uuid.UUID
	AppNames []string
	Keys     []string // fingerprints
}

// ValidateAnalystName keeps names usable as SSH user names and audit actors.
func ValidateAnalystName(name string) error {
	if name == "" || len(name) > 64 {
		return domain.Invalidf("analyst name must be 1 to 64 characters")
	}
	for _, r := range name {
		if !(r == '.' || r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return domain.Invalidf("analyst name %q may contain only letters, digits, '.', '_' and '-'", name)
		}
	}
	return nil
}

// AddAnalyst registers an analyst, or adds applications and keys to an
// existing one of that name.
func (s *Service) AddAnalyst(ctx context.Context, caller domain.Caller, req NewAnalyst) error {
	if err := caller.RequireOperator(); err != nil {
		return err
	}
	if err := ValidateAnalystName(req.Name); err != nil {
		return err
	}
	if len(req.Apps) == 0 {
		return domain.Invalidf("an analyst works for at least one application (--app)")
	}
	if len(req.Keys) == 0 {
		return domain.Invalidf("an analyst needs at least one SSH public key (--key or --key-file)")
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		a, err := store.AnalystByName(ctx, tx, req.Name)
		id := a.ID
		if domain.IsCode(err, domain.CodeNotFound) {
			id = uuid.New()
			err = store.CreateAnalyst(ctx, tx, id, req.Name, s.now())
		}
		if err != nil {
			return err
		}
		for _, app := range req.Apps {
			if err := store.AddAnalystApp(ctx, tx, app, id); err != nil {
				return err
			}
		}
		for _, k := range req.Keys {
			if err := store.AddAnalystKey(ctx, tx, id, k.Fingerprint, k.PublicKey); err != nil {
				return err
			}
		}
		return nil
	})
}

// Analysts lists the registered analysts.
func (s *Service) Analysts(ctx context.Context, caller domain.Caller) ([]AnalystInfo, error) {
	if err := caller.RequireOperator(); err != nil {
		return nil, err
	}
	rows, err := store.ListAnalysts(ctx, s.db)
	if err != nil {
		return nil, err
	}
	out := make([]AnalystInfo, len(rows))
	for i, r := range rows {
		out[i] = analystInfo(r)
	}
	return out, nil
}

// RemoveAnalyst removes an analyst: their next connection is refused.
func (s *Service) RemoveAnalyst(ctx context.Context, caller domain.Caller, name string) error {
	if err := caller.RequireOperator(); err != nil {
		return err
	}
	a, err := store.AnalystByName(ctx, s.db, name)
	if err != nil {
		return err
	}
	return store.RemoveAnalyst(ctx, s.db, a.ID, s.now())
}

// AnalystByKey identifies an SSH user by name and key fingerprint: the key
// must be registered for that analyst. Unknown or removed analysts and keys
// are unauthorized.
func (s *Service) AnalystByKey(ctx context.Context, name, fingerprint string) (AnalystInfo, error) {
	a, err := store.AnalystByKey(ctx, s.db, name, fingerprint)
	if domain.IsCode(err, domain.CodeNotFound) {
		return AnalystInfo{}, domain.Unauthorizedf("This key is not registered for any analyst.")
	}
	if err != nil {
		return AnalystInfo{}, err
	}
	return analystInfo(a), nil
}

// CanWorkFor reports whether the analyst is registered for app.
func (a AnalystInfo) CanWorkFor(app uuid.UUID) bool {
	for _, id := range a.Apps {
		if id == app {
			return true
		}
	}
	return false
}

func analystInfo(a store.Analyst) AnalystInfo {
	info := AnalystInfo{Name: a.Name, AppNames: a.AppNames, Keys: a.Keys}
	for _, id := range a.Apps {
		if u, err := uuid.Parse(strings.TrimSpace(id)); err == nil {
			info.Apps = append(info.Apps, u)
		}
	}
	return info
}
