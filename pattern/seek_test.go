package pattern

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// seekBoth runs seekMember with and without the vector scan.
func seekBoth(s []byte, i int, w *seekSet) (vj, vk, bj, bk int) {
	vj, vk = seekMember(s, i, w)
	st := seekState{i: i}
	bj, bk = seekBytes(s, &st, w)
	if bk == seekBail {
		bj = i
	}
	return
}

// TestSeekVectorAgreesWithBytes compares the vector seek with the byte loop
// on generated objects of every length.
func TestSeekVectorAgreesWithBytes(t *testing.T) {
	if !earlyStop {
		t.Skip("no vector scan on this machine")
	}
	m := NewMatcher()
	m.AddPattern("p", []byte(`{"a":{"bc":["x"],"b":["y"],"dd":[1]}}`))
	w := newSeekSet(m.machine().root.kids[0].n)
	if w == nil {
		t.Fatal("no seek set")
	}
	r := rand.New(rand.NewPCG(5, 6))
	pieces := []string{`"b"`, `"bc"`, `"d"`, `"x"`, `"q"`, `:`, `,`, `{`, `}`, `[`, `]`, `1.5`, `"]"`, `"{"`, ` `,
		`"zz":[1,2,[3,[4]]]`, `"yy":{"b":{"c":1}}`, `"ww":"b}"`, `\`, `"\"b"`, `"123456789012345678901234567890"`}
	found := map[int]int{}
	for n := 0; n < 30000; n++ {
		var b bytes.Buffer
		b.WriteString(`"q":1,`)
		for k := r.IntN(40); k >= 0; k-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		s := b.Bytes()
		vj, vk, bj, bk := seekBoth(s, 0, w)
		if vj != bj || vk != bk {
			t.Fatalf("%q: vector (%d, %d), bytes (%d, %d)", s, vj, vk, bj, bk)
		}
		found[vk]++
	}
	for _, k := range []int{seekQuote, seekEnd, seekBail, seekEOF} {
		if found[k] < 100 {
			t.Fatalf("outcomes %v: the generator misses some", found)
		}
	}
}

func FuzzSeek(f *testing.F) {
	f.Add([]byte(`"q":1,"zz":[1,2,[3,[4]]],"yy":{"b":{"c":1}},"ww":"b}","b":2}`))
	m := NewMatcher()
	m.AddPattern("p", []byte(`{"a":{"bc":["x"],"b":["y"],"dd":[1]}}`))
	w := newSeekSet(m.machine().root.kids[0].n)
	f.Fuzz(func(t *testing.T, s []byte) {
		if len(s) == 0 || s[0] != '"' {
			return
		}
		if vj, vk, bj, bk := seekBoth(s, 0, w); vj != bj || vk != bk {
			t.Fatalf("%q: vector (%d, %d), bytes (%d, %d)", s, vj, vk, bj, bk)
		}
	})
}
