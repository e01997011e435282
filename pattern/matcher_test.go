package pattern

import (
	"fmt"
	"slices"
	"sync"
	"testing"
)

// TestMatchConcurrentWithChanges runs matches while patterns are added and
// deleted; run with -race. Every Match sees a consistent snapshot: the
// stable pattern always matches, and only names that exist can appear.
func TestMatchConcurrentWithChanges(t *testing.T) {
	m := NewMatcher()
	if err := m.AddPattern("stable", []byte(`{"source":["aws.ec2"]}`)); err != nil {
		t.Fatal(err)
	}
	ev := []byte(`{"source":"aws.ec2","detail":{"n":5,"tags":[{"k":"a"},{"k":"b"}]}}`)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				names, err := m.Match(ev)
				if err != nil {
					t.Error(err)
					return
				}
				if !slices.Contains(names, "stable") {
					t.Errorf("stable pattern missing from %v", names)
					return
				}
			}
		}()
	}
	for i := 0; i < 200; i++ {
		name := fmt.Sprint("p", i%10)
		m.DeletePattern(name)
		if err := m.AddPattern(name, []byte(fmt.Sprintf(`{"detail":{"n":[{"numeric":[">",%d]}]}}`, i%7))); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	got, _ := m.Match(ev)
	// p0..p9 hold n > i%7 for their last i; n=5 matches thresholds 0..4.
	for _, n := range got {
		if n != "stable" && !slices.Contains([]string{"p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9"}, n) {
			t.Fatalf("unknown name %s", n)
		}
	}
	if len(got) < 2 {
		t.Fatalf("after the changes only %v match", got)
	}
}

func TestSameNameIsOr(t *testing.T) {
	m := NewMatcher()
	m.AddPattern("x", []byte(`{"a":["1"]}`))
	m.AddPattern("x", []byte(`{"b":["2"]}`))
	for _, ev := range []string{`{"a":"1"}`, `{"b":"2"}`, `{"a":"1","b":"2"}`} {
		got, err := m.Match([]byte(ev))
		if err != nil || !slices.Equal(got, []string{"x"}) {
			t.Fatalf("%s: %v %v", ev, got, err)
		}
	}
	m.DeletePattern("x")
	if got, _ := m.Match([]byte(`{"a":"1"}`)); got != nil {
		t.Fatalf("deleted pattern matched: %v", got)
	}
}

func TestMatchRejectsNonObjects(t *testing.T) {
	m := NewMatcher()
	m.AddPattern("x", []byte(`{"a":[{"exists":false}]}`))
	for _, ev := range []string{``, `[]`, `"x"`, `{"a":1`, `{"a":}`, `{"a":1} x`, `{"b":[1,2}`} {
		if _, err := m.Match([]byte(ev)); err == nil {
			t.Errorf("%q accepted", ev)
		}
	}
}
