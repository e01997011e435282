package sandbox

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// request is one AWS API call in flight.
type request struct {
	sb      *Sandbox
	w       http.ResponseWriter
	r       *http.Request
	ctx     context.Context
	service string // signing name: ec2, iam, sts, sns, sqs, monitoring, s3, securityhub, secretsmanager
	proto   protocol
	op      string
	region  string
	account string // the caller's account id
	ident   identity
	reqID   string
	body    []byte // decoded
	raw     []byte // as received, for the signature
	form    form   // query protocols
	status  int
	errCode string
	call    *Call
}

// identity is who a request acts as.
type identity struct {
	accessKeyID string
	arn         string
	userID      string
	user        string // IAM user name, "" for root or a role session
}

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
}

const maxBody = 32 << 20

// maxCalls bounds the call log; past it the oldest half is dropped (Seq
// keeps counting, so a reader polling with since= notices the gap).
const maxCalls = 200_000

// maxLoggedBody is the largest request body kept in the call log.
const maxLoggedBody = 64 << 10

// ServeHTTP serves the AWS APIs and the /_sandbox/ endpoints.
func (sb *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_sandbox") {
		sb.serveAdmin(w, r)
		return
	}
	rq := &request{sb: sb, w: w, r: r, ctx: r.Context()}
	sb.mu.Lock()
	sb.reqSeq++
	rq.reqID = fmt.Sprintf("%08x-%04x-4%03x-8000-%012x", sb.reqSeq, sb.reqSeq>>32&0xffff, sb.reqSeq&0xfff, sb.reqSeq)
	sb.mu.Unlock()
	w.Header().Set("X-Amzn-RequestId", rq.reqID)
	w.Header().Set("X-Amz-Request-Id", rq.reqID)
	w.Header().Set("X-Amz-Id-2", "sandbox")
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		rq.proto = protoQuery
		rq.fail(apiErr(400, "MalformedInput", "read request body: %v", err))
		return
	}
	if len(body) > maxBody {
		rq.proto = protoQuery
		rq.fail(apiErr(413, "RequestEntityTooLarge", "the request body is larger than %d bytes", maxBody))
		return
	}
	rq.raw, rq.body = body, body
	// CloudWatch clients gzip PutMetricData bodies (requestCompression);
	// the signature covers the compressed bytes.
	if strings.Contains(r.Header.Get("Content-Encoding"), "gzip") {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err == nil {
			rq.body, err = io.ReadAll(io.LimitReader(zr, maxBody))
		}
		if err != nil {
			rq.proto = protoQuery
			rq.fail(apiErr(400, "MalformedInput", "the body says Content-Encoding: gzip but does not decompress: %v", err))
			return
		}
	}
	h, err := rq.route()
	if err != nil {
		rq.fail(err)
		sb.logCall(rq, false)
		return
	}
	if err := rq.authenticate(); err != nil {
		rq.fail(err)
		sb.logCall(rq, false)
		return
	}
	rq.call = sb.logCall(rq, true)
	if f := sb.pickFault(rq); f != nil {
		rq.call.Fault = true
		if f.Latency > 0 {
			t := time.NewTimer(time.Duration(f.Latency))
			select {
			case <-t.C:
			case <-rq.ctx.Done():
				t.Stop()
			case <-sb.closing:
				t.Stop()
			}
		}
		if f.Error != "" {
			rq.fail(rq.faultError(f))
			sb.finishCall(rq)
			return
		}
	}
	if err := h(rq); err != nil {
		rq.fail(err)
	}
	sb.finishCall(rq)
}

// handler serves one operation; it writes the response or returns an error
// for the caller to write.
type handler func(rq *request) error

// route works out service, protocol and operation, and parses parameters.
func (rq *request) route() (handler, error) {
	r := rq.r
	rq.region, rq.service = credentialScope(r)
	ct := r.Header.Get("Content-Type")
	target := r.Header.Get("X-Amz-Target")
	switch {
	case target != "":
		prefix, op, _ := strings.Cut(target, ".")
		rq.op = op
		switch prefix {
		case "AmazonSQS":
			rq.service, rq.proto = "sqs", protoJSON10
			return rq.opHandler(sqsOps)
		case "secretsmanager":
			rq.service, rq.proto = "secretsmanager", protoJSON11
			return rq.opHandler(secretsOps)
		case "GraniteServiceVersion20100801":
			rq.service, rq.proto = "monitoring", protoJSON10
			return rq.opHandler(cloudwatchOps)
		}
		rq.proto = protoJSON11
		return nil, apiErr(400, "UnknownOperationException", "The sandbox does not serve X-Amz-Target %q.", target)
	case strings.EqualFold(r.Header.Get("Smithy-Protocol"), "rpc-v2-cbor"):
		rq.proto = protoCBOR
		parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
		if len(parts) != 4 || parts[0] != "service" || parts[2] != "operation" {
			return nil, apiErr(404, "UnknownOperationException", "rpc-v2-cbor path must be /service/NAME/operation/OP, got %s", r.URL.Path)
		}
		rq.op = parts[3]
		if parts[1] != "GraniteServiceVersion20100801" {
			return nil, apiErr(404, "UnknownOperationException", "The sandbox does not serve service %q over rpc-v2-cbor.", parts[1])
		}
		rq.service = "monitoring"
		return rq.opHandler(cloudwatchOps)
	case r.Method == http.MethodPost && strings.HasPrefix(ct, "application/x-www-form-urlencoded") && !strings.HasPrefix(r.URL.Path, "/findings"):
		vals, err := url.ParseQuery(string(rq.body))
		if err != nil {
			rq.proto = protoQuery
			return nil, apiErr(400, "MalformedQueryString", "the form body does not parse: %v", err)
		}
		// Query string parameters count too (some clients send Action there).
		for k, v := range r.URL.Query() {
			if _, ok := vals[k]; !ok {
				vals[k] = v
			}
		}
		rq.form = parseForm(vals)
		rq.op = rq.form["Action"]
		switch rq.form["Version"] {
		case "2016-11-15":
			rq.service = "ec2"
		case "2010-05-08":
			rq.service = "iam"
		case "2011-06-15":
			rq.service = "sts"
		case "2010-03-31":
			rq.service = "sns"
		case "2012-11-05":
			rq.service = "sqs"
		case "2010-08-01":
			rq.service = "monitoring"
		}
		rq.proto = protoQuery
		switch rq.service {
		case "ec2":
			rq.proto = protoEC2
			return rq.opHandler(ec2Ops)
		case "iam":
			return rq.opHandler(iamOps)
		case "sts":
			return rq.opHandler(stsOps)
		case "sns":
			return rq.opHandler(snsOps)
		case "sqs":
			return rq.opHandler(sqsOps)
		case "monitoring":
			return rq.opHandler(cloudwatchOps)
		}
		return nil, apiErr(400, "InvalidAction", "The sandbox does not serve API version %q (service %q).", rq.form["Version"], rq.service)
	case strings.HasPrefix(r.URL.Path, "/findings") || rq.service == "securityhub":
		rq.service, rq.proto = "securityhub", protoRESTJSON
		return rq.securityHubRoute()
	default:
		rq.service, rq.proto = "s3", protoRESTXML
		return rq.s3Route()
	}
}

func (rq *request) opHandler(ops map[string]handler) (handler, error) {
	if rq.proto == protoJSON10 || rq.proto == protoJSON11 {
		if len(bytes.TrimSpace(rq.body)) > 0 && !json.Valid(rq.body) {
			return nil, apiErr(400, "SerializationException", "the request body is not valid JSON")
		}
	}
	h, ok := ops[rq.op]
	if !ok {
		if rq.op == "" {
			return nil, apiErr(400, "MissingAction", "the request names no operation (Action)")
		}
		code := "InvalidAction"
		if rq.proto != protoEC2 && rq.proto != protoQuery {
			code = "UnknownOperationException"
		}
		return nil, apiErr(400, code, "The action %s is not valid for this web service (the sandbox does not simulate it).", rq.op)
	}
	return h, nil
}

// credentialScope reads region and service from a SigV4 Authorization
// header (Credential=AKID/DATE/REGION/SERVICE/aws4_request).
func credentialScope(r *http.Request) (region, service string) {
	auth := r.Header.Get("Authorization")
	_, cred, ok := strings.Cut(auth, "Credential=")
	if !ok {
		cred = r.URL.Query().Get("X-Amz-Credential")
		if cred == "" {
			return "", ""
		}
	}
	cred, _, _ = strings.Cut(cred, ",")
	parts := strings.Split(cred, "/")
	if len(parts) < 5 {
		return "", ""
	}
	return parts[2], parts[3]
}

// decodeInput decodes a JSON or CBOR body into v.
func (rq *request) decodeInput(v any) error {
	if len(bytes.TrimSpace(rq.body)) == 0 {
		return nil
	}
	var err error
	if rq.proto == protoCBOR {
		err = cbor.Unmarshal(rq.body, v)
	} else {
		err = json.Unmarshal(rq.body, v)
	}
	if err != nil {
		return apiErr(400, "SerializationException", "the request body does not match the operation's input: %v", err)
	}
	return nil
}

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
		p = map[string]string(rq.form)
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
	}
	if !started {
		c.Status, c.Error = rq.status, rq.errCode
	}
	sb.mu.Lock()
	sb.callSeq++
	c.Seq = sb.callSeq
	if len(sb.calls) >= maxCalls {
		// Keep the newest half: a long game day must not grow without bound.
		sb.calls = append(sb.calls[:0:0], sb.calls[len(sb.calls)/2:]...)
	}
	sb.calls = append(sb.calls, c)
	sb.mu.Unlock()
	return c
}

func (sb *Sandbox) finishCall(rq *request) {
	sb.mu.Lock()
	rq.call.Status, rq.call.Error = rq.status, rq.errCode
	sb.mu.Unlock()
}
