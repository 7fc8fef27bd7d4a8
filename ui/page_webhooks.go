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
// first: event, destination, state, attempts and the last response.
type webhooksTab struct {
	liveState
	c          *Common
	table      *widget.Table
	rows       []review.DeliveryInfo
	failedOnly bool
	loading    bool
	ready      bool
	poll       int // the polling chain that counts (one while shown)
	w, h       int
}

type (
	deliveriesMsg struct {
		gen  int
		rows []review.DeliveryInfo
		err  error
	}
	webhooksPollMsg struct{ n int }
)

func (webhooksPollMsg) shownOnly() {}

func newWebhooksTab(c *Common) *webhooksTab {
	t := &webhooksTab{c: c}
	t.table = widget.NewTable([]widget.Column{
		{Title: "queued", Width: 11},
		{Title: "event", Width: 14},
		{Title: "destination", Width: 14, Flex: 1},
		{Title: "state", Width: 9},
		{Title: "tries", Width: 5, Right: true},
		{Title: "last response", Width: 14, Flex: 1},
	}, c.Styles.Table)
	t.table.Empty = "no webhook deliveries yet"
	return t
}

func (t *webhooksTab) Title() string   { return "Webhooks" }
func (t *webhooksTab) Capturing() bool { return false }
func (t *webhooksTab) Loading() bool   { return t.loading }
func (t *webhooksTab) Init() tea.Cmd   { return t.Activate() }

func (t *webhooksTab) awaitingData() bool { return t.loading && !t.ready }
func (t *webhooksTab) SetSize(w, h int)   { t.w, t.h = w, h; t.table.SetSize(w, h-1) }

// Activate reloads and keeps reading the deliveries while the tab shows.
func (t *webhooksTab) Activate() tea.Cmd {
	t.poll++
	return tea.Batch(t.load(true), t.c.tick(webhooksEvery, webhooksPollMsg{t.poll}))
}

// Refresh reloads the shown list when a change queued new events.
func (t *webhooksTab) Refresh(set *changeSet, shown bool) tea.Cmd {
	return t.onChange(set, shown, sessionChanges, func() tea.Cmd { return t.load(false) })
}

func (t *webhooksTab) Help() ([]key.Binding, [][]key.Binding) {
	k := t.c.Keys
	return []key.Binding{k.Open, k.Failed, k.Refresh},
		[][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown}, {k.Open, k.Failed, k.Back, k.Refresh}}
}

func (t *webhooksTab) load(spin bool) tea.Cmd {
	gen := t.bump()
	t.loading = t.loading || spin
	c, failed := t.c, t.failedOnly
	return c.run(func(ctx context.Context) tea.Msg {
		rows, err := c.Svc.Deliveries(ctx, c.Caller, failed, deliveriesLimit)
		return deliveriesMsg{gen: gen, rows: rows, err: err}
	})
}

func (t *webhooksTab) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case deliveriesMsg:
		if msg.gen != t.gen {
			return nil
		}
		t.loading, t.ready = false, true
		if msg.err != nil {
			return t.c.failure("loading webhook deliveries", msg.err)
		}
		t.apply(msg.rows)
	case webhooksPollMsg:
		// Only while the tab is shown (shownOnly); a chain that was
		// replaced (the tab shown again) stops.
		if msg.n != t.poll {
			return nil
		}
		return tea.Batch(t.load(false), t.c.tick(webhooksEvery, webhooksPollMsg{t.poll}))
	case tea.KeyMsg:
		return t.handleKey(msg)
	}
	return nil
}

func (t *webhooksTab) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := t.c.Keys
	if navigate(t.table, k, msg) {
		return nil
	}
	switch {
	case key.Matches(msg, k.Open):
		if len(t.rows) > 0 {
			d := t.rows[t.table.Cursor()]
			return t.c.push(newTextPage(t.c, "Delivery of "+shortID(d.EventID.String()), deliveryText(t.c, d)))
		}
	case key.Matches(msg, k.Failed):
		t.failedOnly = !t.failedOnly
		t.table.Top()
		return t.load(true)
	case key.Matches(msg, k.Back):
		if t.failedOnly {
			t.failedOnly = false
			return t.load(true)
		}
	case key.Matches(msg, k.Refresh):
		return t.load(true)
	}
	return nil
}

// apply shows rows, keeping the cursor on its delivery.
func (t *webhooksTab) apply(rows []review.DeliveryInfo) {
	st := t.c.Styles
	from := t.table.Cursor()
	to := from
	if from < len(t.rows) {
		was := t.rows[from]
		to = indexOf(rows, func(d review.DeliveryInfo) bool {
			return d.EventID == was.EventID && d.DestinationID == was.DestinationID
		}, from)
	}
	t.rows = rows
	out := make([]widget.Row, len(rows))
	for i, d := range rows {
		stateStyle := st.Muted
		switch d.State {
		case "delivered":
			stateStyle = st.OK
		case "failed":
			stateStyle = st.Error
		case "pending":
			stateStyle = st.Review
		}
		out[i] = widget.Row{
			Cells: []string{t.c.short(d.QueuedAt), d.WebhookType, destinationName(d), d.State, fmt.Sprint(d.Attempts),
				lastResponse(d)},
			Styles: []lipgloss.Style{st.Muted, st.Plain, st.Plain, stateStyle, st.Muted, st.Muted},
		}
	}
	t.table.SetRows(out)
	t.table.Follow(from, to)
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
	if t.failedOnly {
		what = "failed deliveries"
	}
	left := st.Section.Render("Webhooks") + st.Muted.Render(fmt.Sprintf(" · %s, newest first · %d", what, len(t.rows)))
	right := st.Muted.Render("f failed only")
	if t.failedOnly {
		right = st.Muted.Render("filter ") + st.Accent.Render("failed") + st.Muted.Render(" (f or esc clears)")
	}
	return joinEnds(left, right, t.w) + "\n" + t.table.View()
}
