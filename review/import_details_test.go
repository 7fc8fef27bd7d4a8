package review

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"

	"handoff/domain"
)

// An import's audit details are written as the map they replaced wrote
// them, with the same keys in sorted order (json's order for a map), so
// the events' bytes did not change.
func TestImportDetailsKeepTheMapsBytes(t *testing.T) {
	b := mustJSON(importDetails{ImportedBy: "analyst:a", Status: "Approved", TrustReview: true,
		Findings: []domain.Finding{{Code: domain.FindingDuplicate, Severity: domain.SeverityWarning, Check: "id_verifications[0]"}}})
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if again := mustJSON(m); !bytes.Equal(again, b) {
		t.Errorf("details\n%s\nas a map would be\n%s", b, again)
	}
	want := []string{"blocked_entity", "findings", "imported_by", "imported_session_id", "importing_application_id",
		"minted_by", "origin_application_id", "origin_session_id", "source_application_id", "source_session_id",
		"source_status", "status", "token_id", "trust_review"}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	if slices.Sort(keys); !slices.Equal(keys, want) {
		t.Errorf("keys %v, want %v", keys, want)
	}
}
