package store

// MapErr lets the external tests feed real driver errors to mapErr.
var MapErr = mapErr
