package remediate_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/remediate"
)

// BenchmarkFindingToVerifiedIsolation measures, in auto mode, the wall time
// from posting a GuardDuty EC2 finding to vigil serve until its isolation
// is verified: routing, planning (4 reads), the policy gate, applying (7
// calls), a 50ms propagation wait and verifying (2 reads), against the
// sandbox. Run it with -benchtime=1x -count=3 for three measurements.
func BenchmarkFindingToVerifiedIsolation(b *testing.B) {
	// serve's configuration waits 50ms for propagation.
	s := serve(b, `
  mode: auto`, "{type: remediate, playbooks: [ec2-isolate]}")
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if err := s.sb.Reset(); err != nil {
			b.Fatal(err)
		}
		id := fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), i)
		b.StartTimer()
		start := time.Now()
		s.post(gdEvent("e-"+id, "f-"+id, "i-04f2e6a8c0b1d3957", 8))
		deadline := time.Now().Add(2 * time.Minute)
		for done := false; !done; {
			for _, r := range s.remediations() {
				if r.FindingID == "f-"+id && r.Status == remediate.StatusVerified {
					done = true
				}
				if r.FindingID == "f-"+id && r.Status == remediate.StatusEscalated {
					b.Fatalf("escalated: %s", r.Error)
				}
			}
			if time.Now().After(deadline) {
				b.Fatal("not verified within 2 minutes")
			}
			time.Sleep(5 * time.Millisecond)
		}
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms/finding")
	}
}
