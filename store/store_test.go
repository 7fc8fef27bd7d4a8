package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
	"handoff/store/pgtest"
)

func newApp(t *testing.T, db *store.DB, name string) uuid.UUID {
	t.Helper()
	ctx := context.Background()
	id := uuid.New()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := store.CreateApplication(ctx, tx, domain.Application{ID: id, Name: name, CreatedAt: time.Now()}); err != nil {
			return err
		}
		return store.CreateWorkflow(ctx, tx, id, domain.Workflow{ID: "wf_kyc", Kind: domain.KindUser})
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func userChecks() domain.Checks {
	c := domain.Checks{}
	for _, f := range domain.Families(domain.KindUser) {
		c[f] = json.RawMessage(`[{"status":"Approved"}]`)
	}
	return c
}

func TestSessionNumbersGapFreeUnderConcurrency(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	app := newApp(t, db, "Numbers")
	const creators, each = 32, 5
	var wg sync.WaitGroup
	errs := make(chan error, creators*each)
	for c := 0; c < creators; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				rollback := (c+i)%4 == 0 // some transactions fail after taking a number
				err := db.InTx(ctx, func(tx *store.Tx) error {
					n, err := store.NextSessionNumbers(ctx, tx, app, 1)
					if err != nil {
						return err
					}
					s := store.NewSession{Session: domain.Session{ApplicationID: app, ID: uuid.New(), Number: n, Kind: domain.KindUser,
						Status: "Approved", WorkflowID: "wf_kyc", Checks: userChecks(), CreatedAt: time.Now()}}
					if err := store.InsertSession(ctx, tx, s); err != nil {
						return err
					}
					if rollback {
						return fmt.Errorf("planned failure")
					}
					return nil
				})
				if err != nil && !rollback {
					errs <- err
				}
			}
		}(c)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var nums []int64
	if err := db.SelectContext(ctx, &nums, `SELECT session_number FROM sessions WHERE application_id = $1 ORDER BY 1`, app); err != nil {
		t.Fatal(err)
	}
	want := 0
	for c := 0; c < creators; c++ {
		for i := 0; i < each; i++ {
			if (c+i)%4 != 0 {
				want++
			}
		}
	}
	if len(nums) != want {
		t.Fatalf("%d sessions, want %d", len(nums), want)
	}
	for i, n := range nums {
		if n != int64(i+1) {
			t.Fatalf("session numbers have a gap or repeat at %d: %v", i, nums)
		}
	}
}

func appendEvent(ctx context.Context, db *store.DB, app uuid.UUID, actor string) error {
	return db.InTx(ctx, func(tx *store.Tx) error {
		return store.AppendAudit(ctx, tx, app, domain.AuditEvent{At: time.Now(), Actor: actor, Action: domain.ActionStatusChanged,
			Details: json.RawMessage(fmt.Sprintf(`{"by": %q}`, actor))})
	})
}

func TestAuditChainUnderConcurrencyAndTampering(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	app := newApp(t, db, "Audit")
	other := newApp(t, db, "Other")
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				target := app
				if i%3 == 0 {
					target = other
				}
				if err := appendEvent(ctx, db, target, fmt.Sprintf("worker-%d", w)); err != nil {
					t.Error(err)
				}
			}
		}(w)
	}
	wg.Wait()
	brk, n, err := store.VerifyAudit(ctx, db, app)
	if err != nil || brk != nil {
		t.Fatalf("fresh chain: break %+v, err %v", brk, err)
	}
	if n != 16*6 { // 6 of each worker's 10 appends went to app
		t.Fatalf("verified %d events, want %d", n, 16*6)
	}

	// The database itself refuses changes.
	if _, err := db.ExecContext(ctx, `UPDATE audit_events SET actor = 'mallory' WHERE application_id = $1 AND seq = 3`, app); err == nil {
		t.Fatal("UPDATE on audit_events was allowed")
	}
	if _, err := db.ExecContext(ctx, `DELETE FROM audit_events WHERE application_id = $1 AND seq = 3`, app); err == nil {
		t.Fatal("DELETE on audit_events was allowed")
	}
	if _, err := db.ExecContext(ctx, `TRUNCATE audit_events`); err == nil {
		t.Fatal("TRUNCATE on audit_events was allowed")
	}

	// A superuser who disables the triggers can alter a row; verify names it.
	if _, err := db.ExecContext(ctx, `ALTER TABLE audit_events DISABLE TRIGGER USER`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `UPDATE audit_events SET details = '{"by": "mallory"}' WHERE application_id = $1 AND seq = 7`, app); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `ALTER TABLE audit_events ENABLE TRIGGER USER`); err != nil {
		t.Fatal(err)
	}
	brk, _, err = store.VerifyAudit(ctx, db, app)
	if err != nil || brk == nil || brk.Seq != 7 {
		t.Fatalf("tampered chain: break %+v, err %v; want first break at 7", brk, err)
	}
	// The other application's chain is untouched.
	if brk, _, err := store.VerifyAudit(ctx, db, other); err != nil || brk != nil {
		t.Fatalf("other chain: %+v %v", brk, err)
	}
}

func TestAuditDetectsTruncatedTail(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	app := newApp(t, db, "Tail")
	for i := 0; i < 4; i++ {
		if err := appendEvent(ctx, db, app, "a"); err != nil {
			t.Fatal(err)
		}
	}
	db.MustExecContext(ctx, `ALTER TABLE audit_events DISABLE TRIGGER USER`)
	db.MustExecContext(ctx, `DELETE FROM audit_events WHERE application_id = $1 AND seq = 4`, app)
	db.MustExecContext(ctx, `ALTER TABLE audit_events ENABLE TRIGGER USER`)
	brk, _, err := store.VerifyAudit(ctx, db, app)
	if err != nil || brk == nil || brk.Seq != 4 {
		t.Fatalf("break %+v err %v, want at 4", brk, err)
	}
}

func TestDuplicateApplicationName(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	newApp(t, db, "Acme")
	err := store.CreateApplication(ctx, db, domain.Application{ID: uuid.New(), Name: "acme", CreatedAt: time.Now()})
	if !domain.IsCode(err, domain.CodeConflict) {
		t.Fatalf("err = %v, want conflict", err)
	}
	apps, _ := store.ListApplications(ctx, db)
	if len(apps) != 1 {
		t.Fatalf("%d applications after a refused duplicate", len(apps))
	}
}

func TestListFinishedKeyset(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	app := newApp(t, db, "Pages")
	statuses := []domain.Status{"Approved", "In Progress", "Declined", "In Review"}
	var all []domain.Session
	first, err := store.NextSessionNumbers(ctx, db, app, 40)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 40; i++ {
		all = append(all, domain.Session{ApplicationID: app, ID: uuid.New(), Number: first + int64(i), Kind: domain.KindUser,
			Status: statuses[i%4], WorkflowID: "wf_kyc", VendorData: fmt.Sprintf("user-%02d", i), Checks: userChecks(), CreatedAt: time.Now()})
	}
	err = db.InTx(ctx, func(tx *store.Tx) error { return store.CopySessions(ctx, tx, all) })
	if err != nil {
		t.Fatal(err)
	}
	var seen []int64
	var before int64
	for {
		page, err := store.ListFinished(ctx, db, app, store.SessionPage{Before: before, Limit: 7})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, s := range page {
			if !s.Status.Finished() {
				t.Fatalf("unfinished session %d listed", s.Number)
			}
			seen = append(seen, s.Number)
		}
		before = page[len(page)-1].Number
	}
	if len(seen) != 30 || !sort.SliceIsSorted(seen, func(i, j int) bool { return seen[i] > seen[j] }) {
		t.Fatalf("pages gave %v", seen)
	}
	n, _ := store.CountFinished(ctx, db, app, store.SessionFilter{Phase: domain.PhaseDeclined})
	if n != 10 {
		t.Fatalf("declined count %d", n)
	}
	found, _ := store.ListFinished(ctx, db, app, store.SessionPage{SessionFilter: store.SessionFilter{Search: "user-0"}, Limit: 50})
	if len(found) == 0 {
		t.Fatal("search by vendor_data found nothing")
	}
	for _, s := range found {
		if s.VendorData[:6] != "user-0" {
			t.Fatalf("search returned %q", s.VendorData)
		}
	}
}
