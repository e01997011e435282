package sandbox

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// Call is one API call as the sandbox received it.
type Call struct {
	Seq       int64     `json:"seq"`
	Time      time.Time `json:"time"`
	Service   string    `json:"service"`
	Operation string    `json:"operation"`
	Protocol  string    `json:"protocol"`
	Account   string    `json:"account"`
	Region    string    `json:"region"`
	Caller    string    `json:"caller,omitempty"` // the caller's ARN
	// Params are the request parameters as sent: the form for query
	// protocols, the decoded body for JSON and CBOR, and path, query and
	// body for REST. Secret values are replaced by "***".
	Params any `json:"params,omitempty"`
	// Status is the HTTP status answered; Error the error code, if any.
	Status int    `json:"status"`
	Error  string `json:"error,omitempty"`
	// Fault is true when an injected fault produced the error or latency.
	Fault bool `json:"fault,omitempty"`
	// InvokedBy names the AWS service that made the call on the caller's
	// behalf (ssm.amazonaws.com for an Automation step), as CloudTrail's
	// userIdentity.invokedBy does.
	InvokedBy string `json:"invoked_by,omitempty"`
	// RequestBytes and ResponseBytes are the sizes of the request body as
	// received and of the response body answered.
	RequestBytes  int `json:"request_bytes"`
	ResponseBytes int `json:"response_bytes"`

	// size estimates the memory the entry holds, for the log's budget.
	size int
	// trail is the call's CloudTrail record (JSON), for LookupEvents.
	trail []byte
	// errMsg is the error message, for the CloudTrail record of an
	// internal call.
	errMsg string
	// loggedAtStart: a trail logged the call's region when it arrived.
	loggedAtStart bool
}

// The call log is bounded three ways, so a long game day or a flood of
// large requests cannot exhaust memory: by entries (maxCalls), by the
// request body kept with each (maxLoggedBody; larger bodies are recorded
// by size only), and by the estimated bytes of all entries together
// (maxCallBytes). Past either total the oldest entries are dropped (Seq
// keeps counting, so a reader polling with since= notices the gap).
const (
	maxCalls      = 200_000
	maxLoggedBody = 16 << 10
	maxCallBytes  = 128 << 20
)

// callOverhead is an entry's size beyond its parameters: the struct, its
// strings and the map headers.
const callOverhead = 512

var cborDec, _ = cbor.DecOptions{DefaultMapType: reflect.TypeOf(map[string]any(nil))}.DecMode()

// logParams is the request parameters as recorded in the call log.
func (rq *request) logParams() any {
	var p any
	if len(rq.body) > maxLoggedBody {
		// Big bodies (BatchImportFindings of 100 findings) would make the
		// call log hold hundreds of megabytes during a large import.
		return map[string]any{"body": fmt.Sprintf("(%d bytes, not kept)", len(rq.body))}
	}
	switch rq.proto {
	case protoEC2, protoQuery:
		// A copy: redact must not touch the parameters the handler reads.
		p = maps.Clone(map[string]string(rq.form))
	case protoCBOR:
		var v any
		if cborDec.Unmarshal(rq.body, &v) == nil {
			p = v
		}
	case protoJSON10, protoJSON11:
		var v any
		if json.Unmarshal(rq.body, &v) == nil {
			p = v
		}
	default:
		m := map[string]any{"method": rq.r.Method, "path": rq.r.URL.Path}
		if q := rq.r.URL.RawQuery; q != "" {
			m["query"] = q
		}
		if len(rq.body) > 0 {
			var v any
			if json.Unmarshal(rq.body, &v) == nil {
				m["body"] = v
			} else {
				m["body"] = string(rq.body)
			}
		}
		p = m
	}
	return redact(p)
}

// redact hides secret values wherever they appear in call parameters.
func redact(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, vv := range t {
			if isSecretField(k) {
				t[k] = "***"
			} else {
				t[k] = redact(vv)
			}
		}
	case map[string]string:
		for k := range t {
			if isSecretField(k) {
				t[k] = "***"
			}
		}
	case []any:
		for i := range t {
			t[i] = redact(t[i])
		}
	}
	return v
}

func isSecretField(k string) bool {
	switch k {
	case "SecretString", "SecretBinary", "SecretAccessKey", "Password", "OldPassword", "NewPassword":
		return true
	}
	return false
}

// logCall records the call at its arrival; started says the handler will run.
func (sb *Sandbox) logCall(rq *request, started bool) *Call {
	c := &Call{
		Time:      time.Now().UTC(),
		Service:   rq.service,
		Operation: rq.op,
		Protocol:  rq.proto.String(),
		Account:   rq.account,
		Region:    rq.region,
		Caller:    rq.ident.arn,
		Params:    rq.logParams(),

		RequestBytes: len(rq.raw),
	}
	if !started {
		c.ResponseBytes = rq.respLen
		c.Status, c.Error = rq.status, rq.errCode
	}
	sb.mu.Lock()
	c.loggedAtStart = sb.logged(c.Account, c.Region)
	sb.appendCall(c)
	sb.mu.Unlock()
	return c
}

// appendCall adds c to the call log; the caller holds mu.
func (sb *Sandbox) appendCall(c *Call) {
	sb.callSeq++
	c.Seq = sb.callSeq
	if c.size == 0 {
		c.size = callOverhead + paramsSize(c.Params)
	}
	sb.calls = append(sb.calls, c)
	sb.callBytes += c.size
	sb.trimCalls()
}

// trimCalls drops the oldest entries while the log is over a bound;
// the caller holds mu.
func (sb *Sandbox) trimCalls() {
	if len(sb.calls) <= maxCalls && sb.callBytes <= maxCallBytes {
		return
	}
	// Drop down to half of each bound at once, so trimming is rare and
	// its cost amortised.
	drop := 0
	bytes := sb.callBytes
	for drop < len(sb.calls) && (len(sb.calls)-drop > maxCalls/2 || bytes > maxCallBytes/2) {
		bytes -= sb.calls[drop].size
		drop++
	}
	for i := range drop {
		sb.calls[i] = nil
	}
	sb.calls = append(sb.calls[:0:0], sb.calls[drop:]...)
	sb.callBytes = bytes
}

// grow records that c holds n more bytes (its CloudTrail record, once
// the response is known); the caller holds mu.
func (sb *Sandbox) grow(c *Call, n int) {
	c.size += n
	sb.callBytes += n
	sb.trimCalls()
}

// paramsSize estimates the bytes a parameter tree holds in memory: about
// four times its text, for maps, interfaces and string headers.
func paramsSize(v any) int {
	switch t := v.(type) {
	case nil:
		return 0
	case string:
		return 16 + len(t)
	case map[string]string:
		n := 48
		for k, s := range t {
			n += 48 + len(k) + len(s)
		}
		return n
	case map[string]any:
		n := 48
		for k, x := range t {
			n += 32 + len(k) + paramsSize(x)
		}
		return n
	case []any:
		n := 24
		for _, x := range t {
			n += 16 + paramsSize(x)
		}
		return n
	}
	return 16
}

// finishCall records how the call ended and its CloudTrail record.
func (sb *Sandbox) finishCall(rq *request) {
	rec := rq.trailRecord()
	sb.mu.Lock()
	c := rq.call
	c.Status, c.Error, c.ResponseBytes = rq.status, rq.errCode, rq.respLen
	c.trail = rec
	sb.grow(c, len(rec))
	sb.deliverTrail(c)
	sb.mu.Unlock()
}
