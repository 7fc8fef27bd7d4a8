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
// then a summary of every warning, then every check family. A case in
// review is claimed while it is open (claim), so that nobody else decides
// it meanwhile; `n` opens the next unclaimed case instead (next).
type detailPage struct {
	c       *Common
	summary domain.Session // the row it was opened from
	sess    *domain.Session
	prov    *review.Provenance
	provErr error
	media   []domain.Media
	err     error
	loading bool
	claim   *caseClaim    // nil for sessions not in review
	four    *caseProposal // the decision awaiting a second review (foureyes.go); nil when not in review
	next    bool          // looking for the next unclaimed case
	prev    *detailPage   // the case n was pressed on: held until the next is claimed
	vp      viewport.Model
	w, h    int
}

type nextCaseMsg struct {
	page *detailPage
	sess domain.Session
	info review.ClaimInfo
	err  error
}

type detailMsg struct {
	id      uuid.UUID
	sess    domain.Session
	media   []domain.Media
	prov    *review.Provenance
	provErr error
	err     error
}

func newDetailPage(c *Common, s domain.Session) *detailPage {
	p := &detailPage{c: c, summary: s, vp: viewport.New(80, 20)}
	if s.Status.Phase() == domain.PhaseInReview {
		p.claim = newCaseClaim(c, s.ID)
		p.claim.changed = p.render
		p.four = newCaseProposal(c, s.ID)
	}
	return p
}

// newNextCasePage opens the oldest case in the queue nobody holds,
// claiming it (review.ClaimNext). prev, the case the analyst moves on
// from, keeps its claim until then (so the next case is another one), and
// is shown again when no case is free.
func newNextCasePage(c *Common, prev *detailPage) *detailPage {
	return &detailPage{c: c, next: true, prev: prev, vp: viewport.New(80, 20)}
}

func (p *detailPage) Title() string {
	if p.next {
		return "Next case"
	}
	return fmt.Sprintf("Session #%d", p.summary.Number)
}
func (p *detailPage) Capturing() bool { return false }

// awaitingData: keys typed after n wait for the case it finds.
func (p *detailPage) awaitingData() bool { return p.next }
func (p *detailPage) Loading() bool      { return p.loading }

func (p *detailPage) Init() tea.Cmd {
	if p.next {
		return p.claimNext()
	}
	if p.claim != nil {
		return tea.Batch(p.load(), p.claim.take(), p.four.load())
	}
	return p.load()
}

func (p *detailPage) claimNext() tea.Cmd {
	p.loading = true
	c := p.c
	return c.run(func(ctx context.Context) tea.Msg {
		s, info, err := c.Svc.ClaimNext(ctx, c.Caller)
		return nextCaseMsg{page: p, sess: s, info: info, err: err}
	})
}

func (p *detailPage) load() tea.Cmd {
	p.loading = true
	c, id := p.c, p.summary.ID
	return c.run(func(ctx context.Context) tea.Msg {
		s, err := c.Svc.Session(ctx, c.Caller, id)
		if err != nil {
			return detailMsg{id: id, err: err}
		}
		out := detailMsg{id: id, sess: s}
		if out.media, err = c.Svc.Evidence(ctx, c.Caller, id); err != nil {
			c.Log.Warn("loading the evidence", "err", err) // the case still opens
		}
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
	k := p.c.Keys.Detail
	var acts []key.Binding
	if p.current().Status.Finished() {
		acts = append(acts, k.Share)
	}
	// a/d only where they can work: not on a case another analyst holds,
	// nor on one awaiting a second review (y/R there, never for its proposer).
	if p.current().Status.Phase() == domain.PhaseInReview && p.claim.otherHolder() == "" {
		if p.four.pending() {
			acts = append(acts, p.four.keys()...)
		} else {
			acts = append(acts, k.Approve, k.Decline)
		}
	}
	short := append(acts, k.Back, k.Down, k.PageDown, k.Next)
	acts = append(acts, k.Next)
	return short, [][]key.Binding{scrollGroup(k.ScrollKeys), append([]key.Binding{k.Back, k.Refresh, k.PDF, k.Block}, acts...)}
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
	case nextCaseMsg:
		if msg.page != p {
			return nil
		}
		p.loading = false
		prev := p.prev
		p.prev = nil
		if msg.err != nil {
			text := p.c.explain("finding the next case", msg.err)
			if domain.IsCode(msg.err, domain.CodeNotFound) {
				text = "No unclaimed case is waiting in the queue."
			}
			cmds := []tea.Cmd{p.c.pop(), cmdOf(statusMsg{text: text, err: true})}
			if prev != nil { // back to the case n was pressed on, still held
				cmds = append(cmds, p.c.push(prev), prev.claim.take())
			}
			return tea.Batch(cmds...)
		}
		p.next, p.summary = false, msg.sess
		p.claim = newCaseClaim(p.c, msg.sess.ID)
		p.claim.changed = p.render
		p.four = newCaseProposal(p.c, msg.sess.ID)
		var release tea.Cmd
		if prev != nil {
			release = prev.claim.release()
		}
		return tea.Batch(release, p.claim.heldBy(msg.info), p.load(), p.four.load(),
			status(fmt.Sprintf("Case #%d is yours while it is open.", msg.sess.Number)))
	case detailMsg:
		if msg.id != p.summary.ID {
			return nil
		}
		p.loading = false
		p.err = msg.err
		if msg.err == nil {
			s := msg.sess
			p.sess, p.prov, p.provErr, p.media = &s, msg.prov, msg.provErr, msg.media
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
		if p.next {
			return nil
		}
		return tea.Batch(p.load(), p.four.load())
	case tea.KeyMsg:
		return p.handleKey(msg)
	}
	if cmd, ok := p.four.handle(msg); ok {
		p.render()
		return cmd
	}
	return nil
}

// Refresh reloads the case when it changed anywhere, and follows its claim.
func (p *detailPage) Refresh(set *changeSet) tea.Cmd {
	if p.next {
		return nil
	}
	// A list entry added or removed anywhere may change its findings.
	changes := set.about(p.summary.ID)
	if !set.all && len(changes) == 0 && !set.any(review.ChangeLists) {
		return nil
	}
	cmds := []tea.Cmd{p.load(), p.four.load()}
	if p.claim != nil && p.current().Status.Phase() == domain.PhaseInReview {
		if set.all {
			cmds = append(cmds, p.claim.take())
		} else {
			cmds = append(cmds, p.claim.follow(changes))
		}
	}
	return tea.Batch(cmds...)
}

func (p *detailPage) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.Keys.Detail
	s := p.current()
	switch {
	case key.Matches(msg, k.Back):
		return tea.Batch(p.claim.release(), p.c.pop())
	case key.Matches(msg, k.Next):
		return tea.Batch(p.c.pop(), p.c.push(newNextCasePage(p.c, p)))
	case scroll(&p.vp, k.ScrollKeys, msg):
	case key.Matches(msg, k.Refresh):
		return p.load()
	case key.Matches(msg, k.Share):
		return shareSession(p.c, s)
	case key.Matches(msg, k.PDF):
		return savePDF(p.c, s)
	case key.Matches(msg, k.Block):
		return p.c.push(newBlockPage(p.c, s))
	case isCaseAct(msg, k.Approve, k.Decline, k.Confirm, k.Reject):
		if s.Status.Phase() != domain.PhaseInReview {
			return cmdOf(statusMsg{text: fmt.Sprintf("Session #%d is %s: only sessions in review are decided here.", s.Number, s.Status), err: true})
		}
		if p.claim.otherHolder() != "" {
			return cmdOf(statusMsg{text: p.claim.refusal, err: true})
		}
		act, _ := caseActOf(msg, k.Approve, k.Decline, k.Confirm, k.Reject)
		return decideOrSettle(p.c, s, p.four.proposal(), act, p.claim)
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
	if p.claim != nil && s.Status.Phase() == domain.PhaseInReview {
		p.claimLine(r)
	}
	if line, style := p.four.line(); line != "" {
		r.wrapped(2, line, style)
	}
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
	if s.BiometricsUnavailable {
		r.wrapped(0, "Biometrics unavailable: this server runs without the biometric key, so portraits, selfies, "+
			"liveness frames and media references are not shown.", st.Warning)
		r.line(0, "")
	} else {
		p.evidence(r, s)
	}
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

// claimLine says who holds the case.
func (p *detailPage) claimLine(r *checkRenderer) {
	st, cl := p.c.Styles, p.claim
	switch {
	case cl.held:
		r.kv(2, "claim", "yours while the case is open (until "+p.c.clock(cl.until)+", renewed)", st.OK)
	case cl.holder != "":
		r.kv(2, "claim", "⚠ claimed by "+clean(cl.holder)+" until "+p.c.clock(cl.until)+": only they can decide it now", st.Warning)
	case cl.refusal != "":
		r.kv(2, "claim", cl.refusal, st.Error)
	default:
		r.kv(2, "claim", "claiming…", st.Muted)
	}
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func (p *detailPage) View() string {
	if p.next {
		return p.c.Styles.Muted.Render("Finding the oldest case nobody holds…")
	}
	return p.vp.View()
}
