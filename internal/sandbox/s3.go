package sandbox

import (
	"encoding/json"
	"encoding/xml"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// s3Route maps a REST-XML request to an S3 operation. Buckets are taken
// from the path (path style) or from a Host of the form BUCKET.localhost.
func (rq *request) s3Route() (handler, error) {
	r := rq.r
	path := strings.TrimPrefix(r.URL.Path, "/")
	bucket, key, _ := strings.Cut(path, "/")
	if host, _, err := net.SplitHostPort(r.Host); err == nil || r.Host != "" {
		if host == "" {
			host = r.Host
		}
		if b, ok := strings.CutSuffix(host, ".localhost"); ok && b != "" && !strings.HasPrefix(b, "s3") {
			bucket, key = b, path
		}
	}
	q := r.URL.Query()
	has := func(k string) bool { _, ok := q[k]; return ok }
	type route struct {
		op string
		h  func(rq *request, bucket string) error
	}
	var rt route
	switch {
	case bucket == "" && r.Method == http.MethodGet:
		rt = route{"ListBuckets", s3ListBuckets}
	case bucket == "":
		rt = route{}
	case key != "":
		rq.op = "Object"
		return nil, apiErr(501, "NotImplemented", "The sandbox does not store S3 objects (%s %s).", r.Method, r.URL.Path)
	case has("publicAccessBlock"):
		rt = map[string]route{
			http.MethodGet:    {"GetPublicAccessBlock", s3GetPublicAccessBlock},
			http.MethodPut:    {"PutPublicAccessBlock", s3PutPublicAccessBlock},
			http.MethodDelete: {"DeletePublicAccessBlock", s3DeletePublicAccessBlock},
		}[r.Method]
	case has("policyStatus") && r.Method == http.MethodGet:
		rt = route{"GetBucketPolicyStatus", s3GetBucketPolicyStatus}
	case has("policy"):
		rt = map[string]route{
			http.MethodGet:    {"GetBucketPolicy", s3GetBucketPolicy},
			http.MethodPut:    {"PutBucketPolicy", s3PutBucketPolicy},
			http.MethodDelete: {"DeleteBucketPolicy", s3DeleteBucketPolicy},
		}[r.Method]
	case has("location") && r.Method == http.MethodGet:
		rt = route{"GetBucketLocation", s3GetBucketLocation}
	case len(q) == 0 || q.Get("x-id") != "" && len(q) == 1:
		rt = map[string]route{
			http.MethodPut:  {"CreateBucket", s3CreateBucket},
			http.MethodHead: {"HeadBucket", s3HeadBucket},
		}[r.Method]
	}
	if rt.h == nil && bucket != "" && r.Method == http.MethodGet && !has("publicAccessBlock") && !has("policy") && !has("policyStatus") {
		rt = route{"ListObjectsV2", s3ListObjects}
	}
	if rt.h == nil {
		rq.op = r.Method
		return nil, apiErr(501, "NotImplemented", "The sandbox does not simulate S3 %s %s.", r.Method, r.URL.RequestURI())
	}
	rq.op = rt.op
	return func(rq *request) error { return rt.h(rq, bucket) }, nil
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

func s3ListBuckets(rq *request, _ string) error {
	a := rq.lockAccount()
	defer rq.unlock()
	prefix := rq.r.URL.Query().Get("prefix")
	rq.writeS3(200, "ListAllMyBucketsResult", func(x *xmlw) {
		x.open("Owner")
		x.leaf("ID", ownerID(a.ID))
		x.leaf("DisplayName", a.Alias)
		x.close("Owner")
		x.open("Buckets")
		for _, b := range a.Buckets {
			if !strings.HasPrefix(b.Name, prefix) {
				continue
			}
			x.open("Bucket")
			x.leaf("Name", b.Name)
			x.time("CreationDate", b.Created)
			x.leaf("BucketRegion", b.Region)
			x.close("Bucket")
		}
		x.close("Buckets")
	})
	return nil
}

func ownerID(acct string) string {
	return strings.Repeat(acct[len(acct)-4:], 16)
}

var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

func s3CreateBucket(rq *request, name string) error {
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
	case cfg.LocationConstraint == "" && region != "us-east-1":
		return apiErr(400, "IllegalLocationConstraintException", "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.")
	case cfg.LocationConstraint != "" && cfg.LocationConstraint != region:
		return apiErr(400, "IllegalLocationConstraintException", "The %s location constraint is incompatible for the region specific endpoint this request was sent to.", cfg.LocationConstraint)
	}
	a := rq.lockAccount()
	defer rq.unlock()
	if owner, _ := rq.sb.st.bucket(name); owner != nil {
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

func s3HeadBucket(rq *request, name string) error {
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

func s3GetBucketLocation(rq *request, name string) error {
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

func s3ListObjects(rq *request, name string) error {
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	if _, err := rq.ownBucket(name); err != nil {
		return err
	}
	rq.writeS3(200, "ListBucketResult", func(x *xmlw) {
		x.leaf("Name", name)
		x.leaf("Prefix", rq.r.URL.Query().Get("prefix"))
		x.int("KeyCount", 0)
		x.int("MaxKeys", 1000)
		x.bool("IsTruncated", false)
	})
	return nil
}

type pabXML struct {
	XMLName               xml.Name `xml:"PublicAccessBlockConfiguration"`
	BlockPublicAcls       bool
	IgnorePublicAcls      bool
	BlockPublicPolicy     bool
	RestrictPublicBuckets bool
}

func s3GetPublicAccessBlock(rq *request, name string) error {
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
	rq.writeS3(200, "PublicAccessBlockConfiguration", func(x *xmlw) {
		x.bool("BlockPublicAcls", p.BlockPublicAcls)
		x.bool("IgnorePublicAcls", p.IgnorePublicAcls)
		x.bool("BlockPublicPolicy", p.BlockPublicPolicy)
		x.bool("RestrictPublicBuckets", p.RestrictPublicBuckets)
	})
	return nil
}

func s3PutPublicAccessBlock(rq *request, name string) error {
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
	b.PublicAccessBlock = &PublicAccessBlock{in.BlockPublicAcls, in.IgnorePublicAcls, in.BlockPublicPolicy, in.RestrictPublicBuckets}
	rq.send(200, "", nil)
	return nil
}

func s3DeletePublicAccessBlock(rq *request, name string) error {
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

func s3GetBucketPolicyStatus(rq *request, name string) error {
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

func s3GetBucketPolicy(rq *request, name string) error {
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

func s3PutBucketPolicy(rq *request, name string) error {
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

func s3DeleteBucketPolicy(rq *request, name string) error {
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
