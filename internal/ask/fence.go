package ask

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
)

// fence wraps data in a labelled DATA block whose closing line carries a
// fresh random token: the data cannot close the block itself, because it
// was written before the token existed.
func fence(label, data string) string {
	var tok string
	for {
		var buf [9]byte
		rand.Read(buf[:])
		tok = hex.EncodeToString(buf[:])
		if !strings.Contains(data, tok) {
			break
		}
	}
	return fmt.Sprintf("<<<DATA %s %s\n%s\nDATA %s>>>", label, tok, data, tok)
}
