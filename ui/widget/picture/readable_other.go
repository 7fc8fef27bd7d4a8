//go:build !unix

package picture

import (
	"os"
	"time"
)

// readable cannot wait on a file here: what is held goes on at once.
func readable(*os.File, time.Duration) bool { return false }
