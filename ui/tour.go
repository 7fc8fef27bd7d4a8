package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/google/uuid"

	"handoff/domain"
)

// Tour is the guided tour of the demo: a small panel under the body that
// says what to do next and moves on when it has been done. It never takes
// a key but its own (t, which shows and hides it, and starts it over once
// it is done), so the workstation works exactly as without it.
type Tour struct {
	// Issuer and Partner name the demo's two applications; Receiver is
	// the label of the partner's webhook destination for the demo's own
	// receiver.
	Issuer, Partner, Receiver string
	// Hidden starts the tour hidden (t shows it).
	Hidden bool
}

// tour is the tour's progress, one per program: it outlives the
// workspaces of application switches, as Options does.
type tour struct {
	cfg    Tour
	shown  bool
	step   int
	shared bool      // a token for the partner was minted (step share)
	clone  uuid.UUID // the session that step import made
}

func newTour(cfg Tour) *tour { return &tour{cfg: cfg, shown: !cfg.Hidden} }

// tourStep is one thing to do, and how the root model tells it was done:
// from the message just handled, or from what the workstation now shows.
type tourStep struct {
	text func(t *tour) string
	done func(m *Model, msg tea.Msg, t *tour) bool
}

// tourSteps are the steps in order (a function: the steps read the model,
// whose layout reads them).
func tourSteps() []tourStep {
	return []tourStep{
		{func(t *tour) string {
			return "Open the oldest case in " + t.cfg.Partner + "'s imports queue (2, then enter on the first row) and read its findings."
		}, func(m *Model, _ tea.Msg, t *tour) bool {
			p, ok := m.focused().(*detailPage)
			return ok && m.c.App.Name == t.cfg.Partner && p.sess != nil && p.sess.Imported() &&
				strings.Contains(m.screen(), "Findings")
		}},
		{func(*tour) string {
			return "Look at the evidence side by side: scroll down (j, pgdn) to the document portrait beside the selfie and the face-match score."
		}, func(m *Model, _ tea.Msg, _ *tour) bool {
			s := m.screen()
			return strings.Contains(s, "document portrait") && strings.Contains(s, "face match")
		}},
		{func(t *tour) string {
			return "Switch to " + t.cfg.Issuer + ": esc to leave the case, then A and pick it."
		}, func(m *Model, _ tea.Msg, t *tour) bool { return m.c.App.Name == t.cfg.Issuer }},
		{func(t *tour) string {
			return "Share a finished session with " + t.cfg.Partner + ": s on a session (1), pick " + t.cfg.Partner + " and a lifetime, confirm."
		}, func(m *Model, msg tea.Msg, t *tour) bool {
			minted, ok := msg.(mintedMsg)
			t.shared = t.shared || ok && minted.err == nil && minted.page.partner.Name == t.cfg.Partner
			return t.shared
		}},
		{func(*tour) string { return "Copy the token: c." }, func(m *Model, msg tea.Msg, _ *tour) bool {
			k, ok := msg.(tea.KeyMsg)
			p, on := m.focused().(*sharePage)
			return ok && on && p.minted != nil && key.Matches(k, m.c.Keys.Dialog.Copy)
		}},
		{func(t *tour) string {
			return "Switch back to " + t.cfg.Partner + " (esc, A) and import the token: i on the queue (2), paste it, pick the workflow, leave trust_review off, confirm."
		}, func(m *Model, msg tea.Msg, t *tour) bool {
			imp, ok := msg.(importedMsg)
			if ok && imp.err == nil && m.c.App.Name == t.cfg.Partner && imp.sess.Status.Phase() == domain.PhaseInReview {
				t.clone = imp.sess.ID
			}
			return t.clone != uuid.Nil
		}},
		{func(*tour) string {
			return "Decline it with a reason: open it from the queue (enter), d, pick a reason, write a note, confirm."
		}, func(m *Model, msg tea.Msg, t *tour) bool {
			d, ok := msg.(decidedMsg)
			return ok && d.err == nil && d.sess.ID == t.clone && d.sess.Status.Phase() == domain.PhaseDeclined
		}},
		{func(*tour) string {
			return "The case's timeline now ends with your decline. Press esc, then 4: the Audit tab verifies the whole chain."
		}, func(m *Model, _ tea.Msg, _ *tour) bool {
			a, ok := m.focused().(*auditTab)
			return ok && a.chain != nil && a.chain.Break == nil && a.chainErr == nil && !a.verifying
		}},
		{func(t *tour) string {
			return "Press 5: the signed status.updated webhook of your decline is delivered to " + t.cfg.Receiver + ", which checked its signature (it may take a few seconds)."
		}, func(m *Model, _ tea.Msg, t *tour) bool {
			w, ok := m.focused().(*webhooksTab)
			if !ok {
				return false
			}
			for _, d := range w.list.Items() {
				if d.SessionID != nil && *d.SessionID == t.clone && d.Label == t.cfg.Receiver && d.State == "delivered" {
					return true
				}
			}
			return false
		}},
	}
}

// observeTour moves the tour on when msg, just handled, did its step (a
// step may be done by what the next one asks too: each is checked in turn).
func (m *Model) observeTour(msg tea.Msg) {
	t := m.c.opts.tour
	if t == nil || !t.shown {
		return
	}
	if a, ok := msg.(asyncMsg); ok {
		msg = a.msg
	}
	before, steps := t.step, tourSteps()
	for t.step < len(steps) && steps[t.step].done(m, msg, t) {
		t.step++
	}
	if t.step != before {
		m.resize(m.c.Width, m.c.Height) // the panel's height may change
	}
}

// toggleTour shows or hides the tour; showing a finished one starts it
// over.
func (m *Model) toggleTour() {
	t := m.c.opts.tour
	t.shown = !t.shown
	if t.shown && t.step >= len(tourSteps()) {
		*t = tour{cfg: t.cfg, shown: true}
	}
	m.resize(m.c.Width, m.c.Height)
	m.observeTour(nil) // what is on screen may be the step already done
}

// screen is the focused view as drawn now, without colours.
func (m *Model) screen() string {
	w, h := m.bodySize()
	return ansi.Strip(fitBlock(m.focused().View(), w, h))
}

// tourView is the tour's panel, or "" when it is hidden.
func (m *Model) tourView() string {
	t := m.c.opts.tour
	if t == nil || !t.shown {
		return ""
	}
	st := m.c.Styles
	hint := m.c.Keys.Global.Tour.Help().Key + " hides"
	var title, text string
	if steps := tourSteps(); t.step < len(steps) {
		title = fmt.Sprintf("Tour %d/%d", t.step+1, len(steps))
		text = steps[t.step].text(t)
	} else {
		title, text = "Tour done", "That is the whole story: share, import, review, audit, webhook."
		hint = m.c.Keys.Global.Tour.Help().Key + " hides; again starts over"
	}
	inner := max(m.c.Width-4, 10)
	body := st.Accent.Render(title) + st.Muted.Render(" · "+hint) + "\n" + st.R.NewStyle().Width(inner).Render(text)
	return st.R.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(st.Accent.GetForeground()).
		Padding(0, 1).Width(m.c.Width - 2).Render(body)
}

// tourHeight is the panel's height in lines (0 when hidden).
func (m *Model) tourHeight() int {
	if v := m.tourView(); v != "" {
		return lipgloss.Height(v)
	}
	return 0
}
