package ui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"handoff/domain"
	"handoff/review"
	"handoff/ui/widget"
)

// The import dialog: paste a token → pick a workflow of its kind →
// vendor_data and trust_review → confirm → the new session, or why not.

type importStep int

const (
	importToken importStep = iota
	importWorkflow
	importDetails
	importConfirm
	importBusy
	importDone
)

type importPage struct {
	c         *Common
	step      importStep
	token     textinput.Model
	vendor    textinput.Model
	onTrust   bool // the trust_review toggle has the keyboard
	trust     bool
	kind      domain.Kind
	workflows []domain.Workflow
	list      *widget.List
	workflow  string
	result    *domain.Session
	err       string
	busy      bool
	w, h      int
}

type (
	peekedMsg struct {
		page      *importPage
		kind      domain.Kind
		workflows []domain.Workflow
		err       error
	}
	importedMsg struct {
		page *importPage
		sess domain.Session
		err  error
	}
)

func newImportPage(c *Common) *importPage {
	p := &importPage{c: c,
		token:  c.newInput("token: ", "paste the share token", domain.MaxTokenBytes),
		vendor: c.newInput("vendor_data: ", "your id for this person or company (optional)", domain.MaxVendorData)}
	p.token.Focus()
	return p
}

func (p *importPage) Title() string { return "Import a share token" }
func (p *importPage) Capturing() bool {
	return p.step == importToken || (p.step == importDetails && !p.onTrust)
}
func (p *importPage) Loading() bool { return p.busy }
func (p *importPage) Init() tea.Cmd { return nil }
func (p *importPage) SetSize(w, h int) {
	p.w, p.h = w, h
	p.token.Width = widget.InnerWidth(w) - 9
	p.vendor.Width = widget.InnerWidth(w) - 15
}

func (p *importPage) Help() ([]key.Binding, [][]key.Binding) {
	k := p.c.Keys.Dialog
	var short []key.Binding
	switch p.step {
	case importToken:
		short = []key.Binding{k.Submit, k.Back}
	case importWorkflow:
		short = []key.Binding{k.Up, k.Down, k.Submit, k.Back}
	case importDetails:
		short = []key.Binding{k.Submit, k.NextField, k.Toggle, k.Back}
	case importConfirm:
		short = []key.Binding{k.Confirm, k.Cancel}
	case importDone:
		short = []key.Binding{k.Back}
		return short, [][]key.Binding{{k.Back, k.Close}}
	}
	return short, [][]key.Binding{short}
}

func (p *importPage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case peekedMsg:
		return p.handlePeeked(msg)
	case importedMsg:
		if msg.page != p {
			return nil
		}
		p.busy = false
		if msg.err != nil {
			p.step, p.err = importConfirm, p.c.explain("importing", msg.err)
			return cmdOf(statusMsg{text: p.err, err: true})
		}
		s := msg.sess
		p.result, p.step, p.err = &s, importDone, ""
		return tea.Batch(cmdOf(changedMsg{}), status(fmt.Sprintf("Imported as session #%d (%s).", s.Number, s.Status)))
	case tea.KeyMsg:
		if p.busy {
			return nil
		}
		return p.handleKey(msg)
	}
	return nil
}

func (p *importPage) handlePeeked(msg peekedMsg) tea.Cmd {
	if msg.page != p {
		return nil
	}
	p.busy = false
	if msg.err != nil {
		p.err = p.c.explain("reading the token", msg.err)
		return p.token.Focus()
	}
	p.kind = msg.kind
	p.workflows = p.workflows[:0]
	var names []string
	for _, wf := range msg.workflows {
		if wf.Kind == msg.kind {
			p.workflows = append(p.workflows, wf)
			names = append(names, wf.ID)
		}
	}
	if len(names) == 0 {
		p.err = fmt.Sprintf("This application has no %s workflow to import a %s session into; add one with `handoff app workflow add`.",
			msg.kind.Label(), msg.kind.Label())
		return p.token.Focus()
	}
	p.list = widget.NewList(names, 0)
	p.step, p.err = importWorkflow, ""
	return nil
}

func (p *importPage) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.Keys.Dialog
	switch p.step {
	case importToken:
		switch {
		case key.Matches(msg, k.Back):
			return p.c.pop()
		case key.Matches(msg, k.Submit):
			return p.peek()
		}
		var cmd tea.Cmd
		p.token, cmd = p.token.Update(msg)
		return cmd
	case importWorkflow:
		switch {
		case key.Matches(msg, k.Back):
			p.step = importToken
			return p.token.Focus()
		case key.Matches(msg, k.Up):
			p.list.Up()
		case key.Matches(msg, k.Down):
			p.list.Down()
		case key.Matches(msg, k.Submit):
			_, p.workflow, _ = p.list.Chosen()
			p.step, p.onTrust = importDetails, false
			return p.vendor.Focus()
		}
	case importDetails:
		return p.handleDetailsKey(msg)
	case importConfirm:
		switch {
		case key.Matches(msg, k.Confirm):
			return p.doImport()
		case key.Matches(msg, k.Cancel):
			p.step, p.err = importDetails, ""
			if !p.onTrust {
				return p.vendor.Focus()
			}
		}
	case importDone:
		if key.Matches(msg, k.Back) || key.Matches(msg, k.Close) {
			return p.c.pop()
		}
	}
	return nil
}

func (p *importPage) handleDetailsKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.Keys.Dialog
	switch {
	case key.Matches(msg, k.Back):
		p.vendor.Blur()
		p.step = importWorkflow
		return nil
	case key.Matches(msg, k.Submit):
		if err := domain.ValidateVendorData(strings.TrimSpace(p.vendor.Value())); err != nil {
			p.err = err.Error()
			return nil
		}
		p.vendor.Blur()
		p.step, p.err = importConfirm, ""
		return nil
	case key.Matches(msg, k.NextField):
		p.onTrust = !p.onTrust
		if p.onTrust {
			p.vendor.Blur()
			return nil
		}
		return p.vendor.Focus()
	}
	if p.onTrust {
		if key.Matches(msg, k.Toggle) {
			p.trust = !p.trust
		}
		return nil
	}
	var cmd tea.Cmd
	p.vendor, cmd = p.vendor.Update(msg)
	return cmd
}

func (p *importPage) peek() tea.Cmd {
	raw := strings.TrimSpace(p.token.Value())
	if raw == "" {
		p.err = "Paste the share token first."
		return nil
	}
	p.busy, p.err = true, ""
	p.token.Blur()
	c := p.c
	return c.run(func(ctx context.Context) tea.Msg {
		kind, err := c.Svc.PeekToken(ctx, c.Caller, raw)
		if err != nil {
			return peekedMsg{page: p, err: err}
		}
		wfs, err := c.Svc.Workflows(ctx, c.Caller)
		return peekedMsg{page: p, kind: kind, workflows: wfs, err: err}
	})
}

func (p *importPage) request() review.ImportRequest {
	return review.ImportRequest{ShareToken: strings.TrimSpace(p.token.Value()), WorkflowID: p.workflow,
		VendorData: strings.TrimSpace(p.vendor.Value()), TrustReview: p.trust}
}

func (p *importPage) doImport() tea.Cmd {
	p.busy, p.step = true, importBusy
	c, req := p.c, p.request()
	return c.run(func(ctx context.Context) tea.Msg {
		s, err := c.Svc.Import(ctx, c.Caller, req)
		return importedMsg{page: p, sess: s, err: err}
	})
}

func (p *importPage) View() string {
	st := p.c.Styles
	k := p.c.Keys.Dialog
	d := widget.Dialog{Title: "Import a share token into " + clean(p.c.App.Name), Error: p.err}
	switch p.step {
	case importToken:
		d.Body = "Paste the token a partner shared with this application:\n\n" + p.token.View()
		d.Hint = "enter read the token · esc cancel"
		if p.busy {
			d.Hint = "checking the token…"
		}
	case importWorkflow:
		d.Body = "A " + st.Accent.Render(p.kind.Label()) + " session. Workflow to import it into:\n\n" +
			p.list.View(st.List, widget.InnerWidth(p.w), max(p.h-12, 3), false)
		d.Hint = hints(k.Up, k.Down, k.Submit, k.Back)
	case importDetails:
		d.Body = p.detailsView()
		d.Hint = "tab next field · space toggle · enter continue · esc back"
	case importConfirm, importBusy:
		r := p.request()
		d.Body = fmt.Sprintf("Import the %s session into %s\nvendor_data %s\ntrust_review %s — %s?",
			p.kind.Label(), st.Accent.Render(r.WorkflowID), orDash(r.VendorData), onOff(r.TrustReview), trustMeaning(r.TrustReview))
		d.Hint = hints(k.Confirm, k.Cancel)
		if p.busy {
			d.Hint = "importing…"
		}
	case importDone:
		s := p.result
		d.Body = fmt.Sprintf("Imported as session %s · %s · %s\n\n", st.Title.Render(fmt.Sprintf("#%d", s.Number)),
			s.Kind.Label(), st.ForStatus(s.Status).Render(string(s.Status)))
		if s.Status.Phase() == domain.PhaseInReview {
			d.Body += "It is waiting in the imports queue."
		} else {
			d.Body += "The issuer's decision was trusted; it is in the Sessions tab."
		}
		d.Hint = "esc close"
	}
	return d.View(st.R, st.Dialog, p.w, p.h)
}

func (p *importPage) detailsView() string {
	st := p.c.Styles
	trust := "[ ] trust_review  " + st.Muted.Render("off: the case lands In Review for your analysts")
	if p.trust {
		trust = "[x] trust_review  " + st.Muted.Render("on: keep the issuer's decision")
	}
	if p.onTrust {
		trust = st.Accent.Render("› ") + trust
	} else {
		trust = "  " + trust
	}
	return "Workflow " + st.Accent.Render(p.workflow) + "\n\n" + p.vendor.View() + "\n\n" + trust
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func trustMeaning(b bool) string {
	if b {
		return "the issuer's decision is kept"
	}
	return "it lands In Review in your queue"
}
