package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"handoff/store"
	"handoff/store/pgtest"
)

// A keyset page of a list's entries is an index range that starts at the
// cursor, also under a generic plan (statements stay prepared), not a
// scan of the list from its newest entry with the cursor as a filter.
func TestEntriesAfterStartsAtTheCursor(t *testing.T) {
	db := pgtest.DB(t)
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for _, set := range []string{`SET LOCAL enable_seqscan = off`, `SET LOCAL enable_bitmapscan = off`,
			`SET LOCAL plan_cache_mode = force_generic_plan`,
			`PREPARE entries_after AS ` + store.EntriesAfterSQL} {
			if _, err := tx.ExecContext(ctx, set); err != nil {
				return err
			}
		}
		var plan []string
		if err := tx.SelectContext(ctx, &plan, fmt.Sprintf(`EXPLAIN EXECUTE entries_after('%s', '%s', '%s', '%s', 200)`,
			uuid.New(), uuid.New(), time.Now().UTC().Format(time.RFC3339Nano), uuid.New())); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DEALLOCATE entries_after`)
		text := strings.Join(plan, "\n")
		if !strings.Contains(text, "list_entries_page") || !strings.Contains(text, "Index Cond") ||
			!strings.Contains(text, "created_at <= $3") {
			t.Errorf("a page after a cursor is not an index range from it:\n%s", text)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
