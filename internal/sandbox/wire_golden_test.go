package sandbox_test

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilhq/vigil/internal/sandbox"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/wire")

// wireCase is one raw request whose exact answer is pinned in a golden
// file, so a change to any protocol's wire format shows up in review.
type wireCase struct {
	name, method, path, region, service string
	header                              map[string]string
	body                                string
}

func TestWireGolden(t *testing.T) {
	sb := start(t, sandbox.Demo())
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
	cases := []wireCase{
		{"ec2-describe-instances", "POST", "/", "ap-northeast-1", "ec2", form, "Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-0a1b2c3d4e5f60718"},
		{"ec2-error-not-found", "POST", "/", "ap-northeast-1", "ec2", form, "Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-0000000000000dead"},
		{"ec2-describe-security-groups", "POST", "/", "ap-northeast-1", "ec2", form, "Action=DescribeSecurityGroups&Version=2016-11-15&GroupId.1=sg-0c2e4a6b8d1f3a572"},
		{"iam-get-account-password-policy", "POST", "/", "us-east-1", "iam", form, "Action=GetAccountPasswordPolicy&Version=2010-05-08"},
		{"iam-error-no-such-entity", "POST", "/", "us-east-1", "iam", form, "Action=ListAccessKeys&Version=2010-05-08&UserName=nobody"},
		{"sts-get-caller-identity", "POST", "/", "ap-northeast-1", "sts", form, "Action=GetCallerIdentity&Version=2011-06-15"},
		{"sqs-json-error", "POST", "/", "ap-northeast-1", "sqs", map[string]string{"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.GetQueueUrl"}, `{"QueueName":"missing"}`},
		{"sqs-query-error", "POST", "/", "ap-northeast-1", "sqs", form, "Action=GetQueueUrl&Version=2012-11-05&QueueName=missing"},
		{"secretsmanager-error", "POST", "/", "ap-northeast-1", "secretsmanager", map[string]string{"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "secretsmanager.GetSecretValue"}, `{"SecretId":"missing"}`},
		{"securityhub-get-findings", "POST", "/findings", "us-east-1", "securityhub", map[string]string{"Content-Type": "application/json"},
			`{"Filters":{"ComplianceSecurityControlId":[{"Value":"EC2.7","Comparison":"EQUALS"}]},"MaxResults":1}`},
		{"securityhub-error", "POST", "/findings", "us-east-1", "securityhub", map[string]string{"Content-Type": "application/json"}, `{"Filters":{"Keyword":[{"Value":"x"}]}}`},
		{"s3-list-buckets", "GET", "/?x-id=ListBuckets", "us-east-1", "s3", nil, ""},
		{"s3-get-public-access-block", "GET", "/ap-analytics-raw-111122223333?publicAccessBlock=", "ap-northeast-1", "s3", nil, ""},
		{"s3-error-no-such-bucket", "GET", "/no-such-bucket-anywhere?publicAccessBlock=", "us-east-1", "s3", nil, ""},
	}
	for _, c := range cases {
		req, err := http.NewRequest(c.method, sb.URL()+c.path, strings.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		// A credential scope names the region; unchecked without scenario keys.
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAGOLDEN0000000001/20250101/"+c.region+"/"+c.service+"/aws4_request, SignedHeaders=host, Signature=00")
		for k, v := range c.header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var got bytes.Buffer
		fmt.Fprintf(&got, "%s %s\n%d\n", c.method, c.path, resp.StatusCode)
		for _, h := range []string{"Content-Type", "X-Amzn-Errortype", "X-Amzn-Query-Error"} {
			if v := resp.Header.Get(h); v != "" {
				fmt.Fprintf(&got, "%s: %s\n", h, v)
			}
		}
		fmt.Fprintf(&got, "\n%s\n", body)
		path := filepath.Join("testdata", "wire", c.name+".txt")
		if *update {
			os.MkdirAll(filepath.Dir(path), 0o755)
			if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -run TestWireGolden -update)", err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%s: wire output changed (go test -run TestWireGolden -update to accept)\n--- got\n%s\n--- want\n%s", c.name, got.Bytes(), want)
		}
	}
}
