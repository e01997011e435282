package sandbox_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/sandbox"
)

// FuzzServeHTTP sends arbitrary bodies to every protocol's entry point:
// whatever arrives, the sandbox answers with an HTTP status and never
// panics.
func FuzzServeHTTP(f *testing.F) {
	sb := start(f, sandbox.Demo())
	seeds := []struct {
		route int
		body  string
	}{
		{0, "Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=tag:Name&Filter.1.Value.1=*"},
		{0, "Action=AuthorizeSecurityGroupIngress&Version=2016-11-15&GroupId=sg-0e7d3c2b1a0f98765&IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=1&IpPermissions.1.ToPort=2&IpPermissions.1.IpRanges.1.CidrIp=1.2.3.4/32"},
		{0, "Action=SendMessage&Version=2012-11-05&QueueUrl=x/111122223333/vigil-events&MessageBody=hi&MessageAttribute.1.Name=a&MessageAttribute.1.Value.DataType=Binary&MessageAttribute.1.Value.BinaryValue=!!"},
		{1, `{"QueueUrl":"http://x/111122223333/vigil-events","Entries":[{"Id":"a","MessageBody":"b","MessageAttributes":{"k":{"DataType":"String","StringValue":"v"}}}]}`},
		{2, `{"SecretId":"vigil/slack-webhook"}`},
		{3, "\xa2iNamespacecVigiljMetricData\x81\xa2jMetricNameax eValue\xf9\x3c\x00"},
		{4, `{"Filters":{"SeverityLabel":[{"Value":"HIGH","Comparison":"EQUALS"}]},"SortCriteria":[{"Field":"UpdatedAt","SortOrder":"desc"}],"MaxResults":5}`},
		{5, `<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls></PublicAccessBlockConfiguration>`},
	}
	for _, s := range seeds {
		f.Add(s.route, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, route int, body []byte) {
		if bytes.Contains(body, []byte("ReceiveMessage")) {
			t.Skip("a long poll would stall the fuzzer for up to 20 s")
		}
		var req *http.Request
		switch ((route % 6) + 6) % 6 {
		case 0:
			req = httptest.NewRequest("POST", "/", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		case 1:
			req = httptest.NewRequest("POST", "/", bytes.NewReader(body))
			req.Header.Set("X-Amz-Target", "AmazonSQS.SendMessageBatch") // ReceiveMessage would long-poll
		case 2:
			req = httptest.NewRequest("POST", "/", bytes.NewReader(body))
			req.Header.Set("X-Amz-Target", "secretsmanager.PutSecretValue")
		case 3:
			req = httptest.NewRequest("POST", "/service/GraniteServiceVersion20100801/operation/PutMetricData", bytes.NewReader(body))
			req.Header.Set("Smithy-Protocol", "rpc-v2-cbor")
		case 4:
			req = httptest.NewRequest("POST", "/findings", bytes.NewReader(body))
		case 5:
			req = httptest.NewRequest("PUT", "/ap-analytics-raw-111122223333?publicAccessBlock", bytes.NewReader(body))
		}
		w := httptest.NewRecorder()
		done := make(chan struct{})
		go func() { sb.ServeHTTP(w, req); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("no answer within 5s to route %d body %q", route, body)
		}
		if w.Code < 200 || w.Code > 599 {
			t.Fatalf("status %d", w.Code)
		}
	})
}
