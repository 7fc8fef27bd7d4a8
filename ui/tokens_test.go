package ui

import (
	"context"
	"strings"
	"testing"

	"handoff/domain"
	"handoff/review"
)

// x on the Tokens tab revokes the token under the cursor after a
// confirmation; n backs out, and the partner's import is then refused.
func TestRevokeTokenFromTheTokensTab(t *testing.T) {
	w := newWorld(t)
	s := w.generate(w.x, 1, domain.KindUser, domain.PhaseApproved, 7)[0]
	tok := w.mint(w.x, w.y, s)
	h := w.open(w.x, "ana", 100, 24)
	h.press("3")
	h.expectView("Service Y", "active")

	h.press("x")
	h.expectView("Revoke the token for Service Y", "y/enter revoke")
	h.press("q") // not a quit while the question is open
	if h.quit {
		t.Fatal("q quit the program during the confirmation")
	}
	h.press("n")
	if strings.Contains(h.view(), "Revoke the token") {
		t.Fatal("n cancels the question")
	}
	toks, _ := w.svc.Tokens(context.Background(), review.Analyst(w.x.ID, "ana"), 10)
	if toks[0].State != review.TokenActive {
		t.Fatalf("cancelled, yet the token is %s", toks[0].State)
	}

	h.press("x", "y")
	if st := h.status(); st.err || !strings.Contains(st.text, "Revoked the token for Service Y") {
		t.Fatalf("status after revoking: %+v", st)
	}
	h.expectView("revoked")
	toks, _ = w.svc.Tokens(context.Background(), review.Analyst(w.x.ID, "ana"), 10)
	if toks[0].State != review.TokenRevoked || toks[0].RevokedBy != "analyst:ana" {
		t.Fatalf("the token is %s, revoked by %q", toks[0].State, toks[0].RevokedBy)
	}
	_, err := w.svc.Import(context.Background(), review.Analyst(w.y.ID, "importer"),
		review.ImportRequest{ShareToken: tok, WorkflowID: "wf_partner_kyc"})
	if err == nil || err.Error() != "This share token was revoked." {
		t.Fatalf("the partner's import: %v", err)
	}

	h.press("x")
	if st := h.status(); !strings.Contains(st.text, "already revoked") || strings.Contains(h.view(), "Revoke the token") {
		t.Fatalf("x on a revoked token: %+v", st)
	}
}
