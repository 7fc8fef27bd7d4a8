package ui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/google/uuid"

	"handoff/domain"
	"handoff/review"
)

// detailPage is one session opened: provenance first for imported ones,
// then a summary of every warning, then every check family.
type detailPage struct {
	c       *Common
	summary domain.Session // the row it was opened from
	sess    *domain.Session
	prov    *review.Provenance
	provErr error
	err     error
	loading bool
	vp      viewport.Model
	w, h    int
}

type detailMsg struct {
	id      uuid.UUID
	sess    domain.Session
	prov    *review.Provenance
	provErr error
	err     error
}

func newDetailPage(c *Common, s domain.Session) *detailPage {
	return &detailPage{c: c, summary: s, vp: viewport.New(80, 20)}
}

func (p *detailPage) Title() string {
	return fmt.Sprintf("Session #%d", p.summary.Number)
}
func (p *detailPage) Capturing() bool { return false }
func (p *detailPage) Loading() bool   { return p.loading }
func (p *detailPage) Init() tea.Cmd   { return p.load() }

func (p *detailPage) load() tea.Cmd {
	p.loading = true
	c, id := p.c, p.summary.ID
	return c.run(func(ctx context.Context) tea.Msg {
		s, err := c.Svc.Session(ctx, c.Caller, id)
		if err != nil {
			return detailMsg{id: id, err: err}
		}
		out := detailMsg{id: id, sess: s}
		if s.Imported() {
			prov, err := c.Svc.Provenance(ctx, c.Caller, id)
			out.provErr = err
			if err == nil {
				out.prov = &prov
			}
		}
		return out
	})
}

func (p *detailPage) SetSize(w, h int) {
	p.w, p.h = w, h
	p.vp.Width, p.vp.Height = w, h
	p.render()
}

func (p *detailPage) Help() ([]key.Binding, [][]key.Binding) {
	k := p.c.Keys
	var acts []key.Binding
	if p.current().Status.Finished() {
		acts = append(acts, k.Share)
	}
	if p.current().Status.Phase() == domain.PhaseInReview {
		acts = append(acts, k.Approve, k.Decline)
	}
	short := append(acts, k.Back, k.Down, k.PageDown)
	return short, [][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown}, append([]key.Binding{k.Back, k.Refresh}, acts...)}
}

// current is the freshest copy of the session held.
func (p *detailPage) current() domain.Session {
	if p.sess != nil {
		return *p.sess
	}
	return p.summary
}

func (p *detailPage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case detailMsg:
		if msg.id != p.summary.ID {
			return nil
		}
		p.loading = false
		p.err = msg.err
		if msg.err == nil {
			s := msg.sess
			p.sess, p.prov, p.provErr = &s, msg.prov, msg.provErr
		}
		p.render()
		if msg.err != nil {
			return p.c.failure("opening the session", msg.err)
		}
		if msg.provErr != nil {
			return p.c.failure("tracing the import", msg.provErr)
		}
		return nil
	case changedMsg:
		return p.load()
	case tea.KeyMsg:
		return p.handleKey(msg)
	}
	return nil
}

func (p *detailPage) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.Keys
	s := p.current()
	switch {
	case key.Matches(msg, k.Back):
		return p.c.pop()
	case key.Matches(msg, k.Up):
		p.vp.LineUp(1)
	case key.Matches(msg, k.Down):
		p.vp.LineDown(1)
	case key.Matches(msg, k.PageUp):
		p.vp.ViewUp()
	case key.Matches(msg, k.PageDown):
		p.vp.ViewDown()
	case key.Matches(msg, k.Top):
		p.vp.GotoTop()
	case key.Matches(msg, k.Bottom):
		p.vp.GotoBottom()
	case key.Matches(msg, k.Refresh):
		return p.load()
	case key.Matches(msg, k.Share):
		return shareSession(p.c, s)
	case key.Matches(msg, k.Approve), key.Matches(msg, k.Decline):
		if s.Status.Phase() != domain.PhaseInReview {
			return cmdOf(statusMsg{text: fmt.Sprintf("Session #%d is %s: only sessions in review are decided here.", s.Number, s.Status), err: true})
		}
		return p.c.push(newDecidePage(p.c, s, key.Matches(msg, k.Decline)))
	}
	return nil
}

func (p *detailPage) render() {
	if p.w == 0 {
		return
	}
	off := p.vp.YOffset
	p.vp.SetContent(p.content())
	p.vp.SetYOffset(off)
}

func (p *detailPage) content() string {
	st := p.c.Styles
	s := p.current()
	r := &checkRenderer{st: st, width: max(p.w-1, 30)}
	r.line(0, st.Title.Render(fmt.Sprintf("Session #%d", s.Number))+st.Muted.Render(" · "+s.Kind.Label()+" · ")+
		st.ForStatus(s.Status).Render(string(s.Status)))
	r.kv(2, "session_id", s.ID.String(), st.Plain)
	r.kv(2, "vendor_data", orDash(s.VendorData), st.Plain)
	r.kv(2, "workflow_id", s.WorkflowID, st.Plain)
	r.kv(2, "created", p.c.stamp(s.CreatedAt), st.Plain)
	r.line(0, "")
	if s.Imported() {
		p.provenance(r, s)
	}
	if p.err != nil {
		r.wrapped(0, p.c.explain("opening the session", p.err), st.Error)
		return r.b.String()
	}
	if p.sess == nil {
		r.line(0, st.Muted.Render("loading checks…"))
		return r.b.String()
	}
	fs := findings(s)
	r.line(0, st.Section.Render("Findings")+st.Muted.Render(fmt.Sprintf(" · %d", len(fs))))
	if len(fs) == 0 {
		r.line(2, st.OK.Render("✓ no warnings in any check"))
	}
	for _, f := range fs {
		style, mark := st.Warning, "⚠ "
		if f.err {
			style, mark = st.Error, "✗ "
		}
		r.wrapped(2, mark+f.family+": "+f.short, style)
	}
	r.line(0, "")
	for _, fam := range domain.Families(s.Kind) {
		r.family(fam, s.Checks.Family(fam))
	}
	return strings.TrimRight(r.b.String(), "\n")
}

func (p *detailPage) provenance(r *checkRenderer, s domain.Session) {
	st := p.c.Styles
	r.line(0, st.Section.Render("Provenance")+st.Muted.Render(" · imported from another application"))
	r.kv(2, "shared_from_session", s.SharedFromSession.String(), st.Plain)
	switch {
	case p.prov != nil:
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

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func (p *detailPage) View() string { return p.vp.View() }
