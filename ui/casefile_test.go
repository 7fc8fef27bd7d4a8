package ui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// p on a case writes the same PDF the API's generate-pdf serves and says where.
func TestSaveCasePDF(t *testing.T) {
	w := newWorld(t)
	sess := queued(w)
	dir := t.TempDir()
	h := w.openWith(w.y, "sam", 120, 40, Options{ExportDir: dir})
	h.press("2", "enter")
	if _, ok := h.top().(*detailPage); !ok {
		t.Fatalf("enter opens the case, got %T", h.top())
	}
	h.press("p")
	st := h.status()
	files, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	if st.err || len(files) != 1 || !strings.Contains(st.text, files[0]) {
		t.Fatalf("status %+v, files %v", st, files)
	}
	b, err := os.ReadFile(files[0])
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) || !strings.Contains(files[0], sess.ID.String()[:8]) {
		t.Fatalf("%s: %v %.10q", files[0], err, b)
	}
}
