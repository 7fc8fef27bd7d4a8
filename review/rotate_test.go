package review_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	. "handoff/review"
	"handoff/store"
)

// readAll opens every session of app and returns its checks by id.
func (w *sealedWorld) readAll(t *testing.T, svc *Service, app uuid.UUID) map[uuid.UUID]string {
	t.Helper()
	ctx := context.Background()
	var ids []uuid.UUID
	if err := w.db.SelectContext(ctx, &ids, `SELECT session_id FROM sessions WHERE application_id = $1 AND deleted_at IS NULL`, app); err != nil {
		t.Fatal(err)
	}
	out := map[uuid.UUID]string{}
	for _, id := range ids {
		s, err := svc.Session(ctx, Analyst(app, "reader"), id)
		if err != nil {
			t.Fatalf("session %s: %v", id, err)
		}
		if s.BiometricsUnavailable {
			t.Fatalf("session %s: biometrics unavailable", id)
		}
		b, _ := json.Marshal(s.Checks)
		out[id] = string(b)
	}
	return out
}

func same(t *testing.T, what string, got, want map[uuid.UUID]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d sessions, want %d", what, len(got), len(want))
	}
	for id, c := range want {
		if got[id] != c {
			t.Fatalf("%s: session %s reads differently", what, id)
		}
	}
}

func TestRotationKeepsEverythingReadable(t *testing.T) {
	ctx := context.Background()
	w := newSealedWorld(t)
	srcs := w.generate(t, w.svc, w.x, 23)
	m, err := w.svc.Share(ctx, Analyst(w.x, "minter"), srcs[0].ID, w.y, 600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Import(ctx, Analyst(w.y, "importer"), ImportRequest{ShareToken: m.Token, WorkflowID: "wf_Y"}); err != nil {
		t.Fatal(err)
	}
	url, events := "http://127.0.0.1:9/hook", []string{domain.EventStatusUpdated}
	w.svc.SetPrivateWebhooks(true)
	dest, err := w.svc.CreateDestination(ctx, WebhookOperator(w.x), DestinationInput{URL: &url, SubscribedEvents: &events})
	if err != nil {
		t.Fatal(err)
	}
	beforeX, beforeY := w.readAll(t, w.svc, w.x), w.readAll(t, w.svc, w.y)
	m2, err := w.svc.Share(ctx, Analyst(w.x, "minter"), srcs[1].ID, w.y, 600) // signed before the rotations
	if err != nil {
		t.Fatal(err)
	}

	for _, bio := range []bool{false, true} {
		r, err := w.svc.RotateMaster(ctx, Operator("ops"), bio)
		if err != nil {
			t.Fatal(err)
		}
		if r.From == r.To || r.Rewrapped < 2 {
			t.Fatalf("rotation %+v", r)
		}
		ids, _ := store.MasterKeyIDs(ctx, w.db, bio)
		if len(ids) != 1 || ids[r.To] == 0 {
			t.Fatalf("after rotating (biometric %v) the keys are wrapped by %v, want only %s", bio, ids, r.To)
		}
		// A fresh process (no cached keys) opens everything.
		fresh := New(w.db, WithKeys(w.keys))
		same(t, "after rotate-master", w.readAll(t, fresh, w.x), beforeX)
		same(t, "after rotate-master", w.readAll(t, fresh, w.y), beforeY)
		fresh.Close()
	}

	var during int
	r, err := w.svc.RotateData(ctx, Operator("ops"), w.x, DataRotationOptions{Batch: 5, Progress: func(done, total int64) {
		if total != 23 {
			t.Errorf("rotation moves %d sessions, want 23", total)
		}
		// Reads are served throughout: moved and unmoved sessions open.
		during++
		same(t, "during rotate-data", w.readAll(t, w.svc, w.x), beforeX)
	}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Generation != 2 || r.Resumed || r.Resealed != 23 || during < 5 {
		t.Fatalf("rotation %+v after %d batches", r, during)
	}
	if n, _ := store.CountToReseal(ctx, w.db, w.x, 2); n != 0 {
		t.Fatalf("%d sessions left under the old key", n)
	}
	same(t, "after rotate-data", w.readAll(t, New(w.db, WithKeys(w.keys)), w.x), beforeX)
	if sec, err := WebhookSecret(ctx, w.svc, w.x, dest.Destination.ID); err != nil || sec != dest.Secret {
		t.Fatalf("webhook secret after the rotations: %v", err)
	}
	if _, err := w.svc.Import(ctx, Analyst(w.y, "importer"), ImportRequest{ShareToken: m2.Token, WorkflowID: "wf_Y"}); err != nil {
		t.Fatalf("a token signed before the rotations: %v", err)
	}
}

func TestRotateDataKilledHalfwayResumes(t *testing.T) {
	ctx := context.Background()
	w := newSealedWorld(t)
	w.generate(t, w.svc, w.x, 20)
	before := w.readAll(t, w.svc, w.x)

	killed, kill := context.WithCancel(ctx)
	_, err := w.svc.RotateData(killed, Operator("ops"), w.x, DataRotationOptions{Batch: 6, Progress: func(done, total int64) {
		kill() // the process dies after its first batch
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("killed rotation: %v", err)
	}
	left, _ := store.CountToReseal(ctx, w.db, w.x, 2)
	if left != 14 {
		t.Fatalf("after one batch %d sessions are left, want 14", left)
	}
	// Another process, with nothing cached, reads both generations.
	other := New(w.db, WithKeys(w.keys))
	t.Cleanup(other.Close)
	same(t, "halfway", w.readAll(t, other, w.x), before)

	r, err := other.RotateData(ctx, Operator("ops"), w.x, DataRotationOptions{Batch: 6})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Resumed || r.Generation != 2 || r.Resealed != 14 {
		t.Fatalf("resumed rotation %+v", r)
	}
	if left, _ := store.CountToReseal(ctx, w.db, w.x, 2); left != 0 {
		t.Fatalf("%d sessions left after resuming", left)
	}
	same(t, "after resuming", w.readAll(t, w.svc, w.x), before)
	// New sessions are sealed under the new generation.
	w.generate(t, w.svc, w.x, 1)
	if left, _ := store.CountToReseal(ctx, w.db, w.x, 2); left != 0 {
		t.Fatal("a new session was sealed under the old generation")
	}
}

// A rotation's transactions hold one connection each: what they open on
// the way uses the keys they were given, never a second connection.
func TestRotateDataNeedsOneConnection(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	w := newSealedWorld(t)
	w.generate(t, w.svc, w.x, 3)
	url, events := "http://127.0.0.1:9/hook", []string{domain.EventStatusUpdated}
	w.svc.SetPrivateWebhooks(true)
	dest, err := w.svc.CreateDestination(ctx, WebhookOperator(w.x), DestinationInput{URL: &url, SubscribedEvents: &events})
	if err != nil {
		t.Fatal(err)
	}
	w.db.SetMaxOpenConns(1)
	fresh := New(w.db, WithKeys(w.keys), WithKeyRefresh(50*time.Millisecond)) // nothing cached, and soon stale
	defer fresh.Close()
	if _, err := fresh.RotateData(ctx, Operator("ops"), w.x, DataRotationOptions{Batch: 2}); err != nil {
		t.Fatalf("rotating with one connection: %v", err)
	}
	if sec, err := WebhookSecret(ctx, fresh, w.x, dest.Destination.ID); err != nil || sec != dest.Secret {
		t.Fatalf("webhook secret after the rotation: %v", err)
	}
}
