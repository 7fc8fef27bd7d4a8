package review

import (
	"context"

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
func (s *Service) CreateApplication(ctx context.Context, actor string, req NewApplication) (CreatedApplication, error) {
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
func (s *Service) AddWorkflow(ctx context.Context, app uuid.UUID, wf domain.Workflow) error {
	return store.CreateWorkflow(ctx, s.db, app, wf)
}

// Application finds a live application by id or name.
func (s *Service) Application(ctx context.Context, idOrName string) (domain.Application, error) {
	return store.FindApplication(ctx, s.db, idOrName)
}

// Applications lists the live applications.
func (s *Service) Applications(ctx context.Context) ([]domain.Application, error) {
	return store.ListApplications(ctx, s.db)
}

// Workflows lists app's workflows.
func (s *Service) Workflows(ctx context.Context, app uuid.UUID) ([]domain.Workflow, error) {
	return store.ListWorkflows(ctx, s.db, app)
}

// APIKeys lists app's keys (hashes and prefixes only).
func (s *Service) APIKeys(ctx context.Context, app uuid.UUID) ([]store.APIKey, error) {
	return store.ListAPIKeys(ctx, s.db, app)
}

// DeleteApplication soft-deletes app; tokens can no longer be minted for it
// and its keys stop working.
func (s *Service) DeleteApplication(ctx context.Context, app uuid.UUID) error {
	err := store.DeleteApplication(ctx, s.db, app, s.now())
	s.callers.forget()
	return err
}
