// Package layers holds the test that keeps SPEC.md's architecture table
// true: which handoff package may import which. It has no code of its own.
package layers

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

type pkg struct {
	ImportPath string
	Imports    []string // of the package's non-test files
}

// packages lists every package of the module with its direct imports.
func packages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "list", "-json=ImportPath,Imports", "handoff/...")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var ps []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	if len(ps) < 10 {
		t.Fatalf("go list found only %d packages", len(ps))
	}
	return ps
}

func under(path, prefix string) bool { return path == prefix || strings.HasPrefix(path, prefix+"/") }

// TestLayers: nothing imports upward, the front ends (ui, api) reach the
// database only through review, and the demo is wiring's alone.
func TestLayers(t *testing.T) {
	// For each layer, the handoff packages (and driver packages) it must
	// not import directly.
	forbidden := []struct {
		layer string
		deny  []string
	}{
		{"handoff/domain", []string{"handoff/store", "handoff/review", "handoff/ui", "handoff/api", "handoff/webhook", "handoff/demo", "handoff/cmd", "database/sql"}},
		{"handoff/store", []string{"handoff/review", "handoff/ui", "handoff/api", "handoff/webhook", "handoff/demo", "handoff/cmd"}},
		{"handoff/review", []string{"handoff/ui", "handoff/api", "handoff/webhook", "handoff/demo", "handoff/cmd", "database/sql"}},
		{"handoff/webhook", []string{"handoff/review", "handoff/ui", "handoff/api", "handoff/demo", "handoff/cmd"}},
		{"handoff/demo", []string{"handoff/store", "handoff/ui", "handoff/api", "handoff/webhook", "handoff/cmd"}},
		{"handoff/ui", []string{"handoff/store", "handoff/api", "handoff/webhook", "handoff/demo", "handoff/cmd", "database/sql", "github.com/lib/pq", "github.com/jmoiron/sqlx"}},
		{"handoff/api", []string{"handoff/store", "handoff/ui", "handoff/webhook", "handoff/demo", "handoff/cmd", "database/sql", "github.com/lib/pq", "github.com/jmoiron/sqlx"}},
	}
	for _, p := range packages(t) {
		for _, f := range forbidden {
			if !under(p.ImportPath, f.layer) {
				continue
			}
			for _, imp := range p.Imports {
				for _, d := range f.deny {
					if under(imp, d) {
						t.Errorf("%s imports %s", p.ImportPath, imp)
					}
				}
			}
		}
	}
}

// TestVerifierStandsAlone: receivers copy webhookverify into their own
// code, so it imports the standard library only.
func TestVerifierStandsAlone(t *testing.T) {
	for _, p := range packages(t) {
		if p.ImportPath != "handoff/webhookverify" {
			continue
		}
		for _, imp := range p.Imports {
			if strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") || strings.HasPrefix(imp, "handoff") {
				t.Errorf("webhookverify imports %s", imp)
			}
		}
		return
	}
	t.Fatal("no handoff/webhookverify package")
}

// TestOneOwnerOfCryptography: vault alone holds the ciphers, and it
// depends on nothing of handoff's but the secret-file writer.
func TestOneOwnerOfCryptography(t *testing.T) {
	for _, p := range packages(t) {
		for _, imp := range p.Imports {
			if (imp == "crypto/aes" || imp == "crypto/cipher") && p.ImportPath != "handoff/vault" {
				t.Errorf("%s imports %s: sealing belongs to handoff/vault", p.ImportPath, imp)
			}
			if p.ImportPath == "handoff/vault" && strings.HasPrefix(imp, "handoff/") && imp != "handoff/internal/datadir" {
				t.Errorf("handoff/vault imports %s", imp)
			}
		}
	}
}
