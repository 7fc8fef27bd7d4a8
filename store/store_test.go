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

func TestSessionNumbersUniqueAndIncreasingUnderConcurrency(t *testing.T) {
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
			last := int64(0)
			for i := 0; i < each; i++ {
				rollback := (c+i)%4 == 0 // some transactions fail after taking a number
				s := store.NewSession{Session: domain.Session{ApplicationID: app, ID: uuid.New(), Kind: domain.KindUser,
					Status: "Approved", WorkflowID: "wf_kyc", Checks: userChecks(), CreatedAt: time.Now()}}
				err := db.InTx(ctx, func(tx *store.Tx) error {
					if err := store.InsertSession(ctx, tx, &s); err != nil {
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
				if s.Number <= last {
					errs <- fmt.Errorf("creator %d got %d after %d: not increasing", c, s.Number, last)
				}
				last = s.Number
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
	// Unique (the table's key would refuse a repeat; check anyway), and
	// within the numbers handed out: rolled-back ones leave gaps.
	for i := 1; i < len(nums); i++ {
		if nums[i] == nums[i-1] {
			t.Fatalf("session number %d given twice", nums[i])
		}
	}
	if nums[len(nums)-1] > creators*each {
		t.Fatalf("highest number %d, only %d were taken", nums[len(nums)-1], creators*each)
	}
	// Another application numbers from 1 on its own.
	other := newApp(t, db, "Numbers Two")
	got, err := store.NextSessionNumbers(ctx, db, other, 3)
	if err != nil || len(got) != 3 || got[0] != 1 || got[2] != 3 {
		t.Fatalf("second application's numbers %v, %v", got, err)
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
	var all []store.SealedSession
	numbers, err := store.NextSessionNumbers(ctx, db, app, 40)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 40; i++ {
		all = append(all, store.SealedSession{Session: domain.Session{ApplicationID: app, ID: uuid.New(), Number: numbers[i], Kind: domain.KindUser,
			Status: statuses[i%4], WorkflowID: "wf_kyc", VendorData: fmt.Sprintf("user-%02d", i), CreatedAt: time.Now()},
			Payload: store.Payload{Generation: 1, Checks: []byte("sealed elsewhere")}})
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
