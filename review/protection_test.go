package review_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"handoff/demo"
	"handoff/domain"
	. "handoff/review"
	"handoff/store"
	"handoff/store/pgtest"
	"handoff/vault"
)

// piiFields are the check fields whose values must never be readable in
// the database.
var piiFields = map[string]bool{"full_name": true, "first_name": true, "last_name": true, "name": true,
	"document_number": true, "personal_number": true, "email": true, "full_number": true, "phone_number": true,
	"address": true, "date_of_birth": true, "name_on_document": true, "portrait_image": true, "front_image": true,
	"reference_image": true, "video_url": true}

func collectPII(v any, into map[string]bool) {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if s, ok := x.(string); ok && piiFields[k] && len(s) >= 6 {
				into[s] = true
			}
			collectPII(x, into)
		}
	case []any:
		for _, x := range t {
			collectPII(x, into)
		}
	}
}

// rawRows reads every row of every table in the database as PostgreSQL
// prints it (bytea as hex), the way a database reader or a dump sees it.
func rawRows(t *testing.T, db *store.DB) map[string][]string {
	t.Helper()
	ctx := context.Background()
	var tables []string
	if err := db.SelectContext(ctx, &tables, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, tbl := range tables {
		var rows []string
		if err := db.SelectContext(ctx, &rows, `SELECT t::text FROM "`+tbl+`" t`); err != nil {
			t.Fatal(err)
		}
		out[tbl] = rows
	}
	return out
}

func TestNothingPersonalOrSecretInTheDatabase(t *testing.T) {
	ctx := context.Background()
	db := pgtest.DB(t)
	svc := New(db)
	t.Cleanup(svc.Close)
	svc.SetPrivateWebhooks(true)
	rep, err := demo.Seed(ctx, svc, "")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://127.0.0.1:9/hook"
	events := []string{domain.EventStatusUpdated}
	dest, err := svc.CreateDestination(ctx, WebhookOperator(rep.Partner.ID), DestinationInput{URL: &url, SubscribedEvents: &events})
	if err != nil {
		t.Fatal(err)
	}
	rotated, err := svc.RotateDestinationSecret(ctx, WebhookOperator(rep.Partner.ID), dest.Destination.ID)
	if err != nil {
		t.Fatal(err)
	}

	// A session created over the API carries contact and expected details.
	created, err := svc.CreateSession(ctx, Analyst(rep.Partner.ID, "api"), NewSession{WorkflowID: "wf_partner_kyc",
		VendorData: "sandbox-1", Callback: "https://192.0.2.11/back?t=cb-4417",
		ContactDetails:  json.RawMessage(`{"email":"odile.vantassel@example.org","phone":"+15550142233"}`),
		ExpectedDetails: json.RawMessage(`{"first_name":"Odile","last_name":"Vantassel-Bright"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CompleteSandbox(ctx, Analyst(rep.Partner.ID, "api"), created.ID, "Approved"); err != nil {
		t.Fatal(err)
	}
	back, err := svc.Session(ctx, Analyst(rep.Partner.ID, "reader"), created.ID)
	if err != nil || back.Details == nil || !strings.Contains(string(back.Details.ContactDetails), "odile.vantassel") {
		t.Fatalf("session details do not read back: %v %+v", err, back.Details)
	}
	needles := map[string]bool{dest.Secret: true, rotated: true, rep.IssuerKey: true, rep.PartnerKey: true,
		"odile.vantassel@example.org": true, "+15550142233": true, "Vantassel-Bright": true, "cb-4417": true,
		"PRIVATE+KEY": true} // the session_token is not among them: webhook bodies carry it, as Didit's do
	secrets, err := SigningSecrets(ctx, svc)
	if err != nil {
		t.Fatal(err)
	}
	fullNames := map[string]bool{}
	for _, app := range []uuid.UUID{rep.Issuer.ID, rep.Partner.ID} {
		var ids []uuid.UUID
		if err := db.SelectContext(ctx, &ids, `SELECT session_id FROM sessions WHERE application_id = $1`, app); err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			s, err := svc.Session(ctx, Analyst(app, "reader"), id)
			if err != nil {
				t.Fatal(err)
			}
			for _, raw := range s.Checks {
				var v any
				json.Unmarshal(raw, &v)
				collectPII(v, needles)
			}
			if n := domain.Summarize(s).FullName; n != "" {
				fullNames[n] = true
			}
		}
	}
	// The demo blocklists a person's document, e-mail address and IP
	// address, the document under a label that names them.
	types, named := map[domain.EntryType]bool{}, false
	lists, _, err := svc.Lists(ctx, Analyst(rep.Partner.ID, "reader"), ListsQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lists {
		es, _, err := svc.ListEntries(ctx, Analyst(rep.Partner.ID, "reader"), l.ID, "", 100, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			types[l.EntryType] = true
			// Checked against the sessions' names, before the entries'
			// own values become needles.
			if who, ok := strings.CutSuffix(e.DisplayLabel, ", card testing"); ok && fullNames[who] {
				named = true
			}
			for _, v := range []string{e.Value, e.DisplayLabel, e.Comment} {
				if v != "" { // "" is in every row
					needles[v] = true
				}
			}
		}
	}
	if !types[domain.EntryDocument] || !types[domain.EntryEmail] || !named {
		t.Fatalf("the demo's list entries: types %v, a label naming the person %v", types, named)
	}
	if _, err := svc.SealAudit(ctx); err != nil { // signs checkpoints: the checkpoint key exists
		t.Fatal(err)
	}
	if len(needles) < 500 || len(secrets) == 0 {
		t.Fatalf("the demo gave only %d values to look for and %d signing keys", len(needles), len(secrets))
	}
	rows := rawRows(t, db)
	if len(rows["sessions"]) < 300 || len(rows["data_keys"]) == 0 {
		t.Fatalf("read %d session rows, %d data keys", len(rows["sessions"]), len(rows["data_keys"]))
	}
	for tbl, list := range rows {
		for _, row := range list {
			for n := range needles {
				if strings.Contains(row, n) || strings.Contains(row, hex.EncodeToString([]byte(n))) {
					t.Fatalf("%s holds %q in a raw row", tbl, n)
				}
			}
			for _, sec := range secrets {
				if strings.Contains(row, hex.EncodeToString(sec)) {
					t.Fatalf("%s holds a share-token signing key in a raw row", tbl)
				}
			}
		}
	}
}

// sealedWorld is two applications with a workflow each, on services that
// share explicit master keys.
type sealedWorld struct {
	db   *store.DB
	keys Keys
	svc  *Service
	x, y uuid.UUID
}

func newSealedWorld(t *testing.T) *sealedWorld {
	t.Helper()
	ctx := context.Background()
	w := &sealedWorld{db: pgtest.DB(t)}
	w.keys = Keys{Master: vaultMemory("master"), Biometric: vaultMemory("biometric")}
	w.svc = New(w.db, WithKeys(w.keys), WithKeyRefresh(50*time.Millisecond))
	t.Cleanup(w.svc.Close)
	for i, name := range []string{"X", "Y"} {
		a, err := w.svc.CreateApplication(ctx, Operator("test"), NewApplication{Name: name,
			Workflows: []domain.Workflow{{ID: "wf_" + name, Kind: domain.KindUser}}})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			w.x = a.Application.ID
		} else {
			w.y = a.Application.ID
		}
	}
	return w
}

func (w *sealedWorld) generate(t *testing.T, svc *Service, app uuid.UUID, n int) []domain.Session {
	t.Helper()
	var out []domain.Session
	if err := demo.Generate(context.Background(), svc, demo.Options{App: app, Count: n, Kind: domain.KindUser,
		Phase: domain.PhaseApproved, Seed: 3, Actor: "test"}, func(s domain.Session) { out = append(out, s) }); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCiphertextMovedToAnotherRowDoesNotOpen(t *testing.T) {
	ctx := context.Background()
	w := newSealedWorld(t)
	xs := w.generate(t, w.svc, w.x, 2)
	ys := w.generate(t, w.svc, w.y, 1)
	reader := func(app uuid.UUID) domain.Caller { return Analyst(app, "reader") }
	if _, err := w.svc.Session(ctx, reader(w.x), xs[1].ID); err != nil {
		t.Fatalf("untouched session: %v", err)
	}
	// Within one application (same key, other session id), and across
	// applications (other key).
	for _, move := range []struct {
		name      string
		app, into uuid.UUID
		from      uuid.UUID
	}{{"another session", w.x, xs[1].ID, xs[0].ID}, {"another application", w.y, ys[0].ID, xs[0].ID}} {
		if _, err := w.db.ExecContext(ctx, `UPDATE sessions AS dst SET sealed = src.sealed, biometrics = src.biometrics
			FROM sessions AS src WHERE src.session_id = $1 AND dst.session_id = $2`, move.from, move.into); err != nil {
			t.Fatal(err)
		}
		if s, err := w.svc.Session(ctx, reader(move.app), move.into); err == nil {
			t.Fatalf("%s: a copied ciphertext opened: %v", move.name, s.Checks.Family("id_verifications"))
		}
	}
	if _, err := w.svc.Session(ctx, reader(w.x), xs[0].ID); err != nil {
		t.Fatalf("the original no longer opens: %v", err)
	}
}

func TestWithoutTheBiometricKeyEverythingElseReads(t *testing.T) {
	ctx := context.Background()
	w := newSealedWorld(t)
	src := w.generate(t, w.svc, w.x, 1)[0]
	full, err := w.svc.Session(ctx, Analyst(w.x, "reader"), src.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(full.Checks.Family("id_verifications")), "portrait_image") || full.BiometricsUnavailable {
		t.Fatalf("with both keys: %s", full.Checks.Family("id_verifications"))
	}
	noBio := New(w.db, WithKeys(Keys{Master: w.keys.Master}))
	t.Cleanup(noBio.Close)
	s, err := noBio.Session(ctx, Analyst(w.x, "reader"), src.ID)
	if err != nil {
		t.Fatalf("without the biometric key: %v", err)
	}
	ids := string(s.Checks.Family("id_verifications"))
	if !s.BiometricsUnavailable || strings.Contains(ids, "portrait_image") || strings.Contains(ids, "https://") {
		t.Fatalf("biometrics not marked unavailable or still present: %v %s", s.BiometricsUnavailable, ids)
	}
	var name string
	var doc []map[string]any
	json.Unmarshal(s.Checks.Family("id_verifications"), &doc)
	name, _ = doc[0]["full_name"].(string)
	if name == "" || doc[0]["document_number"] == nil {
		t.Fatalf("non-biometric checks missing: %s", ids)
	}
	// Copying a session needs its biometrics: refused, not half done.
	m, err := noBio.Share(ctx, Analyst(w.x, "minter"), src.ID, w.y, 600)
	if err != nil {
		t.Fatal(err)
	}
	_, err = noBio.Import(ctx, Analyst(w.y, "importer"), ImportRequest{ShareToken: m.Token, WorkflowID: "wf_Y"})
	if !domain.IsCode(err, domain.CodeUnavailable) {
		t.Fatalf("import without the biometric key: %v", err)
	}
	if n, _ := store.CountQueue(ctx, w.db, w.y); n != 0 {
		t.Fatalf("a refused import left %d sessions", n)
	}
	// With both keys again the token still imports, biometrics and all.
	clone, err := w.svc.Import(ctx, Analyst(w.y, "importer"), ImportRequest{ShareToken: m.Token, WorkflowID: "wf_Y"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(clone.Checks.Family("liveness_checks")), "video_url") {
		t.Fatalf("clone lacks biometrics: %s", clone.Checks.Family("liveness_checks"))
	}
}

func vaultMemory(name string) *vault.MemorySource { return vault.NewMemorySource(name) }
