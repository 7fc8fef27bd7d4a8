package ui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"

	"handoff/domain"
	"handoff/ui/widget"
)

// Theme names the workstation's colours by what they mean. The defaults
// are the terminal's own ANSI colours, so they follow the user's palette
// on dark and light backgrounds alike.
type Theme struct {
	Accent   lipgloss.TerminalColor
	Muted    lipgloss.TerminalColor
	Approved lipgloss.TerminalColor
	Declined lipgloss.TerminalColor
	InReview lipgloss.TerminalColor
	Error    lipgloss.TerminalColor
	Warning  lipgloss.TerminalColor
}

// DefaultTheme is the theme handoff ships with.
func DefaultTheme() Theme {
	return Theme{
		Accent:   lipgloss.Color("6"), // cyan
		Muted:    lipgloss.Color("8"), // bright black
		Approved: lipgloss.Color("2"), // green
		Declined: lipgloss.Color("1"), // red
		InReview: lipgloss.Color("3"), // yellow
		Error:    lipgloss.Color("9"), // bright red
		Warning:  lipgloss.Color("11"),
	}
}

// Styles are every style the workstation draws with, built once per
// program from its renderer (so over SSH each client gets its own colour
// profile, and NO_COLOR turns colours off).
type Styles struct {
	R *lipgloss.Renderer

	Plain, Title, Muted, Accent, Bold lipgloss.Style
	Approved, Declined, Review        lipgloss.Style
	Error, Warning, OK                lipgloss.Style

	Header, Tab, ActiveTab lipgloss.Style
	Section, Label         lipgloss.Style
	StatusInfo, StatusErr  lipgloss.Style
	InputPrompt, InputText lipgloss.Style
	Placeholder, Cursor    lipgloss.Style

	Table   widget.TableStyles
	Listing widget.ListingStyles
	List    widget.ListStyles
	Dialog  widget.DialogStyles
	Help    help.Styles
}

// NewStyles builds the styles for theme on renderer r.
func NewStyles(r *lipgloss.Renderer, t Theme) *Styles {
	ns := r.NewStyle
	s := &Styles{R: r}
	s.Plain = ns()
	s.Title = ns().Bold(true).Foreground(t.Accent)
	s.Muted = ns().Foreground(t.Muted)
	s.Accent = ns().Foreground(t.Accent)
	s.Bold = ns().Bold(true)
	s.Approved = ns().Foreground(t.Approved)
	s.Declined = ns().Foreground(t.Declined)
	s.Review = ns().Foreground(t.InReview)
	s.Error = ns().Foreground(t.Error).Bold(true)
	s.Warning = ns().Foreground(t.Warning)
	s.OK = ns().Foreground(t.Approved)

	s.Header = ns().Bold(true)
	s.Tab = ns().Foreground(t.Muted)
	s.ActiveTab = ns().Bold(true).Foreground(t.Accent).Underline(true)
	s.Section = ns().Bold(true).Foreground(t.Accent)
	s.Label = ns().Foreground(t.Muted)
	s.StatusInfo = ns()
	s.StatusErr = ns().Foreground(t.Error).Bold(true)
	s.InputPrompt = ns().Foreground(t.Accent)
	s.InputText = ns()
	s.Placeholder = ns().Foreground(t.Muted)
	s.Cursor = ns().Reverse(true)

	s.Table = widget.TableStyles{
		Header:   ns().Bold(true).Foreground(t.Muted),
		Selected: ns().Reverse(true).Bold(true),
		Empty:    ns().Foreground(t.Muted).Italic(true),
	}
	s.Listing = widget.ListingStyles{Table: s.Table, Muted: s.Muted, Accent: s.Accent, Error: s.Error}
	s.List = widget.ListStyles{Item: ns(), Selected: ns().Bold(true).Foreground(t.Accent), Note: ns().Foreground(t.Muted)}
	s.Dialog = widget.DialogStyles{
		Frame: ns().Border(lipgloss.RoundedBorder()).BorderForeground(t.Accent).Padding(0, 1),
		Title: ns().Bold(true).Foreground(t.Accent),
		Hint:  ns().Foreground(t.Muted),
		Error: ns().Foreground(t.Error).Bold(true),
	}
	s.Help = help.Styles{
		ShortKey:       ns().Foreground(t.Accent),
		ShortDesc:      ns().Foreground(t.Muted),
		ShortSeparator: ns().Foreground(t.Muted),
		Ellipsis:       ns().Foreground(t.Muted),
		FullKey:        ns().Foreground(t.Accent),
		FullDesc:       ns().Foreground(t.Muted),
		FullSeparator:  ns().Foreground(t.Muted),
	}
	return s
}

// ForStatus is the colour of a session status by its meaning.
func (s *Styles) ForStatus(st domain.Status) lipgloss.Style {
	switch st.Phase() {
	case domain.PhaseApproved:
		return s.Approved
	case domain.PhaseDeclined:
		return s.Declined
	case domain.PhaseInReview:
		return s.Review
	}
	return s.Muted
}
