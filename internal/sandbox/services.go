package sandbox

import (
	"slices"
	"strings"
)

// service describes one simulated AWS service. Routing, fault injection,
// error shapes and the operation list all read this description, so a new
// service is one file defining its handlers plus one entry in services.
type service struct {
	// name is the service's id in the sandbox: Fault.Service and
	// Call.Service (ec2, iam, sts, s3, sqs, monitoring, ...). It is the
	// SigV4 signing name unless signingName says otherwise.
	name string
	// signingName is the SigV4 signing name when it differs from name
	// (S3 Control signs as s3).
	signingName string
	// title is the service's name as AWS writes it, for messages and docs.
	title string
	// protocol is the wire protocol current SDKs use for it. A service may
	// also accept older ones: query (version set), JSON (target set) and
	// rpc-v2-cbor (cbor set) are recognised independently.
	protocol protocol
	// version is the API version the query and EC2 protocols send
	// (Version=2016-11-15).
	version string
	// target is the X-Amz-Target prefix of the JSON protocols (AmazonSQS);
	// targetAliases are other prefixes clients send (the Go SDK sends
	// CloudTrail_20131101 where botocore sends the model's full name).
	target        string
	targetAliases []string
	// targetProto is the JSON protocol spoken under target when it differs
	// from protocol (SQS over JSON 1.0 while protocol says so already, or
	// CloudWatch over JSON 1.0 while its SDK default is rpc-v2-cbor).
	targetProto protocol
	// cbor is the service name in rpc-v2-cbor paths (/service/NAME/operation/OP).
	cbor string
	// paths are the URL path prefixes of a REST service, used when the
	// request's signature does not name the service (unsigned requests,
	// or S3 Control, which signs as s3).
	paths []string
	// errorNS prefixes the __type of JSON errors (com.amazonaws.sqs#), as
	// services whose model declares an error namespace send it.
	errorNS string
	// xmlNS is the namespace of query-protocol responses.
	xmlNS string
	// wrappedXMLErrors: REST-XML errors come as
	// <ErrorResponse><Error>...</Error></ErrorResponse> (S3 Control), not
	// as S3's bare <Error>.
	wrappedXMLErrors bool
	// ops are the operations served, by name.
	ops map[string]handler
	// route finds a REST request's operation (setting rq.op and the path
	// parameters) from its method, path and query; nil for RPC protocols.
	route func(rq *request) error
	// throttle is the error the service answers when it throttles.
	throttle throttleError
	// global services (IAM) live in one region of their partition, which
	// their calls and CloudTrail records name whatever the client signed.
	global bool
}

// throttleError is a service's own throttling error.
type throttleError struct {
	status    int
	code      string
	queryCode string // the awsQuery-compatible code, when different
	msg       string
}

// defaultThrottle is what most services answer when they throttle.
var defaultThrottle = throttleError{400, "ThrottlingException", "", "Rate exceeded"}

// services is the table of simulated services. The order matters only
// for REST services without a signature: the first whose path prefix
// matches wins, and S3 (no prefix) comes last.
func services() []*service {
	return []*service{
		ec2Service(), iamService(), stsService(), snsService(), sqsService(), cloudwatchService(),
		secretsService(), guarddutyService(), ssmService(), cloudtrailService(), securityHubService(), s3ControlService(), s3Service(),
	}
}

// serviceTable indexes the services for routing.
type serviceTable struct {
	list     []*service
	byName   map[string]*service
	byVer    map[string]*service
	byTarget map[string]*service
	byCBOR   map[string]*service
}

func newServiceTable() *serviceTable {
	t := &serviceTable{byName: map[string]*service{}, byVer: map[string]*service{}, byTarget: map[string]*service{}, byCBOR: map[string]*service{}}
	for _, s := range services() {
		if s.signingName == "" {
			s.signingName = s.name
		}
		t.list = append(t.list, s)
		t.byName[s.name] = s
		if s.version != "" {
			t.byVer[s.version] = s
		}
		if s.target != "" {
			t.byTarget[s.target] = s
		}
		for _, a := range s.targetAliases {
			t.byTarget[a] = s
		}
		if s.cbor != "" {
			t.byCBOR[s.cbor] = s
		}
	}
	return t
}

// names lists the services' signing names, for error messages.
func (t *serviceTable) names() string {
	var out []string
	for _, s := range t.list {
		out = append(out, s.name)
	}
	slices.Sort(out)
	return strings.Join(slices.Compact(out), ", ")
}

// rest finds the REST service a request is for: among the services that
// sign with the request's signing name (all of them when it is unsigned),
// the first whose path prefix the path has, else the one without
// prefixes (S3, the catch-all).
func (t *serviceTable) rest(signingName, path string) *service {
	var fallback, named *service
	for _, s := range t.list {
		if s.route == nil || signingName != "" && s.signingName != signingName {
			continue
		}
		if named == nil {
			named = s
		}
		for _, p := range s.paths {
			if strings.HasPrefix(path, p) {
				return s
			}
		}
		if len(s.paths) == 0 && fallback == nil {
			fallback = s
		}
	}
	if fallback == nil && signingName != "" {
		if named != nil {
			// The signature names the service: its router answers an
			// unknown path as an operation it does not serve, rather than
			// S3 answering NoSuchBucket (Security Hub's /members).
			return named
		}
		return t.rest("", path)
	}
	return fallback
}

// isREST reports whether a signing name belongs to a REST service, whose
// form-encoded POSTs are not query-protocol calls.
func (t *serviceTable) isREST(signingName string) bool {
	for _, s := range t.list {
		if s.signingName == signingName && s.route != nil {
			return true
		}
	}
	return false
}

// opNames lists a service's operations in name order.
func (s *service) opNames() []string {
	return sortedKeys(s.ops)
}

// throttleErr is the service's throttling error as an apiError.
func (s *service) throttleErr() *apiError {
	t := s.throttle
	if t.code == "" {
		t = defaultThrottle
	}
	e := apiErr(t.status, t.code, "%s", t.msg)
	e.queryCode = t.queryCode
	return e
}

// Operations lists every operation the sandbox serves as "service:Operation"
// (service being Call.Service: ec2, iam, monitoring, s3control, ...), sorted.
func Operations() []string {
	var out []string
	for _, s := range services() {
		for op := range s.ops {
			out = append(out, s.name+":"+op)
		}
	}
	slices.Sort(out)
	return out
}
