// Package auditverify checks handoff's audit proofs without trusting
// handoff's database: a signed checkpoint (C2SP signed-note format, an
// Ed25519 key per deployment) states an application's tree size and root,
// and RFC 6962 inclusion and consistency proofs tie an event, or an older
// checkpoint, to it. It imports only the standard library,
// golang.org/x/mod/sumdb/note and the proof verification of
// github.com/transparency-dev/merkle, so a partner or a regulator can vendor
// it.
//
// A partner that imported a share token holds the issuer's mint event leaf
// hash; the issuer hands over an inclusion proof (`handoff audit prove`, or
// GET /v3/audit/proof/ in its own application); the partner checks it
// against the issuer's checkpoint and the deployment's verifier key:
//
//	cp, err := auditverify.Open(p.Checkpoint, verifierKey)
//	err = auditverify.VerifyInclusion(cp, p.LeafIndex, p.LeafHash, p.Hashes)
package auditverify

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
)

// OriginPrefix starts every handoff checkpoint's origin line; the
// application id follows.
const OriginPrefix = "handoff/audit/"

// Checkpoint is a verified checkpoint: the tree of Origin had Size leaves
// and root Root.
type Checkpoint struct {
	Origin string
	Size   uint64
	Root   []byte
}

// Body is a checkpoint's signed text: origin, size and base64 root, one a
// line (C2SP tlog-checkpoint).
func Body(origin string, size uint64, root []byte) string {
	return fmt.Sprintf("%s\n%d\n%s\n", origin, size, base64.StdEncoding.EncodeToString(root))
}

// Open checks the signature on a signed checkpoint with verifierKey (the
// deployment's key, "name+hash+key") and parses it.
func Open(signed []byte, verifierKey string) (Checkpoint, error) {
	v, err := note.NewVerifier(verifierKey)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("verifier key: %w", err)
	}
	n, err := note.Open(signed, note.VerifierList(v))
	if err != nil {
		return Checkpoint{}, fmt.Errorf("checkpoint signature: %w", err)
	}
	return Parse(n.Text)
}

// Parse reads a checkpoint body (without checking any signature).
func Parse(text string) (Checkpoint, error) {
	lines := strings.SplitN(text, "\n", 4)
	if len(lines) < 4 {
		return Checkpoint{}, errors.New("checkpoint: want origin, size and root lines")
	}
	size, err := strconv.ParseUint(lines[1], 10, 64)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("checkpoint size %q: %v", lines[1], err)
	}
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != 32 {
		return Checkpoint{}, fmt.Errorf("checkpoint root %q is not a base64 SHA-256 hash", lines[2])
	}
	if lines[0] == "" {
		return Checkpoint{}, errors.New("checkpoint: empty origin")
	}
	return Checkpoint{Origin: lines[0], Size: size, Root: root}, nil
}

// VerifyInclusion checks that leafHash is leaf index of cp's tree.
func VerifyInclusion(cp Checkpoint, index uint64, leafHash []byte, hashes [][]byte) error {
	if err := proof.VerifyInclusion(rfc6962.DefaultHasher, index, cp.Size, leafHash, hashes, cp.Root); err != nil {
		return fmt.Errorf("inclusion of leaf %d in tree %d: %w", index, cp.Size, err)
	}
	return nil
}

// VerifyConsistency checks that older's tree is a prefix of newer's (same
// origin): nothing sealed before older was changed or removed since.
func VerifyConsistency(older, newer Checkpoint, hashes [][]byte) error {
	if older.Origin != newer.Origin {
		return fmt.Errorf("checkpoints of two logs (%q, %q)", older.Origin, newer.Origin)
	}
	if err := proof.VerifyConsistency(rfc6962.DefaultHasher, older.Size, newer.Size, hashes, older.Root, newer.Root); err != nil {
		return fmt.Errorf("consistency of tree %d with %d: %w", older.Size, newer.Size, err)
	}
	return nil
}

// Proof is an inclusion proof as handoff serves it (GET /v3/audit/proof/,
// `handoff audit prove`): hashes in lowercase hex, the checkpoint signed.
type Proof struct {
	ApplicationID string   `json:"application_id"`
	LeafHash      string   `json:"leaf_hash"`
	LeafIndex     uint64   `json:"leaf_index"`
	TreeSize      uint64   `json:"tree_size"`
	Hashes        []string `json:"inclusion_proof"`
	Checkpoint    string   `json:"checkpoint"`
	VerifierKey   string   `json:"verifier_key"`
}

// VerifyProof checks a served proof end to end against the verifier key
// the partner trusts (never the one inside the proof): the checkpoint's
// signature, that it is the tree of the proof's application, and that the
// leaf is in it. It returns the checkpoint.
func VerifyProof(raw []byte, verifierKey string) (Checkpoint, error) {
	var p Proof
	if err := json.Unmarshal(raw, &p); err != nil {
		return Checkpoint{}, fmt.Errorf("proof: %w", err)
	}
	cp, err := Open([]byte(p.Checkpoint), verifierKey)
	if err != nil {
		return Checkpoint{}, err
	}
	if cp.Origin != OriginPrefix+p.ApplicationID || cp.Size != p.TreeSize {
		return Checkpoint{}, fmt.Errorf("checkpoint is for %s at size %d, the proof for %s%s at %d",
			cp.Origin, cp.Size, OriginPrefix, p.ApplicationID, p.TreeSize)
	}
	leaf, err := hex.DecodeString(p.LeafHash)
	if err != nil || len(leaf) != 32 {
		return Checkpoint{}, fmt.Errorf("leaf_hash %q is not a hex SHA-256 hash", p.LeafHash)
	}
	hashes := make([][]byte, len(p.Hashes))
	for i, h := range p.Hashes {
		if hashes[i], err = hex.DecodeString(h); err != nil || len(hashes[i]) != 32 {
			return Checkpoint{}, fmt.Errorf("inclusion_proof[%d] is not a hex SHA-256 hash", i)
		}
	}
	return cp, VerifyInclusion(cp, p.LeafIndex, leaf, hashes)
}

// SameRoot reports whether two checkpoints state the same tree.
func SameRoot(a, b Checkpoint) bool {
	return a.Origin == b.Origin && a.Size == b.Size && bytes.Equal(a.Root, b.Root)
}
