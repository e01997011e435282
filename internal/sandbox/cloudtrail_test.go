package sandbox_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/vigilhq/vigil/internal/sandbox"
)

// eventCollector is a stand-in for vigil's POST /events: it keeps the
// events posted with the right API key.
type eventCollector struct {
	mu     sync.Mutex
	events []map[string]any
	srv    *httptest.Server
}

func newEventCollector(t *testing.T, key string) *eventCollector {
	c := &eventCollector{}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Api-Key") != key {
			http.Error(w, "bad key", http.StatusUnauthorized)
			return
		}
		var evs []map[string]any
		if err := json.NewDecoder(r.Body).Decode(&evs); err != nil || len(evs) > 10 {
			http.Error(w, "want an array of at most 10 events", http.StatusBadRequest)
			return
		}
		c.mu.Lock()
		c.events = append(c.events, evs...)
		c.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(c.srv.Close)
	return c
}

func (c *eventCollector) list() []map[string]any {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.events)
}

// readTrail reads every record of the CloudTrail log files under dir,
// checking each file's name against CloudTrail's S3 layout.
func readTrail(t *testing.T, dir string) []map[string]any {
	t.Helper()
	layout := regexp.MustCompile(`^AWSLogs/(\d{12})/CloudTrail/([a-z0-9-]+)/\d{4}/\d{2}/\d{2}/(\d{12})_CloudTrail_([a-z0-9-]+)_\d{8}T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$`)
	var out []map[string]any
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		m := layout.FindStringSubmatch(filepath.ToSlash(rel))
		if m == nil || m[1] != m[3] || m[2] != m[4] {
			t.Errorf("log file %s is not in CloudTrail's layout", rel)
			return nil
		}
		b, _ := os.ReadFile(p)
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			return nil
		}
		var f struct{ Records []map[string]any }
		if err := json.NewDecoder(zr).Decode(&f); err != nil {
			t.Errorf("%s: %v", rel, err)
		}
		for _, r := range f.Records {
			if r["recipientAccountId"] != m[1] || r["awsRegion"] != m[2] {
				t.Errorf("record %v in the file of %s/%s", r["eventName"], m[1], m[2])
			}
		}
		out = append(out, f.Records...)
		return nil
	})
	return out
}

func find(records []map[string]any, name string) map[string]any {
	for _, r := range records {
		if r["eventName"] == name {
			return r
		}
	}
	return nil
}

func TestCloudTrailRecordsDeliveredInS3LayoutAndAsEvents(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	col := newEventCollector(t, "k3y")
	sb := startOpts(t, sandbox.Options{Scenario: sandbox.Demo(), TrailDir: dir, EventsURL: col.srv.URL, EventsAPIKey: "k3y"})
	// Act as the IAM user etl-batch from an outside address.
	c := cfgKeys(sb, region, "AKIAH24JZLHVCY3F7F6L", "x", "")
	c.APIOptions = append(c.APIOptions, smithyhttp.AddHeaderValue("X-Forwarded-For", "203.0.113.7"))
	e := ec2.NewFromConfig(c)
	must[*ec2.DescribeInstancesOutput](t)(e.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-0d3e5f7a9b1c2e468"}}))
	stop := must[*ec2.StopInstancesOutput](t)(e.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{"i-0d3e5f7a9b1c2e468"}}))
	_, err := e.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{"i-0000000000000dead"}})
	wantCode(t, err, "InvalidInstanceID.NotFound")
	must[*iam.UpdateAccessKeyOutput](t)(iam.NewFromConfig(c).UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("build-deployer"), AccessKeyId: aws.String("AKIAQ3EGRJ7WBUILD001"), Status: "Inactive"}))
	if err := sb.Flush(ctx); err != nil {
		t.Fatal(err)
	}

	records := readTrail(t, dir)
	if len(records) != 4 {
		t.Fatalf("%d records, want 4 (one per call)", len(records))
	}
	r := find(records, "StopInstances")
	for _, k := range []string{"eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress", "userAgent",
		"requestParameters", "responseElements", "requestID", "eventID", "readOnly", "eventType", "recipientAccountId"} {
		if _, ok := r[k]; !ok {
			t.Errorf("StopInstances record lacks %s: %v", k, r)
		}
	}
	id, _ := r["userIdentity"].(map[string]any)
	if id["type"] != "IAMUser" || id["userName"] != "etl-batch" || id["accessKeyId"] != "AKIAH24JZLHVCY3F7F6L" ||
		id["arn"] != "arn:aws:iam::111122223333:user/etl-batch" || id["accountId"] != acct {
		t.Errorf("userIdentity = %v", id)
	}
	if r["eventSource"] != "ec2.amazonaws.com" || r["sourceIPAddress"] != "203.0.113.7" || r["readOnly"] != false ||
		r["eventType"] != "AwsApiCall" || !strings.Contains(r["userAgent"].(string), "aws-sdk-go-v2") {
		t.Errorf("record = %v", r)
	}
	if _, err := time.Parse(time.RFC3339, r["eventTime"].(string)); err != nil {
		t.Errorf("eventTime: %v", err)
	}
	if p, _ := json.Marshal(r["requestParameters"]); !strings.Contains(string(p), "i-0d3e5f7a9b1c2e468") {
		t.Errorf("requestParameters = %s", p)
	}
	if p, _ := json.Marshal(r["responseElements"]); !strings.Contains(string(p), `"instancesSet":{"items":[{`) || !strings.Contains(string(p), "stopping") {
		t.Errorf("responseElements = %s", p)
	}
	if md, ok := awsmiddleware.GetRequestIDMetadata(stop.ResultMetadata); !ok || r["requestID"] != md {
		t.Errorf("requestID %v, the response said %s", r["requestID"], md)
	}
	var failed map[string]any
	for _, x := range records {
		if x["eventName"] == "StopInstances" && x["errorCode"] != nil {
			failed = x
		}
	}
	if failed == nil || failed["errorCode"] != "InvalidInstanceID.NotFound" || failed["errorMessage"] == "" || failed["responseElements"] != nil {
		t.Errorf("failed call record = %v", failed)
	}
	if d := find(records, "DescribeInstances"); d["readOnly"] != true || d["responseElements"] != nil {
		t.Errorf("read-only record = %v", d)
	}
	if u := find(records, "UpdateAccessKey"); u["eventSource"] != "iam.amazonaws.com" || u["awsRegion"] != "us-east-1" {
		t.Errorf("IAM record = %v", u)
	}

	// Calls that change something reach the events URL; reads do not.
	deadline := time.Now().Add(10 * time.Second)
	for len(col.list()) < 3 && time.Now().Before(deadline) {
		if err := sb.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	evs := col.list()
	var names []string
	for _, ev := range evs {
		if ev["detail-type"] != "AWS API Call via CloudTrail" {
			t.Errorf("event %v", ev)
		}
		d, _ := ev["detail"].(map[string]any)
		names = append(names, ev["source"].(string)+":"+d["eventName"].(string))
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"aws.ec2:StopInstances", "aws.ec2:StopInstances", "aws.iam:UpdateAccessKey"}) {
		t.Errorf("events = %v", names)
	}
}

func TestCloudTrailTrailsAndLookupEvents(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sb := startOpts(t, sandbox.Options{Scenario: sandbox.Demo(), TrailDir: dir})
	ct := cloudtrail.NewFromConfig(cfg(sb, region))
	s3c := s3.NewFromConfig(cfg(sb, region), func(o *s3.Options) { o.UsePathStyle = true })
	e := ec2.NewFromConfig(cfg(sb, region))
	const bucket = "ap-analytics-raw-111122223333"
	must[*cloudtrail.CreateTrailOutput](t)(ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("org-trail"), S3BucketName: aws.String(bucket), IsMultiRegionTrail: aws.Bool(true)}))
	_, err := ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("org-trail"), S3BucketName: aws.String(bucket)})
	wantCode(t, err, "TrailAlreadyExistsException")
	// A trail that exists but does not log stops delivery.
	st := must[*cloudtrail.GetTrailStatusOutput](t)(ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("org-trail")}))
	if aws.ToBool(st.IsLogging) {
		t.Fatal("a new trail is logging")
	}
	must[*ec2.DescribeVpcsOutput](t)(e.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{}))
	must[*cloudtrail.StartLoggingOutput](t)(ct.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String("org-trail")}))
	must[*ec2.DescribeRegionsOutput](t)(e.DescribeRegions(ctx, &ec2.DescribeRegionsInput{}))
	must[*cloudtrail.StopLoggingOutput](t)(ct.StopLogging(ctx, &cloudtrail.StopLoggingInput{Name: aws.String("org-trail")}))
	must[*ec2.DescribeAvailabilityZonesOutput](t)(e.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{}))
	st = must[*cloudtrail.GetTrailStatusOutput](t)(ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("org-trail")}))
	if aws.ToBool(st.IsLogging) || st.StartLoggingTime == nil || st.StopLoggingTime == nil {
		t.Errorf("status = %+v", st)
	}
	if err := sb.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range readTrail(t, dir) {
		got = append(got, r["eventName"].(string))
	}
	slices.Sort(got)
	// Logged: CreateTrail (an account without trails logs everything),
	// then what happened while the trail logged, StopLogging included.
	if want := []string{"CreateTrail", "DescribeRegions", "StartLogging", "StopLogging"}; !slices.Equal(got, want) {
		t.Errorf("logged %v, want %v", got, want)
	}
	// The same files went into the trail's bucket.
	objs := must[*s3.ListObjectsV2Output](t)(s3c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String("AWSLogs/111122223333/CloudTrail/")}))
	if len(objs.Contents) == 0 {
		t.Fatal("no log files in the trail's bucket")
	}
	obj := must[*s3.GetObjectOutput](t)(s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: objs.Contents[0].Key}))
	body, _ := io.ReadAll(obj.Body)
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("log object: %v", err)
	}
	if b, _ := io.ReadAll(zr); !bytes.Contains(b, []byte(`"Records":[`)) {
		t.Errorf("log object = %s", b)
	}

	// Event history has every call, logging or not, newest first.
	lk := must[*cloudtrail.LookupEventsOutput](t)(ct.LookupEvents(ctx, &cloudtrail.LookupEventsInput{
		LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKeyEventName, AttributeValue: aws.String("DescribeVpcs")}}}))
	if len(lk.Events) != 1 || aws.ToString(lk.Events[0].Username) != "root" || !strings.Contains(aws.ToString(lk.Events[0].CloudTrailEvent), `"eventName":"DescribeVpcs"`) {
		t.Errorf("lookup = %+v", lk.Events)
	}
	all := must[*cloudtrail.LookupEventsOutput](t)(ct.LookupEvents(ctx, &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(2)}))
	names := func(evs []cttypes.Event) (out []string) {
		for _, e := range evs {
			out = append(out, aws.ToString(e.EventName))
		}
		return out
	}
	if got := names(all.Events); !slices.Equal(got, []string{"LookupEvents", "GetTrailStatus"}) || all.NextToken == nil {
		t.Fatalf("first page = %v", got)
	}
	page2 := must[*cloudtrail.LookupEventsOutput](t)(ct.LookupEvents(ctx, &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(2), NextToken: all.NextToken}))
	if got := names(page2.Events); !slices.Equal(got, []string{"DescribeAvailabilityZones", "StopLogging"}) {
		t.Errorf("second page = %v", got)
	}
	_, err = ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("nope")})
	wantCode(t, err, "TrailNotFoundException")
	ctx2, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := sb.Flush(ctx2); err != nil {
		t.Fatal(err)
	}
}
