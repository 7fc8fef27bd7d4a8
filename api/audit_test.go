package api_test

import (
	"encoding/hex"
	"net/url"
	"strings"
	"testing"

	"handoff/auditverify"
	"handoff/domain"
)

// The provenance flow as a partner and a regulator would check it: Y
// imports X's token, X's checkpoint and an inclusion proof of X's mint
// event come from X's API, and the stand-alone verifier confirms that X
// logged the share — and refuses a changed leaf.
func TestProvenanceProofVerifiesStandAlone(t *testing.T) {
	w := newWorld(t)
	src := w.session(w.x, domain.KindUser, domain.PhaseApproved)
	tok := w.mint(w.x, src.ID, w.y.id)
	w.seal() // the issuer has a checkpoint before the import
	imp := w.importAs(w.y, map[string]any{"share_token": tok, "workflow_id": "wf_partner_kyc"})
	expect(t, imp, 201, "import")

	// The partner's decision carries the issuer's evidence.
	dec := w.do("GET", "/v3/session/"+imp.str("session_id")+"/decision/", w.y.key, nil)
	expect(t, dec, 200, "decision")
	prov, _ := dec.body["provenance"].(map[string]any)
	leaf, _ := prov["mint_leaf_hash"].(string)
	issuerCP, _ := prov["issuer_checkpoint"].(string)
	if len(leaf) != 64 || prov["source_session_id"] != src.ID.String() || !strings.Contains(issuerCP, "handoff/audit/"+w.x.id.String()) {
		t.Fatalf("provenance %v", prov)
	}
	// A fresh session has none.
	if own := w.do("GET", "/v3/session/"+src.ID.String()+"/decision/", w.x.key, nil); own.body["provenance"] != nil {
		t.Fatalf("provenance on a session that was not imported: %s", own.raw)
	}

	w.seal()
	cp := w.do("GET", "/v3/audit/checkpoint/", w.x.key, nil)
	expect(t, cp, 200, "checkpoint")
	vkey := cp.str("verifier_key") // a partner pins this out of band
	checkpoint, err := auditverify.Open([]byte(cp.str("checkpoint")), vkey)
	if err != nil || checkpoint.Origin != "handoff/audit/"+w.x.id.String() || hex.EncodeToString(checkpoint.Root) != cp.str("root_hash") {
		t.Fatalf("checkpoint %+v: %v", checkpoint, err)
	}
	// The checkpoint recorded at import time is signed by the same key.
	if _, err := auditverify.Open([]byte(issuerCP), vkey); err != nil {
		t.Fatalf("checkpoint recorded at import: %v", err)
	}

	proof := w.do("GET", "/v3/audit/proof/?leaf="+leaf, w.x.key, nil)
	expect(t, proof, 200, "proof")
	got, err := auditverify.VerifyProof(proof.raw, vkey)
	if err != nil || !auditverify.SameRoot(got, checkpoint) {
		t.Fatalf("stand-alone verification: %v (%+v)", err, got)
	}
	// A changed leaf does not verify.
	other := strings.Repeat("0", 64)
	forged := strings.Replace(string(proof.raw), leaf, other, 1)
	if _, err := auditverify.VerifyProof([]byte(forged), vkey); err == nil {
		t.Fatal("a proof with a changed leaf verified")
	}
	// Nor does it under another key.
	if _, err := auditverify.VerifyProof(proof.raw, "other+00000000+AQ"); err == nil {
		t.Fatal("a proof verified under a key that is not the deployment's")
	}

	// Against the older checkpoint size too.
	older := w.do("GET", "/v3/audit/proof/?leaf="+url.QueryEscape(leaf)+"&tree_size="+
		strings.Split(issuerCP, "\n")[1], w.x.key, nil)
	expect(t, older, 200, "proof at the import-time size")
	if _, err := auditverify.VerifyProof(older.raw, vkey); err != nil {
		t.Fatal(err)
	}

	// Only one's own events: the partner cannot prove the issuer's leaf in
	// its own application, and bad input is a 400 naming the field.
	expectDetail(t, w.do("GET", "/v3/audit/proof/?leaf="+leaf, w.y.key, nil), 404, "another application's event")
	expectField(t, w.do("GET", "/v3/audit/proof/", w.x.key, nil), "leaf", "required")
	expectField(t, w.do("GET", "/v3/audit/proof/?leaf=zz", w.x.key, nil), "leaf", "SHA-256")
	expectField(t, w.do("GET", "/v3/audit/proof/?leaf="+leaf+"&tree_size=0", w.x.key, nil), "tree_size", "1 or more")
	expectField(t, w.do("GET", "/v3/audit/proof/?leaf="+leaf+"&tree_size=99999", w.x.key, nil), "tree_size", "no checkpoint")
	expect(t, w.do("GET", "/v3/audit/checkpoint/", "", nil), 401, "no key")
}
