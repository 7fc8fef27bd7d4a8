package ui

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/google/uuid"

	"handoff/demo"
	"handoff/domain"
	"handoff/review"
	"handoff/store/pgtest"
)

// t0 is when every test world starts.
var t0 = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// clock is a settable clock, safe to read from the service's goroutines.
type clock struct {
	mu   sync.Mutex
	now  time.Time
	step time.Duration // added after every reading (distinct, ordered timestamps)
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.now
	c.now = c.now.Add(c.step)
	return t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// world is a review service on a fresh PostgreSQL database, with two
// applications: X issues, Y imports.
type world struct {
	t     testing.TB
	svc   *review.Service
	clock *clock
	x, y  domain.Application
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newWorld(t testing.TB) *world {
	t.Helper()
	w := &world{t: t, clock: &clock{now: t0}}
	w.svc = review.New(pgtest.DB(t), review.WithClock(w.clock.Now), review.WithLogger(quietLogger()))
	t.Cleanup(w.svc.Close)
	w.x = w.app("Service X", "wf_x_kyc", "wf_x_kyb")
	w.y = w.app("Service Y", "wf_partner_kyc", "wf_partner_kyb")
	return w
}

func (w *world) app(name, kyc, kyb string) domain.Application {
	w.t.Helper()
	out, err := w.svc.CreateApplication(context.Background(), review.Operator("test"), review.NewApplication{Name: name,
		Workflows: []domain.Workflow{{ID: kyc, Kind: domain.KindUser}, {ID: kyb, Kind: domain.KindBusiness}}})
	if err != nil {
		w.t.Fatal(err)
	}
	return out.Application
}

// generate creates n sessions in app and returns them oldest first.
func (w *world) generate(app domain.Application, n int, kind domain.Kind, phase domain.Phase, seed uint64) []domain.Session {
	w.t.Helper()
	var out []domain.Session
	err := demo.Generate(context.Background(), w.svc, demo.Options{App: app.ID, Count: n, Kind: kind, Phase: phase,
		Seed: seed, Actor: "test"}, func(s domain.Session) { out = append(out, s) })
	if err != nil {
		w.t.Fatal(err)
	}
	return out
}

// mint shares sess of from with to and returns the token.
func (w *world) mint(from, to domain.Application, sess domain.Session) string {
	w.t.Helper()
	m, err := w.svc.Share(context.Background(), review.Analyst(from.ID, "issuer"), sess.ID, to.ID, 3600)
	if err != nil {
		w.t.Fatal(err)
	}
	return m.Token
}

// harness drives a Model the way Bubble Tea would, synchronously: every
// command is run and its message fed back until nothing is left.
type harness struct {
	t     testing.TB
	w     *world
	m     tea.Model
	out   *bytes.Buffer
	quit  bool
	msgs  []tea.Msg // every message delivered, for assertions
	clock *clock    // the workstation's clock
}

func (w *world) open(app domain.Application, analyst string, width, height int) *harness {
	w.t.Helper()
	return w.openWith(app, analyst, width, height, Options{})
}

// openWith opens a static program with opts; the output, clock, zone and
// logger are the harness's.
func (w *world) openWith(app domain.Application, analyst string, width, height int, opts Options) *harness {
	w.t.Helper()
	return w.openOn(w.svc, app, analyst, width, height, opts)
}

// openOn opens a static program on svc (another process's service, say).
func (w *world) openOn(svc *review.Service, app domain.Application, analyst string, width, height int, opts Options) *harness {
	w.t.Helper()
	h := &harness{t: w.t, w: w, out: &bytes.Buffer{}, clock: &clock{now: t0}}
	opts.Output, opts.Now, opts.Location, opts.Logger, opts.Static = h.out, h.clock.Now, time.UTC, quietLogger(), true
	ctx, cancel := context.WithCancel(context.Background())
	w.t.Cleanup(cancel)
	// What a serve process's sequencer would have sealed by now.
	for {
		if n, err := svc.SealAudit(ctx); err != nil || n == 0 {
			break
		}
	}
	h.m = New(ctx, svc, review.Analyst(app.ID, analyst), opts)
	h.run(h.m.Init())
	h.send(tea.WindowSizeMsg{Width: width, Height: height})
	return h
}

func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	m, cmd := h.m.Update(msg)
	h.m = m
	h.run(cmd)
}

func (h *harness) run(cmd tea.Cmd) {
	h.t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 10000 {
			h.t.Fatal("commands keep coming: a loop in Update?")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		switch msg := msg.(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case tea.QuitMsg:
			h.quit = true
		default:
			h.msgs = append(h.msgs, msg)
			m, next := h.m.Update(msg)
			h.m = m
			queue = append(queue, next)
		}
	}
}

// press sends keys by name ("enter", "esc", "tab", "down", "pgdown") or
// as typed text for anything else.
func (h *harness) press(keys ...string) {
	h.t.Helper()
	for _, k := range keys {
		h.send(keyMsg(k))
	}
}

func (h *harness) typeText(s string) {
	h.t.Helper()
	for _, r := range s {
		h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

func keyMsg(k string) tea.KeyMsg {
	types := map[string]tea.KeyType{"enter": tea.KeyEnter, "esc": tea.KeyEsc, "tab": tea.KeyTab,
		"shift+tab": tea.KeyShiftTab, "up": tea.KeyUp, "down": tea.KeyDown, "pgup": tea.KeyPgUp,
		"pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd, "backspace": tea.KeyBackspace,
		"ctrl+c": tea.KeyCtrlC, "ctrl+r": tea.KeyCtrlR, " ": tea.KeySpace}
	if t, ok := types[k]; ok {
		return tea.KeyMsg{Type: t}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// model is the root model now (it changes on an application switch).
func (h *harness) model() *Model { return h.m.(*Model) }

// view is the screen without colours.
func (h *harness) view() string { return ansi.Strip(h.m.View()) }

func (h *harness) status() statusMsg { return h.model().status }

func (h *harness) expectView(want ...string) {
	h.t.Helper()
	v := h.view()
	for _, s := range want {
		if !strings.Contains(v, s) {
			h.t.Fatalf("screen lacks %q:\n%s", s, v)
		}
	}
}

func (h *harness) sessions() *sessionsTab { return h.model().tabs[0].(*sessionsTab) }
func (h *harness) queue() *queueTab       { return h.model().tabs[1].(*queueTab) }

func (h *harness) top() page { return h.model().focused() }

func ansiStrip(s string) string { return ansi.Strip(s) }

// awaitChange hands the program the live changes its subscription brings
// (a static program does not wait for them itself) until one matches, and
// fails after a few seconds without it.
func (h *harness) awaitChange(what string, match func(review.Change) bool) review.Change {
	h.t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		m := h.model()
		if m.changes == nil {
			h.t.Fatal("the program has no live subscription")
		}
		select {
		case c := <-m.changes:
			h.send(asyncMsg{c: m.c, msg: changeMsg{c}})
			if match == nil || match(c) {
				return c
			}
		case <-deadline:
			h.t.Fatalf("no live change %s arrived", what)
			return review.Change{}
		}
	}
}

// changeOf matches a change by what happened (and to which session).
func changeOf(what string, session *uuid.UUID) func(review.Change) bool {
	return func(c review.Change) bool {
		return c.What == what && (session == nil || (c.Session != nil && *c.Session == *session))
	}
}

// claimsIn lists who holds which case in app.
func (w *world) claimsIn(app domain.Application) map[uuid.UUID]string {
	w.t.Helper()
	cs, err := w.svc.Claims(context.Background(), review.Analyst(app.ID, "check"))
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[uuid.UUID]string{}
	for id, c := range cs {
		out[id] = c.Analyst
	}
	return out
}

// queued imports one X session into Y for review and returns it.
func queued(w *world) domain.Session {
	w.t.Helper()
	src := w.generate(w.x, 1, domain.KindUser, domain.PhaseApproved, 6)[0]
	s, err := w.svc.Import(context.Background(), review.Analyst(w.y.ID, "importer"), review.ImportRequest{
		ShareToken: w.mint(w.x, w.y, src), WorkflowID: "wf_partner_kyc", VendorData: "case-1"})
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

// importCase imports a fresh session of X into Y's queue as vendor.
func importCase(w *world, vendor string, seed uint64) domain.Session {
	w.t.Helper()
	src := w.generate(w.x, 1, domain.KindUser, domain.PhaseApproved, seed)[0]
	s, err := w.svc.Import(context.Background(), review.Analyst(w.y.ID, "importer"), review.ImportRequest{
		ShareToken: w.mint(w.x, w.y, src), WorkflowID: "wf_partner_kyc", VendorData: vendor})
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

// proposeDecline turns four-eyes on for declines in Y and has analyst
// propose declining s.
func proposeDecline(w *world, analyst string, s domain.Session) {
	w.t.Helper()
	setPolicy(w, domain.FourEyesDeclines, 0)
	if _, err := w.svc.DecideCase(context.Background(), review.Analyst(w.y.ID, analyst), s.ID,
		domain.Decline(domain.ReasonSanctionsMatch, "OFAC list hit")); err != nil {
		w.t.Fatal(err)
	}
}

// setPolicy sets Y's four-eyes policy and review service level.
func setPolicy(w *world, p domain.FourEyes, sla time.Duration) {
	w.t.Helper()
	if _, err := w.svc.SetAppSettings(context.Background(), review.Operator("test"), w.y.ID,
		review.SettingsChange{FourEyes: &p, ReviewSLA: &sla}); err != nil {
		w.t.Fatal(err)
	}
}
