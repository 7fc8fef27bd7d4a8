package ui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/google/uuid"

	"handoff/domain"
	"handoff/review"
	"handoff/ui/widget"
)

// detailPage is one session opened: provenance first for imported ones,
// then a summary of every warning, then every check family. A case in
// review is claimed while it is open (claim), so that nobody else decides
// it meanwhile; `n` opens the next unclaimed case instead (next).
type detailPage struct {
	c       *Common
	summary domain.Session // the row it was opened from
	sess    *domain.Session
	cs      review.Case // what the case page shows besides the checks
	prov    *review.Provenance
	provErr error
	media   []domain.Media
	err     error
	loading bool
	claim   *caseClaim    // nil for sessions not in review
	four    *caseProposal // the decision awaiting a second review (foureyes.go); nil when not in review
	next    bool          // looking for the next unclaimed case
	prev    *detailPage   // the case n was pressed on: held until the next is claimed
	lay     *caseLayout
	found   []domain.Finding // the findings listed, in order
	sel     int              // the finding f went to; -1 none
	hot     string           // the check enter went to from a finding
	older   string           // the cursor o is reading the events before; "" when not reading
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
	cs      review.Case
	media   []domain.Media
	prov    *review.Provenance
	provErr error
	err     error
}

func newDetailPage(c *Common, s domain.Session) *detailPage {
	p := &detailPage{c: c, summary: s, lay: newCaseLayout(), sel: -1}
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
	return &detailPage{c: c, next: true, prev: prev, lay: newCaseLayout(), sel: -1}
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
	var span review.TimelineSpan // the newest page; a reload keeps the events read, and what came since
	if tl := p.cs.Timeline; len(tl) > 0 {
		span = review.TimelineSpan{From: tl[0].Cursor, Limit: len(tl) + review.CasePage}
	}
	return c.run(func(ctx context.Context) tea.Msg {
		cs, err := c.Svc.Case(ctx, c.Caller, id, span)
		if err != nil {
			return detailMsg{id: id, err: err}
		}
		s := cs.Session
		out := detailMsg{id: id, cs: cs}
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
	p.lay.setSize(w, h)
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
	acts = append(acts, k.Note)
	move := []key.Binding{k.NextSection, k.PrevSection}
	if p.cs.Earlier {
		move = append(move, k.Older)
	}
	if p.lay.two {
		move = append([]key.Binding{k.Focus}, move...)
	}
	if len(p.found) > 0 {
		move = append(move, k.Finding, k.PrevFinding)
	}
	if p.sel >= 0 {
		move = append(move, k.ToCheck)
	}
	short := append(append([]key.Binding{}, acts...), k.Back)
	if len(p.found) > 0 {
		short = append(short, k.Finding)
	}
	if p.sel >= 0 {
		short = append(short, k.ToCheck)
	}
	if p.lay.two {
		short = append(short, k.Focus)
	}
	short = append(short, k.NextSection, k.Down, k.PageDown, k.Next)
	acts = append(acts, k.Next)
	return short, [][]key.Binding{scrollGroup(k.ScrollKeys), move, append([]key.Binding{k.Back, k.Refresh, k.PDF, k.Block}, acts...)}
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
			s := msg.cs.Session
			p.sess, p.cs, p.prov, p.provErr, p.media = &s, msg.cs, msg.prov, msg.provErr, msg.media
			p.found = append(append([]domain.Finding{}, msg.cs.Findings...), checkWarnings(s)...)
			if p.sel >= len(p.found) {
				p.sel = -1
			}
		}
		p.render()
		if msg.err != nil {
			return p.c.failure("opening the session", msg.err)
		}
		if msg.provErr != nil {
			return p.c.failure("tracing the import", msg.provErr)
		}
		return nil
	case olderMsg:
		return p.takeOlder(msg)
	case notedMsg:
		if msg.err != nil || msg.session != p.summary.ID || p.next {
			return nil
		}
		return p.load()
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
	case p.lay.focused().Scroll(k.ScrollKeys, msg):
	case key.Matches(msg, k.Focus):
		p.lay.toggle()
	case key.Matches(msg, k.NextSection), key.Matches(msg, k.PrevSection):
		p.lay.section(key.Matches(msg, k.NextSection))
	case key.Matches(msg, k.Finding), key.Matches(msg, k.PrevFinding):
		p.toFinding(key.Matches(msg, k.Finding))
	case key.Matches(msg, k.ToCheck) && p.sel >= 0:
		return p.toCheck()
	case key.Matches(msg, k.Older) && p.cs.Earlier:
		return p.loadOlder()
	case key.Matches(msg, k.Refresh):
		return p.load()
	case key.Matches(msg, k.Share):
		return shareSession(p.c, s)
	case key.Matches(msg, k.PDF):
		return savePDF(p.c, s)
	case key.Matches(msg, k.Block):
		return p.c.push(newBlockPage(p.c, s))
	case key.Matches(msg, k.Note):
		return p.c.push(newNotePage(p.c, s))
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

// toFinding selects the next (or previous) finding, the first when none
// is, and shows it.
func (p *detailPage) toFinding(next bool) {
	n := len(p.found)
	if n == 0 {
		return
	}
	switch {
	case p.sel < 0 && next:
		p.sel = 0
	case p.sel < 0:
		p.sel = n - 1
	case next:
		p.sel = (p.sel + 1) % n
	default:
		p.sel = (p.sel + n - 1) % n
	}
	p.render()
	name := fmt.Sprintf("finding:%d", p.sel)
	if m, ok := p.lay.pane(colCase).Mark(name); ok && !p.lay.visible(colCase, m.Line) || p.lay.focus != colCase {
		if p.sel == 0 {
			name = "findings" // the first shows under its heading
		}
		p.lay.jump(colCase, name)
	}
}

// toCheck shows the check the selected finding points at, marked.
func (p *detailPage) toCheck() tea.Cmd {
	f := p.found[p.sel]
	for path := f.Check; path != ""; path = parentCheck(path) {
		if _, ok := p.lay.pane(colEvidence).Mark(path); ok {
			p.hot = path
			p.render()
			p.lay.jump(colEvidence, path)
			return nil
		}
	}
	return status("This finding points at no check: " + f.Message)
}

// parentCheck is the check a nested one sits in ("key_people_checks[1]"
// for "key_people_checks[1].aml_screenings[0]"), the family of a top one,
// then "".
func parentCheck(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[:i]
	}
	if i := strings.IndexByte(path, '['); i >= 0 {
		return path[:i]
	}
	return ""
}

func (p *detailPage) render() {
	if p.w == 0 || p.next {
		return
	}
	caseText, caseMarks, evText, evMarks := p.content()
	p.lay.setContent(caseText, caseMarks, evText, evMarks)
}

// content is the case column's text and the evidence column's, with the
// lines they mark.
func (p *detailPage) content() (string, []widget.Mark, string, []widget.Mark) {
	st := p.c.Styles
	s := p.current()
	r := &checkRenderer{st: st, width: max(p.lay.width(colCase)-1, 30)}
	r.line(0, st.Title.Render(fmt.Sprintf("Session #%d", s.Number))+st.Muted.Render(" · "+s.Kind.Label()+" · ")+
		st.ForStatus(s.Status).Render(string(s.Status)))
	r.kv(2, "session_id", s.ID.String(), st.Plain)
	r.kv(2, "vendor_data", orDash(s.VendorData), st.Plain)
	r.kv(2, "workflow_id", s.WorkflowID, st.Plain)
	r.kv(2, "created", p.c.stamp(s.CreatedAt), st.Plain)
	if p.claim != nil && s.Status.Phase() == domain.PhaseInReview {
		p.claimLine(r)
	}
	r.line(0, "")
	ev := &checkRenderer{st: st, width: max(p.lay.width(colEvidence)-1, 30), hot: p.hot}
	switch {
	case p.err != nil:
		r.wrapped(0, p.c.explain("opening the session", p.err), st.Error)
	case p.sess == nil:
		r.line(0, st.Muted.Render("loading the case…"))
	default:
		p.decision(r, s)
		p.findings(r)
		if s.Imported() {
			p.provenance(r, s)
		}
		p.timeline(r)
		p.checks(ev, s)
	}
	return strings.TrimRight(r.b.String(), "\n"), r.marks, strings.TrimRight(ev.b.String(), "\n"), ev.marks
}

// checks writes the evidence column: the pictures, then every check family.
func (p *detailPage) checks(r *checkRenderer, s domain.Session) {
	st := p.c.Styles
	if s.BiometricsUnavailable {
		r.section("evidence", "Evidence", "")
		r.wrapped(0, "Biometrics unavailable: this server runs without the biometric key, so portraits, selfies, "+
			"liveness frames and media references are not shown.", st.Warning)
		r.line(0, "")
	} else {
		p.evidence(r, s)
	}
	for _, fam := range domain.Families(s.Kind) {
		r.family(fam, s.Checks.Family(fam))
	}
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
	return p.lay.view(p.c.Styles)
}
