package pattern

// tailScan is vector_amd64.s: the tail check 32 bytes at a time with AVX2,
// on a tail of at least minVectorTail bytes.
//
//go:noescape
func tailScan(tail []byte, st *tailState, cands *[4]byte, all bool) int

func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)
func xgetbv() uint32

const minVectorTail = 32

// earlyStop is whether Match stops reading events early (stop.go): the tail
// check needs the vector scan to cost less than reading the tail, so it
// takes AVX2 (x86-64 processors since 2013-2015).
var earlyStop = hasAVX2()

func hasAVX2() bool {
	if maxLeaf, _, _, _ := cpuid(0, 0); maxLeaf < 7 {
		return false
	}
	const osxsave, avx = 1 << 27, 1 << 28
	if _, _, ecx, _ := cpuid(1, 0); ecx&osxsave == 0 || ecx&avx == 0 {
		return false
	}
	if xgetbv()&6 != 6 { // the OS saves the vector registers
		return false
	}
	_, ebx, _, _ := cpuid(7, 0)
	return ebx&(1<<5) != 0
}

// tailBlocks runs tailScan.
func tailBlocks(tail []byte, st *tailState, w *watchSet) int {
	return tailScan(tail, st, &w.cands, w.all)
}

// seekScan is vector_amd64.s: seekMember 32 bytes at a time with AVX2.
//
//go:noescape
func seekScan(s []byte, st *seekState, cands *[4]byte) (int, int)

// minVectorSeek is the fewest bytes left for which seekScan is worth
// calling.
const minVectorSeek = 64

// seekBlocks runs seekScan.
func seekBlocks(s []byte, st *seekState, w *seekSet) (int, int) {
	return seekScan(s, st, &w.cands)
}
