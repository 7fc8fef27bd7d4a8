package ui

import (
	"encoding/json"
	"fmt"
	"strings"

	"handoff/domain"
	"handoff/ui/widget"
)

// The case column's sections: the decision, the findings, where an
// imported case came from, and everything that happened to it.

// decision writes who decided the case, when and why; how an imported
// case arrived (the issuer's status, trusted or not); and a decision
// awaiting a second review.
func (p *detailPage) decision(r *checkRenderer, s domain.Session) {
	st, cs := p.c.Styles, p.cs
	r.section("decision", "Decision", "")
	r.kv(2, "status", string(s.Status), st.ForStatus(s.Status))
	switch d := cs.Decision; {
	case d != nil:
		to := ""
		if d.NewStatus != nil {
			to = string(*d.NewStatus)
		}
		r.kv(2, "decided", to+" by "+clean(d.ActorDisplay)+" at "+p.c.stamp(d.CreatedAt), st.ForStatus(domain.Status(to)))
		if d.Reason != "" {
			r.kv(2, "reason", string(d.Reason)+" — "+d.Reason.Label(), st.Plain)
		}
		if d.Activity == domain.ActivityProposalApproved {
			var m struct {
				ProposedBy   string `json:"proposed_by"`
				ProposedNote string `json:"proposed_note"`
			}
			_ = json.Unmarshal(d.Metadata, &m) // written by review; an unreadable one shows less
			r.kv(2, "proposed by", clean(m.ProposedBy)+", confirmed by "+clean(d.ActorDisplay), st.Plain)
			if m.ProposedNote != "" {
				r.kv(2, "note", clean(m.ProposedNote), st.Plain)
			}
			if d.Comment != "" {
				r.kv(2, "confirm note", clean(d.Comment), st.Plain)
			}
		} else if d.Comment != "" {
			r.kv(2, "note", clean(d.Comment), st.Plain)
		}
	case s.Status.Phase() == domain.PhaseInReview && p.four.shown(cs.Proposal) != nil:
		r.kv(2, "decided", "not yet: awaiting a second review", st.Review)
	case s.Status.Phase() == domain.PhaseInReview:
		r.kv(2, "decided", "not yet: waiting for an analyst", st.Review)
	case cs.Landing != nil && cs.Landing.Trusted:
		r.kv(2, "decided", "by the issuer: its decision was trusted at import", st.Plain)
	default:
		r.kv(2, "decided", "no analyst decision recorded here", st.Muted)
	}
	// The one line about a proposal (issue 10: it was also in the header).
	if pr := p.four.shown(cs.Proposal); pr != nil {
		r.kv(2, "four-eyes", "⚑ "+pr.Summary()+" at "+p.c.stamp(pr.At), st.Warning)
		if hint, style := p.four.hint(); hint != "" {
			r.kv(2, "", hint, style)
		}
		if pr.Decision.Note != "" {
			r.kv(2, "proposed note", clean(pr.Decision.Note), st.Plain)
		}
	}
	if l := cs.Landing; l != nil {
		issuer := string(l.SourceStatus)
		if issuer == "" {
			issuer = "not recorded"
		}
		r.kv(2, "issuer's status", issuer+" at import", st.ForStatus(l.SourceStatus))
		trust := "not trusted: landed " + string(l.Status) + " for review here"
		if l.Trusted {
			trust = "trusted: landed " + string(l.Status)
		}
		if l.Blocked {
			trust += " (held In Review: the entity is blocked)"
		}
		r.kv(2, "import", trust, st.Plain)
	}
	r.line(0, "")
}

// findings writes the findings listed (the rules', lists', and the
// checks' own warnings), the one f went to marked.
func (p *detailPage) findings(r *checkRenderer) {
	st := p.c.Styles
	r.section("findings", "Findings", fmt.Sprintf(" · %d", len(p.found)))
	if len(p.found) == 0 {
		r.line(2, st.OK.Render("✓ nothing found in any check"))
	}
	for i, f := range p.found {
		style, mark := st.Muted, "● "
		switch f.Severity {
		case domain.SeverityCritical:
			style, mark = st.Error, "✗ "
		case domain.SeverityWarning:
			style, mark = st.Warning, "⚠ "
		}
		text := mark + clean(f.Message)
		if f.Check != "" {
			text += " → " + f.Check
		}
		lead := "  "
		if i == p.sel {
			lead = st.Accent.Render("▸ ")
		}
		r.mark(fmt.Sprintf("finding:%d", i), false)
		lines := strings.Split(wrapTo(text, r.width-4), "\n")
		r.line(0, lead+style.Render(lines[0]))
		for _, l := range lines[1:] {
			r.line(4, style.Render(l))
		}
	}
	r.line(0, "")
}

// provenance writes where an imported case came from.
func (p *detailPage) provenance(r *checkRenderer, s domain.Session) {
	st := p.c.Styles
	r.section("provenance", "Provenance", " · imported from another application")
	r.kv(2, "shared_from_session", s.SharedFromSession.String(), st.Plain)
	switch {
	case p.prov != nil:
		renderProvenance(r, p.prov) // render_provenance.go: the chain to the origin
		src := clean(p.prov.SourceApplication)
		if src == "" {
			src = "(deleted application)"
		}
		r.kv(2, "source application", src, st.Accent)
		r.kv(2, "source app id", p.prov.SourceApplicationID.String(), st.Plain)
		r.kv(2, "share token", p.prov.TokenID.String(), st.Plain)
		minted := "—"
		if p.prov.MintedBy != "" {
			minted = clean(p.prov.MintedBy) + " at " + p.c.stamp(p.prov.MintedAt)
		}
		r.kv(2, "minted by", minted, st.Plain)
		r.kv(2, "imported by", clean(p.prov.ImportedBy)+" at "+p.c.stamp(p.prov.ImportedAt), st.Plain)
	case p.provErr != nil:
		r.wrapped(2, p.c.explain("tracing the import", p.provErr), st.Error)
	default:
		r.line(2, st.Muted.Render("tracing…"))
	}
	r.line(0, "")
}

// wrapTo wraps plain text to w cells.
func wrapTo(s string, w int) string { return widget.Wrap(s, max(w, 16)) }
