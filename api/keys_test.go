package api_test

import (
	"context"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"handoff/domain"
	"handoff/review"
)

func kid(t *testing.T, token string) string {
	t.Helper()
	tok, _, err := jwt.NewParser().ParseUnverified(token, jwt.MapClaims{})
	if err != nil {
		t.Fatal(err)
	}
	k, _ := tok.Header["kid"].(string)
	return k
}

// After a rotation new tokens use the new key and tokens signed with the
// old one keep working until they expire.
func TestSigningKeyRotation(t *testing.T) {
	w := newWorld(t)
	src := w.session(w.x, domain.KindUser, domain.PhaseApproved)
	before := w.mint(w.x, src.ID, w.y.id)
	newKid, err := w.svc.RotateSigningKey(context.Background(), review.Operator("test"))
	if err != nil {
		t.Fatal(err)
	}
	after := w.mint(w.x, src.ID, w.y.id)
	if kid(t, before) == kid(t, after) || kid(t, after) != newKid {
		t.Fatalf("kids: before %s, after %s, rotated to %s", kid(t, before), kid(t, after), newKid)
	}
	for name, tok := range map[string]string{"old key": before, "new key": after} {
		expect(t, w.importAs(w.y, map[string]any{"share_token": tok, "workflow_id": "wf_partner_kyc"}), 201, name)
	}
}

// A key rotated by another handoff process is picked up on first sight of
// its kid.
func TestRotationInAnotherProcess(t *testing.T) {
	w := newWorld(t)
	src := w.session(w.x, domain.KindBusiness, domain.PhaseApproved)
	w.mint(w.x, src.ID, w.y.id) // this server has loaded its keys
	other := review.New(w.db)
	if _, err := other.RotateSigningKey(context.Background(), review.Operator("test")); err != nil {
		t.Fatal(err)
	}
	m, err := other.Share(context.Background(), review.Analyst(w.x.id, "alice"), src.ID, w.y.id, 600)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, w.importAs(w.y, map[string]any{"share_token": m.Token, "workflow_id": "wf_partner_kyb"}), 201, "token from the other process")
}
