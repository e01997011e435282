package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"net"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

func s3Service() *service {
	ops := map[string]handler{}
	for _, r := range s3Routes {
		ops[r.op] = r.h
	}
	return &service{name: "s3", title: "Amazon S3", protocol: protoRESTXML, route: s3Route, ops: ops,
		throttle: throttleError{503, "SlowDown", "", "Please reduce your request rate."}}
}

// s3Level is what an S3 request addresses.
type s3Level int

const (
	s3Root   s3Level = iota // the service: ListBuckets
	s3Bucket                // a bucket
	s3Object                // an object in a bucket
)

// s3Routes maps method, level and subresource (the query parameter that
// names it, "" for none) to an operation. A subresource the table does
// not list is refused, never mistaken for a plain bucket or object call.
// Of the routes sharing level, method and subresource, the first whose
// when holds (or that has none) wins.
var s3Routes = []struct {
	level       s3Level
	method, sub string
	op          string
	h           handler
	when        func(r *http.Request) bool
}{
	{s3Root, "GET", "", "ListBuckets", s3ListBuckets, nil},
	{s3Bucket, "PUT", "", "CreateBucket", s3CreateBucket, nil},
	{s3Bucket, "HEAD", "", "HeadBucket", s3HeadBucket, nil},
	{s3Bucket, "GET", "location", "GetBucketLocation", s3GetBucketLocation, nil},
	{s3Bucket, "GET", "publicAccessBlock", "GetPublicAccessBlock", s3GetPublicAccessBlock, nil},
	{s3Bucket, "PUT", "publicAccessBlock", "PutPublicAccessBlock", s3PutPublicAccessBlock, nil},
	{s3Bucket, "DELETE", "publicAccessBlock", "DeletePublicAccessBlock", s3DeletePublicAccessBlock, nil},
	{s3Bucket, "GET", "policyStatus", "GetBucketPolicyStatus", s3GetBucketPolicyStatus, nil},
	{s3Bucket, "GET", "policy", "GetBucketPolicy", s3GetBucketPolicy, nil},
	{s3Bucket, "PUT", "policy", "PutBucketPolicy", s3PutBucketPolicy, nil},
	{s3Bucket, "DELETE", "policy", "DeleteBucketPolicy", s3DeleteBucketPolicy, nil},
	{s3Bucket, "GET", "encryption", "GetBucketEncryption", s3GetBucketEncryption, nil},
	{s3Bucket, "PUT", "encryption", "PutBucketEncryption", s3PutBucketEncryption, nil},
	{s3Bucket, "DELETE", "encryption", "DeleteBucketEncryption", s3DeleteBucketEncryption, nil},
	{s3Bucket, "GET", "versioning", "GetBucketVersioning", s3GetBucketVersioning, nil},
	{s3Bucket, "PUT", "versioning", "PutBucketVersioning", s3PutBucketVersioning, nil},
	{s3Bucket, "GET", "", "ListObjectsV2", s3ListObjects, func(r *http.Request) bool { return r.URL.Query().Get("list-type") == "2" }},
	{s3Bucket, "GET", "", "ListObjects", s3ListObjects, nil},
	{s3Bucket, "DELETE", "", "DeleteBucket", s3DeleteBucket, nil},
	{s3Bucket, "POST", "delete", "DeleteObjects", s3DeleteObjects, nil},
	{s3Object, "PUT", "", "CopyObject", s3PutObject, func(r *http.Request) bool { return r.Header.Get("X-Amz-Copy-Source") != "" }},
	{s3Object, "PUT", "", "PutObject", s3PutObject, nil},
	{s3Object, "GET", "", "GetObject", s3GetObject, nil},
	{s3Object, "HEAD", "", "HeadObject", s3HeadObject, nil},
	{s3Object, "DELETE", "", "DeleteObject", s3DeleteObject, nil},
}

// s3Subresources are the query parameters S3 uses to name a bucket or
// object subresource.
var s3Subresources = []string{"accelerate", "acl", "analytics", "attributes", "cors", "delete", "encryption", "intelligent-tiering",
	"inventory", "legal-hold", "lifecycle", "location", "logging", "metadataTable", "metrics", "notification", "object-lock",
	"ownershipControls", "policy", "policyStatus", "publicAccessBlock", "replication", "requestPayment", "restore", "retention",
	"select", "tagging", "torrent", "uploadId", "uploads", "versioning", "versions", "website"}

// s3Route finds the operation of an S3 request. The bucket comes from
// the path (path style) or from the host (virtual-hosted style:
// BUCKET.localhost, BUCKET.127.0.0.1 through a proxy, BUCKET.s3...).
func s3Route(rq *request) error {
	r := rq.r
	path := strings.TrimPrefix(r.URL.Path, "/")
	rq.bucket, rq.key, _ = strings.Cut(path, "/")
	if b := rq.sb.hostLabel(r.Host, "s3"); b != "" {
		rq.bucket, rq.key = b, path
	}
	level := s3Root
	switch {
	case rq.key != "":
		level = s3Object
	case rq.bucket != "":
		level = s3Bucket
	}
	q := r.URL.Query()
	sub := ""
	for _, name := range s3Subresources {
		if _, ok := q[name]; ok {
			sub = name
			break
		}
	}
	for _, rt := range s3Routes {
		if rt.level == level && rt.method == r.Method && rt.sub == sub && (rt.when == nil || rt.when(r)) {
			rq.op = rt.op
			return nil
		}
	}
	rq.op = r.Method + " " + r.URL.Path
	if sub != "" {
		rq.op = r.Method + " ?" + sub
	}
	return apiErr(501, "NotImplemented", "The sandbox does not simulate S3 %s %s.", r.Method, r.URL.RequestURI())
}

func (w *world) bucket(name string) (*Account, *Bucket) {
	for _, a := range w.accounts {
		for _, b := range a.Buckets {
			if b.Name == name {
				return a, b
			}
		}
	}
	return nil, nil
}

// ownBucket finds a bucket the caller's account owns; the caller holds mu.
func (rq *request) ownBucket(name string) (*Bucket, error) {
	a, b := rq.sb.st.bucket(name)
	if b == nil {
		e := apiErr(404, "NoSuchBucket", "The specified bucket does not exist")
		e.extra = [][2]string{{"BucketName", name}}
		return nil, e
	}
	if a.ID != rq.account {
		return nil, apiErr(403, "AccessDenied", "Access Denied")
	}
	return b, nil
}

func s3ListBuckets(rq *request) error {
	q := rq.r.URL.Query()
	prefix, region := q.Get("prefix"), q.Get("bucket-region")
	max := 10000
	if s := q.Get("max-buckets"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 10000 {
			return apiErr(400, "InvalidArgument", "Argument max-buckets must be an integer between 1 and 10000.")
		}
		max = n
	}
	after := ""
	if tok := q.Get("continuation-token"); tok != "" {
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil {
			return apiErr(400, "InvalidArgument", "The continuation token provided is incorrect")
		}
		after = string(b)
	}
	a := rq.lockAccount()
	defer rq.unlock()
	var list []*Bucket
	for _, b := range a.Buckets {
		if strings.HasPrefix(b.Name, prefix) && (region == "" || b.Region == region) && b.Name > after {
			list = append(list, b)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	next := ""
	if len(list) > max {
		list = list[:max]
		next = base64.RawURLEncoding.EncodeToString([]byte(list[max-1].Name))
	}
	rq.writeS3(200, "ListAllMyBucketsResult", func(x *xmlw) {
		x.open("Owner")
		x.leaf("ID", ownerID(a.ID))
		x.leaf("DisplayName", a.Alias)
		x.close("Owner")
		x.open("Buckets")
		for _, b := range list {
			x.open("Bucket")
			x.leaf("Name", b.Name)
			x.time("CreationDate", b.Created)
			x.leaf("BucketRegion", b.Region)
			x.close("Bucket")
		}
		x.close("Buckets")
		x.opt("ContinuationToken", next)
		x.opt("Prefix", prefix)
	})
	return nil
}

func ownerID(acct string) string {
	return strings.Repeat(acct[len(acct)-4:], 16)
}

var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

func s3CreateBucket(rq *request) error {
	name := rq.bucket
	if !bucketName.MatchString(name) || strings.Contains(name, "..") || net.ParseIP(name) != nil {
		e := apiErr(400, "InvalidBucketName", "The specified bucket is not valid.")
		e.extra = [][2]string{{"BucketName", name}}
		return e
	}
	region := rq.region
	var cfg struct {
		LocationConstraint string
	}
	if len(rq.body) > 0 {
		if err := xml.Unmarshal(rq.body, &cfg); err != nil {
			return apiErr(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
		}
	}
	switch {
	case cfg.LocationConstraint == "us-east-1":
		// us-east-1 is the default: naming it is refused.
		return apiErr(400, "InvalidLocationConstraint", "The specified location-constraint is not valid")
	case cfg.LocationConstraint == "" && region != "us-east-1":
		return apiErr(400, "IllegalLocationConstraintException", "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.")
	case cfg.LocationConstraint != "" && cfg.LocationConstraint != region:
		return apiErr(400, "IllegalLocationConstraintException", "The %s location constraint is incompatible for the region specific endpoint this request was sent to.", cfg.LocationConstraint)
	}
	a := rq.lockAccount()
	defer rq.unlock()
	if owner, _ := rq.sb.st.bucket(name); owner != nil {
		if owner.ID == a.ID && region == "us-east-1" {
			// In us-east-1, creating a bucket you own again succeeds
			// (and changes nothing), for compatibility with old clients.
			rq.w.Header().Set("Location", "/"+name)
			rq.send(200, "", nil)
			return nil
		}
		if owner.ID == a.ID {
			e := apiErr(409, "BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.")
			e.extra = [][2]string{{"BucketName", name}}
			return e
		}
		e := apiErr(409, "BucketAlreadyExists", "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.")
		e.extra = [][2]string{{"BucketName", name}}
		return e
	}
	// New buckets block public access, as S3 has done since April 2023.
	a.Buckets = append(a.Buckets, &Bucket{Name: name, Region: region, Created: time.Now().UTC().Truncate(time.Second),
		PublicAccessBlock: &PublicAccessBlock{true, true, true, true}})
	rq.w.Header().Set("Location", "/"+name)
	rq.send(200, "", nil)
	return nil
}

func s3DeleteBucket(rq *request) error {
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	b, err := rq.ownBucket(rq.bucket)
	if err != nil {
		return err
	}
	if len(b.Objects) > 0 {
		e := apiErr(409, "BucketNotEmpty", "The bucket you tried to delete is not empty")
		e.extra = [][2]string{{"BucketName", b.Name}}
		return e
	}
	a, _ := rq.sb.st.bucket(b.Name)
	a.Buckets = slices.DeleteFunc(a.Buckets, func(x *Bucket) bool { return x == b })
	rq.send(204, "", nil)
	return nil
}

func s3HeadBucket(rq *request) error {
	name := rq.bucket
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	b, err := rq.ownBucket(name)
	if err != nil {
		if e, ok := err.(*apiError); ok && e.code == "NoSuchBucket" {
			e.code = "NotFound"
		}
		return err
	}
	rq.w.Header().Set("X-Amz-Bucket-Region", b.Region)
	rq.send(200, "", nil)
	return nil
}

func s3GetBucketLocation(rq *request) error {
	name := rq.bucket
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	b, err := rq.ownBucket(name)
	if err != nil {
		return err
	}
	loc := b.Region
	if loc == "us-east-1" {
		loc = ""
	}
	rq.writeS3(200, "LocationConstraint", func(x *xmlw) { xml.EscapeText(x, []byte(loc)) })
	return nil
}

type pabXML struct {
	XMLName               xml.Name `xml:"PublicAccessBlockConfiguration"`
	BlockPublicAcls       bool
	IgnorePublicAcls      bool
	BlockPublicPolicy     bool
	RestrictPublicBuckets bool
}

// config is the parsed configuration.
func (p pabXML) config() *PublicAccessBlock {
	return &PublicAccessBlock{p.BlockPublicAcls, p.IgnorePublicAcls, p.BlockPublicPolicy, p.RestrictPublicBuckets}
}

func writePAB(x *xmlw, p *PublicAccessBlock) {
	x.bool("BlockPublicAcls", p.BlockPublicAcls)
	x.bool("IgnorePublicAcls", p.IgnorePublicAcls)
	x.bool("BlockPublicPolicy", p.BlockPublicPolicy)
	x.bool("RestrictPublicBuckets", p.RestrictPublicBuckets)
}

func s3GetPublicAccessBlock(rq *request) error {
	name := rq.bucket
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	b, err := rq.ownBucket(name)
	if err != nil {
		return err
	}
	p := b.PublicAccessBlock
	if p == nil {
		e := apiErr(404, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
		e.extra = [][2]string{{"BucketName", name}}
		return e
	}
	rq.writeS3(200, "PublicAccessBlockConfiguration", func(x *xmlw) { writePAB(x, p) })
	return nil
}

func s3PutPublicAccessBlock(rq *request) error {
	name := rq.bucket
	var in pabXML
	if err := xml.Unmarshal(rq.body, &in); err != nil {
		return apiErr(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
	}
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	b, err := rq.ownBucket(name)
	if err != nil {
		return err
	}
	b.PublicAccessBlock = in.config()
	rq.send(200, "", nil)
	return nil
}

func s3DeletePublicAccessBlock(rq *request) error {
	name := rq.bucket
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	b, err := rq.ownBucket(name)
	if err != nil {
		return err
	}
	b.PublicAccessBlock = nil
	rq.send(204, "", nil)
	return nil
}

func noSuchPolicy(name string) error {
	e := apiErr(404, "NoSuchBucketPolicy", "The bucket policy does not exist")
	e.extra = [][2]string{{"BucketName", name}}
	return e
}

func s3GetBucketPolicyStatus(rq *request) error {
	name := rq.bucket
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	b, err := rq.ownBucket(name)
	if err != nil {
		return err
	}
	if b.Policy == "" {
		return noSuchPolicy(name)
	}
	public := policyIsPublic(b.Policy)
	rq.writeS3(200, "PolicyStatus", func(x *xmlw) { x.bool("IsPublic", public) })
	return nil
}

func s3GetBucketPolicy(rq *request) error {
	name := rq.bucket
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	b, err := rq.ownBucket(name)
	if err != nil {
		return err
	}
	if b.Policy == "" {
		return noSuchPolicy(name)
	}
	rq.send(200, "application/json", []byte(b.Policy))
	return nil
}

func s3PutBucketPolicy(rq *request) error {
	name := rq.bucket
	if !json.Valid(rq.body) {
		return apiErr(400, "MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'")
	}
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	b, err := rq.ownBucket(name)
	if err != nil {
		return err
	}
	if b.PublicAccessBlock != nil && b.PublicAccessBlock.BlockPublicPolicy && policyIsPublic(string(rq.body)) {
		return apiErr(403, "AccessDenied", "User: %s is not authorized to perform: s3:PutBucketPolicy on resource: \"arn:aws:s3:::%s\" because public policies are blocked by the BlockPublicPolicy block public access setting.", rq.ident.arn, name)
	}
	b.Policy = string(rq.body)
	rq.send(204, "", nil)
	return nil
}

func s3DeleteBucketPolicy(rq *request) error {
	name := rq.bucket
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	b, err := rq.ownBucket(name)
	if err != nil {
		return err
	}
	b.Policy = ""
	rq.send(204, "", nil)
	return nil
}

// policyIsPublic reports whether a bucket policy allows anyone ("*")
// without a condition, the test S3's policy status applies at its simplest.
func policyIsPublic(doc string) bool {
	var p struct {
		Statement json.RawMessage
	}
	if json.Unmarshal([]byte(doc), &p) != nil {
		return false
	}
	type stmt struct {
		Effect    string
		Principal json.RawMessage
		Condition json.RawMessage
	}
	var stmts []stmt
	if json.Unmarshal(p.Statement, &stmts) != nil {
		var one stmt
		if json.Unmarshal(p.Statement, &one) != nil {
			return false
		}
		stmts = []stmt{one}
	}
	for _, s := range stmts {
		if s.Effect != "Allow" || len(s.Condition) > 0 && string(s.Condition) != "{}" {
			continue
		}
		var star string
		if json.Unmarshal(s.Principal, &star) == nil && star == "*" {
			return true
		}
		var m map[string]json.RawMessage
		if json.Unmarshal(s.Principal, &m) == nil {
			aws := m["AWS"]
			var one string
			var many []string
			if json.Unmarshal(aws, &one) == nil && one == "*" {
				return true
			}
			if json.Unmarshal(aws, &many) == nil {
				for _, v := range many {
					if v == "*" {
						return true
					}
				}
			}
		}
	}
	return false
}
