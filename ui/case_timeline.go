package ui

import (
	"context"
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/google/uuid"

	"handoff/domain"
	"handoff/review"
)

// timeline writes the events of the case read so far, oldest first: when,
// who, what. A case opens with its newest (review.CasePage); o reads the
// page before them, as often as there is one.
func (p *detailPage) timeline(r *checkRenderer) {
	st := p.c.Styles
	tl := p.cs.Timeline
	count := fmt.Sprintf(" · %d", len(tl))
	if p.cs.Earlier {
		count = fmt.Sprintf(" · the newest %d", len(tl))
	}
	r.section("timeline", "Timeline", count)
	switch {
	case p.older != "":
		r.line(2, st.Muted.Render("reading older events…"))
	case p.cs.Earlier:
		r.line(2, st.Accent.Render(fmt.Sprintf("▲ older events: o reads the %d before these", review.CasePage)))
	case len(tl) == 0:
		r.line(2, st.Muted.Render("nothing recorded"))
	}
	for _, e := range tl {
		what, tone := describeEvent(e)
		style := tone(st)
		when, who := p.c.short(e.At), actorName(clean(e.Actor))
		head := when + "  " + who + "  "
		lines := strings.Split(wrapTo(head+clean(what), r.width-2), "\n")
		first := lines[0]
		if rest, ok := strings.CutPrefix(first, head); ok {
			first = st.Muted.Render(when) + "  " + st.Bold.Render(who) + "  " + style.Render(rest)
		} else {
			first = style.Render(first)
		}
		r.line(2, first)
		for _, l := range lines[1:] {
			r.line(4, style.Render(l))
		}
	}
	r.line(0, "")
}

// olderMsg answers loadOlder: the page before the event at cursor.
type olderMsg struct {
	id     uuid.UUID // the session's
	before string
	page   review.TimelinePage
	err    error
}

// loadOlder reads the page of the timeline before its oldest event read.
func (p *detailPage) loadOlder() tea.Cmd {
	if p.older != "" || len(p.cs.Timeline) == 0 {
		return nil
	}
	c, id, before := p.c, p.summary.ID, p.cs.Timeline[0].Cursor
	p.older = before
	p.render()
	return c.run(func(ctx context.Context) tea.Msg {
		page, err := c.Svc.Timeline(ctx, c.Caller, id, review.TimelineSpan{Before: before})
		return olderMsg{id: id, before: before, page: page, err: err}
	})
}

// takeOlder puts an older page before the events read, and shows the
// timeline from its top; an answer a reload overtook is dropped.
func (p *detailPage) takeOlder(msg olderMsg) tea.Cmd {
	if msg.id != p.summary.ID || msg.before != p.older {
		return nil
	}
	p.older = ""
	if msg.err != nil {
		p.render()
		return p.c.failure("reading older events", msg.err)
	}
	if len(p.cs.Timeline) == 0 || p.cs.Timeline[0].Cursor != msg.before {
		p.render()
		return nil
	}
	// An event of the page's first instant that was sealed since it was
	// read sorts anew and can come back in the older page: keep it once.
	held := map[string]bool{}
	for _, e := range p.cs.Timeline {
		held[e.ID] = true
	}
	var older []domain.TimelineEvent
	for _, e := range msg.page.Timeline {
		if !held[e.ID] {
			older = append(older, e)
		}
	}
	p.cs.Timeline = append(older, p.cs.Timeline...)
	p.cs.Earlier = msg.page.Earlier
	p.render()
	p.lay.jump(colCase, "timeline")
	return nil
}

// describeEvent says what a timeline event did, in words, and in which
// tone to draw it.
func describeEvent(e domain.TimelineEvent) (string, func(*Styles) lipgloss.Style) {
	plain := func(st *Styles) lipgloss.Style { return st.Plain }
	warn := func(st *Styles) lipgloss.Style { return st.Warning }
	bad := func(st *Styles) lipgloss.Style { return st.Error }
	d := map[string]any{}
	if v, err := decodeJSON(e.Details); err == nil {
		if m, ok := v.(map[string]any); ok {
			d = m
		}
	}
	withNote := func(s string) string {
		if c := str(d["comment"]); c != "" {
			return s + ": " + c
		}
		return s
	}
	switch e.Action {
	case domain.ActionTokenMinted:
		if e.Kind == "mint" { // the issuer's event, as the import recorded it
			return "minted the share token in the issuer's application (token " + shortID(str(d["token_id"])) + ")", plain
		}
		return "shared it: minted a share token for application " + shortID(str(d["for_application_id"])) +
			", valid " + ttlLabel(int(num(d["ttl_in_seconds"]))), plain
	case domain.ActionTokenImported:
		return "the partner imported the share token (token " + shortID(str(d["token_id"])) + ")", plain
	case domain.ActionSessionImported:
		s := "imported it; the issuer's status was " + orDash(str(d["source_status"]))
		if d["trust_review"] == true {
			s += ", trusted: landed " + str(d["status"])
		} else {
			s += ", not trusted: landed " + str(d["status"])
		}
		return s, plain
	case domain.ActionNoteAdded:
		return withNote("note"), plain
	case domain.ActionStatusChanged:
		s := "decided " + str(d["to"]) + " (was " + str(d["from"]) + ")"
		if by := str(d["proposed_by"]); by != "" {
			s = "confirmed " + actorName(by) + "'s proposal: " + str(d["to"])
			if n := str(d["confirm_note"]); n != "" {
				s += " — " + n
			}
			if c := str(d["comment"]); c != "" {
				s += "; " + c
			}
			return s, func(st *Styles) lipgloss.Style { return st.ForStatus(domain.Status(str(d["to"]))) }
		}
		return withNote(s), func(st *Styles) lipgloss.Style { return st.ForStatus(domain.Status(str(d["to"]))) }
	case domain.ActionDecisionProposed:
		return withNote("proposed " + str(d["proposed_status"]) + ", awaiting a second review"), warn
	case domain.ActionProposalRejected:
		return withNote("rejected " + actorName(str(d["proposed_by"])) + "'s proposal"), warn
	case domain.ActionCaseClaimed:
		return "opened the case and claimed it", func(st *Styles) lipgloss.Style { return st.Muted }
	case domain.ActionCaseReleased:
		return "released the case", func(st *Styles) lipgloss.Style { return st.Muted }
	case "webhook.delivered":
		return fmt.Sprintf("%s webhook delivered (attempt %s)", str(d["webhook_type"]), scalar(d["attempts"])), plain
	case "webhook.failed":
		return fmt.Sprintf("%s webhook failed after %s attempts: %s", str(d["webhook_type"]), scalar(d["attempts"]), str(d["last_error"])), bad
	case "webhook.pending":
		if num(d["attempts"]) > 0 {
			return fmt.Sprintf("%s webhook failing, retrying (%s attempts): %s", str(d["webhook_type"]), scalar(d["attempts"]), str(d["last_error"])), warn
		}
		return str(d["webhook_type"]) + " webhook queued", plain
	}
	return humanize(strings.ReplaceAll(e.Action, ".", " ")), plain
}
