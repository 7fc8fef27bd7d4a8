// Package casefile renders a case as a PDF (github.com/go-pdf/fpdf): the
// session's checks, findings, provenance chain, decision and review
// history, each page footed with the application, the session id and the
// time it was made. The API's generate-pdf and the workstation's p key
// write the same file.
package casefile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"handoff/domain"
	"handoff/review"
)

// PDF renders cf.
func PDF(cf review.CaseFile) ([]byte, error) {
	p := fpdf.New("P", "mm", "A4", "")
	// The core fonts are Windows-1252: names outside it print as '?', never break the file.
	tr := p.UnicodeTranslatorFromDescriptor("")
	sess := cf.Session
	p.SetTitle(tr("Case file "+sess.ID.String()), false)
	p.SetCreator("handoff", false)
	p.SetCreationDate(cf.GeneratedAt)
	p.SetModificationDate(cf.GeneratedAt)
	p.AliasNbPages("{nb}")
	p.SetFooterFunc(func() {
		p.SetY(-14)
		p.SetFont("Helvetica", "", 7.5)
		p.SetTextColor(110, 110, 110)
		p.CellFormat(0, 4, tr(fmt.Sprintf("%s  |  session %s  |  generated %s", cf.Application, sess.ID,
			cf.GeneratedAt.Format("2006-01-02 15:04:05 UTC"))), "T", 0, "L", false, 0, "")
		p.CellFormat(0, 4, fmt.Sprintf("page %d of {nb}", p.PageNo()), "", 0, "R", false, 0, "")
	})
	p.SetAutoPageBreak(true, 20)
	p.AddPage()

	w := &writer{p: p, tr: tr}
	w.title(fmt.Sprintf("Case file: %s session #%d", sess.Kind.Label(), sess.Number))
	w.pairs([][2]string{
		{"Application", cf.Application},
		{"Session id", sess.ID.String()},
		{"Kind", string(sess.Kind)},
		{"Status", string(sess.Status)},
		{"Workflow", sess.WorkflowID},
		{"Vendor data", orDash(sess.VendorData)},
		{"Created", sess.CreatedAt.UTC().Format(time.RFC3339)},
	})

	w.heading("Findings")
	if len(cf.Findings) == 0 {
		w.text("None.")
	}
	for _, f := range cf.Findings {
		w.bullet(fmt.Sprintf("[%s] %s: %s", f.Severity, f.Code, f.Message) + suffix(" (", f.Check, ")"))
	}

	w.heading("Provenance")
	if cf.Provenance == nil {
		w.text("Captured in this application (not imported).")
	} else {
		pv := cf.Provenance
		w.pairs([][2]string{
			{"Source session", pv.SourceSessionID.String()},
			{"Source application", orDash(pv.SourceApplication) + " (" + pv.SourceApplicationID.String() + ")"},
			{"Share token", pv.TokenID.String()},
			{"Minted", orDash(pv.MintedBy) + at(pv.MintedAt)},
			{"Imported", orDash(pv.ImportedBy) + at(pv.ImportedAt)},
		})
		for i, h := range pv.Chain {
			role := "via"
			if i == 0 {
				role = "origin"
			}
			w.bullet(fmt.Sprintf("%s: %s (application %s, session %s, token %s)", role, h, h.ApplicationID, h.SessionID, h.TokenID))
		}
		if pv.OwnOrigin {
			w.text("Warning: this case started in this application and came back from a partner.")
		}
	}

	w.heading("Decision and review history")
	if len(cf.History) == 0 {
		w.text("No events.")
	}
	for _, e := range cf.History {
		w.bullet(fmt.Sprintf("%s  %s  by %s%s", e.At.UTC().Format("2006-01-02 15:04:05"), e.Action, e.Actor, describe(e.Details)))
	}

	w.heading("Checks")
	for _, fam := range domain.Families(sess.Kind) {
		var items []map[string]any
		json.Unmarshal(sess.Checks.Family(fam), &items)
		w.subheading(fmt.Sprintf("%s (%d)", fam, len(items)))
		if len(items) == 0 {
			w.text("Not run.")
		}
		for i, it := range items {
			w.bullet(fmt.Sprintf("#%d %s", i+1, orDash(str(it["status"]))) + facts(it))
			if ws, ok := it["warnings"].([]any); ok {
				for _, x := range ws {
					if m, ok := x.(map[string]any); ok {
						w.indented(fmt.Sprintf("warning %s: %s", str(m["risk"]), str(m["short_description"])))
					}
				}
			}
		}
	}

	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		return nil, fmt.Errorf("casefile: %w", err)
	}
	return buf.Bytes(), nil
}

// FileName is what the workstation names the file.
func FileName(s domain.Session) string {
	return fmt.Sprintf("handoff-session-%d-%s.pdf", s.Number, s.ID.String()[:8])
}

type writer struct {
	p  *fpdf.Fpdf
	tr func(string) string
}

func (w *writer) title(s string) {
	w.p.SetFont("Helvetica", "B", 15)
	w.p.SetTextColor(20, 20, 20)
	w.p.MultiCell(0, 8, w.tr(s), "", "L", false)
	w.p.Ln(2)
}

func (w *writer) heading(s string) {
	w.p.Ln(3)
	w.p.SetFont("Helvetica", "B", 12)
	w.p.SetTextColor(20, 20, 20)
	w.p.CellFormat(0, 7, w.tr(s), "B", 1, "L", false, 0, "")
	w.p.Ln(1)
}

func (w *writer) subheading(s string) {
	w.p.SetFont("Helvetica", "B", 9.5)
	w.p.SetTextColor(40, 40, 40)
	w.p.CellFormat(0, 6, w.tr(s), "", 1, "L", false, 0, "")
}

func (w *writer) text(s string) {
	w.p.SetFont("Helvetica", "", 9)
	w.p.SetTextColor(60, 60, 60)
	w.p.MultiCell(0, 4.6, w.tr(s), "", "L", false)
}

func (w *writer) bullet(s string) {
	w.p.SetFont("Helvetica", "", 9)
	w.p.SetTextColor(30, 30, 30)
	w.p.SetX(w.p.GetX() + 3)
	w.p.MultiCell(0, 4.6, w.tr("- "+s), "", "L", false)
}

func (w *writer) indented(s string) {
	w.p.SetFont("Helvetica", "I", 8.5)
	w.p.SetTextColor(150, 60, 40)
	w.p.SetX(w.p.GetX() + 9)
	w.p.MultiCell(0, 4.4, w.tr(s), "", "L", false)
}

func (w *writer) pairs(kv [][2]string) {
	for _, p := range kv {
		w.p.SetFont("Helvetica", "B", 9)
		w.p.SetTextColor(80, 80, 80)
		w.p.CellFormat(38, 5, w.tr(p[0]), "", 0, "L", false, 0, "")
		w.p.SetFont("Helvetica", "", 9)
		w.p.SetTextColor(20, 20, 20)
		w.p.MultiCell(0, 5, w.tr(p[1]), "", "L", false)
	}
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", x), "0"), ".")
	case bool:
		return fmt.Sprint(x)
	}
	return ""
}

// facts lists a check's plain fields (no images, lists or nested objects).
func facts(it map[string]any) string {
	var keys []string
	for k, v := range it {
		switch v.(type) {
		case string, float64, bool:
			if k != "status" && k != "node_id" && !strings.HasSuffix(k, "_image") && !strings.HasSuffix(k, "_url") {
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		if s := str(it[k]); s != "" {
			parts = append(parts, k+": "+s)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " | " + strings.Join(parts, ", ")
}

// describe is an audit event's details in one line: a status change and
// its comment, or the details as they are.
func describe(raw json.RawMessage) string {
	var d map[string]any
	if json.Unmarshal(raw, &d) != nil || len(d) == 0 {
		return ""
	}
	if from, to := str(d["from"]), str(d["to"]); to != "" {
		out := ": " + orDash(from) + " -> " + to
		return out + suffix(" - \"", str(d["comment"]), "\"")
	}
	var keys []string
	for k := range d {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		if s := str(d[k]); s != "" {
			parts = append(parts, k+"="+s)
		}
	}
	return suffix(": ", strings.Join(parts, ", "), "")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func suffix(pre, s, post string) string {
	if s == "" {
		return ""
	}
	return pre + s + post
}

func at(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return " at " + t.UTC().Format(time.RFC3339)
}
