// Package ui is the review workstation: a keyboard-driven Bubble Tea
// program over the review use cases. One Model serves one analyst in one
// terminal; the SSH server runs many in one process, so everything a
// program needs lives in its own Common bundle and nothing in package
// state.
package ui

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/review"
	"handoff/ui/widget/picture"
)

// Options configure one program.
type Options struct {
	// Renderer draws this program's styles: the terminal's, or an SSH
	// session's. Nil draws without colour.
	Renderer *lipgloss.Renderer
	// Output is the terminal the program draws on; the clipboard escape
	// sequence (OSC 52) is written to it. Nil discards it.
	Output io.Writer
	// Environ is the terminal's environment ("TERM=…", "TMUX=…"): inside
	// tmux or screen the clipboard sequence is wrapped for them.
	Environ []string
	// Now is the clock (tests fix it). Nil is time.Now.
	Now func() time.Time
	// Location displays times; nil is time.Local.
	Location *time.Location
	// Logger receives the causes behind the friendly error lines.
	Logger *slog.Logger
	// Theme overrides the colours.
	Theme *Theme
	// Apps limits the applications the analyst may switch to (A); nil
	// offers every application.
	Apps []uuid.UUID
	// Static turns off timers (spinner frames, the token countdown, claim
	// renewals, the safety refresh) and the background wait for live
	// changes, so tests drive time and changes themselves.
	Static bool
	// ExportDir is where p on a case writes its PDF; empty is the
	// system's temporary folder.
	ExportDir string
	// Images forces how pictures are drawn (kitty, iterm2, sixel, blocks,
	// text, off); empty decides from Environ and Answers.
	Images string
	// Answers are the terminal's replies to picture.Query (picture.Probe,
	// ProbeTTY); nil when it was not asked or did not answer.
	Answers *picture.Answers
	// Tab is the tab the program opens on (TabNames); empty is Sessions.
	// Later workspaces (after switching application) open on Sessions.
	Tab string
	// Tour, when set, offers the demo's guided tour (tour.go).
	Tour *Tour

	tour     *tour             // the tour's progress, kept across application switches
	pictures *picture.Renderer // one per program, kept across application switches
}

// Common is the per-program bundle every page is built with: the review
// service and the analyst acting, the application, styles, keys, the
// current size and the terminal output. One per workspace (a program, and
// again after each application switch), never shared.
type Common struct {
	// Ctx ends when the program quits or switches application: it ends the
	// workspace's live subscription and its calls in flight.
	Ctx    context.Context
	Svc    *review.Service
	Caller domain.Caller
	App    domain.Application
	// Settings are the application's review settings (four-eyes, service
	// level), kept fresh by the root.
	Settings domain.AppSettings
	Styles   *Styles
	Keys     *KeyMap
	Out      io.Writer
	Now      func() time.Time
	Loc      *time.Location
	Log      *slog.Logger
	Static   bool

	Width, Height int

	pictures *picture.Renderer
	opts     Options
	parent   context.Context // the program's context, for the next workspace
	cancel   context.CancelFunc
	nav      []navOp // views to open or close, applied by the root after the current update
}

// navOp opens a view (p) or closes the top one (p == nil).
type navOp struct{ p page }

// push opens p over the current view as soon as the current update ends,
// so that keys typed ahead already reach it.
func (c *Common) push(p page) tea.Cmd {
	c.nav = append(c.nav, navOp{p})
	return nil
}

// pop closes the top view as soon as the current update ends.
func (c *Common) pop() tea.Cmd {
	c.nav = append(c.nav, navOp{})
	return nil
}

func newCommon(ctx context.Context, svc *review.Service, caller domain.Caller, app domain.Application, opts Options) *Common {
	if opts.Renderer == nil {
		opts.Renderer = lipgloss.NewRenderer(io.Discard)
	}
	if opts.Output == nil {
		opts.Output = io.Discard
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.pictures == nil {
		opts.pictures = pictures(opts)
	}
	theme := DefaultTheme()
	if opts.Theme != nil {
		theme = *opts.Theme
	}
	wctx, cancel := context.WithCancel(ctx)
	return &Common{Ctx: wctx, Svc: svc, Caller: caller, App: app, Styles: NewStyles(opts.Renderer, theme),
		Keys: DefaultKeyMap(), Out: opts.Output, Now: opts.Now, Loc: opts.Location, Log: opts.Logger,
		Static: opts.Static, Width: 80, Height: 24, pictures: opts.pictures, opts: opts, parent: ctx, cancel: cancel}
}

// asyncMsg carries the result of a call made off the update loop, tagged
// with the program bundle that made it: after an application switch, late
// answers meant for the previous workspace are dropped.
type asyncMsg struct {
	c   *Common
	msg tea.Msg
}

// run calls fn off the update loop and delivers its message.
func (c *Common) run(fn func(ctx context.Context) tea.Msg) tea.Cmd {
	return func() tea.Msg { return asyncMsg{c: c, msg: fn(c.Ctx)} }
}

// tick delivers msg after d, unless the program is static.
func (c *Common) tick(d time.Duration, msg tea.Msg) tea.Cmd {
	if c.Static {
		return nil
	}
	return tea.Tick(d, func(time.Time) tea.Msg { return asyncMsg{c: c, msg: msg} })
}

// later delivers msg after d; a static program gets it at once (for one-off
// delays such as coalescing, which tests must not wait for).
func (c *Common) later(d time.Duration, msg tea.Msg) tea.Cmd {
	if c.Static {
		return cmdOf(asyncMsg{c: c, msg: msg})
	}
	return c.tick(d, msg)
}

// detached is a context for clean-up calls (releasing claims) that must
// run even when the workspace's context has just ended.
func (c *Common) detached() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(c.Ctx), 5*time.Second)
}

// Messages between pages and the root model.
type (
	// statusMsg sets the status line.
	statusMsg struct {
		text string
		err  bool
	}
	// pushMsg opens a view over the current one; popMsg closes the top
	// (the same as Common.push and pop, as messages).
	pushMsg struct{ p page }
	popMsg  struct{}
	// changedMsg says data changed (a share, import or decision): the
	// header counts and the lists reload.
	changedMsg struct{}
	// switchAppMsg asks for the workstation of another application.
	switchAppMsg struct{ app domain.Application }
)

// ShutdownMsg tells the program that its server is going away: it says so
// and quits.
type ShutdownMsg struct{}

// IdleMsg tells the program that nobody has typed in it for After: it says
// so, releases the analyst's claims and quits.
type IdleMsg struct{ After time.Duration }

func cmdOf(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

func status(text string) tea.Cmd { return cmdOf(statusMsg{text: text}) }

// failure reports err on the status line.
func (c *Common) failure(what string, err error) tea.Cmd {
	return cmdOf(statusMsg{text: c.explain(what, err), err: true})
}

// explain turns an error into a line an analyst can read; refusals from
// the review use cases carry their own message, anything else is logged in
// full and summarised.
func (c *Common) explain(what string, err error) string {
	if err == nil {
		return ""
	}
	var de *domain.Error
	if errors.As(err, &de) {
		if de.Code == domain.CodeUnavailable {
			// The store's verdict: down, unreachable or too slow. Retrying
			// is the analyst's move; the cause is for the log.
			c.Log.Warn(what, "err", de.Cause, "app", c.App.ID, "analyst", c.Caller.Analyst)
			return what + ": the database is unavailable; press r to retry"
		}
		return de.Error()
	}
	if errors.Is(err, context.Canceled) {
		return what + ": cancelled"
	}
	c.Log.Error(what, "err", err, "app", c.App.ID, "analyst", c.Caller.Analyst)
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return what + ": database error (" + msg + ")"
}
