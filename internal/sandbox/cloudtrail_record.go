package sandbox

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net"
	"net/http"
	"sort"
	"strings"

	"github.com/fxamacker/cbor/v2"
)

// maxTrailBody is the largest response body turned into CloudTrail's
// responseElements; larger ones are recorded as null, as CloudTrail omits
// elements it will not log.
const maxTrailBody = 32 << 10

// trailRecordJSON is a CloudTrail record, fields in CloudTrail's order.
type trailRecordJSON struct {
	EventVersion       string           `json:"eventVersion"`
	UserIdentity       map[string]any   `json:"userIdentity"`
	EventTime          string           `json:"eventTime"`
	EventSource        string           `json:"eventSource"`
	EventName          string           `json:"eventName"`
	AwsRegion          string           `json:"awsRegion"`
	SourceIPAddress    string           `json:"sourceIPAddress"`
	UserAgent          string           `json:"userAgent"`
	ErrorCode          string           `json:"errorCode,omitempty"`
	ErrorMessage       string           `json:"errorMessage,omitempty"`
	RequestParameters  any              `json:"requestParameters"`
	ResponseElements   any              `json:"responseElements"`
	RequestID          string           `json:"requestID"`
	EventID            string           `json:"eventID"`
	ReadOnly           bool             `json:"readOnly"`
	Resources          []map[string]any `json:"resources,omitempty"`
	EventType          string           `json:"eventType"`
	ManagementEvent    bool             `json:"managementEvent"`
	RecipientAccountID string           `json:"recipientAccountId"`
	EventCategory      string           `json:"eventCategory"`
}

// s3DataEvents are the bucket-level S3 calls CloudTrail counts as data
// events, besides every object call.
var s3DataEvents = map[string]bool{"ListObjectsV2": true, "ListObjects": true, "DeleteObjects": true, "HeadBucket": true}

// readOnlyPrefixes start the names of operations CloudTrail marks
// readOnly.
var readOnlyPrefixes = []string{"Describe", "Get", "List", "Lookup", "Head", "BatchGet", "Search", "Select", "Receive"}

func isReadOnly(op string) bool {
	for _, p := range readOnlyPrefixes {
		if strings.HasPrefix(op, p) {
			return true
		}
	}
	return false
}

// eventSource is the service's CloudTrail eventSource.
func (s *service) eventSource() string {
	return s.signingName + ".amazonaws.com"
}

// trailRecord is the finished call's CloudTrail record (JSON).
func (rq *request) trailRecord() []byte {
	if rq.svc == nil || rq.call == nil {
		return nil
	}
	rec := trailRecordJSON{
		EventVersion:       "1.10",
		UserIdentity:       userIdentity(rq.ident, rq.account, ""),
		EventTime:          rq.call.Time.Format("2006-01-02T15:04:05Z"),
		EventSource:        rq.svc.eventSource(),
		EventName:          rq.op,
		AwsRegion:          rq.region,
		SourceIPAddress:    sourceIP(rq.r),
		UserAgent:          rq.r.UserAgent(),
		RequestParameters:  rq.trailParams(),
		RequestID:          rq.reqID,
		EventID:            rq.eventID(),
		ReadOnly:           isReadOnly(rq.op),
		EventType:          "AwsApiCall",
		ManagementEvent:    true,
		RecipientAccountID: rq.account,
		EventCategory:      "Management",
	}
	if rq.errCode != "" {
		rec.ErrorCode, rec.ErrorMessage = rq.errCode, rq.errMsg
	} else if !rec.ReadOnly {
		rec.ResponseElements = rq.trailResponse()
	}
	if rq.svc.name == "s3" && (rq.key != "" || s3DataEvents[rq.op]) {
		// Object calls, and listing a bucket's objects, are data events.
		rec.ManagementEvent, rec.EventCategory = false, "Data"
		if rq.key != "" {
			rec.Resources = append(rec.Resources, map[string]any{"type": "AWS::S3::Object", "ARN": "arn:" + partition(rq.region) + ":s3:::" + rq.bucket + "/" + rq.key})
		}
		rec.Resources = append(rec.Resources, map[string]any{"accountId": rq.account, "type": "AWS::S3::Bucket", "ARN": "arn:" + partition(rq.region) + ":s3:::" + rq.bucket})
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return nil
	}
	return b
}

// eventID is a random uuid; the caller need not hold the lock.
func (rq *request) eventID() string {
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	return rq.sb.st.uuid()
}

// userIdentity is CloudTrail's userIdentity block for id in account acct;
// invokedBy names the service that acted for it.
func userIdentity(id identity, acct, invokedBy string) map[string]any {
	kind := id.kind
	if kind == "" {
		kind = "Root"
	}
	u := map[string]any{"type": kind, "principalId": id.userID, "arn": id.arn, "accountId": acct}
	if id.accessKeyID != "" {
		u["accessKeyId"] = id.accessKeyID
	}
	switch kind {
	case "IAMUser":
		u["userName"] = id.user
	case "AssumedRole":
		role := id.roleARN[strings.LastIndex(id.roleARN, "/")+1:]
		u["sessionContext"] = map[string]any{
			"sessionIssuer": map[string]any{"type": "Role", "principalId": id.roleID, "arn": id.roleARN, "accountId": acct, "userName": role},
			"attributes":    map[string]any{"creationDate": id.since.UTC().Format("2006-01-02T15:04:05Z"), "mfaAuthenticated": "false"},
		}
	}
	if invokedBy != "" {
		u["invokedBy"] = invokedBy
	}
	return u
}

// sourceIP is the caller's address. X-Forwarded-For, when present, names
// it instead: the sandbox is local, and game days play callers from
// elsewhere (an attacker's 203.0.113.7) through it.
func sourceIP(r *http.Request) string {
	if f := r.Header.Get("X-Forwarded-For"); f != "" {
		first, _, _ := strings.Cut(f, ",")
		return strings.TrimSpace(first)
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// hidden replaces values CloudTrail does not log.
const hidden = "HIDDEN_DUE_TO_SECURITY_REASONS"

// trailParams is the request's parameters as CloudTrail's
// requestParameters: field names in lower camel case, query-protocol
// lists as arrays, secret values hidden.
func (rq *request) trailParams() any {
	if len(rq.body) > maxTrailBody {
		return map[string]any{"omitted": true, "bytes": len(rq.body)}
	}
	var out map[string]any
	switch rq.proto {
	case protoEC2, protoQuery:
		out = formTree(rq.form)
	case protoCBOR:
		var v any
		if cborDec.Unmarshal(rq.body, &v) == nil {
			out, _ = camelKeys(v).(map[string]any)
		}
	case protoJSON10, protoJSON11, protoRESTJSON:
		var v any
		if len(bytes.TrimSpace(rq.body)) > 0 && json.Unmarshal(rq.body, &v) == nil {
			out, _ = camelKeys(v).(map[string]any)
		}
	}
	if rq.proto == protoRESTJSON || rq.proto == protoRESTXML {
		if out == nil {
			out = map[string]any{}
		}
		for k, v := range rq.params {
			out[lowerCamel(k)] = v
		}
		if rq.bucket != "" {
			out["bucketName"] = rq.bucket
			out["Host"] = rq.r.Host
			if rq.key != "" {
				out["key"] = rq.key
			}
		}
		for k, v := range rq.r.URL.Query() {
			if k != "x-id" && len(v) > 0 {
				out[k] = v[0]
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	hideSecrets(out)
	return out
}

func hideSecrets(v any) {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if isSecretField(upperFirst(k)) {
				t[k] = hidden
			} else {
				hideSecrets(x)
			}
		}
	case []any:
		for _, x := range t {
			hideSecrets(x)
		}
	}
}

// formTree turns a query-protocol form (Filter.1.Name=x) into the nested
// structure CloudTrail logs ({"filter": [{"name": "x"}]}).
func formTree(f form) map[string]any {
	root := map[string]any{}
	keys := sortedKeys(f)
	for _, k := range keys {
		if k == "Action" || k == "Version" {
			continue
		}
		setPath(root, strings.Split(k, "."), f[k])
	}
	if tree, ok := listify(root).(map[string]any); ok {
		return tree
	}
	// Every top-level name was a number ("1=x"): not a request AWS would
	// log under names, so keep it as a map of its raw keys.
	return root
}

// setPath stores v under the path; numeric segments become map keys
// that listify turns into arrays.
func setPath(m map[string]any, path []string, v string) {
	key := lowerCamel(path[0])
	if len(path) == 1 {
		m[key] = v
		return
	}
	next, ok := m[key].(map[string]any)
	if !ok {
		next = map[string]any{}
		m[key] = next
	}
	setPath(next, path[1:], v)
}

// listify turns maps whose keys are all numbers into arrays in index
// order; a map of one "member" list (the query protocol's wrapper) becomes
// that list.
func listify(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	for k, x := range m {
		m[k] = listify(x)
	}
	if len(m) == 0 {
		return m
	}
	type kv struct {
		i int
		v any
	}
	var items []kv
	for k, x := range m {
		if k == "" {
			return m // "Filter..Name": an empty segment is a name, not index 0
		}
		n := 0
		for _, c := range k {
			if c < '0' || c > '9' {
				return m
			}
			n = n*10 + int(c-'0')
		}
		items = append(items, kv{n, x})
	}
	sort.Slice(items, func(a, b int) bool { return items[a].i < items[b].i })
	out := make([]any, len(items))
	for i, it := range items {
		out[i] = it.v
	}
	return out
}

// camelKeys lower-cases the first letter of every map key, as CloudTrail
// names parameters.
func camelKeys(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[lowerCamel(k)] = camelKeys(x)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			if ks, ok := k.(string); ok {
				out[lowerCamel(ks)] = camelKeys(x)
			}
		}
		return out
	case []any:
		for i := range t {
			t[i] = camelKeys(t[i])
		}
		return t
	case []byte:
		return hidden
	}
	return v
}

// lowerCamel is a field name as CloudTrail writes it: UserName → userName,
// SSEAlgorithm → sseAlgorithm, KMSMasterKeyID → kmsMasterKeyID.
func lowerCamel(s string) string {
	n := 0
	for n < len(s) && s[n] >= 'A' && s[n] <= 'Z' {
		n++
	}
	switch {
	case n == 0:
		return s
	case n == 1 || n == len(s):
		return strings.ToLower(s[:n]) + s[n:]
	default:
		// An acronym: keep its last capital, which starts the next word.
		return strings.ToLower(s[:n-1]) + s[n-1:]
	}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// trailResponse is the response as CloudTrail's responseElements.
func (rq *request) trailResponse() any {
	if rq.resp == nil || len(bytes.TrimSpace(rq.resp)) == 0 {
		return nil
	}
	switch rq.proto {
	case protoEC2, protoQuery, protoRESTXML:
		v := xmlTree(rq.resp)
		if m, ok := v.(map[string]any); ok && rq.proto == protoQuery {
			// <OpResponse><OpResult>...</OpResult><ResponseMetadata/>
			if r, ok := m[lowerCamel(rq.op+"Result")]; ok {
				return r
			}
			return nil
		}
		return v
	case protoCBOR:
		var v any
		if cbor.Unmarshal(rq.resp, &v) == nil {
			return camelKeys(v)
		}
	default:
		var v any
		if json.Unmarshal(rq.resp, &v) == nil {
			if m, ok := v.(map[string]any); ok && len(m) == 0 {
				return nil
			}
			out := camelKeys(v)
			hideSecrets(out)
			return out
		}
	}
	return nil
}

// xmlNode is a parsed XML element.
type xmlNode struct {
	name     string
	text     string
	children []*xmlNode
}

// xmlTree turns an XML response into the nested structure CloudTrail logs:
// the root's children by element name, repeated <item>s as
// {"items": [...]} (EC2's shape in CloudTrail), <member>s as arrays.
func xmlTree(b []byte) any {
	dec := xml.NewDecoder(bytes.NewReader(b))
	var stack []*xmlNode
	var root *xmlNode
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &xmlNode{name: t.Name.Local}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(t)
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
	if root == nil {
		return nil
	}
	return xmlValue(root)
}

func xmlValue(n *xmlNode) any {
	if len(n.children) == 0 {
		return strings.TrimSpace(n.text)
	}
	allNamed := func(name string) bool {
		for _, c := range n.children {
			if c.name != name {
				return false
			}
		}
		return true
	}
	if allNamed("item") || allNamed("member") {
		list := make([]any, len(n.children))
		for i, c := range n.children {
			list[i] = xmlValue(c)
		}
		if n.children[0].name == "item" {
			return map[string]any{"items": list}
		}
		return list
	}
	m := map[string]any{}
	for _, c := range n.children {
		k := lowerCamel(c.name)
		v := xmlValue(c)
		if old, ok := m[k]; ok {
			if l, isList := old.([]any); isList {
				m[k] = append(l, v)
			} else {
				m[k] = []any{old, v}
			}
			continue
		}
		m[k] = v
	}
	return m
}

// internalTrailRecord is the CloudTrail record of a call a service made
// on a caller's behalf (an SSM Automation step).
func (sb *Sandbox) internalTrailRecord(c *Call, id identity, svc *service) []byte {
	rec := trailRecordJSON{
		EventVersion:       "1.10",
		UserIdentity:       userIdentity(id, c.Account, c.InvokedBy),
		EventTime:          c.Time.Format("2006-01-02T15:04:05Z"),
		EventSource:        svc.eventSource(),
		EventName:          c.Operation,
		AwsRegion:          c.Region,
		SourceIPAddress:    c.InvokedBy,
		UserAgent:          c.InvokedBy,
		RequestParameters:  c.Params,
		RequestID:          sb.st.uuid(),
		EventID:            sb.st.uuid(),
		ReadOnly:           isReadOnly(c.Operation),
		EventType:          "AwsApiCall",
		ManagementEvent:    true,
		RecipientAccountID: c.Account,
		EventCategory:      "Management",
	}
	if c.Error != "" {
		rec.ErrorCode, rec.ErrorMessage = c.Error, c.errMsg
	}
	b, _ := json.Marshal(rec)
	return b
}
