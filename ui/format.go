package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textinput"

	"handoff/domain"
)

// newInput is a one-line text field in the program's styles, with a
// steady cursor (a blinking one would keep redrawing every SSH session).
func (c *Common) newInput(prompt, placeholder string, limit int) textinput.Model {
	st := c.Styles
	in := textinput.New()
	in.Prompt = prompt
	in.Placeholder = placeholder
	in.CharLimit = limit
	in.PromptStyle = st.InputPrompt
	in.TextStyle = st.InputText
	in.PlaceholderStyle = st.Placeholder
	in.Cursor.Style = st.Cursor
	in.Cursor.TextStyle = st.InputText
	in.Cursor.SetMode(cursor.CursorStatic)
	return in
}

// stamp is a time as the workstation shows it: "2026-01-02 15:04".
func (c *Common) stamp(t time.Time) string { return t.In(c.Loc).Format("2006-01-02 15:04") }

// clock is a time of day: "15:04".
func (c *Common) clock(t time.Time) string { return t.In(c.Loc).Format("15:04") }

// short is a compact time: "01-02 15:04".
func (c *Common) short(t time.Time) string { return t.In(c.Loc).Format("01-02 15:04") }

// age is how long ago t was: "3d 4h", "2h 05m", "12m", "40s".
func age(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%dd %dh", int(d.Hours())/24, int(d.Hours())%24)
	case d >= time.Hour:
		return fmt.Sprintf("%dh %02dm", int(d.Hours()), int(d.Minutes())%60)
	case d >= time.Minute:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	}
	return fmt.Sprintf("%ds", int(d.Seconds()))
}

// relative says when t is from now: "in 42m" or "3h 05m ago".
func relative(t, now time.Time) string {
	if t.After(now) {
		return "in " + age(t.Sub(now))
	}
	return age(now.Sub(t)) + " ago"
}

// countdown is a remaining lifetime as a clock: "59:58", "23:59:58".
func countdown(d time.Duration) string {
	if d <= 0 {
		return "0:00"
	}
	s := int(d.Round(time.Second).Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// ttlLabel names a lifetime in words: "1 hour", "90 seconds".
func ttlLabel(sec int) string {
	switch {
	case sec%86400 == 0:
		return plural(sec/86400, "day")
	case sec%3600 == 0:
		return plural(sec/3600, "hour")
	case sec%60 == 0:
		return plural(sec/60, "minute")
	}
	return plural(sec, "second")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// sessionLabel names a session for dialogs: "#12 KYC harbor-user-0101".
func sessionLabel(s domain.Session) string {
	out := fmt.Sprintf("#%d %s", s.Number, s.Kind.Label())
	if s.VendorData != "" {
		out += " " + s.VendorData
	}
	return out
}

// shortID is the first eight characters of a uuid, as git shows hashes.
func shortID(s string) string {
	if len(s) > 8 {
		return s[:8]
	}
	return s
}

// clean removes control characters (escape sequences included) from text
// that came from elsewhere — partner payloads, application names — so it
// cannot drive the analyst's terminal.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, s)
}

func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
