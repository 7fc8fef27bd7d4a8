package domain

import "testing"

func TestWorstAndSortFindings(t *testing.T) {
	if _, ok := Worst(nil); ok {
		t.Fatal("no findings have no worst severity")
	}
	fs := []Finding{
		{Code: "a", Severity: SeverityInfo, Check: "b"},
		{Code: "b", Severity: SeverityCritical, Check: "z"},
		{Code: "c", Severity: SeverityWarning, Check: "a"},
		{Code: "d", Severity: SeverityCritical, Check: "y"},
	}
	if w, ok := Worst(fs); !ok || w != SeverityCritical {
		t.Fatalf("worst = %q %v", w, ok)
	}
	SortFindings(fs)
	var got string
	for _, f := range fs {
		got += f.Code
	}
	if got != "dbca" {
		t.Fatalf("order = %s, want critical by check, then warning, then info", got)
	}
}
