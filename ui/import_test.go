package ui

import (
	"strings"
	"testing"

	"handoff/domain"
)

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
