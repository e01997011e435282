package playbooks

import (
	"testing"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/remediate"
	"github.com/vigilhq/vigil/internal/sandbox"
)

// shFinding is a Security Hub control finding about resource (ASFF JSON).
func shFinding(t *testing.T, control, account, region, resource string) *remediate.Finding {
	t.Helper()
	raw := []byte(`{"version":"0","id":"s1","detail-type":"Security Hub Findings - Imported","source":"aws.securityhub","account":"` + account + `","region":"` + region + `","time":"2025-04-22T09:20:00Z","resources":[],
	 "detail":{"findings":[{"Id":"f-` + control + `","AwsAccountId":"` + account + `","Region":"` + region + `","Severity":{"Label":"CRITICAL"},"Compliance":{"Status":"FAILED","SecurityControlId":"` + control + `"},
	  "Resources":[` + resource + `]}]}}`)
	ev, err := event.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return findingOf(t, ev)
}

func s3Finding(t *testing.T, control, resource string) *remediate.Finding {
	return shFinding(t, control, "111122223333", "ap-northeast-1", resource)
}

func TestS3BlockPublicAccessBucket(t *testing.T) {
	h := newHarness(t, "s3-block-public-access", sandbox.Demo())
	f := s3Finding(t, "S3.8", `{"Type":"AwsS3Bucket","Id":"arn:aws:s3:::example-public-assets-111122223333"}`)
	plan, _ := h.cycle(f, resourceOf(t, f, remediate.TypeBucket), "")
	if plan.Steps[0].API != "s3api:PutPublicAccessBlock" || plan.Rollback[0].API != "s3api:DeletePublicAccessBlock" {
		t.Errorf("plan = %+v", plan)
	}
}

// TestS3BlockPublicAccessBucketInAnotherRegion: my-bucket lives in
// us-west-2 while the finding's region is ap-northeast-1.
func TestS3BlockPublicAccessBucketInAnotherRegion(t *testing.T) {
	h := newHarness(t, "s3-block-public-access", sandbox.Demo())
	f := s3Finding(t, "S3.8", `{"Type":"AwsS3Bucket","Id":"arn:aws:s3:::my-bucket"}`)
	h.cycle(f, resourceOf(t, f, remediate.TypeBucket), "")
}

func TestS3BlockPublicAccessAccount(t *testing.T) {
	h := newHarness(t, "s3-block-public-access", sandbox.Demo())
	f := s3Finding(t, "S3.1", `{"Type":"AwsAccount","Id":"AWS::::Account:111122223333"}`)
	plan, _ := h.cycle(f, resourceOf(t, f, remediate.TypeAccount), "")
	if plan.Steps[0].API != "s3control:PutPublicAccessBlock" || plan.Steps[0].Params["AccountId"] != "111122223333" {
		t.Errorf("plan = %+v", plan)
	}
}
