package widget

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// SetFilter applies a filter: in memory, or by reading again.
func (l *Listing[T]) SetFilter(text string) tea.Cmd {
	f, err := l.accept(text)
	if err != nil {
		return l.cfg.Fail("filtering "+l.cfg.What, err)
	}
	return l.apply(f)
}

func (l *Listing[T]) accept(text string) (string, error) {
	if l.cfg.Accept == nil {
		return strings.TrimSpace(text), nil
	}
	return l.cfg.Accept(text)
}

func (l *Listing[T]) apply(f string) tea.Cmd {
	l.filter = f
	l.table.Empty = l.cfg.Empty
	if f != "" {
		l.table.Empty = l.cfg.NoMatch(f)
	}
	if l.cfg.Match != nil {
		l.replace(l.all)
		return nil
	}
	return l.Reload()
}

func (l *Listing[T]) listKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	k, tb := &l.cfg.Keys, l.table
	l.toEnd = false // any key stops G's reading on
	switch {
	case key.Matches(msg, k.Up):
		tb.Move(-1)
	case key.Matches(msg, k.Down):
		tb.Move(1)
	case key.Matches(msg, k.PageUp):
		tb.Move(-tb.PageSize())
	case key.Matches(msg, k.PageDown):
		tb.Move(tb.PageSize())
	case key.Matches(msg, k.Top):
		tb.Top()
	case key.Matches(msg, k.Bottom):
		// The real end, not the end of what is held: pages are read on
		// until the last (a key stops it).
		tb.Bottom()
		l.toEnd = l.cfg.Keyset != nil && !l.done
	case key.Matches(msg, k.Filter):
		l.filtering, l.inputErr = true, ""
		l.input.SetValue(l.filter)
		l.input.CursorEnd()
		return l.input.Focus(), true
	case key.Matches(msg, k.Refresh):
		return l.Reload(), true
	case key.Matches(msg, k.Clear) && l.filter != "":
		return l.SetFilter(""), true
	default:
		return nil, false
	}
	return l.more(), true
}

// promptKey handles a key typed in the open prompt.
func (l *Listing[T]) promptKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, l.cfg.Keys.Cancel):
		l.close()
		return nil
	case key.Matches(msg, l.cfg.Keys.Apply):
		f, err := l.accept(l.input.Value())
		if err != nil {
			l.inputErr = err.Error()
			return nil
		}
		l.close()
		return l.apply(f)
	}
	var cmd tea.Cmd
	l.input, cmd = l.input.Update(msg)
	return cmd
}

func (l *Listing[T]) close() {
	l.filtering, l.inputErr = false, ""
	l.input.Blur()
}
