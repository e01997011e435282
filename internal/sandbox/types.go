package sandbox

import "time"

// Scenario is the starting state of a sandbox: accounts, their regions and
// resources, credentials and Security Hub findings. It is read from YAML or
// JSON (see LoadScenario); field names are the snake_case json tags below.
type Scenario struct {
	// Name labels the scenario in logs and in GET /_sandbox/state.
	Name string `json:"name,omitempty"`
	// DefaultAccount is the account that a request acts as when its access
	// key is unknown (and credentials are not checked). It is also the
	// Security Hub administrator: its GetFindings calls see every account's
	// findings in the region. Defaults to the first account.
	DefaultAccount string `json:"default_account,omitempty"`
	// DefaultRegion is used when a request carries no SigV4 credential
	// scope. Defaults to us-east-1.
	DefaultRegion string `json:"default_region,omitempty"`
	// Credentials, when not empty, switch on SigV4 checking: every request
	// must be signed with one of these keys (or with keys that AssumeRole
	// handed out), and the signature must verify.
	Credentials []Credential `json:"credentials,omitempty"`
	// Accounts are the simulated AWS accounts.
	Accounts []*Account `json:"accounts"`
	// Findings are ASFF findings (as AWS Security Hub returns them); each
	// lands in the Security Hub of its AwsAccountId and Region.
	Findings []map[string]any `json:"findings,omitempty"`
	// GeneratedFindings adds that many generated findings (see
	// Options.Findings), on top of Findings.
	GeneratedFindings int `json:"generated_findings,omitempty"`
}

// Credential is an access key the sandbox accepts when it checks signatures.
type Credential struct {
	AccessKeyID     string `json:"access_key_id"`
	SecretAccessKey string `json:"secret_access_key"`
	// Account the key belongs to; defaults to the scenario's default account.
	Account string `json:"account,omitempty"`
	// User is the IAM user name the key acts as; empty means the root user.
	User string `json:"user,omitempty"`
}

// Account is one simulated AWS account. IAM and S3 state is global to the
// account; everything else lives in its regions.
type Account struct {
	ID    string `json:"id"`
	Alias string `json:"alias,omitempty"`
	// Roles that sts:AssumeRole may target in this account. Empty means any
	// role name is accepted.
	Roles          []string        `json:"roles,omitempty"`
	Users          []*User         `json:"users,omitempty"`
	RootAccessKeys []*AccessKey    `json:"root_access_keys,omitempty"`
	PasswordPolicy *PasswordPolicy `json:"password_policy,omitempty"`
	Buckets        []*Bucket       `json:"buckets,omitempty"`
	Regions        []*Region       `json:"regions,omitempty"`
}

// User is an IAM user.
type User struct {
	Name       string       `json:"name"`
	ID         string       `json:"id,omitempty"`
	Path       string       `json:"path,omitempty"`
	Created    time.Time    `json:"created,omitzero"`
	AccessKeys []*AccessKey `json:"access_keys,omitempty"`
}

// AccessKey is an IAM access key's metadata (never its secret).
type AccessKey struct {
	ID      string    `json:"id"`
	Status  string    `json:"status,omitempty"` // Active (default) or Inactive
	Created time.Time `json:"created,omitzero"`
	// LastUsed is set by the scenario or when a signed request uses the key.
	LastUsed        time.Time `json:"last_used,omitzero"`
	LastUsedService string    `json:"last_used_service,omitempty"`
	LastUsedRegion  string    `json:"last_used_region,omitempty"`
}

// PasswordPolicy is the account's IAM password policy.
type PasswordPolicy struct {
	MinimumPasswordLength      int  `json:"minimum_password_length,omitempty"`
	RequireSymbols             bool `json:"require_symbols,omitempty"`
	RequireNumbers             bool `json:"require_numbers,omitempty"`
	RequireUppercaseCharacters bool `json:"require_uppercase_characters,omitempty"`
	RequireLowercaseCharacters bool `json:"require_lowercase_characters,omitempty"`
	AllowUsersToChangePassword bool `json:"allow_users_to_change_password,omitempty"`
	MaxPasswordAge             int  `json:"max_password_age,omitempty"`
	PasswordReusePrevention    int  `json:"password_reuse_prevention,omitempty"`
	HardExpiry                 bool `json:"hard_expiry,omitempty"`
}

// Bucket is an S3 bucket.
type Bucket struct {
	Name    string    `json:"name"`
	Region  string    `json:"region,omitempty"`
	Created time.Time `json:"created,omitzero"`
	// PublicAccessBlock is the bucket-level configuration; nil means none.
	PublicAccessBlock *PublicAccessBlock `json:"public_access_block,omitempty"`
	// Policy is the bucket policy document (JSON); GetBucketPolicyStatus
	// reports it public when an Allow statement has principal "*" and no
	// condition.
	Policy string            `json:"policy,omitempty"`
	Tags   map[string]string `json:"tags,omitempty"`
}

// PublicAccessBlock is an S3 public access block configuration.
type PublicAccessBlock struct {
	BlockPublicAcls       bool `json:"block_public_acls"`
	IgnorePublicAcls      bool `json:"ignore_public_acls"`
	BlockPublicPolicy     bool `json:"block_public_policy"`
	RestrictPublicBuckets bool `json:"restrict_public_buckets"`
}

// Region holds an account's regional resources.
type Region struct {
	Name                   string           `json:"name"`
	EbsEncryptionByDefault bool             `json:"ebs_encryption_by_default,omitempty"`
	VPCs                   []*VPC           `json:"vpcs,omitempty"`
	SecurityGroups         []*SecurityGroup `json:"security_groups,omitempty"`
	Instances              []*Instance      `json:"instances,omitempty"`
	Volumes                []*Volume        `json:"volumes,omitempty"`
	Snapshots              []*Snapshot      `json:"snapshots,omitempty"`
	Topics                 []*Topic         `json:"topics,omitempty"`
	Queues                 []*Queue         `json:"queues,omitempty"`
	Secrets                []*Secret        `json:"secrets,omitempty"`
	// Metrics holds what PutMetricData received, oldest first.
	Metrics []*Metric `json:"metrics,omitempty"`
}

// VPC is an EC2 VPC.
type VPC struct {
	ID      string            `json:"id"`
	CIDR    string            `json:"cidr,omitempty"`
	Default bool              `json:"default,omitempty"`
	Tags    map[string]string `json:"tags,omitempty"`
}

// SecurityGroup is an EC2 security group.
type SecurityGroup struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Description string            `json:"description,omitempty"`
	VPCID       string            `json:"vpc_id,omitempty"`
	Ingress     []*Rule           `json:"ingress,omitempty"`
	Egress      []*Rule           `json:"egress,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
}

// Rule is one IP permission of a security group: a protocol and port range
// and the sources (or, for egress, destinations) it allows.
type Rule struct {
	// Protocol is tcp, udp, icmp or -1 (all).
	Protocol string   `json:"protocol"`
	FromPort int32    `json:"from_port,omitempty"`
	ToPort   int32    `json:"to_port,omitempty"`
	CIDRs    []string `json:"cidrs,omitempty"`
	IPv6     []string `json:"ipv6_cidrs,omitempty"`
	// Groups are source security group ids.
	Groups []string `json:"groups,omitempty"`
}

// Instance is an EC2 instance.
type Instance struct {
	ID               string `json:"id"`
	Type             string `json:"type,omitempty"`
	ImageID          string `json:"image_id,omitempty"`
	State            string `json:"state,omitempty"` // pending, running, stopping, stopped, shutting-down, terminated
	AvailabilityZone string `json:"availability_zone,omitempty"`
	VPCID            string `json:"vpc_id,omitempty"`
	SubnetID         string `json:"subnet_id,omitempty"`
	PrivateIP        string `json:"private_ip,omitempty"`
	PublicIP         string `json:"public_ip,omitempty"`
	// NetworkInterfaceID is the primary ENI.
	NetworkInterfaceID string            `json:"network_interface_id,omitempty"`
	SecurityGroups     []string          `json:"security_groups,omitempty"` // ids
	InstanceProfileARN string            `json:"instance_profile_arn,omitempty"`
	LaunchTime         time.Time         `json:"launch_time,omitzero"`
	Metadata           *MetadataOptions  `json:"metadata_options,omitempty"`
	Tags               map[string]string `json:"tags,omitempty"`
}

// MetadataOptions are an instance's IMDS settings.
type MetadataOptions struct {
	HttpTokens              string `json:"http_tokens,omitempty"`   // optional or required
	HttpEndpoint            string `json:"http_endpoint,omitempty"` // enabled or disabled
	HttpPutResponseHopLimit int32  `json:"http_put_response_hop_limit,omitempty"`
}

// Volume is an EBS volume, attached when InstanceID is set.
type Volume struct {
	ID                  string            `json:"id"`
	Size                int32             `json:"size,omitempty"` // GiB
	Type                string            `json:"type,omitempty"`
	AvailabilityZone    string            `json:"availability_zone,omitempty"`
	State               string            `json:"state,omitempty"` // in-use or available
	Encrypted           bool              `json:"encrypted,omitempty"`
	KMSKeyID            string            `json:"kms_key_id,omitempty"`
	InstanceID          string            `json:"instance_id,omitempty"`
	Device              string            `json:"device,omitempty"`
	DeleteOnTermination bool              `json:"delete_on_termination,omitempty"`
	Created             time.Time         `json:"created,omitzero"`
	Tags                map[string]string `json:"tags,omitempty"`
}

// Snapshot is an EBS snapshot.
type Snapshot struct {
	ID          string            `json:"id"`
	VolumeID    string            `json:"volume_id"`
	VolumeSize  int32             `json:"volume_size,omitempty"`
	Description string            `json:"description,omitempty"`
	State       string            `json:"state,omitempty"`
	Encrypted   bool              `json:"encrypted,omitempty"`
	Started     time.Time         `json:"started,omitzero"`
	Tags        map[string]string `json:"tags,omitempty"`
}

// Topic is an SNS topic; Published keeps every message for inspection.
type Topic struct {
	Name      string       `json:"name"`
	ARN       string       `json:"arn,omitempty"`
	Published []*Published `json:"published,omitempty"`
}

// Published is one message sent to an SNS topic.
type Published struct {
	MessageID  string            `json:"message_id"`
	Subject    string            `json:"subject,omitempty"`
	Message    string            `json:"message"`
	Structure  string            `json:"message_structure,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
	Time       time.Time         `json:"time"`
}

// Queue is an SQS standard queue.
type Queue struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
	// VisibilityTimeout in seconds; 30 when zero.
	VisibilityTimeout int `json:"visibility_timeout,omitempty"`
	// ReceiveWaitTime is the default long-poll wait in seconds.
	ReceiveWaitTime int `json:"receive_wait_time,omitempty"`
	// DelaySeconds delays every new message.
	DelaySeconds int        `json:"delay_seconds,omitempty"`
	Messages     []*Message `json:"messages,omitempty"`
}

// Message is an SQS message still in its queue.
type Message struct {
	ID           string                      `json:"id"`
	Body         string                      `json:"body"`
	Attributes   map[string]MessageAttribute `json:"attributes,omitempty"`
	Sent         time.Time                   `json:"sent"`
	ReceiveCount int                         `json:"receive_count"`
	// VisibleAt is when the message can next be received; later than now
	// while it is in flight or delayed.
	VisibleAt    time.Time `json:"visible_at"`
	FirstReceive time.Time `json:"first_receive,omitzero"`

	receipt string // the latest receipt handle
}

// MessageAttribute is an SQS message attribute value.
type MessageAttribute struct {
	DataType    string `json:"data_type"`
	StringValue string `json:"string_value,omitempty"`
	BinaryValue []byte `json:"binary_value,omitempty"`
}

// Secret is a Secrets Manager secret. Value seeds its first version.
type Secret struct {
	Name        string `json:"name"`
	ARN         string `json:"arn,omitempty"`
	Description string `json:"description,omitempty"`
	Value       string `json:"value,omitempty"`
	// Versions, oldest first; the one staged AWSCURRENT is the value.
	Versions []*SecretVersion `json:"versions,omitempty"`
	Created  time.Time        `json:"created,omitzero"`
}

// SecretVersion is one version of a secret.
type SecretVersion struct {
	ID      string    `json:"id"`
	String  string    `json:"string,omitempty"`
	Binary  []byte    `json:"binary,omitempty"`
	Stages  []string  `json:"stages,omitempty"`
	Created time.Time `json:"created"`
}

// Metric is one datum received by CloudWatch PutMetricData.
type Metric struct {
	Namespace  string            `json:"namespace"`
	Name       string            `json:"name"`
	Dimensions map[string]string `json:"dimensions,omitempty"`
	Value      float64           `json:"value"`
	Values     []float64         `json:"values,omitempty"`
	Unit       string            `json:"unit,omitempty"`
	Timestamp  time.Time         `json:"timestamp"`
}
