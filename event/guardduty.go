package event

// GuardDutyFinding is the detail of a "GuardDuty Finding" event: the
// GuardDuty Finding shape with camelCase field names.
type GuardDutyFinding struct {
	SchemaVersion string            `json:"schemaVersion"`
	AccountID     string            `json:"accountId"`
	Region        string            `json:"region"`
	Partition     string            `json:"partition"`
	ID            string            `json:"id"`
	Arn           string            `json:"arn"`
	Type          string            `json:"type"`
	Resource      GuardDutyResource `json:"resource"`
	Service       GuardDutyService  `json:"service"`
	// Severity is GuardDuty's number: 1.0-3.9 low, 4.0-6.9 medium,
	// 7.0-8.9 high, 9.0-10.0 critical.
	Severity    float64 `json:"severity"`
	CreatedAt   string  `json:"createdAt"`
	UpdatedAt   string  `json:"updatedAt"`
	Title       string  `json:"title"`
	Description string  `json:"description"`
}

// GuardDutyResource is the resource a finding is about. ResourceType says
// which of the detail fields is set (Instance, AccessKey, S3Bucket, ...).
type GuardDutyResource struct {
	ResourceType      string             `json:"resourceType"`
	InstanceDetails   *InstanceDetails   `json:"instanceDetails"`
	AccessKeyDetails  *AccessKeyDetails  `json:"accessKeyDetails"`
	S3BucketDetails   []S3BucketDetail   `json:"s3BucketDetails"`
	EksClusterDetails *EksClusterDetails `json:"eksClusterDetails"`
	KubernetesDetails *KubernetesDetails `json:"kubernetesDetails"`
	EcsClusterDetails *struct {
		Name        string `json:"name"`
		Arn         string `json:"arn"`
		TaskDetails *struct {
			Arn           string             `json:"arn"`
			DefinitionArn string             `json:"definitionArn"`
			Containers    []ContainerDetails `json:"containers"`
		} `json:"taskDetails"`
	} `json:"ecsClusterDetails"`
	ContainerDetails *ContainerDetails `json:"containerDetails"`
	LambdaDetails    *struct {
		FunctionArn  string `json:"functionArn"`
		FunctionName string `json:"functionName"`
		Role         string `json:"role"`
	} `json:"lambdaDetails"`
	RdsDbInstanceDetails *struct {
		DBInstanceIdentifier string `json:"dbInstanceIdentifier"`
		DBClusterIdentifier  string `json:"dbClusterIdentifier"`
		DBInstanceArn        string `json:"dbInstanceArn"`
		Engine               string `json:"engine"`
		EngineVersion        string `json:"engineVersion"`
	} `json:"rdsDbInstanceDetails"`
	RdsDbUserDetails *struct {
		User        string `json:"user"`
		Application string `json:"application"`
		Database    string `json:"database"`
		AuthMethod  string `json:"authMethod"`
	} `json:"rdsDbUserDetails"`
	EbsVolumeDetails *struct {
		ScannedVolumeDetails []struct {
			VolumeArn  string `json:"volumeArn"`
			DeviceName string `json:"deviceName"`
		} `json:"scannedVolumeDetails"`
	} `json:"ebsVolumeDetails"`
}

// EksClusterDetails names the EKS cluster of a finding.
type EksClusterDetails struct {
	Name  string `json:"name"`
	Arn   string `json:"arn"`
	VpcID string `json:"vpcId"`
}

// KubernetesDetails are the Kubernetes user and workload of a finding.
type KubernetesDetails struct {
	KubernetesUserDetails *struct {
		Username string   `json:"username"`
		UID      string   `json:"uid"`
		Groups   []string `json:"groups"`
	} `json:"kubernetesUserDetails"`
	KubernetesWorkloadDetails *struct {
		Name               string             `json:"name"`
		Type               string             `json:"type"`
		Namespace          string             `json:"namespace"`
		ServiceAccountName string             `json:"serviceAccountName"`
		HostNetwork        bool               `json:"hostNetwork"`
		Containers         []ContainerDetails `json:"containers"`
	} `json:"kubernetesWorkloadDetails"`
}

// ContainerDetails is one container of a finding.
type ContainerDetails struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	Image           string `json:"image"`
	SecurityContext *struct {
		Privileged bool `json:"privileged"`
	} `json:"securityContext"`
}

// InstanceDetails describes the EC2 instance in a GuardDuty finding.
type InstanceDetails struct {
	InstanceID         string `json:"instanceId"`
	InstanceType       string `json:"instanceType"`
	InstanceState      string `json:"instanceState"`
	AvailabilityZone   string `json:"availabilityZone"`
	ImageID            string `json:"imageId"`
	ImageDescription   string `json:"imageDescription"`
	LaunchTime         Text   `json:"launchTime"`
	Platform           string `json:"platform"`
	IamInstanceProfile *struct {
		Arn string `json:"arn"`
		ID  string `json:"id"`
	} `json:"iamInstanceProfile"`
	NetworkInterfaces []NetworkInterface `json:"networkInterfaces"`
	Tags              []Tag              `json:"tags"`
}

// NetworkInterface is one ENI of an instance in a GuardDuty finding.
type NetworkInterface struct {
	NetworkInterfaceID string `json:"networkInterfaceId"`
	PrivateIPAddress   string `json:"privateIpAddress"`
	PrivateDNSName     string `json:"privateDnsName"`
	PublicIP           string `json:"publicIp"`
	PublicDNSName      string `json:"publicDnsName"`
	SubnetID           string `json:"subnetId"`
	VpcID              string `json:"vpcId"`
	SecurityGroups     []struct {
		GroupID   string `json:"groupId"`
		GroupName string `json:"groupName"`
	} `json:"securityGroups"`
}

// Tag is a key/value tag as GuardDuty sends it.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// AccessKeyDetails names the credentials in a GuardDuty finding.
type AccessKeyDetails struct {
	AccessKeyID string `json:"accessKeyId"`
	PrincipalID string `json:"principalId"`
	UserName    string `json:"userName"`
	UserType    string `json:"userType"`
}

// S3BucketDetail is one bucket in a GuardDuty S3 finding.
type S3BucketDetail struct {
	Arn          string `json:"arn"`
	Name         string `json:"name"`
	Type         string `json:"type"`
	CreatedAt    Text   `json:"createdAt"`
	Tags         []Tag  `json:"tags"`
	PublicAccess *struct {
		// EffectivePermission is PUBLIC or NOT_PUBLIC.
		EffectivePermission     string `json:"effectivePermission"`
		PermissionConfiguration *struct {
			BucketLevelPermissions *struct {
				AccessControlList *PublicFlags      `json:"accessControlList"`
				BucketPolicy      *PublicFlags      `json:"bucketPolicy"`
				BlockPublicAccess *BlockPublicFlags `json:"blockPublicAccess"`
			} `json:"bucketLevelPermissions"`
			AccountLevelPermissions *struct {
				BlockPublicAccess *BlockPublicFlags `json:"blockPublicAccess"`
			} `json:"accountLevelPermissions"`
		} `json:"permissionConfiguration"`
	} `json:"publicAccess"`
}

// PublicFlags say whether an ACL or a bucket policy allows public access.
type PublicFlags struct {
	AllowsPublicReadAccess  bool `json:"allowsPublicReadAccess"`
	AllowsPublicWriteAccess bool `json:"allowsPublicWriteAccess"`
}

// BlockPublicFlags are S3 Block Public Access settings.
type BlockPublicFlags struct {
	IgnorePublicAcls      bool `json:"ignorePublicAcls"`
	RestrictPublicBuckets bool `json:"restrictPublicBuckets"`
	BlockPublicAcls       bool `json:"blockPublicAcls"`
	BlockPublicPolicy     bool `json:"blockPublicPolicy"`
}

// GuardDutyService is the "service" part of a finding: what was observed.
type GuardDutyService struct {
	ServiceName    string          `json:"serviceName"`
	DetectorID     string          `json:"detectorId"`
	Action         GuardDutyAction `json:"action"`
	ResourceRole   string          `json:"resourceRole"` // TARGET or ACTOR
	EventFirstSeen string          `json:"eventFirstSeen"`
	EventLastSeen  string          `json:"eventLastSeen"`
	Archived       bool            `json:"archived"`
	Count          int             `json:"count"`
	Evidence       *struct {
		ThreatIntelligenceDetails []struct {
			ThreatListName string   `json:"threatListName"`
			ThreatNames    []string `json:"threatNames"`
		} `json:"threatIntelligenceDetails"`
	} `json:"evidence"`
	// FeatureName is the GuardDuty feature that produced the finding, e.g.
	// RuntimeMonitoring, EksAuditLogs, RdsLoginEvents.
	FeatureName string `json:"featureName"`
	// Detection carries the anomaly behind an AnomalousBehavior finding.
	Detection *struct {
		Anomaly *struct {
			// Unusual is keyed by actor or resource, then by feature
			// (e.g. "API", "ASN", "userAgent"), with what was unusual.
			Unusual *struct {
				Behavior map[string]map[string]AnomalyObject `json:"behavior"`
			} `json:"unusual"`
		} `json:"anomaly"`
	} `json:"detection"`
	RuntimeDetails *struct {
		Process *struct {
			Name             string `json:"name"`
			ExecutablePath   string `json:"executablePath"`
			ExecutableSha256 string `json:"executableSha256"`
			Pid              int    `json:"pid"`
			User             string `json:"user"`
		} `json:"process"`
		Context *struct {
			ModifyingProcess *struct {
				Name           string `json:"name"`
				ExecutablePath string `json:"executablePath"`
			} `json:"modifyingProcess"`
			CommandLineExample string `json:"commandLineExample"`
			ToolName           string `json:"toolName"`
			ToolCategory       string `json:"toolCategory"`
			ModuleName         string `json:"moduleName"`
			AddressFamily      string `json:"addressFamily"`
			MountTarget        string `json:"mountTarget"`
		} `json:"context"`
	} `json:"runtimeDetails"`
	EbsVolumeScanDetails *struct {
		ScanID         string `json:"scanId"`
		ScanDetections *struct {
			ThreatDetectedByName *struct {
				ItemCount   int `json:"itemCount"`
				ThreatNames []struct {
					Name      string `json:"name"`
					Severity  string `json:"severity"`
					ItemCount int    `json:"itemCount"`
					FilePaths []struct {
						FilePath string `json:"filePath"`
						Hash     string `json:"hash"`
					} `json:"filePaths"`
				} `json:"threatNames"`
			} `json:"threatDetectedByName"`
		} `json:"scanDetections"`
	} `json:"ebsVolumeScanDetails"`
	MalwareScanDetails *struct {
		ScanID  string `json:"scanId"`
		Threats []struct {
			Name      string `json:"name"`
			ItemPaths []struct {
				NestedItemPath string `json:"nestedItemPath"`
				Hash           string `json:"hash"`
			} `json:"itemPaths"`
		} `json:"threats"`
	} `json:"malwareScanDetails"`
}

// AnomalyObject is one unusual observation of an anomaly finding.
type AnomalyObject struct {
	ProfileType    string `json:"profileType"`
	ProfileSubtype string `json:"profileSubtype"`
	Observations   struct {
		Text []string `json:"text"`
	} `json:"observations"`
}

// GuardDutyAction is what the actor did. ActionType says which field is set:
// NETWORK_CONNECTION, AWS_API_CALL, DNS_REQUEST, PORT_PROBE,
// KUBERNETES_API_CALL or RDS_LOGIN_ATTEMPT.
type GuardDutyAction struct {
	ActionType              string                   `json:"actionType"`
	NetworkConnectionAction *NetworkConnectionAction `json:"networkConnectionAction"`
	AwsAPICallAction        *AwsAPICallAction        `json:"awsApiCallAction"`
	DNSRequestAction        *DNSRequestAction        `json:"dnsRequestAction"`
	PortProbeAction         *PortProbeAction         `json:"portProbeAction"`
	KubernetesAPICallAction *struct {
		RequestURI      string           `json:"requestUri"`
		Verb            string           `json:"verb"`
		SourceIPs       []string         `json:"sourceIPs"`
		UserAgent       string           `json:"userAgent"`
		StatusCode      int              `json:"statusCode"`
		RemoteIPDetails *RemoteIPDetails `json:"remoteIpDetails"`
	} `json:"kubernetesApiCallAction"`
	RdsLoginAttemptAction *struct {
		RemoteIPDetails *RemoteIPDetails `json:"remoteIpDetails"`
		LoginAttributes []struct {
			User                    string `json:"user"`
			Application             string `json:"application"`
			FailedLoginAttempts     int    `json:"failedLoginAttempts"`
			SuccessfulLoginAttempts int    `json:"successfulLoginAttempts"`
		} `json:"LoginAttributes"`
	} `json:"rdsLoginAttemptAction"`
}

// NetworkConnectionAction is a connection GuardDuty saw.
type NetworkConnectionAction struct {
	Blocked             bool        `json:"blocked"`
	ConnectionDirection string      `json:"connectionDirection"` // INBOUND, OUTBOUND
	Protocol            string      `json:"protocol"`
	LocalPortDetails    PortDetails `json:"localPortDetails"`
	RemotePortDetails   PortDetails `json:"remotePortDetails"`
	LocalIPDetails      struct {
		IPAddressV4 string `json:"ipAddressV4"`
	} `json:"localIpDetails"`
	RemoteIPDetails RemoteIPDetails `json:"remoteIpDetails"`
}

// PortDetails is a port and its well-known name.
type PortDetails struct {
	Port     int    `json:"port"`
	PortName string `json:"portName"`
}

// RemoteIPDetails describes the remote side of an action.
type RemoteIPDetails struct {
	IPAddressV4 string `json:"ipAddressV4"`
	IPAddressV6 string `json:"ipAddressV6"`
	Country     struct {
		CountryName string `json:"countryName"`
	} `json:"country"`
	City struct {
		CityName string `json:"cityName"`
	} `json:"city"`
	Organization struct {
		Asn    Text   `json:"asn"`
		AsnOrg string `json:"asnOrg"`
		Isp    string `json:"isp"`
		Org    string `json:"org"`
	} `json:"organization"`
}

// AwsAPICallAction is an AWS API call GuardDuty saw.
type AwsAPICallAction struct {
	API               string           `json:"api"`
	CallerType        string           `json:"callerType"`
	ServiceName       string           `json:"serviceName"`
	UserAgent         string           `json:"userAgent"`
	ErrorCode         string           `json:"errorCode"`
	RemoteIPDetails   *RemoteIPDetails `json:"remoteIpDetails"`
	AffectedResources map[string]Text  `json:"affectedResources"`
}

// DNSRequestAction is a DNS query GuardDuty saw.
type DNSRequestAction struct {
	Domain           string `json:"domain"`
	Protocol         string `json:"protocol"`
	Blocked          bool   `json:"blocked"`
	DomainWithSuffix string `json:"domainWithSuffix"`
}

// PortProbeAction lists the probes GuardDuty saw.
type PortProbeAction struct {
	Blocked          bool `json:"blocked"`
	PortProbeDetails []struct {
		LocalPortDetails PortDetails `json:"localPortDetails"`
		LocalIPDetails   struct {
			IPAddressV4 string `json:"ipAddressV4"`
		} `json:"localIpDetails"`
		RemoteIPDetails RemoteIPDetails `json:"remoteIpDetails"`
	} `json:"portProbeDetails"`
}

// GuardDuty returns the finding of a "GuardDuty Finding" event.
func (e *Event) GuardDuty() (*GuardDutyFinding, error) {
	return view[GuardDutyFinding](e, KindGuardDuty)
}
