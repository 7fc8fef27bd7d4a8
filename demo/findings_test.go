package demo_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"handoff/demo"
	"handoff/domain"
	"handoff/review"
	"handoff/store/pgtest"
)

// The demo's issuer history, generated as the scenario generates it and
// read back from the database, shows every finding the rules know, and
// each finding is one the generator meant: it points at a check that did
// not pass.
func TestDemoHistoryShowsEveryFindingAndOnlyRealOnes(t *testing.T) {
	ctx := context.Background()
	svc := review.New(pgtest.DB(t))
	t.Cleanup(svc.Close)
	app, err := svc.CreateApplication(ctx, review.Operator("test"), review.NewApplication{Name: "Issuer",
		Workflows: []domain.Workflow{{ID: "wf_kyc", Kind: domain.KindUser}, {ID: "wf_kyb", Kind: domain.KindBusiness}}})
	if err != nil {
		t.Fatal(err)
	}
	var sessions []domain.Session
	err = demo.Generate(ctx, svc, demo.Options{App: app.Application.ID, Count: demo.IssuerCount, Seed: demo.IssuerSeed, Actor: "t"},
		func(s domain.Session) { sessions = append(sessions, s) })
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, gen := range sessions {
		// Judged as the case page judges it: read back from the database.
		s, err := svc.Session(ctx, review.Analyst(app.Application.ID, "t"), gen.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range domain.SessionFindings(s, domain.DefaultThresholds) {
			seen[f.Code]++
			st, ok := statusAt(s.Checks, f.Check)
			if !ok || st.Phase() == domain.PhaseApproved {
				t.Fatalf("#%d (%s): %s on %s (status %q): %s", s.Number, s.Status, f.Code, f.Check, st, f.Message)
			}
		}
	}
	for _, code := range domain.FindingCodes() {
		if seen[code] == 0 {
			t.Errorf("no demo session shows %s (seen %v)", code, seen)
		}
	}
}

// statusAt is the status of the innermost check along a finding's path
// ("key_people_checks[1].kyc.id_verification") and whether the path exists.
func statusAt(c domain.Checks, path string) (domain.Status, bool) {
	var status domain.Status
	var cur any
	for i, part := range strings.Split(path, ".") {
		name, idx, indexed := strings.Cut(part, "[")
		if i == 0 {
			if json.Unmarshal(c.Family(name), &cur) != nil {
				return "", false
			}
		} else if obj, ok := cur.(map[string]any); !ok {
			return "", false
		} else if cur, ok = obj[name]; !ok {
			return "", false
		}
		if indexed {
			n, err := strconv.Atoi(strings.TrimSuffix(idx, "]"))
			list, ok := cur.([]any)
			if err != nil || !ok || n >= len(list) {
				return "", false
			}
			cur = list[n]
		}
		if obj, ok := cur.(map[string]any); ok {
			if s, ok := obj["status"].(string); ok {
				status = domain.Status(s)
			}
		}
	}
	return status, true
}
