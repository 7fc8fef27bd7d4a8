package store

// MapErr lets the external tests feed real driver errors to mapErr.
var MapErr = mapErr

// EntriesAfterSQL is EntriesAfter's statement with a cursor, for its plan.
const EntriesAfterSQL = entriesAfterSQL
