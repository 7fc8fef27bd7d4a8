//go:build deps

// Package deps pins, for the capabilities being built side by side, the
// well-kept libraries they are built on, so go.mod changes once. It is
// never compiled (build tag deps); drop a line when its import is used.
package deps

import ()
