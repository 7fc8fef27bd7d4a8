package ui

import (
	"strings"
	"testing"

	"github.com/google/uuid"
)

func TestTabsAndGlobalKeys(t *testing.T) {
	w := newWorld(t)
	w.generate(w.x, 5, "", 0, 1)
	h := w.open(w.x, "ana", 80, 24)
	m := h.model()
	if m.active != 0 || len(h.sessions().list.Items()) != 5 {
		t.Fatalf("opens on Sessions with its rows: tab %d, %d rows", m.active, len(h.sessions().list.Items()))
	}
	h.expectView("Service X", "analyst ana", "5 finished", "1 Sessions")

	for _, step := range []struct {
		key  string
		want int
	}{{"2", 1}, {"tab", 2}, {"tab", 3}, {"tab", 4}, {"tab", 5}, {"tab", 0}, {"shift+tab", 5}, {"3", 2}, {"1", 0}, {"6", 5}, {"5", 4}, {"4", 3}} {
		h.press(step.key)
		if h.model().active != step.want {
			t.Fatalf("after %q: tab %d, want %d", step.key, h.model().active, step.want)
		}
	}
	h.expectView("log verified", "application.created")

	h.press("?")
	h.expectView("Keys — Audit", "switch application", "press any key to close")
	h.press("x")
	if h.model().fullHelp {
		t.Fatal("any key closes the full help")
	}
	h.press("q")
	if !h.quit {
		t.Fatal("q quits")
	}
}

func TestSwitchApplication(t *testing.T) {
	w := newWorld(t)
	h := w.open(w.x, "ana", 80, 24)
	old := h.model()
	h.press("A")
	if _, ok := h.top().(*appsPage); !ok {
		t.Fatalf("A opens the application list, got %T", h.top())
	}
	h.expectView("Service X  current", "Service Y")
	h.press("down", "enter")
	m := h.model()
	if m == old || m.c.App.ID != w.y.ID || m.c.Caller.Analyst != "ana" || m.c.Caller.ApplicationID != w.y.ID {
		t.Fatalf("now in Y as the same analyst: %+v", m.c.Caller)
	}
	h.expectView("Service Y", "Now working in Service Y as ana")
	// A late answer for the old workspace is dropped.
	h.send(asyncMsg{c: old.c, msg: statusMsg{text: "stale"}})
	if h.status().text == "stale" {
		t.Fatal("messages for the previous application are dropped")
	}
}

func TestDatabaseErrorKeepsRunning(t *testing.T) {
	w := newWorld(t)
	w.generate(w.x, 3, "", 0, 8)
	h := w.open(w.x, "ana", 80, 24)
	w.svc.DB().Close()
	h.press("r")
	st := h.status()
	if !st.err || st.text != "loading sessions: the database is unavailable; press r to retry" || h.quit {
		t.Fatalf("a database outage is a status line offering a retry, and the program runs on: %+v", st)
	}
	h.press("2")
	h.expectView("✗ loading the queue")
}

func TestSwitchOnlyToAllowedApps(t *testing.T) {
	w := newWorld(t)
	other := w.app("Service Z", "wf_z_kyc", "wf_z_kyb")
	h := w.openWith(w.x, "ana", 80, 24, Options{Apps: []uuid.UUID{w.x.ID, other.ID}})
	h.press("A")
	h.expectView("Service X  current", "Service Z")
	if strings.Contains(h.view(), "Service Y") {
		t.Fatal("the list offers only the analyst's applications")
	}
	// The switch itself refuses an application outside the list too.
	next, _ := h.model().switchApp(w.y)
	if next.(*Model).c.App.ID != w.x.ID || !strings.Contains(next.(*Model).status.text, "not registered") {
		t.Fatalf("switched to an application the analyst is not registered for: %v", next.(*Model).status.text)
	}
	h.send(ShutdownMsg{})
	if !h.quit || !strings.Contains(h.status().text, "shutting down") {
		t.Fatal("a shutdown notice quits the program")
	}
}
