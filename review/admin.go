package review

import (
	"context"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
)

// NewApplication is what creating an application needs.
type NewApplication struct {
	Name       string
	Workflows  []domain.Workflow
	Privileges []domain.Privilege // of its first API key; defaults apply when empty
}

// CreatedApplication is the result, with the one-time API key.
type CreatedApplication struct {
	Application domain.Application
	APIKey      string
	Workflows   []domain.Workflow
}

// CreateApplication makes an application with its workflows and first API
// key, in one transaction.
func (s *Service) CreateApplication(ctx context.Context, caller domain.Caller, req NewApplication) (CreatedApplication, error) {
	if err := caller.RequireOperator(); err != nil {
		return CreatedApplication{}, err
	}
	actor := caller.Actor()
	if err := domain.ValidateAppName(req.Name); err != nil {
		return CreatedApplication{}, err
	}
	if len(req.Privileges) == 0 {
		req.Privileges = domain.DefaultPrivileges
	}
	app := domain.Application{ID: uuid.New(), Name: req.Name, CreatedAt: s.now()}
	out := CreatedApplication{Application: app, Workflows: req.Workflows}
	if out.Workflows == nil {
		out.Workflows = []domain.Workflow{}
	}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := store.CreateApplication(ctx, tx, app); err != nil {
			return err
		}
		if err := announce(ctx, tx, Change{App: app.ID, What: ChangeApplications, By: actor}); err != nil {
			return err
		}
		if err := store.AppendAudit(ctx, tx, app.ID, domain.AuditEvent{At: s.now(), Actor: actor,
			Action: domain.ActionAppCreated, Details: mustJSON(map[string]any{"name": app.Name, "workflows": out.Workflows})}); err != nil {
			return err
		}
		for _, wf := range req.Workflows {
			if err := store.CreateWorkflow(ctx, tx, app.ID, wf); err != nil {
				return err
			}
		}
		var err error
		out.APIKey, err = s.createKey(ctx, tx, actor, app.ID, req.Privileges)
		return err
	})
	return out, err
}

// AddWorkflow adds a workflow to app.
func (s *Service) AddWorkflow(ctx context.Context, caller domain.Caller, app uuid.UUID, wf domain.Workflow) error {
	if err := caller.RequireOperator(); err != nil {
		return err
	}
	return store.CreateWorkflow(ctx, s.db, app, wf)
}

// Application finds a live application by id or name: any for an
// operator, only the caller's own for anyone else (another is not found).
func (s *Service) Application(ctx context.Context, caller domain.Caller, idOrName string) (domain.Application, error) {
	app, err := store.FindApplication(ctx, s.db, idOrName)
	if err == nil && caller.Operator == "" && app.ID != caller.ApplicationID {
		return domain.Application{}, domain.NotFoundf("no application %q", idOrName)
	}
	return app, err
}

// Applications lists the live applications, for operators and for
// analysts choosing where to work (the workstation shows only those the
// analyst is registered for).
func (s *Service) Applications(ctx context.Context, caller domain.Caller) ([]domain.Application, error) {
	if caller.Analyst == "" {
		if err := caller.RequireOperator(); err != nil {
			return nil, err
		}
	}
	return store.ListApplications(ctx, s.db)
}

// Workflows lists the workflows of the caller's application.
func (s *Service) Workflows(ctx context.Context, caller domain.Caller) ([]domain.Workflow, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return nil, err
	}
	return store.ListWorkflows(ctx, s.db, caller.ApplicationID)
}

// APIKeyInfo describes a stored API key: its prefix, never the key.
type APIKeyInfo struct {
	ID         uuid.UUID
	Prefix     string
	Privileges []domain.Privilege
	CreatedAt  time.Time
	RevokedAt  *time.Time
}

// APIKeys lists app's keys, newest first.
func (s *Service) APIKeys(ctx context.Context, caller domain.Caller, app uuid.UUID) ([]APIKeyInfo, error) {
	if err := caller.RequireOperator(); err != nil {
		return nil, err
	}
	keys, err := store.ListAPIKeys(ctx, s.db, app)
	out := make([]APIKeyInfo, len(keys))
	for i, k := range keys {
		out[i] = APIKeyInfo{ID: k.ID, Prefix: k.Prefix, Privileges: k.Privs(), CreatedAt: k.CreatedAt, RevokedAt: k.RevokedAt}
	}
	return out, err
}

// DeleteApplication soft-deletes app; tokens can no longer be minted for it
// and its keys stop working.
func (s *Service) DeleteApplication(ctx context.Context, caller domain.Caller, app uuid.UUID) error {
	if err := caller.RequireOperator(); err != nil {
		return err
	}
	err := store.DeleteApplication(ctx, s.db, app, s.now())
	s.callers.forget()
	return err
}
