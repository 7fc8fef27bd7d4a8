package ui

import (
	"strings"
	"testing"

	"handoff/domain"
)

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
