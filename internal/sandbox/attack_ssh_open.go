package sandbox

// playSSHOpen: SSH is opened to the world on the payments API group (by
// the build-deployer key), and the instance behind it is brute-forced.
func playSSHOpen(p *player) error {
	const group, instance = "sg-0b4d6f8a2c1e3a579", "i-09c8b7a6d5e4f3021"
	dev := p.c.as("AKIAQ3EGRJ7WBUILD001", "build-secret", "")
	dev.sourceIP, dev.agent = "198.51.100.23", "aws-cli/2.15.30 Python/3.11.8 Darwin/23.4.0 exe/x86_64 prompt/off command/ec2.authorize-security-group-ingress"
	_, err := dev.query("ec2", "2016-11-15", "AuthorizeSecurityGroupIngress", map[string]string{"GroupId": group,
		"IpPermissions.1.IpProtocol": "tcp", "IpPermissions.1.FromPort": "22", "IpPermissions.1.ToPort": "22",
		"IpPermissions.1.IpRanges.1.CidrIp": "0.0.0.0/0", "IpPermissions.1.IpRanges.1.Description": "temp debug"})
	if err := p.step("InitialAccess", "ec2:AuthorizeSecurityGroupIngress tcp/22 from 0.0.0.0/0 on "+group+" by build-deployer", err); err != nil {
		return err
	}
	p.metric(gameRegion, "CloudTrailMetrics", "SecurityGroupEventCount", 1)
	p.control("EC2.19", "Security groups should not allow unrestricted access to ports with high risk", "AwsEc2SecurityGroup",
		regionalARN(gameRegion, "ec2", gameAccount, "security-group/"+group), "CRITICAL")
	p.control("EC2.53", "EC2 security groups should not allow ingress from 0.0.0.0/0 to remote server administration ports", "AwsEc2SecurityGroup",
		regionalARN(gameRegion, "ec2", gameAccount, "security-group/"+group), "HIGH")
	p.finding(FindingSpec{Type: "UnauthorizedAccess:EC2/SSHBruteForce", InstanceID: instance})
	return nil
}
