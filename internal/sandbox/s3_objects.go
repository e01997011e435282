package sandbox

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Objects are kept in memory, bodies included, up to Options.MaxObjectBytes
// for the whole sandbox (256 MiB unless set): enough for CloudTrail logs
// and policy documents, refused with EntityTooLarge past it.
const defaultMaxObjectBytes = 256 << 20

// S3Object is an object in a bucket. Content seeds its body from a
// scenario (text); /_sandbox/state shows the metadata only.
type S3Object struct {
	Key             string            `json:"key"`
	Content         string            `json:"content,omitempty"`
	Size            int64             `json:"size"`
	ETag            string            `json:"etag,omitempty"`
	ContentType     string            `json:"content_type,omitempty"`
	ContentEncoding string            `json:"content_encoding,omitempty"`
	Metadata        map[string]string `json:"metadata,omitempty"`
	LastModified    time.Time         `json:"last_modified,omitzero"`
	// StorageClass is empty for STANDARD.
	StorageClass string `json:"storage_class,omitempty"`
	// SSE is the object's server-side encryption (AES256, aws:kms,
	// aws:kms:dsse) and SSEKMSKeyID its KMS key: what the request asked,
	// else the bucket's default encryption.
	SSE         string `json:"sse,omitempty"`
	SSEKMSKeyID string `json:"sse_kms_key_id,omitempty"`

	body []byte
}

// storageClasses are the storage classes S3 accepts.
var storageClasses = []string{"STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER",
	"DEEP_ARCHIVE", "GLACIER_IR", "OUTPOSTS", "SNOW", "EXPRESS_ONEZONE"}

// objectSettings reads the storage class and encryption a Put or Copy
// asks for, falling back to the bucket's default encryption.
func objectSettings(h http.Header, b *Bucket) (class, sse, kmsKey string, err error) {
	class = h.Get("X-Amz-Storage-Class")
	if class != "" && !slices.Contains(storageClasses, class) {
		return "", "", "", apiErr(400, "InvalidStorageClass", "The storage class you specified is not valid")
	}
	if class == "STANDARD" {
		class = ""
	}
	sse, kmsKey = h.Get("X-Amz-Server-Side-Encryption"), h.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id")
	switch sse {
	case "":
		sse = "AES256"
		if e := b.Encryption; e != nil {
			sse, kmsKey = e.SSEAlgorithm, e.KMSMasterKeyID
		}
	case "AES256", "aws:kms", "aws:kms:dsse":
	default:
		return "", "", "", apiErr(400, "InvalidArgument", "The encryption method specified is not supported")
	}
	if sse == "AES256" {
		kmsKey = ""
	}
	return class, sse, kmsKey, nil
}

// object finds an object by key.
func (b *Bucket) object(key string) *S3Object {
	for _, o := range b.Objects {
		if o.Key == key {
			return o
		}
	}
	return nil
}

func noSuchKey(key string) error {
	e := apiErr(404, "NoSuchKey", "The specified key does not exist.")
	e.extra = [][2]string{{"Key", key}}
	return e
}

// putObject stores an object, replacing one with the same key; the caller
// holds mu. It reports false when the sandbox's object memory is full.
func (sb *Sandbox) putObject(owner *Account, b *Bucket, key string, body []byte, contentType, contentEncoding string) (*S3Object, bool) {
	old := b.object(key)
	grow := int64(len(body))
	if old != nil {
		grow -= old.Size
	}
	if sb.objectBytes+grow > sb.maxObjectBytes() {
		return nil, false
	}
	sum := md5.Sum(body)
	o := &S3Object{Key: key, Size: int64(len(body)), ETag: `"` + hex.EncodeToString(sum[:]) + `"`, ContentType: contentType,
		ContentEncoding: contentEncoding, LastModified: time.Now().UTC().Truncate(time.Second), body: body}
	if o.ContentType == "" {
		o.ContentType = "binary/octet-stream"
	}
	if old != nil {
		*old = *o
		o = old
	} else {
		b.Objects = append(b.Objects, o)
	}
	sb.objectBytes += grow
	return o, true
}

func (sb *Sandbox) maxObjectBytes() int64 {
	if sb.opts.MaxObjectBytes > 0 {
		return sb.opts.MaxObjectBytes
	}
	return defaultMaxObjectBytes
}

// objectBody is the request body of a PutObject: aws-chunked uploads
// (streaming signatures or trailing checksums) are decoded.
func (rq *request) objectBody() ([]byte, error) {
	sha := rq.r.Header.Get("X-Amz-Content-Sha256")
	if !strings.HasPrefix(sha, "STREAMING-") && !strings.Contains(rq.r.Header.Get("Content-Encoding"), "aws-chunked") {
		return rq.body, nil
	}
	var out bytes.Buffer
	br := bufio.NewReader(bytes.NewReader(rq.body))
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return nil, apiErr(400, "IncompleteBody", "The aws-chunked body ends inside a chunk header.")
		}
		sizeHex, _, _ := strings.Cut(strings.TrimSpace(line), ";")
		n, err := strconv.ParseInt(sizeHex, 16, 64)
		if err != nil || n < 0 || n > maxBody {
			return nil, apiErr(400, "InvalidChunkSizeError", "The aws-chunked body has a bad chunk size %q.", sizeHex)
		}
		if n == 0 {
			return out.Bytes(), nil // trailers follow; the sandbox does not check checksums
		}
		if _, err := io.CopyN(&out, br, n); err != nil {
			return nil, apiErr(400, "IncompleteBody", "The aws-chunked body is shorter than its chunk sizes say.")
		}
		br.ReadString('\n')
	}
}

func s3PutObject(rq *request) error {
	if src := rq.r.Header.Get("X-Amz-Copy-Source"); src != "" {
		return s3CopyObject(rq, src)
	}
	body, err := rq.objectBody()
	if err != nil {
		return err
	}
	if md := rq.r.Header.Get("Content-MD5"); md != "" {
		sum := md5.Sum(body)
		if md != base64.StdEncoding.EncodeToString(sum[:]) {
			return apiErr(400, "BadDigest", "The Content-MD5 you specified did not match what we received.")
		}
	}
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	b, err := rq.ownBucket(rq.bucket)
	if err != nil {
		return err
	}
	owner, _ := rq.sb.st.bucket(rq.bucket)
	if inm := rq.r.Header.Get("If-None-Match"); inm == "*" && b.object(rq.key) != nil {
		return apiErr(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold")
	}
	class, sse, kmsKey, err := objectSettings(rq.r.Header, b)
	if err != nil {
		return err
	}
	o, ok := rq.sb.putObject(owner, b, rq.key, body, rq.r.Header.Get("Content-Type"), strings.TrimSpace(strings.ReplaceAll(rq.r.Header.Get("Content-Encoding"), "aws-chunked", "")))
	if !ok {
		return apiErr(400, "EntityTooLarge", "The sandbox keeps at most %d bytes of S3 objects in memory (Options.MaxObjectBytes); this object does not fit.", rq.sb.maxObjectBytes())
	}
	o.ContentEncoding = strings.Trim(o.ContentEncoding, ", ")
	o.Metadata = userMetadata(rq.r.Header)
	o.StorageClass, o.SSE, o.SSEKMSKeyID = class, sse, kmsKey
	rq.w.Header().Set("ETag", o.ETag)
	rq.encryptionHeaders(o)
	rq.send(200, "", nil)
	return nil
}

// userMetadata reads x-amz-meta-* headers.
func userMetadata(h http.Header) map[string]string {
	var m map[string]string
	for k, v := range h {
		if name, ok := strings.CutPrefix(strings.ToLower(k), "x-amz-meta-"); ok && len(v) > 0 {
			if m == nil {
				m = map[string]string{}
			}
			m[name] = v[0]
		}
	}
	return m
}

func s3CopyObject(rq *request, src string) error {
	src, _ = url.PathUnescape(strings.TrimPrefix(src, "/"))
	srcBucket, srcKey, ok := strings.Cut(src, "/")
	if !ok || srcKey == "" {
		return apiErr(400, "InvalidArgument", "Copy Source must mention the source bucket and key: sourcebucket/sourcekey")
	}
	srcKey, _, _ = strings.Cut(srcKey, "?versionId=")
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	from, err := rq.ownBucket(srcBucket)
	if err != nil {
		return err
	}
	so := from.object(srcKey)
	if so == nil {
		return noSuchKey(srcKey)
	}
	to, err := rq.ownBucket(rq.bucket)
	if err != nil {
		return err
	}
	owner, _ := rq.sb.st.bucket(rq.bucket)
	class, sse, kmsKey, err := objectSettings(rq.r.Header, to)
	if err != nil {
		return err
	}
	ct, meta := so.ContentType, so.Metadata
	if rq.r.Header.Get("X-Amz-Metadata-Directive") == "REPLACE" {
		ct, meta = rq.r.Header.Get("Content-Type"), userMetadata(rq.r.Header)
	} else if srcBucket == rq.bucket && srcKey == rq.key && rq.r.Header.Get("X-Amz-Storage-Class") == "" && rq.r.Header.Get("X-Amz-Server-Side-Encryption") == "" {
		return apiErr(400, "InvalidRequest", "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
	}
	o, ok := rq.sb.putObject(owner, to, rq.key, slices.Clone(so.body), ct, so.ContentEncoding)
	if !ok {
		return apiErr(400, "EntityTooLarge", "The sandbox keeps at most %d bytes of S3 objects in memory (Options.MaxObjectBytes); this object does not fit.", rq.sb.maxObjectBytes())
	}
	o.Metadata = meta
	o.StorageClass, o.SSE, o.SSEKMSKeyID = class, sse, kmsKey
	rq.encryptionHeaders(o)
	rq.writeS3(200, "CopyObjectResult", func(x *xmlw) {
		x.time("LastModified", o.LastModified)
		x.leaf("ETag", o.ETag)
	})
	return nil
}

// findObject locks the sandbox and finds the request's object.
func (rq *request) findObject() (*S3Object, error) {
	rq.sb.mu.Lock()
	b, err := rq.ownBucket(rq.bucket)
	if err != nil {
		rq.sb.mu.Unlock()
		return nil, err
	}
	o := b.object(rq.key)
	if o == nil {
		rq.sb.mu.Unlock()
		return nil, noSuchKey(rq.key)
	}
	return o, nil
}

func (rq *request) objectHeaders(o *S3Object) {
	h := rq.w.Header()
	h.Set("ETag", o.ETag)
	h.Set("Last-Modified", o.LastModified.Format(http.TimeFormat))
	h.Set("Accept-Ranges", "bytes")
	if o.ContentEncoding != "" {
		h.Set("Content-Encoding", o.ContentEncoding)
	}
	for k, v := range o.Metadata {
		h.Set("X-Amz-Meta-"+k, v)
	}
	if o.StorageClass != "" {
		h.Set("X-Amz-Storage-Class", o.StorageClass)
	}
	rq.encryptionHeaders(o)
}

// encryptionHeaders says how an object is encrypted, as S3 does on Put,
// Copy, Get and Head.
func (rq *request) encryptionHeaders(o *S3Object) {
	h := rq.w.Header()
	h.Set("X-Amz-Server-Side-Encryption", orDefault(o.SSE, "AES256"))
	if o.SSEKMSKeyID != "" {
		h.Set("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id", o.SSEKMSKeyID)
	}
}

func s3GetObject(rq *request) error {
	o, err := rq.findObject()
	if err != nil {
		return err
	}
	body, ct := o.body, o.ContentType
	rq.objectHeaders(o)
	rq.sb.mu.Unlock()
	if rg := rq.r.Header.Get("Range"); rg != "" {
		lo, hi, ok := parseRange(rg, int64(len(body)))
		if !ok {
			return apiErr(416, "InvalidRange", "The requested range is not satisfiable")
		}
		rq.w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", lo, hi, len(body)))
		rq.send(206, ct, body[lo:hi+1])
		return nil
	}
	rq.send(200, ct, body)
	return nil
}

// parseRange reads "bytes=A-B", "bytes=A-" or "bytes=-N".
func parseRange(h string, size int64) (lo, hi int64, ok bool) {
	spec, found := strings.CutPrefix(h, "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, 0, false
	}
	a, b, _ := strings.Cut(spec, "-")
	switch {
	case a == "":
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n <= 0 {
			return 0, 0, false
		}
		lo, hi = max(0, size-n), size-1
	default:
		var err error
		if lo, err = strconv.ParseInt(a, 10, 64); err != nil {
			return 0, 0, false
		}
		hi = size - 1
		if b != "" {
			if hi, err = strconv.ParseInt(b, 10, 64); err != nil {
				return 0, 0, false
			}
			hi = min(hi, size-1)
		}
	}
	return lo, hi, lo <= hi && lo < size
}

func s3HeadObject(rq *request) error {
	o, err := rq.findObject()
	if err != nil {
		if e, ok := err.(*apiError); ok && e.code == "NoSuchKey" {
			e.code = "NotFound"
		}
		return err
	}
	rq.objectHeaders(o)
	size, ct := o.Size, o.ContentType
	rq.sb.mu.Unlock()
	rq.w.Header().Set("Content-Type", ct)
	rq.w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	rq.status, rq.respLen = 200, 0
	rq.w.WriteHeader(200)
	return nil
}

func s3DeleteObject(rq *request) error {
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	b, err := rq.ownBucket(rq.bucket)
	if err != nil {
		return err
	}
	rq.sb.deleteObject(b, rq.key)
	rq.send(204, "", nil)
	return nil
}

// deleteObject removes a key (absent keys are fine, as in S3); the caller
// holds mu.
func (sb *Sandbox) deleteObject(b *Bucket, key string) {
	if o := b.object(key); o != nil {
		sb.objectBytes -= o.Size
		b.Objects = slices.DeleteFunc(b.Objects, func(x *S3Object) bool { return x == o })
	}
}

func s3DeleteObjects(rq *request) error {
	var in struct {
		Quiet   bool
		Objects []struct{ Key string } `xml:"Object"`
	}
	if err := xml.Unmarshal(rq.body, &in); err != nil {
		return apiErr(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
	}
	if len(in.Objects) > 1000 {
		return apiErr(400, "MalformedXML", "The request may name at most 1000 objects; it names %d.", len(in.Objects))
	}
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	b, err := rq.ownBucket(rq.bucket)
	if err != nil {
		return err
	}
	for _, o := range in.Objects {
		rq.sb.deleteObject(b, o.Key)
	}
	rq.writeS3(200, "DeleteResult", func(x *xmlw) {
		if in.Quiet {
			return
		}
		for _, o := range in.Objects {
			x.open("Deleted")
			x.leaf("Key", o.Key)
			x.close("Deleted")
		}
	})
	return nil
}

// s3ListObjects serves ListObjectsV2 (list-type=2) and the original
// ListObjects (marker paging).
func s3ListObjects(rq *request) error {
	q := rq.r.URL.Query()
	v2 := q.Get("list-type") == "2"
	prefix, delim := q.Get("prefix"), q.Get("delimiter")
	maxKeys := 1000
	if s := q.Get("max-keys"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return apiErr(400, "InvalidArgument", "Provided max-keys not an integer or within integer range")
		}
		maxKeys = min(n, 1000)
	}
	after := q.Get("marker")
	if v2 {
		after = q.Get("start-after")
		if tok := q.Get("continuation-token"); tok != "" {
			b, err := base64.RawURLEncoding.DecodeString(tok)
			if err != nil {
				return apiErr(400, "InvalidArgument", "The continuation token provided is incorrect")
			}
			after = string(b)
		}
	}
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	b, err := rq.ownBucket(rq.bucket)
	if err != nil {
		return err
	}
	keys := make([]*S3Object, 0, len(b.Objects))
	for _, o := range b.Objects {
		if strings.HasPrefix(o.Key, prefix) && o.Key > after {
			keys = append(keys, o)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].Key < keys[j].Key })
	var contents []*S3Object
	var prefixes []string
	last, truncated := "", false
	for _, o := range keys {
		cp := ""
		if delim != "" {
			if i := strings.Index(o.Key[len(prefix):], delim); i >= 0 {
				cp = o.Key[:len(prefix)+i+len(delim)]
			}
		}
		if cp != "" && len(prefixes) > 0 && prefixes[len(prefixes)-1] == cp {
			last = o.Key
			continue
		}
		if len(contents)+len(prefixes) == maxKeys {
			truncated = true
			break
		}
		if cp != "" {
			prefixes = append(prefixes, cp)
		} else {
			contents = append(contents, o)
		}
		last = o.Key
	}
	acct := rq.account
	rq.writeS3(200, "ListBucketResult", func(x *xmlw) {
		x.leaf("Name", b.Name)
		x.leaf("Prefix", prefix)
		if v2 {
			x.int("KeyCount", int64(len(contents)+len(prefixes)))
			x.opt("ContinuationToken", q.Get("continuation-token"))
			x.opt("StartAfter", q.Get("start-after"))
			if truncated {
				x.leaf("NextContinuationToken", base64.RawURLEncoding.EncodeToString([]byte(last)))
			}
		} else {
			x.leaf("Marker", q.Get("marker"))
			if truncated && delim != "" {
				x.leaf("NextMarker", last)
			}
		}
		x.int("MaxKeys", int64(maxKeys))
		x.opt("Delimiter", delim)
		x.bool("IsTruncated", truncated)
		for _, o := range contents {
			x.open("Contents")
			x.leaf("Key", o.Key)
			x.time("LastModified", o.LastModified)
			x.leaf("ETag", o.ETag)
			x.int("Size", o.Size)
			x.leaf("StorageClass", orDefault(o.StorageClass, "STANDARD"))
			if !v2 || q.Get("fetch-owner") == "true" {
				x.open("Owner")
				x.leaf("ID", ownerID(acct))
				x.close("Owner")
			}
			x.close("Contents")
		}
		for _, p := range prefixes {
			x.open("CommonPrefixes")
			x.leaf("Prefix", p)
			x.close("CommonPrefixes")
		}
	})
	return nil
}
