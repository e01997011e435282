package sandbox

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// protocol is an AWS wire protocol.
type protocol int

const (
	protoEC2      protocol = iota // ec2 query, XML with <item> lists
	protoQuery                    // awsQuery: IAM, STS, SNS, old SQS and CloudWatch
	protoJSON10                   // awsJson1_0: SQS, (CloudWatch)
	protoJSON11                   // awsJson1_1: Secrets Manager
	protoCBOR                     // smithy rpc-v2-cbor: CloudWatch
	protoRESTXML                  // S3
	protoRESTJSON                 // Security Hub
)

var protoNames = [...]string{"ec2", "query", "json1.0", "json1.1", "rpcv2-cbor", "rest-xml", "rest-json"}

func (p protocol) String() string { return protoNames[p] }

// apiError is an error returned to the client in its protocol's shape.
type apiError struct {
	status    int
	code      string // the code (JSON protocols: the error shape name)
	queryCode string // awsQuery-compatible code (SQS, CloudWatch) when different
	msg       string
	extra     [][2]string // extra S3 error elements, e.g. BucketName
}

func (e *apiError) Error() string { return e.code + ": " + e.msg }

func apiErr(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, msg: fmt.Sprintf(format, args...)}
}

// xmlw writes XML elements in order. Values are escaped.
type xmlw struct{ bytes.Buffer }

func (x *xmlw) open(name string)  { x.WriteString("<" + name + ">") }
func (x *xmlw) close(name string) { x.WriteString("</" + name + ">") }

func (x *xmlw) leaf(name, value string) {
	x.WriteString("<" + name + ">")
	xml.EscapeText(x, []byte(value))
	x.WriteString("</" + name + ">")
}

// opt writes the element only when value is not empty.
func (x *xmlw) opt(name, value string) {
	if value != "" {
		x.leaf(name, value)
	}
}

func (x *xmlw) bool(name string, v bool) { x.leaf(name, strconv.FormatBool(v)) }

// text writes escaped character data.
func (x *xmlw) text(s string)            { xml.EscapeText(x, []byte(s)) }
func (x *xmlw) int(name string, v int64) { x.leaf(name, strconv.FormatInt(v, 10)) }
func (x *xmlw) time(name string, t time.Time) {
	x.leaf(name, t.UTC().Format("2006-01-02T15:04:05.000Z"))
}

// tags writes an EC2 tagSet.
func (x *xmlw) tags(name string, tags map[string]string) {
	x.open(name)
	for _, k := range sortedKeys(tags) {
		x.open("item")
		x.leaf("key", k)
		x.leaf("value", tags[k])
		x.close("item")
	}
	x.close(name)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// form is a query-protocol request's parameters.
type form map[string]string

func parseForm(v url.Values) form {
	f := make(form, len(v))
	for k, vals := range v {
		if len(vals) > 0 {
			f[k] = vals[0]
		}
	}
	return f
}

// list returns the values of prefix.1, prefix.2, ... in index order.
func (f form) list(prefix string) []string {
	var out []string
	for _, sub := range f.structs(prefix) {
		if v, ok := sub[""]; ok {
			out = append(out, v)
		}
	}
	return out
}

// structs returns the members of prefix.N.* as forms keyed by the rest of
// the name ("" for prefix.N itself), in index order.
func (f form) structs(prefix string) []form {
	byIdx := map[int]form{}
	p := prefix + "."
	for k, v := range f {
		if !strings.HasPrefix(k, p) {
			continue
		}
		rest := k[len(p):]
		idxStr, tail, _ := strings.Cut(rest, ".")
		idx, err := strconv.Atoi(idxStr)
		if err != nil {
			continue
		}
		m := byIdx[idx]
		if m == nil {
			m = form{}
			byIdx[idx] = m
		}
		m[tail] = v
	}
	idxs := make([]int, 0, len(byIdx))
	for i := range byIdx {
		idxs = append(idxs, i)
	}
	sort.Ints(idxs)
	out := make([]form, 0, len(idxs))
	for _, i := range idxs {
		out = append(out, byIdx[i])
	}
	return out
}

func (f form) int(name string, def int64) (int64, error) {
	s, ok := f[name]
	if !ok || s == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, apiErr(400, "InvalidParameterValue", "Value (%s) for parameter %s is invalid. Expected an integer.", s, name)
	}
	return n, nil
}

func (f form) bool(name string) bool { return strings.EqualFold(f[name], "true") }

// writeQuery writes an awsQuery response: <OpResponse><OpResult>...
// emptyResult is the body of a query response whose result element is
// present but empty: operations whose output shape has no members but a
// result wrapper (SNS TagResource), which botocore looks up and fails
// without. A nil body writes no result element at all.
func emptyResult(*xmlw) {}

func (rq *request) writeQuery(body func(x *xmlw)) {
	ns := rq.svc.xmlNS
	var x xmlw
	x.WriteString(`<?xml version="1.0" encoding="UTF-8"?>`)
	x.WriteString(`<` + rq.op + `Response xmlns="` + ns + `">`)
	if body != nil {
		x.open(rq.op + "Result")
		body(&x)
		x.close(rq.op + "Result")
	}
	x.WriteString(`<ResponseMetadata><RequestId>` + rq.reqID + `</RequestId></ResponseMetadata>`)
	x.close(rq.op + "Response")
	rq.send(200, "text/xml", x.Bytes())
}

// writeEC2 writes an EC2 query response.
func (rq *request) writeEC2(body func(x *xmlw)) {
	var x xmlw
	x.WriteString(`<?xml version="1.0" encoding="UTF-8"?>`)
	x.WriteString(`<` + rq.op + `Response xmlns="` + ec2NS + `">`)
	x.leaf("requestId", rq.reqID)
	if body != nil {
		body(&x)
	}
	x.close(rq.op + "Response")
	rq.send(200, "text/xml;charset=UTF-8", x.Bytes())
}

// writeS3 writes an S3 XML body with the S3 namespace on its root.
func (rq *request) writeS3(status int, root string, body func(x *xmlw)) {
	rq.writeXML(status, root, "http://s3.amazonaws.com/doc/2006-03-01/", body)
}

// writeXML writes a REST-XML body with the namespace on its root.
func (rq *request) writeXML(status int, root, ns string, body func(x *xmlw)) {
	var x xmlw
	x.WriteString(`<?xml version="1.0" encoding="UTF-8"?>`)
	x.WriteString(`<` + root + ` xmlns="` + ns + `">`)
	body(&x)
	x.close(root)
	rq.send(status, "application/xml", x.Bytes())
}

// writeOut writes v as the response of a JSON or CBOR protocol.
func (rq *request) writeOut(v any) {
	switch rq.proto {
	case protoCBOR:
		b, err := cbor.Marshal(v)
		if err != nil {
			rq.fail(apiErr(500, "InternalFailure", "encode response: %v", err))
			return
		}
		rq.w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
		rq.send(200, "application/cbor", b)
	default:
		b, err := json.Marshal(v)
		if err != nil {
			rq.fail(apiErr(500, "InternalFailure", "encode response: %v", err))
			return
		}
		rq.send(200, rq.jsonContentType(), b)
	}
}

func (rq *request) jsonContentType() string {
	switch rq.proto {
	case protoJSON10:
		return "application/x-amz-json-1.0"
	case protoJSON11:
		return "application/x-amz-json-1.1"
	}
	return "application/json"
}

func (rq *request) send(status int, contentType string, body []byte) {
	h := rq.w.Header()
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	rq.status = status
	rq.respLen = len(body)
	if len(body) <= maxTrailBody {
		rq.resp = body
	}
	rq.w.WriteHeader(status)
	if rq.r.Method != http.MethodHead {
		rq.w.Write(body)
	}
}

// fail writes err in the request's protocol.
func (rq *request) fail(err error) {
	e, ok := err.(*apiError)
	if !ok {
		e = apiErr(500, "InternalFailure", "%v", err)
	}
	rq.errCode, rq.errMsg = e.code, e.msg
	fault := "Sender"
	if e.status >= 500 {
		fault = "Receiver"
	}
	qcode := e.code
	if e.queryCode != "" {
		qcode = e.queryCode
	}
	switch rq.proto {
	case protoEC2:
		var x xmlw
		x.WriteString(`<?xml version="1.0" encoding="UTF-8"?>`)
		x.WriteString(`<Response><Errors><Error>`)
		x.leaf("Code", e.code)
		x.leaf("Message", e.msg)
		x.WriteString(`</Error></Errors>`)
		x.leaf("RequestID", rq.reqID)
		x.close("Response")
		rq.send(e.status, "text/xml;charset=UTF-8", x.Bytes())
	case protoQuery:
		rq.errCode = qcode
		var x xmlw
		x.WriteString(`<?xml version="1.0" encoding="UTF-8"?>`)
		x.WriteString(`<ErrorResponse><Error>`)
		x.leaf("Type", fault)
		x.leaf("Code", qcode)
		x.leaf("Message", e.msg)
		x.WriteString(`</Error>`)
		x.leaf("RequestId", rq.reqID)
		x.close("ErrorResponse")
		rq.send(e.status, "text/xml", x.Bytes())
	case protoRESTXML:
		var x xmlw
		x.WriteString(`<?xml version="1.0" encoding="UTF-8"?>`)
		wrapped := rq.svc != nil && rq.svc.wrappedXMLErrors
		if wrapped {
			x.open("ErrorResponse")
		}
		x.open("Error")
		x.leaf("Code", e.code)
		x.leaf("Message", e.msg)
		for _, kv := range e.extra {
			x.leaf(kv[0], kv[1])
		}
		if wrapped {
			x.close("Error")
		}
		x.leaf("RequestId", rq.reqID)
		x.leaf("HostId", "sandbox")
		if wrapped {
			x.close("ErrorResponse")
		} else {
			x.close("Error")
		}
		rq.send(e.status, "application/xml", x.Bytes())
	case protoCBOR:
		if e.queryCode != "" {
			rq.w.Header().Set("X-Amzn-Query-Error", qcode+";"+fault)
		}
		rq.w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
		b, _ := cbor.Marshal(map[string]string{"__type": rq.errorType(e.code), "message": e.msg})
		rq.send(e.status, "application/cbor", b)
	default: // JSON protocols
		if e.queryCode != "" {
			rq.w.Header().Set("X-Amzn-Query-Error", qcode+";"+fault)
		}
		rq.w.Header().Set("X-Amzn-ErrorType", rq.errorType(e.code))
		b, _ := json.Marshal(map[string]string{"__type": rq.errorType(e.code), "message": e.msg})
		rq.send(e.status, rq.jsonContentType(), b)
	}
}

// errorType is the JSON __type and X-Amzn-ErrorType: namespaced where
// the service's model declares an error namespace, as AWS sends it.
func (rq *request) errorType(code string) string {
	if rq.svc != nil && rq.proto != protoRESTJSON {
		return rq.svc.errorNS + code
	}
	return code
}

// timeJSON is how AWS JSON protocols send timestamps: epoch seconds.
func epochSeconds(t time.Time) float64 {
	return float64(t.UnixMilli()) / 1000
}
