package ui

import (
	"context"
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"handoff/review"
	"handoff/ui/widget"
)

const tokensLimit = 500

// tokensTab lists the share tokens this application minted, newest first.
type tokensTab struct {
	listTab[review.TokenInfo]
}

func newTokensTab(c *Common) *tokensTab {
	t := &tokensTab{}
	t.listTab = listTab[review.TokenInfo]{c: c, changes: tokenChanges, handle: t.handle}
	t.short, t.full = tokensHelp(c.Keys.List)
	cfg := listConfig[review.TokenInfo](c, "tokens")
	cfg.Columns = []widget.Column{
		{Title: "partner", Width: 12, Flex: 1},
		{Title: "session", Width: 10},
		{Title: "minted by", Width: 16},
		{Title: "minted", Width: 11},
		{Title: "expires", Width: 11},
		{Title: "state", Width: 8},
	}
	cfg.Empty = "no share tokens minted yet: press s on a session to share it"
	cfg.Input = c.newInput("/ ", "partner, minted by or state", 100)
	cfg.Read = func(widget.Query) func(context.Context) ([]review.TokenInfo, error) {
		return func(ctx context.Context) ([]review.TokenInfo, error) { return c.Svc.Tokens(ctx, c.Caller, tokensLimit) }
	}
	cfg.Drawer = t.drawer
	cfg.Same = func(a, b review.TokenInfo) bool { return a.TokenID == b.TokenID }
	cfg.PageSize = tokensLimit
	cfg.Match = func(r review.TokenInfo, filter string) bool {
		hay := strings.ToLower(r.Partner + " " + r.MintedBy + " " + string(r.State))
		return strings.Contains(hay, strings.ToLower(filter))
	}
	t.list = widget.NewListing(cfg)
	return t
}

func (t *tokensTab) Title() string     { return "Tokens" }
func (t *tokensTab) Init() tea.Cmd     { return t.Activate() }
func (t *tokensTab) Activate() tea.Cmd { return t.list.Reload() }

func (t *tokensTab) handle(msg tea.Msg) tea.Cmd {
	if _, ok := msg.(changedMsg); ok {
		return t.list.Reload()
	}
	return nil
}

// drawer draws the tokens as they are now: one that expired while the
// list was open shows as expired.
func (t *tokensTab) drawer() func(review.TokenInfo) widget.Row {
	st, now := t.c.Styles, t.c.Now()
	return func(r review.TokenInfo) widget.Row {
		if r.State == review.TokenActive && !now.Before(r.ExpiresAt) {
			r.State = review.TokenExpired
		}
		stateStyle := st.Muted
		switch r.State {
		case review.TokenActive:
			stateStyle = st.OK
		case review.TokenImported:
			stateStyle = st.Accent
		}
		return widget.Row{
			Cells: []string{clean(r.Partner), fmt.Sprintf("#%d %s", r.SessionNumber, r.SessionKind.Label()),
				clean(r.MintedBy), t.c.short(r.MintedAt), relative(r.ExpiresAt, now), string(r.State)},
			Styles: []lipgloss.Style{st.Plain, st.Plain, st.Muted, st.Muted, st.Muted, stateStyle},
		}
	}
}

func (t *tokensTab) View() string {
	st := t.c.Styles
	active := 0
	for _, r := range t.list.All() {
		if r.State == review.TokenActive {
			active++
		}
	}
	left := st.Section.Render("Share tokens minted here") + st.Muted.Render(fmt.Sprintf(" · newest first · %d, %d active", len(t.list.All()), active))
	return t.list.View(left, "")
}
