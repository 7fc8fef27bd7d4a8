package store

import (
	"database/sql"
	"strconv"

	"handoff/domain"
)

func quote(s string) string { return strconv.Quote(s) }

// affected turns an UPDATE or DELETE that touched no row into not found.
func affected(res sql.Result, err error, msg string) error {
	if err != nil {
		return mapErr(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.NotFoundf("%s", msg)
	}
	return nil
}
