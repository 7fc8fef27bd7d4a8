package auditlog

import (
	"context"
	"encoding/hex"

	"github.com/google/uuid"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"

	"handoff/auditverify"
	"handoff/domain"
	"handoff/store"
)

// Checkpoint returns app's latest signed checkpoint.
func (l *Log) Checkpoint(ctx context.Context, app uuid.UUID) (store.Checkpoint, error) {
	c, err := store.GetCheckpoint(ctx, l.db, app, 0)
	if domain.IsCode(err, domain.CodeNotFound) {
		return c, domain.NotFoundf("Your application has no sealed audit events yet.")
	}
	return c, err
}

// InclusionProof proves that the sealed event with leafHash is in app's
// tree at the checkpoint of treeSize (0: the latest).
func (l *Log) InclusionProof(ctx context.Context, app uuid.UUID, leafHash []byte, treeSize int64) (auditverify.Proof, error) {
	cp, err := store.GetCheckpoint(ctx, l.db, app, treeSize)
	if domain.IsCode(err, domain.CodeNotFound) {
		if treeSize == 0 {
			return auditverify.Proof{}, domain.NotFoundf("Your application has no sealed audit events yet.")
		}
		return auditverify.Proof{}, domain.FieldError("tree_size", "no checkpoint of your application has tree size %d", treeSize)
	} else if err != nil {
		return auditverify.Proof{}, err
	}
	idx, err := store.LeafIndex(ctx, l.db, app, leafHash)
	if err != nil {
		return auditverify.Proof{}, err
	}
	if idx >= cp.Size {
		return auditverify.Proof{}, domain.FieldError("tree_size", "the event was sealed after tree size %d (it is leaf %d)", cp.Size, idx)
	}
	nodes, err := proof.Inclusion(uint64(idx), uint64(cp.Size))
	if err != nil {
		return auditverify.Proof{}, err
	}
	hashes, err := l.rehash(ctx, app, nodes)
	if err != nil {
		return auditverify.Proof{}, err
	}
	vkey, err := l.VerifierKey(ctx)
	if err != nil {
		return auditverify.Proof{}, err
	}
	p := auditverify.Proof{ApplicationID: app.String(), LeafHash: hex.EncodeToString(leafHash), LeafIndex: uint64(idx),
		TreeSize: uint64(cp.Size), Hashes: make([]string, len(hashes)), Checkpoint: cp.Note, VerifierKey: vkey}
	for i, h := range hashes {
		p.Hashes[i] = hex.EncodeToString(h)
	}
	return p, nil
}

// EventProof proves app's sealed event seq against its latest checkpoint.
func (l *Log) EventProof(ctx context.Context, app uuid.UUID, seq int64) (auditverify.Proof, error) {
	events, err := store.SealedEvents(ctx, l.db, app, seq-1, seq, 1)
	if err != nil {
		return auditverify.Proof{}, err
	}
	if len(events) == 0 {
		return auditverify.Proof{}, domain.NotFoundf("no sealed event %d in this application", seq)
	}
	return l.InclusionProof(ctx, app, events[0].LeafHash(), 0)
}

// ConsistencyProof proves that app's tree at size1 is a prefix of the tree
// at size2, from the stored nodes.
func (l *Log) ConsistencyProof(ctx context.Context, app uuid.UUID, size1, size2 int64) ([][]byte, error) {
	if size1 < 0 || size1 > size2 {
		return nil, domain.Invalidf("tree sizes %d and %d: the first must not be larger", size1, size2)
	}
	return l.consistency(ctx, app, uint64(size1), uint64(size2))
}

func (l *Log) consistency(ctx context.Context, app uuid.UUID, size1, size2 uint64) ([][]byte, error) {
	nodes, err := proof.Consistency(size1, size2)
	if err != nil {
		return nil, domain.Invalidf("%v", err)
	}
	return l.rehash(ctx, app, nodes)
}

// rehash fetches the stored nodes a proof names and folds the ephemeral
// ones.
func (l *Log) rehash(ctx context.Context, app uuid.UUID, nodes proof.Nodes) ([][]byte, error) {
	ids := make([]store.TreeNode, len(nodes.IDs))
	for i, id := range nodes.IDs {
		ids[i] = store.TreeNode{Level: id.Level, Index: id.Index}
	}
	hashes, err := store.NodeHashes(ctx, l.db, app, ids)
	if err != nil {
		return nil, err
	}
	return nodes.Rehash(hashes, rfc6962.DefaultHasher.HashChildren)
}
