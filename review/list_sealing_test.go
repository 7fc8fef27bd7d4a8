package review_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	. "handoff/review"
	"handoff/store"
)

// blockEntry puts value on app's system blocklist of type et with a label
// and a comment that name the person, as a partner's back end would (so
// the comment may be blank).
func (w *sealedWorld) blockEntry(t *testing.T, app uuid.UUID, et domain.EntryType, value, label, comment string) domain.ListEntry {
	t.Helper()
	ctx := context.Background()
	key := uuid.New()
	partner := domain.Caller{ApplicationID: app, KeyID: &key, Privileges: domain.DefaultPrivileges}
	ls, _, err := w.svc.Lists(ctx, partner, ListsQuery{ListType: "blocklist", EntryType: string(et), Limit: 1})
	if err != nil || len(ls) != 1 {
		t.Fatalf("the %s blocklist: %v %v", et, ls, err)
	}
	e, err := w.svc.AddEntry(ctx, partner, ls[0].ID, NewEntry{Value: value, DisplayLabel: label, Comment: comment,
		Metadata: json.RawMessage(`{"case":"Jana Novak"}`)})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// entries reads every entry of app's lists through the service, keyed by id.
func (w *sealedWorld) entries(t *testing.T, svc *Service, app uuid.UUID) map[uuid.UUID]domain.ListEntry {
	t.Helper()
	ctx := context.Background()
	ls, _, err := svc.Lists(ctx, Analyst(app, "reader"), ListsQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	out := map[uuid.UUID]domain.ListEntry{}
	for _, l := range ls {
		es, _, err := svc.ListEntries(ctx, Analyst(app, "reader"), l.ID, "", 100, 0)
		if err != nil {
			t.Fatalf("entries of %s: %v", l.Name, err)
		}
		for _, e := range es {
			out[e.ID] = e
		}
	}
	return out
}

func sameEntries(t *testing.T, what string, got, want map[uuid.UUID]domain.ListEntry) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d entries, want %d", what, len(got), len(want))
	}
	for id, e := range want {
		g := got[id]
		if g.Value != e.Value || g.DisplayLabel != e.DisplayLabel || g.Comment != e.Comment || compact(g.Metadata) != compact(e.Metadata) {
			t.Fatalf("%s: entry %s reads %+v, want %+v", what, id, g, e)
		}
	}
}

// compact is a JSON text without insignificant space (jsonb prints some).
func compact(b []byte) string {
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		return string(b)
	}
	return out.String()
}

// rawEntries is every list_entries row as PostgreSQL prints it.
func (w *sealedWorld) rawEntries(t *testing.T) string {
	t.Helper()
	var rows []string
	if err := w.db.SelectContext(context.Background(), &rows, `SELECT t::text FROM list_entries t`); err != nil {
		t.Fatal(err)
	}
	return strings.Join(rows, "\n")
}

func TestListEntriesSealedAtRest(t *testing.T) {
	ctx := context.Background()
	w := newSealedWorld(t)
	email := w.blockEntry(t, w.x, domain.EntryEmail, "jana.novak@example.org", "Jana Novak, mule", "Jana Novak again")
	phone := w.blockEntry(t, w.x, domain.EntryPhone, "+15550142233", "Brannigan", "")
	if raw := w.rawEntries(t); strings.Contains(raw, "novak") || strings.Contains(raw, "Novak") || strings.Contains(raw, "5550142233") ||
		strings.Contains(raw, "Brannigan") {
		t.Fatalf("a raw row holds a value, label or comment:\n%s", raw)
	}
	got := w.entries(t, w.svc, w.x)
	sameEntries(t, "read back", got, map[uuid.UUID]domain.ListEntry{email.ID: email, phone.ID: phone})
	if string(got[email.ID].Metadata) != `{"case":"Jana Novak"}` {
		t.Fatalf("metadata %s", got[email.ID].Metadata)
	}

	// A search opens them: by value and by label, ignoring case.
	for _, c := range []struct {
		list, search string
		want         []uuid.UUID
	}{{"email", "NOVAK@", []uuid.UUID{email.ID}}, {"email", "mule", []uuid.UUID{email.ID}}, {"email", "again", nil},
		{"phone", "0142", []uuid.UUID{phone.ID}}, {"phone", "brann", []uuid.UUID{phone.ID}}, {"email", "brann", nil}} {
		ls, _, _ := w.svc.Lists(ctx, Analyst(w.x, "reader"), ListsQuery{ListType: "blocklist", EntryType: c.list, Limit: 1})
		es, n, err := w.svc.ListEntries(ctx, Analyst(w.x, "reader"), ls[0].ID, c.search, 10, 0)
		if err != nil || n != int64(len(c.want)) || len(es) != len(c.want) || (len(es) == 1 && es[0].ID != c.want[0]) {
			t.Errorf("search %q in %s: %d %+v %v, want %v", c.search, c.list, n, es, err, c.want)
		}
	}
	// The same value twice is still refused (by its keyed hash).
	ls, _, _ := w.svc.Lists(ctx, Analyst(w.x, "reader"), ListsQuery{ListType: "blocklist", EntryType: "email", Limit: 1})
	if _, err := w.svc.AddEntry(ctx, Analyst(w.x, "alice"), ls[0].ID, NewEntry{Value: "Jana.Novak@example.org", Comment: "again"}); !domain.IsCode(err, domain.CodeInvalid) {
		t.Errorf("the same address twice: %v", err)
	}
}

// A sealed entry copied to another entry's row, of the same application
// or another, does not open there.
func TestListEntryMovedToAnotherRowDoesNotOpen(t *testing.T) {
	ctx := context.Background()
	w := newSealedWorld(t)
	a := w.blockEntry(t, w.x, domain.EntryEmail, "jana.novak@example.org", "Jana Novak", "")
	b := w.blockEntry(t, w.x, domain.EntryPhone, "+15550142233", "someone else", "")
	c := w.blockEntry(t, w.y, domain.EntryEmail, "zed@example.org", "Zed", "")
	for _, move := range []struct {
		name string
		app  uuid.UUID
		into uuid.UUID
	}{{"another entry", w.x, b.ID}, {"another application's entry", w.y, c.ID}} {
		if _, err := w.db.ExecContext(ctx, `UPDATE list_entries AS dst SET sealed = src.sealed
			FROM list_entries AS src WHERE src.entry_id = $1 AND dst.entry_id = $2`, a.ID, move.into); err != nil {
			t.Fatal(err)
		}
		var list uuid.UUID
		if err := w.db.GetContext(ctx, &list, `SELECT list_id FROM list_entries WHERE entry_id = $1`, move.into); err != nil {
			t.Fatal(err)
		}
		if es, _, err := w.svc.ListEntries(ctx, Analyst(move.app, "reader"), list, "", 10, 0); err == nil {
			t.Fatalf("%s: a copied entry opened: %+v", move.name, es)
		}
	}
	if es, _, err := w.svc.ListEntries(ctx, Analyst(w.x, "reader"), a.ListID, "", 10, 0); err != nil || len(es) != 1 ||
		es[0].Value != "jana.novak@example.org" {
		t.Fatalf("the original no longer opens: %+v %v", es, err)
	}
}

// Entries written in the clear before entries were sealed read as they
// are, still match, and the housekeeping seals them and blanks the plain
// columns.
func TestPlainListEntriesGetSealed(t *testing.T) {
	ctx := context.Background()
	w := newSealedWorld(t)
	srcs := w.generate(t, w.svc, w.x, 1)
	doc := ""
	for _, id := range domain.SessionIdentifiers(srcs[0]) {
		if id.Type == domain.EntryDocument {
			doc = id.Value
		}
	}
	e := w.blockEntry(t, w.y, domain.EntryDocument, doc, "Jana Novak", "stolen from Jana Novak")
	// As a server of the previous release wrote it.
	w.db.MustExecContext(ctx, `UPDATE list_entries SET sealed = NULL, key_generation = NULL, value = $2, display_label = $3,
		comment = $4, metadata = '{"case": "Jana Novak"}' WHERE entry_id = $1`, e.ID, e.Value, e.DisplayLabel, e.Comment)
	want := map[uuid.UUID]domain.ListEntry{e.ID: e}
	sameEntries(t, "in the clear", w.entries(t, w.svc, w.y), want)

	m, err := w.svc.Share(ctx, Analyst(w.x, "minter"), srcs[0].ID, w.y, 600)
	if err != nil {
		t.Fatal(err)
	}
	clone, err := w.svc.Import(ctx, Analyst(w.y, "importer"), ImportRequest{ShareToken: m.Token, WorkflowID: "wf_Y", TrustReview: true})
	if err != nil {
		t.Fatal(err)
	}
	// The case page's findings (what the TUI and the API show) match the
	// lists afresh on every read.
	c, err := w.svc.Case(ctx, Analyst(w.y, "reader"), clone.ID, TimelineSpan{})
	if err != nil || !findingWith(c.Findings, domain.FindingBlocklisted, "stolen from Jana Novak") {
		t.Fatalf("a plain entry's hit: %+v %v", c.Findings, err)
	}

	n, err := w.svc.SealPendingEntries(ctx)
	if err != nil || n != 1 {
		t.Fatalf("sealed %d (%v), want 1", n, err)
	}
	if raw := w.rawEntries(t); strings.Contains(raw, "Novak") || strings.Contains(raw, doc) {
		t.Fatalf("after sealing a raw row still holds the entry:\n%s", raw)
	}
	sameEntries(t, "sealed", w.entries(t, New(w.db, WithKeys(w.keys)), w.y), want)
	if c, err := w.svc.Case(ctx, Analyst(w.y, "reader"), clone.ID, TimelineSpan{}); err != nil ||
		!findingWith(c.Findings, domain.FindingBlocklisted, "stolen from Jana Novak") {
		t.Fatalf("the sealed entry's hit: %+v %v", c.Findings, err)
	}
	if n, err := w.svc.SealPendingEntries(ctx); err != nil || n != 0 {
		t.Fatalf("a second pass sealed %d (%v)", n, err)
	}
}

// rotate-data re-seals list entries (those in the clear too); stopped
// after the sessions, it resumes with the entries instead of starting
// another generation.
func TestRotateDataResealsListEntries(t *testing.T) {
	ctx := context.Background()
	w := newSealedWorld(t)
	w.generate(t, w.svc, w.x, 1)
	a := w.blockEntry(t, w.x, domain.EntryEmail, "jana.novak@example.org", "Jana Novak", "mule")
	b := w.blockEntry(t, w.x, domain.EntryPhone, "+15550142233", "Brannigan", "")
	w.db.MustExecContext(ctx, `UPDATE list_entries SET sealed = NULL, key_generation = NULL, value = $2, display_label = $3,
		metadata = '{"case": "Jana Novak"}' WHERE entry_id = $1`, b.ID, b.Value, b.DisplayLabel)
	before := w.entries(t, w.svc, w.x)
	sameEntries(t, "before", before, map[uuid.UUID]domain.ListEntry{a.ID: a, b.ID: b})

	r, err := w.svc.RotateData(ctx, Operator("ops"), w.x, DataRotationOptions{Batch: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r.Generation != 2 || r.ResealedEntries != 2 {
		t.Fatalf("rotation %+v", r)
	}
	generations := func() []int {
		var gs []int
		w.db.SelectContext(ctx, &gs, `SELECT coalesce(key_generation, 0) FROM list_entries WHERE application_id = $1`, w.x)
		return gs
	}
	if gs := generations(); len(gs) != 2 || gs[0] != 2 || gs[1] != 2 {
		t.Fatalf("entries under generations %v after the rotation, want 2", gs)
	}
	sameEntries(t, "after rotate-data", w.entries(t, New(w.db, WithKeys(w.keys)), w.x), before)

	// The next rotation dies after its one batch of sessions.
	killed, kill := context.WithCancel(ctx)
	_, err = w.svc.RotateData(killed, Operator("ops"), w.x, DataRotationOptions{Batch: 1, Progress: func(done, total int64) { kill() }})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("killed rotation: %v", err)
	}
	if left, _ := store.CountToReseal(ctx, w.db, w.x, 3); left != 0 {
		t.Fatalf("%d sessions left under the old key", left)
	}
	other := New(w.db, WithKeys(w.keys))
	t.Cleanup(other.Close)
	sameEntries(t, "halfway", w.entries(t, other, w.x), before)
	r, err = other.RotateData(ctx, Operator("ops"), w.x, DataRotationOptions{Batch: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Resumed || r.Generation != 3 || r.ResealedEntries != 2 {
		t.Fatalf("resumed rotation %+v", r)
	}
	if gs := generations(); len(gs) != 2 || gs[0] != 3 || gs[1] != 3 {
		t.Fatalf("entries under generations %v after resuming, want 3", gs)
	}
	sameEntries(t, "after resuming", w.entries(t, w.svc, w.x), before)
}

// serve's housekeeping is what seals them, and logs how many entries.
func TestHousekeepingSealsPlainListEntries(t *testing.T) {
	ctx, stop := context.WithCancel(context.Background())
	w := newSealedWorld(t)
	e := w.blockEntry(t, w.x, domain.EntryEmail, "jana.novak@example.org", "Jana Novak", "")
	w.db.MustExecContext(ctx, `UPDATE list_entries SET sealed = NULL, key_generation = NULL, value = $2, display_label = $3,
		metadata = $4 WHERE entry_id = $1`, e.ID, e.Value, e.DisplayLabel, string(e.Metadata))
	var logged lockedLog
	svc := New(w.db, WithKeys(w.keys), WithLogger(slog.New(slog.NewTextHandler(&logged, nil))))
	done := make(chan struct{})
	go func() { defer close(done); svc.RunHousekeeping(ctx, 10*time.Millisecond) }()
	t.Cleanup(func() { stop(); <-done; svc.Close() })
	never := time.Now().Add(time.Minute) // a bound for "never", not a timing assertion
	const sealed = `msg="housekeeping: sealed older list entries"`
	for !strings.Contains(logged.String(), sealed) {
		if time.Now().After(never) {
			t.Fatalf("after a minute the housekeeping has not sealed the plain entry; it logged:\n%s", logged.String())
		}
		time.Sleep(10 * time.Millisecond) // waiting for a condition, not timing it
	}
	if log := logged.String(); !strings.Contains(log, sealed+" entries=1") {
		t.Fatalf("the housekeeping does not say it sealed one entry:\n%s", log)
	}
	var plain int
	if err := w.db.GetContext(ctx, &plain, `SELECT count(*) FROM list_entries WHERE sealed IS NULL`); err != nil || plain != 0 {
		t.Fatalf("%d entries in the clear after the housekeeping sealed them (%v)", plain, err)
	}
	sameEntries(t, "sealed by the housekeeping", w.entries(t, w.svc, w.x), map[uuid.UUID]domain.ListEntry{e.ID: e})
}

// lockedLog is a log another goroutine writes while the test reads it.
type lockedLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// Without the biometric key a face entry reads as unavailable and does
// not fail its list, a search or the other entries; the housekeeping
// leaves a plain face entry to a server that has the key, which seals it.
func TestFaceEntryWithoutBiometricKey(t *testing.T) {
	ctx := context.Background()
	w := newSealedWorld(t)
	face := w.blockEntry(t, w.x, domain.EntryFace, "face-abc123", "Jana Novak", "seen twice")
	noBio := New(w.db, WithKeys(Keys{Master: w.keys.Master}))
	t.Cleanup(noBio.Close)
	got := w.entries(t, noBio, w.x)
	if e := got[face.ID]; !e.Unavailable || e.Value != "" || e.DisplayLabel != "" || e.Comment != "" || e.Metadata != nil {
		t.Fatalf("a face entry without the biometric key: %+v", e)
	}
	if es, n, err := noBio.ListEntries(ctx, Analyst(w.x, "reader"), face.ListID, "novak", 10, 0); err != nil || n != 0 || len(es) != 0 {
		t.Fatalf("a search without the biometric key: %d %+v %v", n, es, err)
	}
	if _, err := noBio.AddEntry(ctx, Analyst(w.x, "alice"), face.ListID, NewEntry{Value: "face-def456", Comment: "a second face"}); !domain.IsCode(err, domain.CodeUnavailable) {
		t.Fatalf("adding a face entry without the biometric key: %v", err)
	}
	sameEntries(t, "with the biometric key", w.entries(t, w.svc, w.x), map[uuid.UUID]domain.ListEntry{face.ID: face})

	email := w.blockEntry(t, w.x, domain.EntryEmail, "jana.novak@example.org", "Jana Novak", "")
	for _, e := range []domain.ListEntry{face, email} {
		w.db.MustExecContext(ctx, `UPDATE list_entries SET sealed = NULL, key_generation = NULL, value = $2, display_label = $3,
			comment = $4, metadata = $5 WHERE entry_id = $1`, e.ID, e.Value, e.DisplayLabel, e.Comment, string(e.Metadata))
	}
	if n, err := noBio.SealPendingEntries(ctx); err != nil || n != 1 {
		t.Fatalf("without the biometric key sealed %d (%v), want the e-mail entry only", n, err)
	}
	if n, err := w.svc.SealPendingEntries(ctx); err != nil || n != 1 {
		t.Fatalf("with the biometric key sealed %d (%v), want the face entry", n, err)
	}
	if e := w.entries(t, noBio, w.x)[face.ID]; !e.Unavailable {
		t.Fatalf("the face entry sealed by the housekeeping opens without the biometric key: %+v", e)
	}
	sameEntries(t, "sealed", w.entries(t, w.svc, w.x), map[uuid.UUID]domain.ListEntry{face.ID: face, email.ID: email})
}

// A list read a keyset page at a time gives every entry once, in
// ListEntries' order, also when entries share a creation time.
func TestEntriesAfterPagesEveryEntryOnce(t *testing.T) {
	ctx := context.Background()
	w := newSealedWorld(t)
	at := time.Date(2026, 12, 2, 7, 0, 0, 0, time.UTC)
	svc := New(w.db, WithKeys(w.keys), WithClock(func() time.Time { return at }))
	t.Cleanup(svc.Close)
	w.svc = svc
	var list uuid.UUID
	for i := range 7 {
		if i == 4 {
			at = at.Add(time.Second)
		}
		list = w.blockEntry(t, w.x, domain.EntryEmail, fmt.Sprintf("p%d@example.org", i), "", "").ListID
	}
	want, n, err := svc.ListEntries(ctx, Analyst(w.x, "reader"), list, "", 100, 0)
	if err != nil || n != 7 {
		t.Fatalf("the list: %d %v", n, err)
	}
	var got []uuid.UUID
	var after *store.SealedEntry
	for {
		page, err := store.EntriesAfter(ctx, w.db, w.x, list, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page {
			got = append(got, e.ID)
		}
		if len(page) < 2 {
			break
		}
		after = &page[len(page)-1]
	}
	if len(got) != len(want) {
		t.Fatalf("paged %d entries, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i].ID {
			t.Fatalf("entry %d is %s, want %s", i, got[i], want[i].ID)
		}
	}
}

// An application whose keys do not load is logged (without secrets) and
// skipped: the next application's entries are still sealed.
func TestSealingSkipsAnApplicationWhoseKeysFail(t *testing.T) {
	ctx := context.Background()
	w := newSealedWorld(t)
	broken := w.blockEntry(t, w.x, domain.EntryEmail, "jana.novak@example.org", "Jana Novak", "")
	fine := w.blockEntry(t, w.y, domain.EntryEmail, "zed@example.org", "Zed", "")
	for _, e := range []domain.ListEntry{broken, fine} {
		w.db.MustExecContext(ctx, `UPDATE list_entries SET sealed = NULL, key_generation = NULL, value = $2, display_label = $3
			WHERE entry_id = $1`, e.ID, e.Value, e.DisplayLabel)
	}
	w.db.MustExecContext(ctx, `UPDATE data_keys SET wrapped = '\x00' WHERE application_id = $1`, w.x)
	var logged bytes.Buffer
	svc := New(w.db, WithKeys(w.keys), WithLogger(slog.New(slog.NewTextHandler(&logged, nil))))
	t.Cleanup(svc.Close)
	if n, err := svc.SealPendingEntries(ctx); err != nil || n != 1 {
		t.Fatalf("sealed %d (%v), want the other application's entry", n, err)
	}
	var plain []uuid.UUID
	if err := w.db.SelectContext(ctx, &plain, `SELECT entry_id FROM list_entries WHERE sealed IS NULL`); err != nil {
		t.Fatal(err)
	}
	if len(plain) != 1 || plain[0] != broken.ID {
		t.Fatalf("entries left in the clear: %v, want only %s", plain, broken.ID)
	}
	if log := logged.String(); !strings.Contains(log, w.x.String()) || strings.Contains(log, "novak") {
		t.Fatalf("the log does not name the application, or names the entry:\n%s", log)
	}
}
