package review_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"handoff/demo"
	"handoff/domain"
	. "handoff/review"
	"handoff/store"
)

var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// rawMedia is what the database holds of app's media: data and
// generation per session and name.
func rawMedia(t *testing.T, db *store.DB, app any) map[string]store.MediaRow {
	t.Helper()
	var rows []store.SessionMediaRow
	if err := db.SelectContext(context.Background(), &rows, `SELECT session_id, name, content_type, data, generation
		FROM session_media WHERE application_id = $1`, app); err != nil {
		t.Fatal(err)
	}
	out := map[string]store.MediaRow{}
	for _, r := range rows {
		out[r.SessionID.String()+"/"+r.Name] = r.MediaRow
	}
	return out
}

// Evidence pictures are sealed under the application's biometric key: the
// raw rows hold no PNG, the clone's pictures open to the source's bytes
// under the importer's key, erasing a session erases them, and a server
// without the biometric key says they are unavailable.
func TestEvidenceIsSealedUnderTheBiometricKey(t *testing.T) {
	ctx := context.Background()
	w := newSealedWorld(t)
	var srcs []domain.Session
	if err := demo.Generate(ctx, w.svc, demo.Options{App: w.x, Count: 2, Kind: domain.KindUser, Phase: domain.PhaseApproved,
		Seed: 5, Actor: "test", Evidence: 2}, func(s domain.Session) { srcs = append(srcs, s) }); err != nil {
		t.Fatal(err)
	}
	x, y := Analyst(w.x, "maria"), Analyst(w.y, "sam")
	orig, err := w.svc.Evidence(ctx, x, srcs[0].ID)
	if err != nil || len(orig) != 4 || !bytes.HasPrefix(orig[0].Data, pngMagic) {
		t.Fatalf("evidence: %d files (%v)", len(orig), err)
	}
	raw := rawMedia(t, w.db, w.x)
	if len(raw) != 8 {
		t.Fatalf("%d raw rows", len(raw))
	}
	for k, r := range raw {
		if r.Generation == nil || bytes.Contains(r.Data, pngMagic) || bytes.Contains(r.Data, []byte("IHDR")) {
			t.Fatalf("%s is stored in the clear (generation %v)", k, r.Generation)
		}
	}

	m, err := w.svc.Share(ctx, x, srcs[0].ID, w.y, 600)
	if err != nil {
		t.Fatal(err)
	}
	clone, err := w.svc.Import(ctx, y, ImportRequest{ShareToken: m.Token, WorkflowID: "wf_Y"})
	if err != nil {
		t.Fatal(err)
	}
	cloned, err := w.svc.Evidence(ctx, y, clone.ID)
	if err != nil || len(cloned) != len(orig) {
		t.Fatalf("clone: %d files (%v)", len(cloned), err)
	}
	for i := range orig {
		if cloned[i].Name != orig[i].Name || !bytes.Equal(cloned[i].Data, orig[i].Data) {
			t.Fatalf("the clone's %s differs from the source's", cloned[i].Name)
		}
		if bytes.Equal(rawMedia(t, w.db, w.y)[clone.ID.String()+"/"+orig[i].Name].Data, raw[srcs[0].ID.String()+"/"+orig[i].Name].Data) {
			t.Fatalf("the clone's %s is the source's ciphertext, not sealed anew under the importer's key", orig[i].Name)
		}
	}
	// A ciphertext moved to another session does not open.
	if _, err := w.db.ExecContext(ctx, `UPDATE session_media AS dst SET data = src.data FROM session_media AS src
		WHERE src.session_id = $1 AND dst.session_id = $2 AND src.name = dst.name`, srcs[0].ID, srcs[1].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Evidence(ctx, x, srcs[1].ID); err == nil {
		t.Fatal("another session's sealed picture opened")
	}

	noBio := New(w.db, WithKeys(Keys{Master: w.keys.Master}))
	t.Cleanup(noBio.Close)
	if _, err := noBio.Evidence(ctx, x, srcs[0].ID); !domain.IsCode(err, domain.CodeUnavailable) || !strings.Contains(err.Error(), "unavailable") {
		t.Fatalf("without the biometric key: %v", err)
	}

	if err := w.svc.DeleteSession(ctx, x, srcs[0].ID); err != nil {
		t.Fatal(err)
	}
	for k := range rawMedia(t, w.db, w.x) {
		if strings.HasPrefix(k, srcs[0].ID.String()) {
			t.Fatalf("%s is left of an erased session", k)
		}
	}
	if got, err := w.svc.Evidence(ctx, y, clone.ID); err != nil || len(got) != 4 {
		t.Fatalf("the partner's clone keeps its own copy: %d (%v)", len(got), err)
	}
}

// Pictures stored in the clear before sealing still read, and rotate-data
// seals them.
func TestRotateDataSealsPicturesStoredInTheClear(t *testing.T) {
	ctx := context.Background()
	w := newSealedWorld(t)
	sess := w.generate(t, w.svc, w.x, 1)[0]
	legacy := append(append([]byte{}, pngMagic...), "legacy picture"...)
	if _, err := w.db.ExecContext(ctx, `INSERT INTO session_media (application_id, session_id, name, content_type, data)
		VALUES ($1, $2, 'selfie', 'image/png', $3)`, w.x, sess.ID, legacy); err != nil {
		t.Fatal(err)
	}
	x := Analyst(w.x, "maria")
	if got, err := w.svc.Evidence(ctx, x, sess.ID); err != nil || len(got) != 1 || !bytes.Equal(got[0].Data, legacy) {
		t.Fatalf("a legacy row: %v %v", got, err)
	}
	r, err := w.svc.RotateData(ctx, Operator("test"), w.x, DataRotationOptions{Batch: 10})
	if err != nil || r.ResealedMedia != 1 {
		t.Fatalf("rotate-data: %+v %v", r, err)
	}
	row := rawMedia(t, w.db, w.x)[sess.ID.String()+"/selfie"]
	if row.Generation == nil || *row.Generation != r.Generation || bytes.Contains(row.Data, pngMagic) {
		t.Fatalf("after rotate-data the row is generation %v, in the clear: %v", row.Generation, bytes.Contains(row.Data, pngMagic))
	}
	if got, err := w.svc.Evidence(ctx, x, sess.ID); err != nil || len(got) != 1 || !bytes.Equal(got[0].Data, legacy) {
		t.Fatalf("after rotate-data: %v %v", got, err)
	}
}
