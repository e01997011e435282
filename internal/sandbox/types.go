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
	// Attack names an attack scenario (see Attacks) that Start plays once
	// the sandbox listens.
	Attack string `json:"attack,omitempty"`
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
	// Roles that sts:AssumeRole may target in this account: a name, or a
	// role with its trust and permission policies. Empty means any role
	// name is accepted.
	Roles []*Role `json:"roles,omitempty"`
	// Policies are the account's customer managed IAM policies.
	Policies []*Policy `json:"iam_policies,omitempty"`
	// InstanceProfiles are the account's IAM instance profiles; an
	// instance's instance_profile_arn naming one the scenario does not
	// list adds it (with the role of the same name, when there is one).
	InstanceProfiles []*InstanceProfile `json:"instance_profiles,omitempty"`
	Users            []*User            `json:"users,omitempty"`
	RootAccessKeys   []*AccessKey       `json:"root_access_keys,omitempty"`
	PasswordPolicy   *PasswordPolicy    `json:"password_policy,omitempty"`
	// PublicAccessBlock is the account-level S3 public access block (S3
	// Control); nil means none.
	PublicAccessBlock *PublicAccessBlock `json:"public_access_block,omitempty"`
	Buckets           []*Bucket          `json:"buckets,omitempty"`
	Regions           []*Region          `json:"regions,omitempty"`
}

// User is an IAM user.
type User struct {
	Name       string       `json:"name"`
	ID         string       `json:"id,omitempty"`
	Path       string       `json:"path,omitempty"`
	Created    time.Time    `json:"created,omitzero"`
	AccessKeys []*AccessKey `json:"access_keys,omitempty"`
	// AttachedPolicies are managed policy ARNs; InlinePolicies are
	// inline policy documents by name.
	AttachedPolicies []string          `json:"attached_policies,omitempty"`
	InlinePolicies   map[string]string `json:"inline_policies,omitempty"`
	LoginProfile     *LoginProfile     `json:"login_profile,omitempty"`
	Tags             map[string]string `json:"tags,omitempty"`
}

// LoginProfile is an IAM user's console password (never the password).
type LoginProfile struct {
	Created               time.Time `json:"created,omitzero"`
	PasswordResetRequired bool      `json:"password_reset_required,omitempty"`
}

// Role is an IAM role. In a scenario a role may be written as its name
// alone (roles: [vigil-remediation]), and is shown that way in the state
// while it has nothing else.
type Role struct {
	Name string `json:"name"`
	ID   string `json:"id,omitempty"`
	Path string `json:"path,omitempty"`
	// TrustPolicy is the AssumeRolePolicyDocument (JSON); empty means
	// the account's principals may assume it.
	TrustPolicy        string            `json:"trust_policy,omitempty"`
	Description        string            `json:"description,omitempty"`
	MaxSessionDuration int               `json:"max_session_duration,omitempty"`
	AttachedPolicies   []string          `json:"attached_policies,omitempty"`
	InlinePolicies     map[string]string `json:"inline_policies,omitempty"`
	Tags               map[string]string `json:"tags,omitempty"`
	Created            time.Time         `json:"created,omitzero"`
}

// Policy is a customer managed IAM policy.
type Policy struct {
	Name        string            `json:"name"`
	ID          string            `json:"id,omitempty"`
	Path        string            `json:"path,omitempty"`
	Description string            `json:"description,omitempty"`
	Versions    []*PolicyVersion  `json:"versions"`
	Tags        map[string]string `json:"tags,omitempty"`
	Created     time.Time         `json:"created,omitzero"`
	Updated     time.Time         `json:"updated,omitzero"`
}

// InstanceProfile is an IAM instance profile: the role EC2 instances
// launched with it act as (at most one).
type InstanceProfile struct {
	Name    string            `json:"name"`
	ID      string            `json:"id,omitempty"`
	Path    string            `json:"path,omitempty"`
	Roles   []string          `json:"roles,omitempty"`
	Tags    map[string]string `json:"tags,omitempty"`
	Created time.Time         `json:"created,omitzero"`
}

// PolicyVersion is one version of a managed policy's document.
type PolicyVersion struct {
	ID       string    `json:"id"` // v1, v2, ...
	Document string    `json:"document"`
	Default  bool      `json:"default,omitempty"`
	Created  time.Time `json:"created,omitzero"`
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
	// Encryption is the default encryption; nil means S3's own default
	// (SSE-S3, which GetBucketEncryption reports as AES256).
	Encryption *BucketEncryption `json:"encryption,omitempty"`
	// Versioning is "", Enabled or Suspended.
	Versioning string `json:"versioning,omitempty"`
	// Objects are the bucket's objects (see S3Object).
	Objects []*S3Object `json:"objects,omitempty"`
}

// BucketEncryption is a bucket's default encryption rule.
type BucketEncryption struct {
	SSEAlgorithm     string `json:"sse_algorithm"` // AES256, aws:kms or aws:kms:dsse
	KMSMasterKeyID   string `json:"kms_master_key_id,omitempty"`
	BucketKeyEnabled bool   `json:"bucket_key_enabled,omitempty"`
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
	Subnets                []*Subnet        `json:"subnets,omitempty"`
	SecurityGroups         []*SecurityGroup `json:"security_groups,omitempty"`
	Instances              []*Instance      `json:"instances,omitempty"`
	Volumes                []*Volume        `json:"volumes,omitempty"`
	Snapshots              []*Snapshot      `json:"snapshots,omitempty"`
	Topics                 []*Topic         `json:"topics,omitempty"`
	Queues                 []*Queue         `json:"queues,omitempty"`
	Secrets                []*Secret        `json:"secrets,omitempty"`
	// Metrics holds what PutMetricData received, oldest first.
	Metrics []*Metric `json:"metrics,omitempty"`
	// Trails are the CloudTrail trails whose home region this is.
	Trails []*Trail `json:"trails,omitempty"`
	// Alarms are the CloudWatch metric alarms.
	Alarms []*Alarm `json:"cloudwatch_alarms,omitempty"`
	// SecurityHub says whether Security Hub is enabled here; nil means
	// enabled exactly when the region holds findings of the account.
	SecurityHub *SecurityHub `json:"security_hub,omitempty"`
	// Detectors are the GuardDuty detectors (at most one per region).
	Detectors []*Detector `json:"guardduty_detectors,omitempty"`
	// GuardDutyFindings are GuardDuty findings, in GuardDuty's JSON shape
	// (as GetFindings returns them).
	GuardDutyFindings []map[string]any `json:"guardduty_findings,omitempty"`
	// Automations are the SSM Automation executions started here.
	Automations []*Automation `json:"ssm_automations,omitempty"`
}

// Trail is a CloudTrail trail. While one of an account's trails that
// covers a region is logging, the sandbox delivers that region's CloudTrail
// records (to the directory and URL it was started with, and into the
// trail's bucket when it is a sandbox bucket); an account without trails
// delivers everything, as if it had one multi-region trail.
type Trail struct {
	Name   string `json:"name"`
	Bucket string `json:"s3_bucket,omitempty"`
	Prefix string `json:"s3_key_prefix,omitempty"`
	// MultiRegion trails log every region; others only their home region.
	MultiRegion       bool `json:"multi_region,omitempty"`
	Logging           bool `json:"logging,omitempty"`
	LogFileValidation bool `json:"log_file_validation,omitempty"`
	// StartedLogging and StoppedLogging are when logging last started and
	// stopped (GetTrailStatus).
	StartedLogging time.Time         `json:"started_logging,omitzero"`
	StoppedLogging time.Time         `json:"stopped_logging,omitzero"`
	Tags           map[string]string `json:"tags,omitempty"`
}

// Alarm is a CloudWatch metric alarm. The sandbox evaluates it when it is
// created and whenever data arrives for its metric; a change of state is
// published as a "CloudWatch Alarm State Change" event and runs its
// actions (SNS topics of the sandbox).
type Alarm struct {
	Name                    string            `json:"name"`
	Description             string            `json:"description,omitempty"`
	Namespace               string            `json:"namespace"`
	MetricName              string            `json:"metric_name"`
	Dimensions              map[string]string `json:"dimensions,omitempty"`
	Statistic               string            `json:"statistic"`
	Period                  int               `json:"period"`
	EvaluationPeriods       int               `json:"evaluation_periods"`
	DatapointsToAlarm       int               `json:"datapoints_to_alarm,omitempty"`
	Threshold               float64           `json:"threshold"`
	ComparisonOperator      string            `json:"comparison_operator"`
	TreatMissingData        string            `json:"treat_missing_data,omitempty"`
	Unit                    string            `json:"unit,omitempty"`
	ActionsEnabled          bool              `json:"actions_enabled,omitempty"`
	AlarmActions            []string          `json:"alarm_actions,omitempty"`
	OKActions               []string          `json:"ok_actions,omitempty"`
	InsufficientDataActions []string          `json:"insufficient_data_actions,omitempty"`
	// State is OK, ALARM or INSUFFICIENT_DATA.
	State        string            `json:"state,omitempty"`
	StateReason  string            `json:"state_reason,omitempty"`
	StateUpdated time.Time         `json:"state_updated,omitzero"`
	Updated      time.Time         `json:"updated,omitzero"`
	Tags         map[string]string `json:"tags,omitempty"`
}

// SecurityHub is a region's Security Hub subscription.
type SecurityHub struct {
	Enabled                 bool      `json:"enabled"`
	SubscribedAt            time.Time `json:"subscribed_at,omitzero"`
	AutoEnableControls      bool      `json:"auto_enable_controls,omitempty"`
	ControlFindingGenerator string    `json:"control_finding_generator,omitempty"`
}

// Detector is a GuardDuty detector.
type Detector struct {
	ID     string `json:"id"`
	Status string `json:"status,omitempty"` // ENABLED (default) or DISABLED
	// FindingPublishingFrequency is FIFTEEN_MINUTES, ONE_HOUR or
	// SIX_HOURS (the default).
	FindingPublishingFrequency string `json:"finding_publishing_frequency,omitempty"`
	// Features maps a protection plan (S3_DATA_EVENTS, EKS_AUDIT_LOGS,
	// EBS_MALWARE_PROTECTION, RDS_LOGIN_EVENTS, RUNTIME_MONITORING,
	// LAMBDA_NETWORK_LOGS) to ENABLED or DISABLED.
	Features map[string]string `json:"features,omitempty"`
	Tags     map[string]string `json:"tags,omitempty"`
	Created  time.Time         `json:"created,omitzero"`
	Updated  time.Time         `json:"updated,omitzero"`
}

// Automation is one SSM Automation execution and what it did.
type Automation struct {
	ID         string              `json:"id"`
	Document   string              `json:"document"`
	Parameters map[string][]string `json:"parameters,omitempty"`
	// Status is Success or Failed: the sandbox runs a document to the
	// end when it is started.
	Status  string              `json:"status"`
	Failure string              `json:"failure,omitempty"`
	Steps   []*AutomationStep   `json:"steps,omitempty"`
	Outputs map[string][]string `json:"outputs,omitempty"`
	// ExecutedBy is the ARN of the caller that started it.
	ExecutedBy string    `json:"executed_by,omitempty"`
	Started    time.Time `json:"started"`
	Ended      time.Time `json:"ended"`
	// ClientToken is StartAutomationExecution's idempotency token.
	ClientToken string `json:"client_token,omitempty"`
}

// AutomationStep is one step of an automation: the API call it made.
type AutomationStep struct {
	Name    string `json:"name"`
	Action  string `json:"action"` // aws:executeAwsApi
	Service string `json:"service"`
	API     string `json:"api"`
	Status  string `json:"status"` // Success, Failed or Skipped
	Failure string `json:"failure,omitempty"`
}

// VPC is an EC2 VPC.
type VPC struct {
	ID      string            `json:"id"`
	CIDR    string            `json:"cidr,omitempty"`
	Default bool              `json:"default,omitempty"`
	Tags    map[string]string `json:"tags,omitempty"`
	// DNSSupport (default on) and DNSHostnames (default on in a default
	// VPC only) are the VPC's DNS attributes.
	DNSSupport   *bool `json:"dns_support,omitempty"`
	DNSHostnames *bool `json:"dns_hostnames,omitempty"`
}

// Subnet is a subnet of a VPC, in one availability zone.
type Subnet struct {
	ID               string `json:"id"`
	VPCID            string `json:"vpc_id"`
	CIDR             string `json:"cidr,omitempty"`
	AvailabilityZone string `json:"availability_zone,omitempty"`
	// DefaultForAz marks the default subnets of a default VPC.
	DefaultForAz bool `json:"default_for_az,omitempty"`
	// MapPublicIPOnLaunch gives instances launched here a public IP.
	MapPublicIPOnLaunch bool              `json:"map_public_ip_on_launch,omitempty"`
	Tags                map[string]string `json:"tags,omitempty"`
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
	// RuleTags are the tags of single rules, by security group rule id
	// (sgr-...; see DescribeSecurityGroupRules).
	RuleTags map[string]map[string]string `json:"rule_tags,omitempty"`
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
	NetworkInterfaceID string   `json:"network_interface_id,omitempty"`
	SecurityGroups     []string `json:"security_groups,omitempty"` // ids
	InstanceProfileARN string   `json:"instance_profile_arn,omitempty"`
	KeyName            string   `json:"key_name,omitempty"`
	// UserData is base64, as RunInstances takes it.
	UserData              string `json:"user_data,omitempty"`
	DisableAPITermination bool   `json:"disable_api_termination,omitempty"`
	DisableAPIStop        bool   `json:"disable_api_stop,omitempty"`
	// ShutdownBehavior is stop (default) or terminate.
	ShutdownBehavior   string `json:"instance_initiated_shutdown_behavior,omitempty"`
	SourceDestCheckOff bool   `json:"source_dest_check_disabled,omitempty"`
	EbsOptimized       bool   `json:"ebs_optimized,omitempty"`
	// ReservationID groups instances launched by one RunInstances call;
	// empty means a reservation of its own.
	ReservationID string           `json:"reservation_id,omitempty"`
	LaunchTime    time.Time        `json:"launch_time,omitzero"`
	Metadata      *MetadataOptions `json:"metadata_options,omitempty"`

	clientToken string            // RunInstances' idempotency token
	Tags        map[string]string `json:"tags,omitempty"`
}

// MetadataOptions are an instance's IMDS settings.
type MetadataOptions struct {
	HttpTokens              string `json:"http_tokens,omitempty"`   // optional or required
	HttpEndpoint            string `json:"http_endpoint,omitempty"` // enabled or disabled
	HttpPutResponseHopLimit int32  `json:"http_put_response_hop_limit,omitempty"`
}

// Volume is an EBS volume, attached when InstanceID is set.
type Volume struct {
	ID                  string `json:"id"`
	Size                int32  `json:"size,omitempty"` // GiB
	Type                string `json:"type,omitempty"`
	AvailabilityZone    string `json:"availability_zone,omitempty"`
	State               string `json:"state,omitempty"` // in-use or available
	Encrypted           bool   `json:"encrypted,omitempty"`
	KMSKeyID            string `json:"kms_key_id,omitempty"`
	InstanceID          string `json:"instance_id,omitempty"`
	Device              string `json:"device,omitempty"`
	DeleteOnTermination bool   `json:"delete_on_termination,omitempty"`
	// SnapshotID is the snapshot the volume was created from.
	SnapshotID string            `json:"snapshot_id,omitempty"`
	Created    time.Time         `json:"created,omitzero"`
	Tags       map[string]string `json:"tags,omitempty"`
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
	// Public is true when anyone may create volumes from the snapshot
	// (createVolumePermission group "all"); SharedWith lists the accounts
	// it is shared with (ModifySnapshotAttribute).
	Public     bool     `json:"public,omitempty"`
	SharedWith []string `json:"shared_with,omitempty"`
}

// Topic is an SNS topic; Published keeps every message for inspection.
type Topic struct {
	Name string `json:"name"`
	ARN  string `json:"arn,omitempty"`
	// Attributes are the topic attributes set (DisplayName, Policy,
	// KmsMasterKeyId, DeliveryPolicy, ...), kept as given.
	Attributes    map[string]string `json:"attributes,omitempty"`
	Tags          map[string]string `json:"tags,omitempty"`
	Subscriptions []*Subscription   `json:"subscriptions,omitempty"`
	Published     []*Published      `json:"published,omitempty"`
}

// Subscription is an SNS subscription. sqs subscriptions are confirmed at
// once; http, https and email ones wait for confirmation (the endpoint's
// answer to the confirmation message, its SubscribeURL, or
// ConfirmSubscription with Token).
type Subscription struct {
	ARN      string `json:"arn"`
	Protocol string `json:"protocol"` // sqs, http, https, email, email-json
	Endpoint string `json:"endpoint"`
	Owner    string `json:"owner,omitempty"`
	// Attributes: RawMessageDelivery, FilterPolicy, FilterPolicyScope,
	// RedrivePolicy, DeliveryPolicy.
	Attributes map[string]string `json:"attributes,omitempty"`
	Pending    bool              `json:"pending,omitempty"`
	Token      string            `json:"token,omitempty"`
	// Delivered counts the messages handed to the endpoint (for email,
	// those the sandbox would have sent).
	Delivered int `json:"delivered,omitempty"`
	// Failed counts HTTP deliveries that failed after retries.
	Failed int `json:"failed,omitempty"`
}

// Published is one message sent to an SNS topic.
type Published struct {
	MessageID  string            `json:"message_id"`
	Subject    string            `json:"subject,omitempty"`
	Message    string            `json:"message"`
	Structure  string            `json:"message_structure,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
	// AttributeTypes are the attributes' data types (String, Number,
	// Binary, String.Array).
	AttributeTypes map[string]string `json:"attribute_types,omitempty"`
	GroupID        string            `json:"message_group_id,omitempty"`
	Time           time.Time         `json:"time"`
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
	DelaySeconds int `json:"delay_seconds,omitempty"`
	// MaximumMessageSize in bytes; 1 MiB (1,048,576) when zero.
	MaximumMessageSize int `json:"maximum_message_size,omitempty"`
	// MessageRetentionPeriod in seconds; 4 days (345,600) when zero. The
	// sandbox does not expire messages.
	MessageRetentionPeriod int `json:"message_retention_period,omitempty"`
	// Attributes are the other attributes set (Policy, RedrivePolicy,
	// KmsMasterKeyId, ...), kept and returned as given.
	Attributes   map[string]string `json:"attributes,omitempty"`
	Tags         map[string]string `json:"tags,omitempty"`
	Created      time.Time         `json:"created,omitzero"`
	LastModified time.Time         `json:"last_modified,omitzero"`
	Messages     []*Message        `json:"messages,omitempty"`
}

// Message is an SQS message still in its queue.
type Message struct {
	ID         string                      `json:"id"`
	Body       string                      `json:"body"`
	Attributes map[string]MessageAttribute `json:"attributes,omitempty"`
	// TraceHeader is the AWSTraceHeader system attribute.
	TraceHeader string `json:"trace_header,omitempty"`
	// SenderID is the sender's principal id (the SenderId attribute).
	SenderID     string    `json:"sender_id,omitempty"`
	Sent         time.Time `json:"sent"`
	ReceiveCount int       `json:"receive_count"`
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
	Versions []*SecretVersion  `json:"versions,omitempty"`
	Created  time.Time         `json:"created,omitzero"`
	KMSKeyID string            `json:"kms_key_id,omitempty"`
	Tags     map[string]string `json:"tags,omitempty"`
	// LastChanged is when the value or settings last changed;
	// LastAccessed the day the value was last read.
	LastChanged  time.Time `json:"last_changed,omitzero"`
	LastAccessed time.Time `json:"last_accessed,omitzero"`
	// Deleted is when DeleteSecret scheduled the secret's deletion (it is
	// then gone at Deleted, or at once when forced); zero while it lives.
	Deleted time.Time `json:"deleted,omitzero"`
	// Replicas are the regions the secret is replicated to.
	Replicas []*SecretReplica `json:"replicas,omitempty"`
	// ResourcePolicy is the secret's resource policy (JSON), kept and
	// answered, not evaluated.
	ResourcePolicy string `json:"resource_policy,omitempty"`
}

// SecretReplica is a region a secret is replicated to.
type SecretReplica struct {
	Region   string `json:"region"`
	KMSKeyID string `json:"kms_key_id,omitempty"`
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
	// Counts weigh Values (each 1 when absent).
	Counts []float64 `json:"counts,omitempty"`
	// Statistics is a pre-aggregated set (StatisticValues) instead of
	// Value or Values.
	Statistics *StatisticSet `json:"statistics,omitempty"`
	Unit       string        `json:"unit,omitempty"`
	Timestamp  time.Time     `json:"timestamp"`
}

// StatisticSet is a pre-aggregated CloudWatch datum.
type StatisticSet struct {
	SampleCount float64 `json:"sample_count"`
	Sum         float64 `json:"sum"`
	Minimum     float64 `json:"minimum"`
	Maximum     float64 `json:"maximum"`
}
