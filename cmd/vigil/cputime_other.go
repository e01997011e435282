//go:build !unix

package main

import "time"

// processCPU reports that the CPU time is not known here; callers fall back
// to the wall clock.
func processCPU() (time.Duration, bool) { return 0, false }
