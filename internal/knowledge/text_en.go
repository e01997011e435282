package knowledge

// textEN is every piece of English catalog prose. Keep it short and exact:
// say what the finding means, what to do, and nothing that the event or
// the official documentation does not support.
var textEN = text{
	purposes:    purposesEN,
	gdSummaries: gdSummariesEN,
	cloudTrail:  cloudTrailEN,
	controls:    controlStepsEN,
	guardDuty: map[string]Guidance{
		"UnauthorizedAccess:EC2/SSHBruteForce": {
			Meaning:  "A host at {remote_ip} is repeatedly trying to log in to instance {instance} over SSH, guessing credentials. The instance is the target. The finding does not say that a login succeeded, but one that does gives the attacker a shell on the instance.",
			Response: "Limit who can reach SSH on the instance and confirm that no login succeeded.",
			Steps: []string{
				"Restrict inbound TCP port 22 in security group {sg} to known addresses, or close it and connect through AWS Systems Manager Session Manager instead.",
				"Check the authentication log on {instance} (/var/log/secure or /var/log/auth.log) for successful logins from {remote_ip}.",
				"Make sure SSH accepts key pairs only and password authentication is disabled.",
				"If a login from {remote_ip} succeeded, treat {instance} as compromised and follow the GuardDuty guide for a compromised EC2 instance.",
			},
		},
		"UnauthorizedAccess:EC2/SSHBruteForce#ACTOR": {
			Meaning:  "Instance {instance} is itself performing SSH brute-force attempts against other hosts, including {remote_ip}. An instance does this only when something on it runs such a tool, which usually means that it is compromised.",
			Response: "Treat the instance as compromised: isolate it, keep evidence, then investigate.",
		},
		"UnauthorizedAccess:EC2/RDPBruteForce": {
			Meaning:  "A host at {remote_ip} is repeatedly trying to log in to instance {instance} over RDP, guessing credentials. The instance is the target. The finding does not say that a login succeeded.",
			Response: "Limit who can reach RDP on the instance and confirm that no login succeeded.",
			Steps: []string{
				"Restrict inbound TCP port 3389 in security group {sg} to known addresses, or close it and use AWS Systems Manager Fleet Manager or Session Manager instead.",
				"Check the Windows Security event log on {instance} for successful logons (event ID 4624) from {remote_ip}.",
				"Make sure every local account has a strong password and unused accounts are disabled.",
				"If a logon from {remote_ip} succeeded, treat {instance} as compromised and follow the GuardDuty guide for a compromised EC2 instance.",
			},
		},
		"UnauthorizedAccess:EC2/RDPBruteForce#ACTOR": {
			Meaning:  "Instance {instance} is itself performing RDP brute-force attempts against other hosts, including {remote_ip}. This usually means that the instance is compromised.",
			Response: "Treat the instance as compromised: isolate it, keep evidence, then investigate.",
		},
		"CryptoCurrency:EC2/BitcoinTool.B!DNS": {
			Meaning:  "Instance {instance} queried {domain}, a domain name associated with Bitcoin or other cryptocurrency activity. Unless you mine or trade cryptocurrency on purpose, this usually means that unauthorized mining software is running on the instance and using your compute.",
			Response: "Unless cryptocurrency software is expected on this instance, treat it as compromised.",
			Steps: []string{
				"Ask the owner of {instance} whether cryptocurrency software is expected on it. If it is, add a GuardDuty suppression rule for this case instead of ignoring the finding.",
			},
		},
		"CryptoCurrency:EC2/BitcoinTool.B": {
			Meaning:  "Instance {instance} is communicating with {remote_ip}, an IP address associated with Bitcoin or other cryptocurrency activity. Unless you mine or trade cryptocurrency on purpose, this usually means that unauthorized mining software is running on the instance.",
			Response: "Unless cryptocurrency software is expected on this instance, treat it as compromised.",
			Steps: []string{
				"Ask the owner of {instance} whether cryptocurrency software is expected on it. If it is, add a GuardDuty suppression rule for this case instead of ignoring the finding.",
			},
		},
		"Backdoor:EC2/C&CActivity.B!DNS": {
			Meaning:  "Instance {instance} queried {domain}, a domain name associated with a known command and control (C&C) server. Malware contacts C&C servers to receive instructions, so the instance is probably compromised.",
			Response: "Treat the instance as compromised: isolate it, keep evidence, then investigate.",
		},
		"Backdoor:EC2/C&CActivity.B": {
			Meaning:  "Instance {instance} is communicating with {remote_ip}, an IP address associated with a known command and control (C&C) server. Malware contacts C&C servers to receive instructions, so the instance is probably compromised.",
			Response: "Treat the instance as compromised: isolate it, keep evidence, then investigate.",
		},
		"Recon:EC2/PortProbeUnprotectedPort": {
			Meaning:  "Known scanners on the internet are probing ports on instance {instance} that its security group leaves open (ports {ports}). Probing is reconnaissance, not a compromise by itself, but it shows that these ports are reachable from the internet.",
			Response: "Close the ports that do not need to be reachable from the internet, and harden the ones that do.",
			Steps: []string{
				"Review the inbound rules of security group {sg} and remove the rules that open ports {ports} to 0.0.0.0/0 or ::/0, unless the service must be public.",
				"For a service that must stay public, make sure it is patched and requires authentication.",
				"Check the service logs on {instance} for requests from the probing addresses.",
			},
		},
		"UnauthorizedAccess:EC2/MaliciousIPCaller.Custom": {
			Meaning:  "Instance {instance} communicated with {remote_ip}, an IP address on a threat list that your organisation uploaded to GuardDuty. How serious this is depends on why the address is on your list.",
			Response: "Find out why the address is on your threat list; unless the traffic is expected, treat the instance as compromised.",
			Steps: []string{
				"Look up {remote_ip} in the threat list named in the finding and the reason it was added.",
				"Find which process on {instance} opened the connection, using VPC Flow Logs and the instance's own logs.",
			},
		},
		"Impact:EC2/PortSweep": {
			Meaning:  "Instance {instance} is probing a port on a large number of IP addresses. This is what scanning malware on a compromised host does while it looks for more vulnerable hosts.",
			Response: "Treat the instance as compromised: isolate it, keep evidence, then investigate.",
		},
		"Trojan:EC2/DNSDataExfiltration": {
			Meaning:  "Instance {instance} is sending data out encoded in DNS queries. Malware uses this technique to move data out past firewalls, so the instance is probably compromised and data may be leaving.",
			Response: "Treat the instance as compromised: isolate it, keep evidence, then investigate what data it could read.",
		},
		"UnauthorizedAccess:EC2/TorClient": {
			Meaning:  "Instance {instance} is connecting to Tor Guard or Authority nodes. Tor hides who communicates with whom; on a server this can mean that an attacker controls the instance.",
			Response: "Unless Tor is used on purpose on this instance, treat it as compromised.",
		},
		"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS": {
			Meaning:  "Temporary credentials that AWS issued to instance {instance} through its instance role ({user}, access key {key}) were used from {remote_ip}, an address outside AWS. Instance role credentials should only ever be used from the instance itself, so they have probably been stolen, for example through the instance metadata service.",
			Response: "Treat the role's credentials and the instance as compromised: revoke the role's active sessions first, then investigate.",
			Steps: []string{
				"Revoke the active sessions of role {user}: in the IAM console, open the role and choose Revoke active sessions. This denies every credential issued for the role before now.",
				"Review in CloudTrail every call made with access key {key} to see what was read or changed.",
				"Find how the credentials left {instance}, for example an SSRF flaw in an application or malware, and require IMDSv2 on it:\n$ aws ec2 modify-instance-metadata-options --instance-id {instance} --http-tokens required --region {region}",
				"Follow the GuardDuty guide for compromised credentials, and the guide for a compromised EC2 instance if {instance} itself is affected.",
			},
		},
		"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS": {
			Meaning:  "Temporary credentials that AWS issued to instance {instance} through its instance role ({user}, access key {key}) were used from {remote_ip}, an address in a different AWS account. Instance role credentials should only be used from the instance itself, so they have probably been stolen.",
			Response: "Treat the role's credentials as compromised: revoke the role's active sessions first, then investigate.",
			Steps: []string{
				"Revoke the active sessions of role {user}: in the IAM console, open the role and choose Revoke active sessions.",
				"Review in CloudTrail every call made with access key {key} to see what was read or changed.",
				"Find how the credentials left {instance}, and require IMDSv2 on it:\n$ aws ec2 modify-instance-metadata-options --instance-id {instance} --http-tokens required --region {region}",
			},
		},
		"Policy:IAMUser/RootCredentialUsage": {
			Meaning:  "The root user of account {account} made API calls ({api}) from {remote_ip}. The root user has unrestricted access to the account, and AWS recommends using it only for the few tasks that require it.",
			Response: "Confirm with the account owner that this use of the root user was intended; if it was not, treat the root credentials as compromised.",
			Steps: []string{
				"Confirm who used the root user from {remote_ip}, and why.",
				"If {key} is an access key of the root user, deactivate and delete it; do daily work with IAM roles or IAM Identity Center users instead.",
				"Make sure the root user has MFA enabled.",
				"If the use was not authorised, change the root password, remove MFA devices you do not recognise, and review in CloudTrail everything the root user did.",
			},
		},
		"Stealth:IAMUser/CloudTrailLoggingDisabled": {
			Meaning:  "A CloudTrail trail was disabled or deleted using the credentials of {user}. Attackers do this to hide what they do next; it can also be an intended change.",
			Response: "Confirm that the change was intended; if it was not, restore logging and treat the credentials of {user} as compromised.",
			Steps: []string{
				"Turn logging back on for the trail, or recreate it.",
				"Confirm with {user}'s owner that the change was intended, and check the calls made with access key {key} around the same time.",
			},
		},
		"Discovery:S3/MaliciousIPCaller": {
			Meaning:  "An S3 API call often used to discover data ({api}) was made on bucket {bucket} with the credentials of {user} from {remote_ip}, an IP address on a known threat list. The credentials may have been stolen.",
			Response: "Treat the credentials of {user} as compromised and find out what else they were used for.",
			Steps: []string{
				"Create a new access key for the legitimate workload of {user}, then deactivate access key {key}.",
				"Review in CloudTrail every call made with access key {key}, including S3 data events on {bucket} if they are logged.",
				"Check the bucket policy, ACLs and Block Public Access settings of {bucket} for changes.",
				"Follow the GuardDuty guide for a compromised S3 bucket.",
			},
		},
		"Policy:S3/BucketBlockPublicAccessDisabled": {
			Meaning:  "S3 Block Public Access was turned off for bucket {bucket} by {user}. Without it, a bucket policy or ACL can make the bucket's objects public.",
			Response: "Confirm that the change was intended; unless the bucket must be public, turn Block Public Access back on.",
			Steps: []string{
				"Turn Block Public Access back on for {bucket} unless the bucket must be public.",
				"Check whether the bucket policy or ACLs of {bucket} now grant public access.",
				"Confirm with {user}'s owner that the change was intended.",
			},
		},
	},
	families: map[family]Guidance{
		famEC2: {Steps: []string{
			"Isolate instance {instance}: attach a dedicated isolation security group that allows no traffic to or from 0.0.0.0/0 and remove its other security groups ({sg}). A security group change does not cut connections already tracked; block those with a network ACL if needed.",
			"Before changing anything else, take EBS snapshots of the instance's volumes as evidence.",
			"Find the process behind the activity and how it got there (logs, scheduled jobs, new users, unknown binaries), and list the credentials it could reach, including instance profile {profile}.",
			"Rebuild the instance from a known good image rather than cleaning it, and rotate every credential that was on it.",
		}},
		famEKS: {Steps: []string{
			"Identify the Kubernetes user and the workload named in the finding. If the user is system:anonymous, find which RoleBinding or ClusterRoleBinding grants it access and remove the access it does not need.",
			"If an authenticated user did this and the activity is not expected, revoke that user's access (its IAM role or access entry, or its Kubernetes binding) and reverse the changes it made to the cluster.",
			"Review the cluster's audit log for everything else the user did around the time of the finding.",
		}},
		famEKSRuntime: {Steps: []string{
			"Identify the pod, the container image and the node named in the finding, and whether other pods run the same image.",
			"If the activity is not expected, isolate the pod (for example with a network policy that denies all traffic), keep evidence, then replace the pod and fix or remove the image.",
			"Rotate the secrets and credentials the pod could reach, including its service account's IAM role.",
		}},
		famRDS: {Steps: []string{
			"If a login succeeded and was not expected, change the database user's password and review the database's audit logs for what that user did.",
			"Make sure the database is not publicly accessible: keep it in private subnets, and limit its security group to the sources that need it.",
		}},
		famLambda: {Steps: []string{
			"Identify the function version named in the finding, and review its code, imported libraries and layers.",
			"Find in CloudTrail who last updated the function, and confirm that the change was authorized.",
			"If the function is compromised, disable its triggers and redeploy it from code you trust, then rotate the credentials it could reach.",
		}},
	},
	famTitles: map[family]string{
		famEC2:        "GuardDuty: Remediating a potentially compromised Amazon EC2 instance",
		famCred:       "GuardDuty: Remediating potentially compromised AWS credentials",
		famS3:         "GuardDuty: Remediating a potentially compromised S3 bucket",
		famLambda:     "GuardDuty: Remediating a potentially compromised Lambda function",
		famECS:        "GuardDuty: Remediating a potentially compromised ECS cluster",
		famEKS:        "GuardDuty: Remediating EKS Audit Log Monitoring findings",
		famEKSRuntime: "GuardDuty: Remediating EKS Runtime Monitoring findings",
		famRDS:        "GuardDuty: Remediating a potentially compromised database",
		famS3Object:   "GuardDuty: Remediating a potentially malicious S3 object",
	},
	config: map[string]Guidance{
		"cloudtrail-enabled": {
			Meaning:  "The rule checks that the account has an AWS CloudTrail trail. Without a trail, API activity is kept only as 90 days of management events in Event history and is not delivered to S3 or CloudWatch Logs, which limits any investigation.",
			Response: "Keep at least one trail enabled in every account.",
			Steps: []string{
				"Create a multi-Region trail that logs management events to an S3 bucket (CloudTrail console, Trails, Create trail).",
				"Turn on log file validation and encrypt the logs with SSE-KMS.",
			},
		},
		"multi-region-cloudtrail-enabled": {
			Meaning:  "The rule checks that at least one CloudTrail trail is multi-Region and logs read and write management events. Activity in a Region that no trail covers cannot be investigated later.",
			Response: "Keep one multi-Region trail that records read and write management events.",
			Steps: []string{
				"Create a multi-Region trail, or enable multi-Region on an existing trail, with management events set to Read and Write.",
				"Turn on log file validation and encrypt the logs with SSE-KMS.",
			},
		},
		"access-keys-rotated": {
			Meaning:  "The rule checks that active IAM access keys were rotated within the number of days set on the rule (maxAccessKeyAge, 90 by default). A long-lived key has more chances to leak, and a leaked key works until it is deactivated.",
			Response: "Rotate the old access keys, and replace long-term keys with IAM roles where you can.",
			Steps: []string{
				"For each reported user, create a second access key, switch the application to it, then deactivate the old key.",
				"Delete the old key once nothing has used it for a while (IAM shows when each key was last used).",
				"Where the caller runs on AWS, use an IAM role instead of an access key.",
			},
		},
		"iam-root-access-key-check": {
			Meaning:  "The rule checks that the root user has no access key. A root access key gives unrestricted, programmatic access to the whole account.",
			Response: "Delete the root user's access keys.",
			Steps: []string{
				"Sign in as the root user, open Security credentials, and deactivate then delete every access key.",
				"Use IAM roles or IAM Identity Center users for programmatic access instead.",
			},
		},
		"root-account-mfa-enabled": {
			Meaning:  "The rule checks that the root user signs in with MFA. Without MFA, the root password alone gives full control of the account.",
			Response: "Enable MFA on the root user.",
			Steps: []string{
				"Sign in as the root user, open Security credentials, and assign an MFA device, preferably a hardware or passkey device.",
			},
		},
		"mfa-enabled-for-iam-console-access": {
			Meaning:  "The rule checks that every IAM user with a console password has MFA enabled. A console password alone can be phished or guessed.",
			Response: "Enable MFA for the reported IAM users, or move them to IAM Identity Center.",
			Steps: []string{
				"Ask each reported user to assign an MFA device in IAM, and consider a policy that denies most actions without MFA.",
			},
		},
		"ec2-ebs-encryption-by-default": {
			Meaning:  "The rule checks that EBS encryption by default is turned on in the Region. When it is on, every new EBS volume, and every snapshot copy, is encrypted without anyone having to ask for it.",
			Response: "Turn on EBS encryption by default in every Region you use.",
			Steps: []string{
				"Turn it on in the EC2 console (EC2 Dashboard, Data protection and security, EBS encryption, Manage), or run:\n$ aws ec2 enable-ebs-encryption-by-default --region {region}",
				"The setting applies to one Region and only to new volumes: encrypt existing volumes by copying a snapshot with encryption and restoring from it.",
			},
		},
		"encrypted-volumes": {
			Meaning:  "The rule checks that attached EBS volumes are encrypted. Data on an unencrypted volume, and in its snapshots, is readable by anyone who can copy them.",
			Response: "Replace unencrypted volumes with encrypted ones.",
			Steps: []string{
				"Take a snapshot of the volume, copy it with encryption enabled, create a volume from the copy and swap it in during a maintenance window.",
				"Turn on EBS encryption by default so that new volumes are encrypted.",
			},
		},
		"restricted-ssh": {
			Meaning:  "The rule checks that no security group allows incoming SSH (TCP port 22) from 0.0.0.0/0 or ::/0. An SSH port open to the internet is scanned and brute-forced constantly.",
			Response: "Remove SSH rules open to the internet.",
			Steps: []string{
				"Restrict the rule to known addresses, or remove it and connect through AWS Systems Manager Session Manager.",
			},
		},
		"vpc-default-security-group-closed": {
			Meaning:  "The rule checks that the default security group of each VPC allows no inbound or outbound traffic. Resources land in the default group when nobody chooses one, so open rules there expose them silently.",
			Response: "Remove every rule from default security groups and use purpose-made groups.",
			Steps: []string{
				"Move resources that use the default group to dedicated security groups, then delete all inbound and outbound rules of the default group.",
			},
		},
		"s3-bucket-public-read-prohibited": {
			Meaning:  "The rule checks that S3 buckets do not allow public read access through Block Public Access settings, bucket policy or ACLs. A publicly readable bucket lets anyone on the internet download its objects.",
			Response: "Remove public read access unless the bucket is meant to be public.",
			Steps: []string{
				"Turn on Block Public Access for the bucket (and for the account), then remove bucket policy statements and ACL grants for everyone.",
				"For public websites, serve the bucket through CloudFront with origin access control instead.",
			},
		},
		"s3-bucket-public-write-prohibited": {
			Meaning:  "The rule checks that S3 buckets do not allow public write access. A publicly writable bucket lets anyone upload, overwrite or plant content.",
			Response: "Remove public write access at once.",
			Steps: []string{
				"Turn on Block Public Access for the bucket, then remove bucket policy statements and ACL grants that allow writes by everyone.",
				"Check the bucket for objects that your own workloads did not write.",
			},
		},
		"s3-account-level-public-access-blocks-periodic": {
			Meaning:  "The rule checks that S3 Block Public Access is turned on at the account level. With it on, no bucket in the account can be made public by a bucket policy or ACL by mistake.",
			Response: "Turn on all four account-level Block Public Access settings unless a bucket must be public.",
			Steps: []string{
				"In the S3 console, open Block Public Access settings for this account and turn on all four settings.",
			},
		},
		"guardduty-enabled-centralized": {
			Meaning:  "The rule checks that Amazon GuardDuty is enabled in the account and Region. Without it, threats such as stolen credentials or cryptocurrency mining go undetected.",
			Response: "Enable GuardDuty in every account and Region, ideally from a delegated administrator account.",
			Steps: []string{
				"Enable GuardDuty in the GuardDuty console, or for the whole organisation from the delegated administrator account.",
			},
		},
	},
	categories: map[string]string{
		"encryption-at-rest":    "Encryption at rest keeps stored data unreadable to anyone who obtains the disks, snapshots or backups without the key.",
		"encryption-in-transit": "Encryption in transit keeps data from being read or changed on the network between clients and the service.",
		"public":                "A resource reachable from the internet can be attacked by anyone; keep it private unless it must be public.",
		"network":               "Network controls decide who can reach a resource at all; every unneeded open path is attack surface.",
		"access":                "Access controls decide who and what can act on a resource, and with which privileges; any permission or privilege broader than the work needs lets one compromised user, workload or container do far more damage.",
		"logging":               "Logs are what an investigation relies on; without them you cannot tell what happened or prove what did not.",
		"resilience":            "Backups and redundancy decide whether an outage, a mistake or ransomware costs minutes or data.",
		"detection":             "Detection and monitoring services are how you learn about an attack while it is still happening.",
		"patching":              "Unpatched or unsupported software carries known vulnerabilities that attackers scan for.",
		"development":           "Build and deployment settings decide whether secrets leak and whether what runs is what you reviewed.",
		"data-protection":       "These settings protect data from accidental or malicious deletion or change.",
		"protective":            "Protective services such as AWS WAF filter malicious requests before they reach the application.",
		"inventory":             "Knowing what resources exist and how they are configured is the base of every other control.",
	},
	health: map[string]Guidance{
		"AWS_RISK_CREDENTIALS_EXPOSED": {
			Meaning:  "AWS found an access key of this account exposed in public, for example in a public code repository. Anyone who found it can call AWS with that key's permissions until it is deactivated.",
			Response: "Deactivate the exposed access key immediately, then check what was done with it.",
			Steps: []string{
				"Identify the access key named in the affected entities, create a replacement for the legitimate workload, and deactivate then delete the exposed key.",
				"Review in CloudTrail every call made with that access key, especially ones creating users, keys, roles or instances.",
				"Remove the key from where it was published, including the repository history.",
			},
		},
		"category:issue": {
			Meaning:  "AWS Health reports an issue that affects AWS resources or services used by this account.",
			Response: "Check whether the affected resources matter to your workloads and follow the event's own description.",
			Steps: []string{
				"Read the full event in the AWS Health Dashboard; it is updated as AWS learns more.",
				"Find the workloads that use the affected resources and decide whether to move or fail them over.",
			},
		},
		"category:scheduledChange": {
			Meaning:  "AWS Health announces a planned change, such as maintenance or a retirement, to resources used by this account.",
			Response: "Plan for the change before its start time.",
			Steps: []string{
				"Read the event in the AWS Health Dashboard for the exact dates and the actions AWS offers.",
			},
		},
		"category:accountNotification": {
			Meaning:  "AWS Health sent a notification about this account, such as a billing, security or policy matter.",
			Response: "Read the notification and decide who in your organisation must act on it.",
			Steps: []string{
				"Read the event in the AWS Health Dashboard.",
			},
		},
	},
}
