package store

import (
	"context"

	"github.com/google/uuid"

	"handoff/domain"
)

// CreateWorkflow adds a workflow to app.
func CreateWorkflow(ctx context.Context, q Queryer, app uuid.UUID, wf domain.Workflow) error {
	_, err := q.ExecContext(ctx, `INSERT INTO workflows (application_id, workflow_id, kind) VALUES ($1, $2, $3)`, app, wf.ID, wf.Kind)
	if domain.IsCode(mapErr(err), domain.CodeConflict) {
		return domain.Conflictf("workflow %q already exists", wf.ID)
	}
	return mapErr(err)
}

type workflowRow struct {
	ID   string `db:"workflow_id"`
	Kind string `db:"kind"`
}

func (r workflowRow) domain() domain.Workflow {
	return domain.Workflow{ID: r.ID, Kind: domain.Kind(r.Kind)}
}

// GetWorkflow loads one workflow of app.
func GetWorkflow(ctx context.Context, q Queryer, app uuid.UUID, id string) (domain.Workflow, error) {
	var r workflowRow
	err := q.GetContext(ctx, &r, `SELECT workflow_id, kind FROM workflows WHERE application_id = $1 AND workflow_id = $2`, app, id)
	return r.domain(), notFound(err, "workflow not found")
}

// ListWorkflows lists app's workflows by id.
func ListWorkflows(ctx context.Context, q Queryer, app uuid.UUID) ([]domain.Workflow, error) {
	var rows []workflowRow
	if err := q.SelectContext(ctx, &rows, `SELECT workflow_id, kind FROM workflows WHERE application_id = $1 ORDER BY workflow_id`, app); err != nil {
		return nil, mapErr(err)
	}
	out := make([]domain.Workflow, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// EnsureEntity creates the user or business entity for vendorData unless
// it exists, and reports whether it created it.
func EnsureEntity(ctx context.Context, q Queryer, app uuid.UUID, kind domain.Kind, vendorData string) (bool, error) {
	res, err := q.ExecContext(ctx, `INSERT INTO entities (application_id, kind, vendor_data, entity_id)
		VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, app, kind, vendorData, uuid.New())
	if err != nil {
		return false, mapErr(err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
