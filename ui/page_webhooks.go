package ui

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"handoff/review"
	"handoff/ui/widget"
)

const (
	deliveriesLimit = 200
	// webhooksEvery is how often the shown tab reads the deliveries again:
	// attempts are made by the deliverers, which announce nothing.
	webhooksEvery = 5 * time.Second
)

// webhooksTab lists the application's recent webhook deliveries, newest
// first: event, destination, state, attempts and the last response. Its
// one filter, failed only, is set with f (no prompt).
type webhooksTab struct {
	listTab[review.DeliveryInfo]
	poll int // the polling chain that counts (one while shown)
}

// failedOnly is the webhooks tab's filter.
const failedOnly = "failed"

type webhooksPollMsg struct{ n int }

func (webhooksPollMsg) shownOnly() {}

func newWebhooksTab(c *Common) *webhooksTab {
	t := &webhooksTab{}
	t.listTab = listTab[review.DeliveryInfo]{c: c, changes: sessionChanges, handle: t.handle}
	t.short, t.full = c.Keys.Webhooks.help(c.Keys.List)
	cfg := listConfig[review.DeliveryInfo](c, "webhook deliveries")
	cfg.Keys.Filter = key.Binding{} // no prompt
	cfg.Columns = []widget.Column{
		{Title: "queued", Width: 11},
		{Title: "event", Width: 14},
		{Title: "destination", Width: 14, Flex: 1},
		{Title: "state", Width: 9},
		{Title: "tries", Width: 5, Right: true},
		{Title: "last response", Width: 14, Flex: 1},
	}
	cfg.Empty = "no webhook deliveries yet"
	cfg.Read = func(q widget.Query) func(context.Context) ([]review.DeliveryInfo, error) {
		return func(ctx context.Context) ([]review.DeliveryInfo, error) {
			return c.Svc.Deliveries(ctx, c.Caller, q.Filter == failedOnly, q.Limit)
		}
	}
	cfg.Drawer = func() func(review.DeliveryInfo) widget.Row { return t.row }
	cfg.Same = func(a, b review.DeliveryInfo) bool {
		return a.EventID == b.EventID && a.DestinationID == b.DestinationID
	}
	cfg.PageSize = deliveriesLimit
	cfg.ClearHint = "f or esc clears"
	cfg.NoMatch = func(string) string { return "no failed deliveries (f or esc shows all)" }
	t.list = widget.NewListing(cfg)
	return t
}

func (t *webhooksTab) Title() string { return "Webhooks" }
func (t *webhooksTab) Init() tea.Cmd { return t.Activate() }

// Activate reloads and keeps reading the deliveries while the tab shows.
func (t *webhooksTab) Activate() tea.Cmd {
	t.poll++
	return tea.Batch(t.list.Reload(), t.c.tick(webhooksEvery, webhooksPollMsg{t.poll}))
}

func (t *webhooksTab) handle(msg tea.Msg) tea.Cmd {
	k := t.c.Keys.Webhooks
	switch msg := msg.(type) {
	case webhooksPollMsg:
		// Only while the tab is shown (shownOnly); a chain that was
		// replaced (the tab shown again) stops.
		if msg.n != t.poll {
			return nil
		}
		return tea.Batch(t.list.Refresh(), t.c.tick(webhooksEvery, webhooksPollMsg{t.poll}))
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.Open):
			if d, ok := t.list.Selected(); ok {
				return t.c.push(newTextPage(t.c, "Delivery of "+shortID(d.EventID.String()), deliveryText(t.c, d)))
			}
		case key.Matches(msg, k.Failed):
			t.list.Table().Top()
			if t.list.Filter() == failedOnly {
				return t.list.SetFilter("")
			}
			return t.list.SetFilter(failedOnly)
		}
	}
	return nil
}

func (t *webhooksTab) row(d review.DeliveryInfo) widget.Row {
	st := t.c.Styles
	state := st.Muted
	if s, ok := map[string]lipgloss.Style{"delivered": st.OK, "failed": st.Error, "pending": st.Review}[d.State]; ok {
		state = s
	}
	return widget.Row{
		Cells: []string{t.c.short(d.QueuedAt), d.WebhookType, destinationName(d), d.State, fmt.Sprint(d.Attempts),
			lastResponse(d)},
		Styles: []lipgloss.Style{st.Muted, st.Plain, st.Plain, state, st.Muted, st.Muted},
	}
}

// destinationName is a destination's label, else its host and path.
func destinationName(d review.DeliveryInfo) string {
	if d.Label != "" {
		return clean(d.Label)
	}
	if u, err := url.Parse(d.URL); err == nil && u.Host != "" {
		return clean(u.Host + u.Path)
	}
	return clean(d.URL)
}

// lastResponse is what the destination last answered: "200", "503: …",
// or the error when nothing came back.
func lastResponse(d review.DeliveryInfo) string {
	var parts []string
	if d.LastStatusCode != 0 {
		parts = append(parts, fmt.Sprint(d.LastStatusCode))
	}
	if d.LastError != "" {
		parts = append(parts, clean(strings.ReplaceAll(d.LastError, "\n", " ")))
	}
	if len(parts) == 0 && d.Attempts == 0 {
		return "not tried yet"
	}
	return strings.Join(parts, ": ")
}

// deliveryText is one delivery in full.
func deliveryText(c *Common, d review.DeliveryInfo) string {
	st := c.Styles
	var b strings.Builder
	row := func(k, v string) { b.WriteString(st.Label.Render(widget.Fit(k, 14, false)) + " " + v + "\n") }
	row("event", d.EventID.String())
	row("type", d.WebhookType)
	if d.SessionID != nil {
		row("session_id", d.SessionID.String())
	}
	row("destination", clean(d.URL))
	if d.Label != "" {
		row("label", clean(d.Label))
	}
	row("state", d.State)
	row("attempts", fmt.Sprint(d.Attempts))
	row("event at", c.stamp(d.EventAt))
	row("queued", c.stamp(d.QueuedAt))
	switch {
	case d.DeliveredAt != nil:
		row("delivered", c.stamp(*d.DeliveredAt))
	case d.State == "pending":
		row("next attempt", c.stamp(d.NextAttemptAt))
	}
	if d.LastStatusCode != 0 {
		row("last status", fmt.Sprint(d.LastStatusCode))
	}
	if d.LastError != "" {
		b.WriteString("\n" + st.Section.Render("last error") + "\n" + clean2(d.LastError) + "\n")
	}
	return b.String()
}

func (t *webhooksTab) View() string {
	st := t.c.Styles
	what := "recent deliveries"
	if t.list.Filter() == failedOnly {
		what = "failed deliveries"
	}
	left := st.Section.Render("Webhooks") + st.Muted.Render(fmt.Sprintf(" · %s, newest first · %d", what, len(t.list.Items())))
	return t.list.View(left, st.Muted.Render("f failed only"))
}
