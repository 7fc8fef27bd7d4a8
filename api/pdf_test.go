package api_test

import (
	"bytes"
	"compress/zlib"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"handoff/domain"
)

// pdfText is the text a PDF draws: fpdf writes each page's content stream
// zlib-compressed, with strings in ( ) before Tj.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	var out strings.Builder
	streams := regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`).FindAllSubmatch(pdf, -1)
	for _, m := range streams {
		r, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue // fonts and the like
		}
		b, _ := io.ReadAll(r)
		for _, s := range regexp.MustCompile(`\(((?:[^()\\]|\\.)*)\)\s*Tj`).FindAllSubmatch(b, -1) {
			out.Write(bytes.ReplaceAll(s[1], []byte(`\`), nil))
			out.WriteByte('\n')
		}
	}
	return out.String()
}

func (w *world) getPDF(path, key string) (int, http.Header, []byte) {
	w.t.Helper()
	req, _ := http.NewRequest("GET", w.url+path, nil)
	req.Header.Set("x-api-key", key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, b
}

func TestGeneratePDF(t *testing.T) {
	w := newWorld(t)
	src := w.session(w.x, domain.KindUser, domain.PhaseApproved)
	imp := w.importAs(w.y, map[string]any{"share_token": w.mint(w.x, src.ID, w.y.id), "workflow_id": "wf_partner_kyc",
		"vendor_data": "partner-user-42"})
	id := imp.str("session_id")
	expect(t, w.do("PATCH", "/v3/session/"+id+"/update-status/", w.y.key,
		map[string]any{"new_status": "Declined", "comment": "address does not match"}), 200, "decide")

	code, h, pdf := w.getPDF("/v3/session/"+id+"/generate-pdf", w.y.key)
	if code != 200 || h.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(pdf, []byte("%PDF-")) ||
		!strings.Contains(h.Get("Content-Disposition"), ".pdf") {
		t.Fatalf("%d %v %.20q", code, h, pdf)
	}
	text := pdfText(t, pdf)
	pages := strings.Count(string(pdf), "/Type /Page\n")
	for _, want := range []string{
		"Case file: KYC session #", "Service Y", id, "partner-user-42",
		"Provenance", src.ID.String(), "Service X", // the chain back to the source
		"session.imported", "session.status_changed", "In Review -> Declined", "address does not match",
		"id_verifications", "face_matches", "email_verifications",
	} {
		if !strings.Contains(text, want) {
			t.Fatalf("the PDF does not say %q:\n%s", want, text)
		}
	}
	footers := strings.Count(text, "Service Y  |  session "+id+"  |  generated ")
	if pages < 1 || footers != pages {
		t.Fatalf("%d pages but %d footers", pages, footers)
	}

	if code, _, _ := w.getPDF("/v3/session/"+id+"/generate-pdf", w.x.key); code != 404 {
		t.Fatalf("another application's session: %d", code)
	}
	if code, _, _ := w.getPDF("/v3/session/"+id+"/generate-pdf/", w.y.key); code != 404 {
		t.Fatalf("with a trailing slash: %d", code)
	}
	if code, _, _ := w.getPDF("/v3/session/"+id+"/generate-pdf", w.key(w.y, domain.PrivWriteWebhooks)); code != 403 {
		t.Fatalf("without read:sessions: %d", code)
	}
}
