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
	ResourceType     string            `json:"resourceType"`
	InstanceDetails  *InstanceDetails  `json:"instanceDetails"`
	AccessKeyDetails *AccessKeyDetails `json:"accessKeyDetails"`
	S3BucketDetails  []S3BucketDetail  `json:"s3BucketDetails"`
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
		EffectivePermission string `json:"effectivePermission"`
	} `json:"publicAccess"`
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
}

// GuardDutyAction is what the actor did. ActionType says which field is set:
// NETWORK_CONNECTION, AWS_API_CALL, DNS_REQUEST or PORT_PROBE.
type GuardDutyAction struct {
	ActionType              string                   `json:"actionType"`
	NetworkConnectionAction *NetworkConnectionAction `json:"networkConnectionAction"`
	AwsAPICallAction        *AwsAPICallAction        `json:"awsApiCallAction"`
	DNSRequestAction        *DNSRequestAction        `json:"dnsRequestAction"`
	PortProbeAction         *PortProbeAction         `json:"portProbeAction"`
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
	var f GuardDutyFinding
	if err := e.decodeDetail(KindGuardDuty, &f); err != nil {
		return nil, err
	}
	return &f, nil
}
