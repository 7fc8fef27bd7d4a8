package ui

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"handoff/domain"
	"handoff/ui/widget/picture"
)

// pictures is the program's picture renderer: the mode forced by
// Options.Images, else the one the terminal's environment and its answers
// to the capability queries suggest.
func pictures(opts Options) *picture.Renderer {
	if opts.Images != "" {
		if m, err := picture.ParseMode(opts.Images); err == nil {
			return picture.New(m)
		}
	}
	env := map[string]string{}
	for _, kv := range opts.Environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	return picture.New(picture.Decide(func(k string) string { return env[k] }, opts.Answers))
}

// evidence writes the case's pictures: the document portrait beside the
// selfie with the face-match score between them, then the document front,
// or the registry extract of a business. A session without media writes
// nothing.
func (p *detailPage) evidence(r *checkRenderer, s domain.Session) {
	if len(p.media) == 0 || r.width < 40 {
		return
	}
	st := p.c.Styles
	by := map[string][]byte{}
	for _, m := range p.media {
		by[m.Name] = m.Data
	}
	pics := p.c.pictures
	r.section("evidence", "Evidence", "")
	if reg, ok := by[domain.MediaRegistry]; ok {
		cols := min(r.width-2, 48)
		r.block(2, pics.Render(domain.MediaRegistry, reg, cols, cols*5/8))
		r.line(0, "")
		return
	}
	portrait, hasP := by[domain.MediaPortrait]
	selfie, hasS := by[domain.MediaSelfie]
	if hasP && hasS {
		cols := min((r.width-2-14)/2, 24)
		rows := cols * 5 / 8
		score := st.Muted.Render("face match") + "\n" + faceScore(st, s.Checks)
		mid := lipgloss.NewStyle().Width(12).Align(lipgloss.Center).Render(score)
		mid = lipgloss.PlaceVertical(rows, lipgloss.Center, mid)
		r.line(2, st.Muted.Render(fmt.Sprintf("%-*s%12s  %s", cols, "document portrait", "", "selfie")))
		r.block(2, lipgloss.JoinHorizontal(lipgloss.Top, pics.Render(domain.MediaPortrait, portrait, cols, rows),
			" ", mid, " ", pics.Render(domain.MediaSelfie, selfie, cols, rows)))
	}
	if front, ok := by[domain.MediaFront]; ok {
		cols := min(r.width-2, 56)
		r.line(2, st.Muted.Render("document front"))
		r.block(2, pics.Render(domain.MediaFront, front, cols, cols*216/344/2))
	}
	r.line(0, "")
}

// faceScore is face_matches[0].score, coloured against the threshold.
func faceScore(st *Styles, c domain.Checks) string {
	var fm []struct {
		Score *float64 `json:"score"`
	}
	if json.Unmarshal(c.Family("face_matches"), &fm) != nil || len(fm) == 0 || fm[0].Score == nil {
		return st.Muted.Render("no score")
	}
	text := fmt.Sprintf("%.2f", *fm[0].Score)
	if *fm[0].Score < domain.DefaultThresholds.FaceMatch {
		return st.Error.Render(text + " ✗")
	}
	return st.OK.Render(text + " ✓")
}

// block writes a multi-line block, each line indented.
func (r *checkRenderer) block(indent int, s string) {
	for _, l := range strings.Split(s, "\n") {
		r.line(indent, l)
	}
}
