//go:build !amd64

package pattern

// tailBlocks has no vector version on this architecture. Without it the
// tail check costs more than the full scan saves, so Match never stops
// early here.
func tailBlocks(tail []byte, st *tailState, w *watchSet) int { return tailDone }

const earlyStop = false

const minVectorTail = 32

const minVectorSeek = 64

// seekBlocks has no vector version on this architecture.
func seekBlocks(s []byte, st *seekState, w *seekSet) (int, int) { return st.i, seekMore }
