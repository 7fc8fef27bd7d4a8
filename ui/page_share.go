package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"handoff/domain"
	"handoff/review"
	"handoff/ui/widget"
)

// The share dialog: partner → lifetime → confirm → the token, counting
// down, with c to copy it through the terminal.

type shareStep int

const (
	sharePartner shareStep = iota
	shareTTL
	shareCustom
	shareConfirm
	shareBusy
	shareDone
)

// ttlPreset is one offered lifetime; 0 seconds is "custom".
type ttlPreset struct {
	label   string
	seconds int
}

var ttlPresets = []ttlPreset{
	{"1 minute", domain.MinTTL}, {"15 minutes", 900}, {"1 hour (default)", domain.DefaultTTL}, {"24 hours", domain.MaxTTL}, {"custom…", 0},
}

type sharePage struct {
	c        *Common
	sess     domain.Session
	step     shareStep
	partners []domain.Application
	list     *widget.List
	ttlList  *widget.List
	custom   textinput.Model
	partner  domain.Application
	ttl      int
	minted   *review.Minted
	err      string
	loading  bool
	w, h     int
}

type (
	partnersMsg struct {
		page *sharePage
		apps []domain.Application
		err  error
	}
	mintedMsg struct {
		page   *sharePage
		minted review.Minted
		err    error
	}
	countdownMsg struct{ page *sharePage }
)

func newSharePage(c *Common, s domain.Session) *sharePage {
	def := 2 // 1 hour
	return &sharePage{c: c, sess: s, ttlList: widget.NewList(presetLabels(), def),
		custom: c.newInput("seconds: ", domain.TTLBounds()+", or 90s, 15m, 2h", 12), ttl: domain.DefaultTTL}
}

func presetLabels() []string {
	out := make([]string, len(ttlPresets))
	for i, p := range ttlPresets {
		out[i] = p.label
	}
	return out
}

func (p *sharePage) Title() string   { return "Share #" + strconv.FormatInt(p.sess.Number, 10) }
func (p *sharePage) Capturing() bool { return p.step == shareCustom }
func (p *sharePage) Loading() bool   { return p.loading }

// awaitingData: keys typed ahead wait for the partners, or for the token.
func (p *sharePage) awaitingData() bool { return p.loading }
func (p *sharePage) SetSize(w, h int) {
	p.w, p.h = w, h
	p.custom.Width = widget.InnerWidth(w) - 12
}

func (p *sharePage) Init() tea.Cmd {
	p.loading = true
	c := p.c
	return c.run(func(ctx context.Context) tea.Msg {
		apps, err := c.Svc.Partners(ctx, c.Caller)
		return partnersMsg{page: p, apps: apps, err: err}
	})
}

func (p *sharePage) Help() ([]key.Binding, [][]key.Binding) {
	k := p.c.Keys.Dialog
	var short []key.Binding
	switch p.step {
	case sharePartner, shareTTL:
		short = []key.Binding{k.Up, k.Down, k.Submit, k.Back}
	case shareCustom:
		short = []key.Binding{k.Submit, k.Back}
	case shareConfirm:
		short = []key.Binding{k.Confirm, k.Cancel}
	case shareDone:
		short = []key.Binding{k.Copy, k.Back}
		return short, [][]key.Binding{append(short, k.Close)}
	}
	return short, [][]key.Binding{short}
}

func (p *sharePage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case partnersMsg:
		if msg.page != p {
			return nil
		}
		p.loading = false
		if msg.err != nil {
			p.err = p.c.explain("listing partners", msg.err)
			return nil
		}
		p.partners = msg.apps
		names := make([]string, len(msg.apps))
		for i, a := range msg.apps {
			names[i] = clean(a.Name)
		}
		p.list = widget.NewList(names, 0)
		if len(names) == 0 {
			p.err = "There is no other application to share with."
		}
		return nil
	case mintedMsg:
		if msg.page != p {
			return nil
		}
		p.loading = false
		if msg.err != nil {
			p.step, p.err = shareConfirm, p.c.explain("sharing", msg.err)
			return cmdOf(statusMsg{text: p.err, err: true})
		}
		p.minted, p.step = &msg.minted, shareDone
		return tea.Batch(cmdOf(changedMsg{}),
			status(fmt.Sprintf("Share token for session #%d minted for %s; press c to copy it.", p.sess.Number, clean(p.partner.Name))),
			p.c.tick(time.Second, countdownMsg{p}))
	case countdownMsg:
		if msg.page != p || p.step != shareDone || p.c.Now().After(p.minted.ExpiresAt) {
			return nil // redraws stop once the token is closed or has expired
		}
		return p.c.tick(time.Second, countdownMsg{p})
	case tea.KeyMsg:
		return p.handleKey(msg)
	}
	return nil
}

func (p *sharePage) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.Keys.Dialog
	if p.step == shareCustom {
		return p.handleCustomKey(msg)
	}
	if key.Matches(msg, k.Back) || (p.step == shareConfirm && key.Matches(msg, k.Cancel)) {
		return p.back()
	}
	switch p.step {
	case sharePartner:
		if p.list == nil || len(p.partners) == 0 {
			return nil
		}
		switch {
		case key.Matches(msg, k.Up):
			p.list.Up()
		case key.Matches(msg, k.Down):
			p.list.Down()
		case key.Matches(msg, k.Submit):
			i, _, _ := p.list.Chosen()
			p.partner, p.step, p.err = p.partners[i], shareTTL, ""
		}
	case shareTTL:
		switch {
		case key.Matches(msg, k.Up):
			p.ttlList.Up()
		case key.Matches(msg, k.Down):
			p.ttlList.Down()
		case key.Matches(msg, k.Submit):
			i, _, _ := p.ttlList.Chosen()
			if ttlPresets[i].seconds == 0 {
				p.step, p.err = shareCustom, ""
				p.custom.SetValue("")
				return p.custom.Focus()
			}
			p.ttl, p.step = ttlPresets[i].seconds, shareConfirm
		}
	case shareConfirm:
		if key.Matches(msg, k.Confirm) {
			return p.mint()
		}
	case shareDone:
		if key.Matches(msg, k.Copy) {
			return p.c.copyToClipboard(p.minted.Token, "Share token copied to the clipboard (OSC 52).")
		}
		if key.Matches(msg, k.Close) {
			return p.c.pop()
		}
	}
	return nil
}

func (p *sharePage) handleCustomKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.Keys.Dialog
	switch {
	case key.Matches(msg, k.Back):
		p.custom.Blur()
		p.step, p.err = shareTTL, ""
		return nil
	case key.Matches(msg, k.Submit):
		sec, err := parseTTL(p.custom.Value())
		if err != nil {
			p.err = err.Error()
			return nil
		}
		p.custom.Blur()
		p.ttl, p.step, p.err = sec, shareConfirm, ""
		return nil
	}
	var cmd tea.Cmd
	p.custom, cmd = p.custom.Update(msg)
	return cmd
}

// parseTTL reads a custom lifetime: seconds ("90") or a duration ("15m",
// "2h"), refused outside the domain's bounds with the domain's reason.
func parseTTL(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("Enter a lifetime in seconds (%s), or like 15m or 2h.", domain.TTLBounds())
	}
	sec, err := strconv.Atoi(s)
	if err != nil {
		d, derr := time.ParseDuration(s)
		if derr != nil || d%time.Second != 0 {
			return 0, fmt.Errorf("%q is not a lifetime: enter seconds (%s), or like 15m or 2h.", s, domain.TTLBounds())
		}
		sec = int(d / time.Second)
	}
	if err := domain.ValidateTTL(sec); err != nil {
		return 0, err
	}
	return sec, nil
}

func (p *sharePage) back() tea.Cmd {
	p.err = ""
	switch p.step {
	case shareTTL:
		p.step = sharePartner
	case shareConfirm:
		p.step = shareTTL
	case shareBusy:
	default:
		return p.c.pop()
	}
	return nil
}

func (p *sharePage) mint() tea.Cmd {
	p.step, p.loading, p.err = shareBusy, true, ""
	c, id, forApp, ttl := p.c, p.sess.ID, p.partner.ID, p.ttl
	return c.run(func(ctx context.Context) tea.Msg {
		m, err := c.Svc.Share(ctx, c.Caller, id, forApp, ttl)
		return mintedMsg{page: p, minted: m, err: err}
	})
}

func (p *sharePage) View() string {
	st := p.c.Styles
	inner := widget.InnerWidth(p.w)
	d := widget.Dialog{Title: "Share session " + sessionLabel(p.sess), Error: p.err}
	k := p.c.Keys.Dialog
	switch p.step {
	case sharePartner:
		d.Body = "Partner application (the token works only for it):\n\n"
		if p.list == nil {
			d.Body += st.Muted.Render("loading…")
		} else {
			d.Body += p.list.View(st.List, inner, max(p.h-12, 3), false)
		}
		d.Hint = hints(k.Up, k.Down, k.Submit, k.Back)
	case shareTTL:
		d.Body = "For " + st.Accent.Render(clean(p.partner.Name)) + "\n\nLifetime of the token:\n\n" +
			p.ttlList.View(st.List, inner, len(ttlPresets), false)
		d.Hint = hints(k.Up, k.Down, k.Submit, k.Back)
	case shareCustom:
		d.Body = "For " + st.Accent.Render(clean(p.partner.Name)) + "\n\nCustom lifetime, 60 to 86400 seconds:\n\n" + p.custom.View()
		d.Hint = "enter accept · esc back"
	case shareConfirm, shareBusy:
		d.Body = fmt.Sprintf("Share session #%d (%s, %s)\nwith %s\nfor %s?",
			p.sess.Number, p.sess.Kind.Label(), p.sess.Status, st.Accent.Render(clean(p.partner.Name)), ttlLabel(p.ttl))
		d.Hint = hints(k.Confirm, k.Cancel)
		if p.step == shareBusy {
			d.Hint = "minting…"
		}
	case shareDone:
		d.Body = p.tokenView(inner)
		d.Hint = hints(k.Copy, k.Back)
	}
	return d.View(st.R, st.Dialog, p.w, p.h)
}

func (p *sharePage) tokenView(inner int) string {
	st := p.c.Styles
	m := p.minted
	left := m.ExpiresAt.Sub(p.c.Now())
	exp := st.OK.Render("expires in " + countdown(left))
	if left <= 0 {
		exp = st.Error.Render("expired")
	} else if left < time.Minute {
		exp = st.Warning.Render("expires in " + countdown(left))
	}
	lines := []string{
		"For " + st.Accent.Render(clean(p.partner.Name)) + " · " + m.SessionKind.Label() + " · " + exp,
		st.Muted.Render("until " + p.c.stamp(m.ExpiresAt) + " · token " + shortID(m.TokenID.String())),
		"",
	}
	for _, l := range widget.Chunk(m.Token, inner) {
		lines = append(lines, st.Bold.Render(l))
	}
	return strings.Join(lines, "\n")
}

// hints writes key hints for a dialog: "enter next · esc back".
func hints(bs ...key.Binding) string {
	parts := make([]string, 0, len(bs))
	for _, b := range bs {
		h := b.Help()
		parts = append(parts, h.Key+" "+h.Desc)
	}
	return strings.Join(parts, " · ")
}
