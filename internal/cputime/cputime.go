// Package cputime reads the CPU time a process has used, for benchmarks
// whose ns/op is mostly waiting for PostgreSQL: the CPU an operation
// costs the server is the difference of two readings.
package cputime

import (
	"syscall"
	"time"
)

// Process is the CPU time this process has used so far, all its threads
// (the garbage collector's too), user and system.
func Process() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err) // RUSAGE_SELF with a valid pointer does not fail
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
