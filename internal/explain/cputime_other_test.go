//go:build !linux

package explain

import "time"

var start = time.Now()

// threadCPU falls back to the wall clock where the thread CPU clock is not
// read.
func threadCPU() time.Duration { return time.Since(start) }

const threadCPUClock = false
