package sandbox

import (
	"strings"
	"testing"
)

// TestCallLogBytesBounded fills the call log with large entries and
// checks the estimated bytes held stay under maxCallBytes, the oldest
// entries going first, while Seq keeps counting.
func TestCallLogBytesBounded(t *testing.T) {
	sb := &Sandbox{}
	params := map[string]string{"Body": strings.Repeat("x", maxLoggedBody)}
	n := 2 * maxCallBytes / (maxLoggedBody + callOverhead)
	for range n {
		sb.appendCall(&Call{Params: params})
		if sb.callBytes > maxCallBytes {
			t.Fatalf("after %d calls the log holds %d bytes, over %d", sb.callSeq, sb.callBytes, maxCallBytes)
		}
	}
	if len(sb.calls) == 0 || len(sb.calls) >= n {
		t.Fatalf("%d of %d calls kept", len(sb.calls), n)
	}
	if first, last := sb.calls[0].Seq, sb.calls[len(sb.calls)-1].Seq; last != int64(n) || first <= 1 {
		t.Errorf("kept seq %d..%d of %d", first, last, n)
	}
	total := 0
	for _, c := range sb.calls {
		total += c.size
	}
	if total != sb.callBytes {
		t.Errorf("callBytes %d, entries add up to %d", sb.callBytes, total)
	}
}
