package ui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
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

type tokenRevokedMsg struct {
	token review.TokenInfo
	err   error
}

func newTokensTab(c *Common) *tokensTab {
	t := &tokensTab{}
	t.listTab = listTab[review.TokenInfo]{c: c, changes: tokenChanges, handle: t.handle}
	t.short, t.full = c.Keys.Tokens.help(c.Keys.List)
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
	switch msg := msg.(type) {
	case changedMsg:
		return t.list.Reload()
	case tokenRevokedMsg:
		if msg.err != nil {
			return t.c.failure("revoking the token", msg.err)
		}
		return tea.Batch(t.list.Refresh(), status(fmt.Sprintf("Revoked the token for %s (session #%d): it can no longer be imported.",
			clean(msg.token.Partner), msg.token.SessionNumber)))
	case tea.KeyMsg:
		if key.Matches(msg, t.c.Keys.Tokens.Revoke) {
			return t.askRevoke()
		}
	}
	return nil
}

// askRevoke asks to confirm revoking the token under the cursor; only a
// token its partner can still import is worth revoking.
func (t *tokensTab) askRevoke() tea.Cmd {
	r, ok := t.list.Selected()
	if !ok {
		return nil
	}
	switch {
	case r.State == review.TokenImported:
		return status("This token was already imported; it can no longer be revoked.")
	case r.State == review.TokenRevoked:
		return status("This token is already revoked.")
	case !t.c.Now().Before(r.ExpiresAt):
		return status("This token has expired: it can no longer be imported anyway.")
	}
	c := t.c
	t.ask("Revoke", "the token for "+clean(r.Partner), fmt.Sprintf(" (session #%d)? No import after that.", r.SessionNumber), func() tea.Cmd {
		return c.run(func(ctx context.Context) tea.Msg {
			info, err := c.Svc.RevokeToken(ctx, c.Caller, r.SessionID, r.TokenID)
			return tokenRevokedMsg{token: info, err: err}
		})
	})
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
		case review.TokenRevoked:
			stateStyle = st.Error
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
	if v, ok := t.questionView(); ok {
		return v
	}
	left := st.Section.Render("Share tokens minted here") + st.Muted.Render(fmt.Sprintf(" · newest first · %d, %d active", len(t.list.All()), active))
	return t.list.View(left, "")
}
