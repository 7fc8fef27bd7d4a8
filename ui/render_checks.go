package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"handoff/domain"
	"handoff/ui/widget"
)

// The check payloads are rendered generically from their JSON, so a field
// the workstation does not know still shows; the fields analysts look for
// first (names, scores, AML hits, warnings) get their own formatting.

var familyTitles = map[string]string{
	"id_verifications":       "ID verification",
	"liveness_checks":        "Liveness",
	"face_matches":           "Face match",
	"aml_screenings":         "AML screening",
	"database_validations":   "Database validation",
	"proof_of_address":       "Proof of address",
	"location_checks":        "Location (IP and device)",
	"phone_verifications":    "Phone",
	"email_verifications":    "Email",
	"registry_checks":        "Company registry",
	"key_people_checks":      "Key people",
	"document_verifications": "Company documents",
	"questionnaires":         "Questionnaires",
}

func familyTitle(f string) string {
	if t, ok := familyTitles[f]; ok {
		return t
	}
	return humanize(f)
}

// Keys shown first, in this order; the rest follow alphabetically.
var keyOrder = []string{
	"full_name", "company_name", "name", "caption", "title", "role", "document_type", "document_number",
	"email", "full_number", "ip_address", "entity_type", "score", "match", "total_hits", "method",
	"first_name", "last_name", "date_of_birth", "age", "nationality", "gender",
}

// Keys that name the object in a one-line summary.
var primaryKeys = []string{"full_name", "company_name", "name", "caption", "title", "question", "code", "document_type", "email", "full_number", "ip_address"}

func isMedia(k string) bool {
	return strings.HasSuffix(k, "_image") || strings.HasSuffix(k, "_url") || strings.HasSuffix(k, "_file") || k == "file_url"
}

// checkRenderer draws one session's checks at a width, marking the lines
// a case page jumps to: each section's heading and each check's first
// line (named by its path, "id_verifications[0]"), which is drawn with a
// pointer when it is hot (the check a finding was followed to).
type checkRenderer struct {
	st    *Styles
	width int
	b     strings.Builder
	lines int
	marks []widget.Mark
	hot   string
}

// write adds text that ends in a newline.
func (r *checkRenderer) write(s string) {
	r.b.WriteString(s)
	r.lines += strings.Count(s, "\n")
}

// mark names the next line written.
func (r *checkRenderer) mark(name string, section bool) {
	r.marks = append(r.marks, widget.Mark{Name: name, Line: r.lines, Section: section})
}

// section writes a section's heading, marked for [ and ].
func (r *checkRenderer) section(name, title, note string) {
	r.mark(name, true)
	r.line(0, r.st.Section.Render(title)+r.st.Muted.Render(note))
}

func decodeJSON(raw []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}

// checkWarnings are the warnings the issuer's checks carry, as findings
// pointing at their check ("face_matches[0]"), errors first.
func checkWarnings(s domain.Session) []domain.Finding {
	var out []domain.Finding
	for _, f := range domain.Families(s.Kind) {
		v, err := decodeJSON(s.Checks.Family(f))
		list, ok := v.([]any)
		if err != nil || !ok {
			continue
		}
		for i, item := range list {
			walkWarnings(item, func(w map[string]any) {
				sev := domain.SeverityWarning
				if str(w["log_type"]) == "error" {
					sev = domain.SeverityCritical
				}
				msg := familyTitle(f) + ": " + str(w["short_description"])
				if risk := str(w["risk"]); risk != "" {
					msg += " (" + risk + ")"
				}
				out = append(out, domain.Finding{Code: "check_warning", Severity: sev, Check: fmt.Sprintf("%s[%d]", f, i), Message: msg})
			})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		return out[i].Severity == domain.SeverityCritical && out[j].Severity != domain.SeverityCritical
	})
	return out
}

func walkWarnings(v any, fn func(map[string]any)) {
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			walkWarnings(e, fn)
		}
	case map[string]any:
		for k, e := range v {
			if k == "warnings" {
				if list, ok := e.([]any); ok {
					for _, w := range list {
						if m, ok := w.(map[string]any); ok {
							fn(m)
						}
					}
				}
				continue
			}
			walkWarnings(e, fn)
		}
	}
}

func (r *checkRenderer) line(indent int, s string) {
	r.write(strings.Repeat(" ", indent) + s + "\n")
}

// kv writes "label  value", wrapping the value under itself.
func (r *checkRenderer) kv(indent int, label, value string, style lipgloss.Style) {
	const labelW = 24
	lw := max(labelW-indent, 12)
	valW := max(r.width-indent-lw-1, 16)
	lines := strings.Split(widget.Wrap(value, valW), "\n")
	pad := strings.Repeat(" ", indent)
	r.write(pad + r.st.Label.Render(widget.Fit(label, lw, false)) + " " + style.Render(lines[0]) + "\n")
	for _, l := range lines[1:] {
		r.write(pad + strings.Repeat(" ", lw+1) + style.Render(l) + "\n")
	}
}

// wrapped writes text wrapped to the width, continuation lines indented
// under the first line's text.
func (r *checkRenderer) wrapped(indent int, s string, style lipgloss.Style) {
	lines := strings.Split(widget.Wrap(s, max(r.width-indent-2, 16)), "\n")
	r.line(indent, style.Render(lines[0]))
	for _, l := range lines[1:] {
		r.line(indent+2, style.Render(l))
	}
}

// family renders one check family: a heading, then each check.
func (r *checkRenderer) family(name string, raw json.RawMessage) {
	v, err := decodeJSON(raw)
	list, ok := v.([]any)
	if err != nil || !ok {
		r.section(name, familyTitle(name), "")
		r.line(2, r.st.Error.Render("payload is not a JSON array"))
		return
	}
	r.section(name, familyTitle(name), fmt.Sprintf(" · %d", len(list)))
	if len(list) == 0 {
		r.line(2, r.st.Muted.Render("none"))
	}
	for i, item := range list {
		path := fmt.Sprintf("%s[%d]", name, i)
		r.mark(path, false)
		obj, ok := item.(map[string]any)
		if !ok {
			r.kv(2, fmt.Sprintf("[%d]", i), scalar(item), r.st.Plain)
			continue
		}
		r.item(obj, path == r.hot)
	}
	r.line(0, "")
}

// item renders one check: its status and summary, its fields, its media
// and its warnings.
func (r *checkRenderer) item(obj map[string]any, hot bool) {
	st := r.st
	status := domain.Status(str(obj["status"]))
	head := "● " + st.ForStatus(status).Render(string(status))
	if hot {
		head = st.Accent.Render("▶ ") + st.ForStatus(status).Render(string(status))
	}
	if p := primary(obj); p != "" {
		head += "  " + st.Bold.Render(p)
	}
	if sc, ok := obj["score"]; ok {
		head += "  " + st.Muted.Render("score ") + st.ForStatus(status).Render(scalar(sc))
	}
	r.line(2, head)
	r.fields(4, obj, "score")
	var media []string
	for k := range obj {
		if isMedia(k) {
			media = append(media, strings.TrimSuffix(strings.TrimSuffix(k, "_url"), "_image"))
		}
	}
	if len(media) > 0 {
		sort.Strings(media)
		r.kv(4, "media", strings.Join(media, ", ")+" (stored with the session)", st.Muted)
	}
	r.warnings(4, obj["warnings"])
}

func (r *checkRenderer) warnings(indent int, v any) {
	list, _ := v.([]any)
	for _, w := range list {
		m, ok := w.(map[string]any)
		if !ok {
			continue
		}
		style, mark := r.st.Warning, "⚠ "
		if str(m["log_type"]) == "error" {
			style, mark = r.st.Error, "✗ "
		}
		text := mark + str(m["short_description"])
		if risk := str(m["risk"]); risk != "" {
			text += " (" + risk + ")"
		}
		if long := str(m["long_description"]); long != "" {
			text += " — " + long
		}
		r.wrapped(indent, text, style)
	}
}

// fields renders an object's fields, known ones first, leaving out the
// ones already shown (skip) and the item's own status and warnings.
func (r *checkRenderer) fields(indent int, obj map[string]any, skip ...string) {
	for _, k := range orderedKeys(obj) {
		if k == "status" && indent == 4 || k == "warnings" || k == "node_id" || isMedia(k) || slices.Contains(skip, k) {
			continue
		}
		r.field(indent, k, obj[k])
	}
}

func (r *checkRenderer) field(indent int, k string, v any) {
	st := r.st
	label := humanize(k)
	switch v := v.(type) {
	case map[string]any:
		if line, ok := r.inline(v); ok {
			r.kv(indent, label, line, st.Plain)
			return
		}
		r.line(indent, st.Label.Render(label))
		r.fields(indent+2, v)
	case []any:
		if k == "hits" {
			r.hits(indent, v)
			return
		}
		if len(v) == 0 {
			r.kv(indent, label, "none", st.Muted)
			return
		}
		if allScalars(v) {
			parts := make([]string, len(v))
			for i, e := range v {
				parts[i] = scalar(e)
			}
			r.kv(indent, label, strings.Join(parts, ", "), st.Plain)
			return
		}
		r.line(indent, st.Label.Render(label)+st.Muted.Render(fmt.Sprintf(" · %d", len(v))))
		for _, e := range v {
			obj, ok := e.(map[string]any)
			if !ok {
				r.line(indent+2, "- "+scalar(e))
				continue
			}
			if line, ok := r.compact(obj); ok {
				r.wrapped(indent+2, "- "+line, st.Plain)
				continue
			}
			r.line(indent+2, "- "+st.Bold.Render(primary(obj)))
			r.fields(indent+4, obj)
		}
	default:
		r.kv(indent, label, scalar(v), r.valueStyle(k, v))
	}
}

// valueStyle colours values whose meaning is known: statuses, and flags
// that are bad news when true.
func (r *checkRenderer) valueStyle(k string, v any) lipgloss.Style {
	switch {
	case k == "status" || k == "company_status":
		if s, ok := v.(string); ok && domain.Status(s).Phase() != 0 {
			return r.st.ForStatus(domain.Status(s))
		}
	case strings.HasPrefix(k, "is_") && v == true:
		return r.st.Warning
	case k == "match_type" && v != "full_match":
		return r.st.Warning
	}
	return r.st.Plain
}

// hits renders AML hits: who matched, how strongly, on which lists.
func (r *checkRenderer) hits(indent int, list []any) {
	st := r.st
	if len(list) == 0 {
		r.kv(indent, "hits", "none", st.OK)
		return
	}
	r.line(indent, st.Label.Render("hits")+st.Muted.Render(fmt.Sprintf(" · %d", len(list))))
	for _, e := range list {
		h, ok := e.(map[string]any)
		if !ok {
			continue
		}
		match := num(h["match"])
		style := st.Warning
		if match >= 0.85 || contains(h["datasets"], "Sanctions") {
			style = st.Error
		}
		text := fmt.Sprintf("▲ %s  match %.0f%%  score %s", str(h["caption"]), match*100, scalar(h["score"]))
		r.wrapped(indent+2, text, style)
		var tags []string
		for _, k := range []string{"datasets"} {
			tags = append(tags, strs(h[k])...)
		}
		if rv, ok := h["risk_view"].(map[string]any); ok {
			tags = append(tags, strs(rv["categories"])...)
			tags = append(tags, strs(rv["crimes"])...)
			if c := strs(rv["countries"]); len(c) > 0 {
				tags = append(tags, "countries "+strings.Join(c, ", "))
			}
		}
		if len(tags) > 0 {
			r.wrapped(indent+4, strings.Join(tags, " · "), st.Plain)
		}
		if fs, ls := str(h["first_seen"]), str(h["last_seen"]); fs != "" {
			r.wrapped(indent+4, st.Muted.Render("listed "+day(fs)+" … "+day(ls)), st.Plain)
		}
	}
}

func day(s string) string {
	if len(s) >= 10 {
		return s[:10]
	}
	return s
}

// inline writes a small object of scalars on one line ("score 97.83").
func (r *checkRenderer) inline(obj map[string]any) (string, bool) {
	if len(obj) > 4 {
		return "", false
	}
	var parts []string
	for _, k := range orderedKeys(obj) {
		v := obj[k]
		switch v := v.(type) {
		case map[string]any:
			return "", false
		case []any:
			if len(v) > 0 {
				return "", false
			}
			parts = append(parts, humanize(k)+" none")
		default:
			parts = append(parts, humanize(k)+" "+scalar(v))
		}
	}
	return strings.Join(parts, " · "), true
}

// compact writes a list element of scalars on one line: its name first,
// then "label value" pairs ("Amara Smith · born 1957-08-13 · owns 25%").
func (r *checkRenderer) compact(obj map[string]any) (string, bool) {
	if q, a := str(obj["question"]), str(obj["answer"]); q != "" && len(obj) == 2 {
		return q + " → " + a, true
	}
	p := primary(obj)
	parts := []string{}
	if p != "" {
		parts = append(parts, p)
	}
	for _, k := range orderedKeys(obj) {
		v := obj[k]
		if isMedia(k) || k == "node_id" {
			continue
		}
		if s, ok := v.(string); ok && s == p && p != "" {
			continue
		}
		switch v := v.(type) {
		case map[string]any:
			return "", false
		case []any:
			if !allScalars(v) {
				return "", false
			}
			parts = append(parts, humanize(k)+" "+strings.Join(strs(v), ", "))
		default:
			parts = append(parts, compactPair(k, v))
		}
	}
	return strings.Join(parts, " · "), true
}

func compactPair(k string, v any) string {
	switch k {
	case "date_of_birth":
		return "born " + scalar(v)
	case "ownership_percentage":
		return "owns " + scalar(v) + "%"
	case "appointed_on":
		return "appointed " + scalar(v)
	case "role", "description", "scheme":
		return scalar(v)
	}
	return humanize(k) + " " + scalar(v)
}

func primary(obj map[string]any) string {
	for _, k := range primaryKeys {
		if s := str(obj[k]); s != "" {
			return s
		}
	}
	return ""
}

func orderedKeys(obj map[string]any) []string {
	keys := make([]string, 0, len(obj))
	rank := func(k string) int {
		for i, o := range keyOrder {
			if o == k {
				return i
			}
		}
		return len(keyOrder)
	}
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		ri, rj := rank(keys[i]), rank(keys[j])
		if ri != rj {
			return ri < rj
		}
		return keys[i] < keys[j]
	})
	return keys
}
