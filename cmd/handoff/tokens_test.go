package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/uuid"

	"handoff/review"
	"handoff/store"
)

func TestTokenRevokeCommand(t *testing.T) {
	dsn := withDB(t)
	mkApp := func(name string) uuid.UUID {
		code, out, errs := run(t, "app", "create", "--name", name, "--workflow", "wf_"+name+":user", "--json")
		if code != 0 {
			t.Fatalf("app create: %d %s", code, errs)
		}
		var created struct {
			ID uuid.UUID `json:"application_id"`
		}
		json.Unmarshal([]byte(out), &created)
		return created.ID
	}
	x, y := mkApp("X"), mkApp("Y")
	code, out, errs := run(t, "session", "generate", "--app", "X", "--count", "1", "--status", "Approved", "--kind", "user", "--json")
	if code != 0 {
		t.Fatalf("generate: %d %s", code, errs)
	}
	var sess struct {
		ID uuid.UUID `json:"session_id"`
	}
	json.Unmarshal([]byte(out), &sess)

	db, err := store.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := review.New(db, review.WithKeys(cliKeys(t)))
	defer svc.Close()
	m, err := svc.Share(context.Background(), review.Analyst(x, "minter"), sess.ID, y, 600)
	if err != nil {
		t.Fatal(err)
	}

	if code, _, errs := run(t, "token", "revoke", "--app", "Y", m.TokenID.String()); code != 2 || !strings.Contains(errs, "not found") {
		t.Fatalf("the partner revoking: exit %d %q", code, errs)
	}
	if code, _, errs := run(t, "token", "revoke", "--app", "X", "nope"); code != 2 || !strings.Contains(errs, "not a token id") {
		t.Fatalf("a bad id: exit %d %q", code, errs)
	}
	if code, out, errs := run(t, "token", "revoke", "--app", "X", m.TokenID.String()); code != 0 || !strings.Contains(out, "revoked token "+m.TokenID.String()) {
		t.Fatalf("revoke: exit %d %q %q", code, out, errs)
	}
	_, err = svc.Import(context.Background(), review.Analyst(y, "importer"), review.ImportRequest{ShareToken: m.Token, WorkflowID: "wf_Y"})
	if err == nil || err.Error() != "This share token was revoked." {
		t.Fatalf("import after the CLI revoked it: %v", err)
	}
	code, out, errs = run(t, "token", "list", "--app", "X", "--session", sess.ID.String(), "--json")
	var list []struct {
		TokenID uuid.UUID `json:"token_id"`
		State   string    `json:"state"`
	}
	if err := json.Unmarshal([]byte(out), &list); code != 0 || err != nil || len(list) != 1 || list[0].State != "revoked" {
		t.Fatalf("list: exit %d %v %q %q", code, err, out, errs)
	}
}
