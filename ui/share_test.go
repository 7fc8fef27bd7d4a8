package ui

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"handoff/domain"
	"handoff/review"
)

func TestShareFlow(t *testing.T) {
	w := newWorld(t)
	w.generate(w.x, 3, domain.KindUser, domain.PhaseApproved, 4)
	h := w.open(w.x, "ana", 80, 24)

	h.press("s")
	share, ok := h.top().(*sharePage)
	if !ok {
		t.Fatalf("s opens the share dialog, got %T", h.top())
	}
	h.expectView("Share session #3", "Service Y")
	if strings.Contains(h.view(), "Service X") && strings.Contains(h.view(), "› Service X") {
		t.Fatal("an application cannot share with itself")
	}
	h.press("enter") // Service Y
	h.expectView("1 hour (default)")
	h.press("down", "down", "enter") // custom…
	if share.step != shareCustom {
		t.Fatalf("custom lifetime step, got %d", share.step)
	}
	h.typeText("59")
	h.press("enter")
	if share.step != shareCustom || !strings.Contains(share.err, "must be between 60 and 86400") {
		t.Fatalf("59 seconds is refused with the reason: step %d, %q", share.step, share.err)
	}
	h.expectView("must be between 60 and 86400")
	h.press("backspace", "backspace")
	h.typeText("86401")
	h.press("enter")
	if share.step != shareCustom {
		t.Fatal("86401 seconds is refused")
	}
	for range "86401" {
		h.press("backspace")
	}
	h.typeText("15m")
	h.press("enter")
	if share.step != shareConfirm || share.ttl != 900 {
		t.Fatalf("15m is 900 seconds, then confirm: step %d ttl %d", share.step, share.ttl)
	}
	h.expectView("for 15 minutes?")
	h.press("y")
	if share.step != shareDone || share.minted == nil {
		t.Fatalf("confirmed: the token is minted (err %q)", share.err)
	}
	h.expectView("expires in 15:00", "press c to copy")

	h.press("c")
	seq := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(share.minted.Token)) + "\a"
	if h.out.String() != seq {
		t.Fatalf("c writes the token as OSC 52 to the terminal, got %q", h.out.String())
	}
	h.clock.Set(t0.Add(61 * time.Second))
	h.send(asyncMsg{c: h.model().c, msg: countdownMsg{share}})
	h.expectView("expires in 13:59")

	toks, err := w.svc.Tokens(context.Background(), review.Analyst(w.x.ID, "ana"), 10)
	if err != nil || len(toks) != 1 || toks[0].Partner != "Service Y" || toks[0].MintedBy != "analyst:ana" ||
		!toks[0].ExpiresAt.Equal(t0.Add(15*time.Minute)) {
		t.Fatalf("the token is recorded as minted by the analyst for Y: %+v %v", toks, err)
	}
	h.press("esc")
	h.press("3")
	h.expectView("Service Y", "#3 KYC", "analyst:ana", "active")
}

func TestShareRefusesUnfinished(t *testing.T) {
	w := newWorld(t)
	s := w.generate(w.x, 1, domain.KindUser, domain.PhaseInProgress, 5)[0]
	h := w.open(w.x, "ana", 80, 24)
	h.run(shareSession(h.model().c, s))
	if st := h.status(); !st.err || !strings.Contains(st.text, "Only finished sessions can be shared") {
		t.Fatalf("the TUI says why: %+v", st)
	}
	// And the service's own refusal reads the same way when it comes late.
	p := newSharePage(h.model().c, s)
	h.send(pushMsg{p})
	h.press("enter", "enter", "y")
	if !strings.Contains(p.err, "Only finished sessions can be shared") {
		t.Fatalf("refusal from review.Share: %q", p.err)
	}
}

// Inside tmux or screen the copied token is wrapped so that the
// multiplexer hands the OSC 52 sequence to the terminal outside.
func TestCopyInsideMultiplexers(t *testing.T) {
	w := newWorld(t)
	w.generate(w.x, 1, domain.KindUser, domain.PhaseApproved, 4)
	for _, tc := range []struct {
		name       string
		env        []string
		start, end string
	}{
		{"plain", []string{"TERM=xterm-256color"}, "\x1b]52;c;", "\a"},
		{"tmux", []string{"TERM=screen-256color", "TMUX=/tmp/tmux-1000/default,42,0"}, "\x1bPtmux;\x1b\x1b]52;c;", "\a\x1b\\"},
		{"tmux over ssh", []string{"TERM=tmux-256color"}, "\x1bPtmux;\x1b\x1b]52;c;", "\a\x1b\\"},
		{"screen", []string{"TERM=screen", "STY=1234.pts-0.host"}, "\x1bP\x1b]52;c;", "\a\x1b\\"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := w.openWith(w.x, "ana", 80, 24, Options{Environ: tc.env})
			h.press("s", "enter", "enter", "y")
			share, ok := h.top().(*sharePage)
			if !ok || share.minted == nil {
				t.Fatalf("s, enter, enter, y mints a token: %T", h.top())
			}
			h.press("c")
			out := h.out.String()
			if !strings.HasPrefix(out, tc.start) || !strings.HasSuffix(out, tc.end) {
				t.Fatalf("the sequence is wrapped for %s: %q", tc.name, out)
			}
			b64 := strings.TrimSuffix(strings.TrimPrefix(out, tc.start), tc.end)
			b64 = strings.ReplaceAll(b64, "\x1b\\\x1bP", "") // screen's chunks
			raw, err := base64.StdEncoding.DecodeString(b64)
			if err != nil || string(raw) != share.minted.Token {
				t.Fatalf("it carries the token whole: %q %v", raw, err)
			}
			if h.status().text != "Share token copied to the clipboard (OSC 52)." {
				t.Fatalf("the status line says so: %q", h.status().text)
			}
		})
	}
}
