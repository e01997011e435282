// Package webhook is for receivers of vigil's webhooks: it checks the
// signature vigil puts on a request when the webhook target or channel
// has a signing_key. It uses only the standard library.
//
//	body, _ := io.ReadAll(r.Body)
//	err := webhook.Verify(key, r.Header.Get(webhook.TimestampHeader),
//		r.Header.Get(webhook.SignatureHeader), body, 5*time.Minute)
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"
)

// The headers of a signed request.
const (
	// TimestampHeader carries the Unix time the request was signed at.
	TimestampHeader = "X-Vigil-Timestamp"
	// SignatureHeader carries sha256=HEX, the HMAC-SHA256 of the
	// timestamp, a dot and the body, keyed with the signing key.
	SignatureHeader = "X-Vigil-Signature"
)

// Sign returns the X-Vigil-Signature value for body sent at ts.
func Sign(key []byte, ts time.Time, body []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(strconv.FormatInt(ts.Unix(), 10)))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify checks a signed request's timestamp and signature headers against
// its body. Requests older (or newer) than maxAge are refused, so a
// captured request cannot be replayed later.
func Verify(key []byte, timestamp, signature string, body []byte, maxAge time.Duration) error {
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("%s: %q is not a Unix time", TimestampHeader, timestamp)
	}
	ts := time.Unix(sec, 0)
	if d := time.Since(ts); d > maxAge || d < -maxAge {
		return fmt.Errorf("%s: %s is more than %s away from now", TimestampHeader, timestamp, maxAge)
	}
	if !hmac.Equal([]byte(Sign(key, ts, body)), []byte(signature)) {
		return fmt.Errorf("%s does not match the body", SignatureHeader)
	}
	return nil
}
