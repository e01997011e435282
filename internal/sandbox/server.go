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
	svc     *service
	service string // svc.name, or the signing name until routed
	proto   protocol
	op      string
	region  string
	account string // the caller's account id
	ident   identity
	reqID   string
	body    []byte // decoded
	raw     []byte // as received, for the signature
	form    form   // query protocols
	// REST protocols: the bucket and key (S3) or path parameters.
	bucket, key string
	params      map[string]string
	status      int
	errCode     string
	errMsg      string
	resp        []byte // the response body, when small enough for CloudTrail
	respLen     int
	call        *Call
}

// identity is who a request acts as.
type identity struct {
	// kind is CloudTrail's userIdentity.type: Root, IAMUser,
	// AssumedRole, or AWSService for a call a service makes itself.
	kind        string
	accessKeyID string
	arn         string
	userID      string
	user        string // IAM user name, "" for root or a role session
	// For AssumedRole: the role's ARN and id, and when the session began.
	roleARN, roleID string
	since           time.Time
}

const maxBody = 32 << 20

// ServeHTTP serves the AWS APIs and the /_sandbox/ endpoints.
func (sb *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect || r.URL.Host != "" && !sb.ownsHost(r.URL.Host) {
		// A client with HTTP_PROXY pointing here sends everything plain
		// HTTP here; the sandbox answers only for AWS names and its own.
		http.Error(w, "vigil sandbox: not a general proxy; it answers only for its own address (and names under it) and AWS endpoints over plain HTTP", http.StatusForbidden)
		return
	}
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
	// the signature covers the compressed bytes. A REST body (an S3
	// object) stays as sent: gzip is then the object's own encoding.
	rpc := r.Header.Get("X-Amz-Target") != "" || r.Header.Get("Smithy-Protocol") != "" ||
		strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded")
	if rpc && strings.Contains(r.Header.Get("Content-Encoding"), "gzip") {
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

// route works out service, protocol and operation from the service table,
// and parses the parameters.
func (rq *request) route() (handler, error) {
	r := rq.r
	t := rq.sb.services
	rq.region, rq.service = credentialScope(r)
	signing := rq.service
	ct := r.Header.Get("Content-Type")
	target := r.Header.Get("X-Amz-Target")
	switch {
	case target != "":
		i := strings.LastIndex(target, ".")
		if i < 0 {
			i = len(target)
		}
		prefix, op := target[:i], strings.TrimPrefix(target[i:], ".")
		rq.op = op
		s := t.byTarget[prefix]
		if s == nil {
			rq.proto = protoJSON11
			return nil, apiErr(400, "UnknownOperationException", "The sandbox does not serve X-Amz-Target %q.", target)
		}
		rq.use(s, s.targetProto)
		return rq.opHandler()
	case strings.EqualFold(r.Header.Get("Smithy-Protocol"), "rpc-v2-cbor"):
		rq.proto = protoCBOR
		parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
		if len(parts) != 4 || parts[0] != "service" || parts[2] != "operation" {
			return nil, apiErr(404, "UnknownOperationException", "rpc-v2-cbor path must be /service/NAME/operation/OP, got %s", r.URL.Path)
		}
		rq.op = parts[3]
		s := t.byCBOR[parts[1]]
		if s == nil {
			return nil, apiErr(404, "UnknownOperationException", "The sandbox does not serve service %q over rpc-v2-cbor.", parts[1])
		}
		rq.use(s, protoCBOR)
		return rq.opHandler()
	case r.Method == http.MethodPost && strings.HasPrefix(ct, "application/x-www-form-urlencoded") && !t.isREST(signing),
		r.Method == http.MethodGet && r.URL.Query().Get("Action") != "" && r.URL.Query().Get("Version") != "":
		// Query-protocol calls come as a form, or as a GET with the
		// parameters in the URL (SNS's SubscribeURL and UnsubscribeURL).
		body := string(rq.body)
		if r.Method == http.MethodGet {
			body = ""
		}
		vals, err := url.ParseQuery(body)
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
		rq.proto = protoQuery
		s := t.byVer[rq.form["Version"]]
		if s == nil {
			return nil, apiErr(400, "InvalidAction", "The sandbox does not serve API version %q (service %q).", rq.form["Version"], rq.service)
		}
		proto := protoQuery
		if s.protocol == protoEC2 {
			proto = protoEC2
		}
		rq.use(s, proto)
		return rq.opHandler()
	default:
		s := t.rest(signing, r.URL.Path)
		rq.use(s, s.protocol)
		if err := s.route(rq); err != nil {
			return nil, err
		}
		return rq.opHandler()
	}
}

// use makes s the request's service, spoken in proto.
func (rq *request) use(s *service, proto protocol) {
	rq.svc, rq.service, rq.proto = s, s.name, proto
}

func (rq *request) opHandler() (handler, error) {
	if rq.proto == protoJSON10 || rq.proto == protoJSON11 {
		if len(bytes.TrimSpace(rq.body)) > 0 && !json.Valid(rq.body) {
			return nil, apiErr(400, "SerializationException", "the request body is not valid JSON")
		}
	}
	h, ok := rq.svc.ops[rq.op]
	if !ok {
		if rq.op == "" {
			return nil, apiErr(400, "MissingAction", "the request names no operation (Action)")
		}
		switch rq.proto {
		case protoEC2, protoQuery:
			return nil, apiErr(400, "InvalidAction", "The action %s is not valid for this web service (the sandbox does not simulate it).", rq.op)
		case protoRESTXML, protoRESTJSON:
			return nil, apiErr(501, "NotImplemented", "The sandbox does not simulate %s %s (%s).", rq.svc.title, rq.op, rq.r.Method+" "+rq.r.URL.Path)
		}
		return nil, apiErr(400, "UnknownOperationException", "The action %s is not valid for this web service (the sandbox does not simulate it).", rq.op)
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
