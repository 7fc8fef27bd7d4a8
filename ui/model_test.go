package ui

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/review"
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

func TestSessionsPageByKeyset(t *testing.T) {
	w := newWorld(t)
	w.generate(w.x, 350, "", 0, 2)
	h := w.open(w.x, "ana", 80, 24)
	s := h.sessions()
	if len(s.list.Items()) != sessionsPageSize {
		t.Fatalf("opening reads one page: %d rows", len(s.list.Items()))
	}
	for i := 0; i < 40 && len(s.list.Items()) == sessionsPageSize; i++ {
		h.press("pgdown")
	}
	if len(s.list.Items()) != 2*sessionsPageSize {
		t.Fatalf("nearing the end reads the next page: %d rows", len(s.list.Items()))
	}
	h.press("G") // the real end, read page by page, not the last row held
	if len(s.list.Items()) != 350 || !s.list.Done() || s.list.Table().Cursor() != 349 {
		t.Fatalf("G reaches the end: %d rows, done %v, cursor %d", len(s.list.Items()), s.list.Done(), s.list.Table().Cursor())
	}
	for i := 1; i < len(s.list.Items()); i++ {
		if s.list.Items()[i].Number >= s.list.Items()[i-1].Number {
			t.Fatalf("rows not newest first or repeated at %d: %d after %d", i, s.list.Items()[i].Number, s.list.Items()[i-1].Number)
		}
	}
	h.press("g")
	if s.list.Table().Cursor() != 0 {
		t.Fatal("g goes to the top")
	}
	h.press("j", "j", "k")
	if s.list.Table().Cursor() != 1 {
		t.Fatalf("j/k move: cursor %d", s.list.Table().Cursor())
	}
}

func TestSessionsFilter(t *testing.T) {
	w := newWorld(t)
	all := w.generate(w.x, 60, "", 0, 3)
	h := w.open(w.x, "ana", 120, 40)
	s := h.sessions()

	h.press("/")
	if !h.model().focused().Capturing() {
		t.Fatal("/ opens the filter prompt")
	}
	h.typeText("status:declined kind:kyc")
	h.press("enter")
	if len(s.list.Items()) == 0 {
		t.Fatal("no declined KYC sessions in the fixture")
	}
	for _, r := range s.list.Items() {
		if r.Status != "Declined" {
			t.Fatalf("filter let %s %s through", r.Kind, r.Status)
		}
	}
	h.expectView("filter status:declined kind:kyc")

	h.press("esc") // clears the filter
	if len(s.list.Items()) != 60 || !s.filter.empty() {
		t.Fatalf("esc clears the filter: %d rows", len(s.list.Items()))
	}

	want := all[17]
	h.press("/")
	h.typeText(want.VendorData)
	h.press("enter")
	if len(s.list.Items()) != 1 || s.list.Items()[0].ID != want.ID {
		t.Fatalf("search by vendor_data %q: %d rows", want.VendorData, len(s.list.Items()))
	}
	h.press("/")
	for range want.VendorData {
		h.press("backspace")
	}
	h.typeText(want.ID.String()[:8])
	h.press("enter")
	if len(s.list.Items()) != 1 || s.list.Items()[0].ID != want.ID {
		t.Fatalf("search by session id prefix: %d rows", len(s.list.Items()))
	}
	h.press("esc")

	h.press("/")
	h.typeText("status:bogus")
	h.press("enter")
	if !s.list.Filtering() || !strings.Contains(s.list.InputErr(), "status:approved") {
		t.Fatalf("a bad filter is refused with the reason: %q", s.list.InputErr())
	}
	h.press("esc")

	h.press("K") // kind filter: KYC
	for _, r := range s.list.Items() {
		if r.Kind != domain.KindUser {
			t.Fatal("t filters by kind")
		}
	}
	h.press("f") // status filter: Approved
	for _, r := range s.list.Items() {
		if r.Status.Phase() != domain.PhaseApproved || r.Kind != domain.KindUser {
			t.Fatal("f filters by status, on top of the kind")
		}
	}
}

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

func TestDeclineNeedsReason(t *testing.T) {
	w := newWorld(t)
	sess := queued(w)
	h := w.open(w.y, "sam", 80, 24)
	h.clock.Set(t0.Add(2 * time.Hour))
	h.press("2")
	h.expectView("case-1", "2h 00m")
	h.press("d")
	dec, ok := h.top().(*decidePage)
	if !ok {
		t.Fatalf("d opens the decline dialog, got %T", h.top())
	}
	h.press("enter")
	if dec.confirm || !strings.Contains(dec.err, "needs a reason") {
		t.Fatalf("no reason code: refused (%q)", dec.err)
	}
	h.expectView("A decline needs a reason")
	h.press("3") // sanctions_match
	h.press("enter")
	if dec.confirm || dec.focus != focusNote || dec.err != "" {
		t.Fatalf("enter chooses the reason and moves to the note (%v %q)", dec.focus, dec.err)
	}
	h.press("enter")
	if dec.confirm || !strings.Contains(dec.err, "type a note") {
		t.Fatalf("no note: refused (%q)", dec.err)
	}
	h.typeText("AML hit confirmed")
	h.press("enter")
	if !dec.confirm {
		t.Fatalf("reason and note: asks to confirm (%q)", dec.err)
	}
	h.expectView("reason: sanctions_match — AML hit confirmed")
	h.press("n") // cancel the confirmation
	if dec.confirm {
		t.Fatal("n cancels")
	}
	h.press("enter", "y")
	got, err := w.svc.Session(context.Background(), review.Analyst(w.y.ID, "x"), sess.ID)
	if err != nil || got.Status != "Declined" {
		t.Fatalf("declined: %v %v", got.Status, err)
	}
	if len(h.queue().list.Items()) != 0 {
		t.Fatal("a decided case leaves the queue")
	}
	if st := h.status(); !strings.Contains(st.text, "#1 is now Declined") {
		t.Fatalf("status line: %+v", st)
	}
	ev := lastStatusChange(t, w, w.y)
	if ev.Actor != "analyst:sam" || !strings.Contains(string(ev.Details), "reason: sanctions_match — AML hit confirmed") {
		t.Fatalf("audit names the analyst and the comment: %s %s", ev.Actor, ev.Details)
	}
}

func lastStatusChange(t *testing.T, w *world, app domain.Application) domain.AuditEvent {
	t.Helper()
	evs, err := w.svc.Audit(context.Background(), review.Analyst(app.ID, "t"), review.AuditQuery{Search: domain.ActionStatusChanged, Limit: 1})
	if err != nil || len(evs) != 1 {
		t.Fatalf("audit: %v %v", evs, err)
	}
	return evs[0]
}

func TestApproveFromCase(t *testing.T) {
	w := newWorld(t)
	sess := queued(w)
	h := w.open(w.y, "sam", 120, 40)
	h.press("2", "enter")
	d, ok := h.top().(*detailPage)
	if !ok {
		t.Fatalf("enter opens the case, got %T", h.top())
	}
	v := h.view()
	if p, c := strings.Index(v, "Provenance"), strings.Index(v, "ID verification"); p < 0 || (c >= 0 && c < p) {
		t.Fatalf("provenance comes first:\n%s", v)
	}
	h.expectView("source application     Service X", "minted by", "analyst:issuer", "imported by", "analyst:importer")
	h.press("a")
	if !h.top().Capturing() {
		t.Fatal("approve opens with the optional note focused")
	}
	h.typeText("looks right")
	h.press("enter", "y")
	got, err := w.svc.Session(context.Background(), review.Analyst(w.y.ID, "x"), sess.ID)
	if err != nil || got.Status != "Approved" {
		t.Fatalf("approved: %v %v", got.Status, err)
	}
	if d.current().Status != "Approved" {
		t.Fatal("the open case shows its new status")
	}
	h.press("esc")
	if len(h.queue().list.Items()) != 0 {
		t.Fatal("the approved case left the queue")
	}
	if ev := lastStatusChange(t, w, w.y); !strings.Contains(string(ev.Details), "looks right") {
		t.Fatalf("comment in audit: %s", ev.Details)
	}
}

func TestImportFlow(t *testing.T) {
	w := newWorld(t)
	src := w.generate(w.x, 1, domain.KindBusiness, domain.PhaseApproved, 7)[0]
	tok := w.mint(w.x, w.y, src)
	h := w.open(w.y, "sam", 80, 24)
	h.press("2", "i")
	imp, ok := h.top().(*importPage)
	if !ok {
		t.Fatalf("i opens the import dialog, got %T", h.top())
	}
	h.typeText("not-a-token")
	h.press("enter")
	if imp.step != importToken || imp.err == "" {
		t.Fatalf("a bad token is refused in words: step %d %q", imp.step, imp.err)
	}
	h.send(keyMsg("ctrl+u")) // textinput: delete to start
	h.typeText(tok)
	h.press("enter")
	if imp.step != importWorkflow || imp.kind != domain.KindBusiness {
		t.Fatalf("the token's kind picks the workflows: step %d kind %s err %q", imp.step, imp.kind, imp.err)
	}
	h.expectView("wf_partner_kyb")
	if strings.Contains(h.view(), "wf_partner_kyc") {
		t.Fatal("only workflows of the token's kind are offered")
	}
	h.press("enter")
	h.typeText("acme-42")
	h.press("enter") // trust_review stays off
	h.expectView("trust_review off")
	h.press("y")
	if imp.step != importDone || imp.result == nil {
		t.Fatalf("imported: step %d err %q", imp.step, imp.err)
	}
	h.expectView("Imported as session #1", "IN_REVIEW")
	h.press("esc")
	if len(h.queue().list.Items()) != 1 || h.queue().list.Items()[0].VendorData != "acme-42" {
		t.Fatal("the import waits in the queue")
	}
	// The same token again: refused, in words.
	h.press("i")
	h.typeText(tok)
	h.press("enter", "enter", "enter", "y")
	imp = h.top().(*importPage)
	if imp.step != importConfirm || !strings.Contains(imp.err, "already been imported") {
		t.Fatalf("a second import is refused: step %d %q", imp.step, imp.err)
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

func TestDetailRendersKYB(t *testing.T) {
	w := newWorld(t)
	s := w.generate(w.x, 1, domain.KindBusiness, domain.PhaseDeclined, 9)[0]
	h := w.open(w.x, "ana", 120, 40)
	h.press("enter")
	d := h.top().(*detailPage)
	caseText, _, evText, _ := d.content()
	text := ansiStrip(caseText + "\n" + evText)
	for _, want := range []string{"Company registry", "officers", "beneficial owners", "Key people", "kyc",
		"Company documents", "AML screening", "Questionnaires", "Findings", "✗ "} {
		if !strings.Contains(text, want) {
			t.Fatalf("detail of %s lacks %q:\n%s", s.ID, want, text)
		}
	}
	for _, fam := range domain.Families(domain.KindBusiness) {
		if !strings.Contains(text, familyTitle(fam)) {
			t.Fatalf("family %s not rendered", fam)
		}
	}
	h.press("G")
	if !d.lay.focused().AtBottom() {
		t.Fatal("G scrolls to the end")
	}
	h.press("esc")
	if _, ok := h.top().(*sessionsTab); !ok {
		t.Fatal("esc goes back")
	}
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
