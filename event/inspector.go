package event

// InspectorFinding is the detail of an "Inspector2 Finding" event (source
// aws.inspector2): an Amazon Inspector finding, with the field names of
// the Inspector API's Finding shape.
type InspectorFinding struct {
	FindingArn   string `json:"findingArn"`
	AwsAccountID string `json:"awsAccountId"`
	// Type is PACKAGE_VULNERABILITY, NETWORK_REACHABILITY or
	// CODE_VULNERABILITY.
	Type        string `json:"type"`
	Title       string `json:"title"`
	Description string `json:"description"`
	// Severity is INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL or UNTRIAGED.
	Severity        string  `json:"severity"`
	Status          string  `json:"status"` // ACTIVE, SUPPRESSED, CLOSED
	FirstObservedAt Text    `json:"firstObservedAt"`
	LastObservedAt  Text    `json:"lastObservedAt"`
	UpdatedAt       Text    `json:"updatedAt"`
	InspectorScore  float64 `json:"inspectorScore"`
	// FixAvailable and ExploitAvailable are YES, NO or PARTIAL / YES or NO.
	FixAvailable          string `json:"fixAvailable"`
	ExploitAvailable      string `json:"exploitAvailable"`
	ExploitabilityDetails *struct {
		LastKnownExploitAt Text `json:"lastKnownExploitAt"`
	} `json:"exploitabilityDetails"`
	Epss *struct {
		Score float64 `json:"score"`
	} `json:"epss"`
	Remediation struct {
		Recommendation struct {
			Text string `json:"text"`
			URL  string `json:"Url"`
		} `json:"recommendation"`
	} `json:"remediation"`
	Resources                   []InspectorResource `json:"resources"`
	PackageVulnerabilityDetails *struct {
		VulnerabilityID    string `json:"vulnerabilityId"`
		Source             string `json:"source"`
		SourceURL          string `json:"sourceUrl"`
		VendorSeverity     string `json:"vendorSeverity"`
		VulnerablePackages []struct {
			Name           string `json:"name"`
			Version        string `json:"version"`
			Epoch          int    `json:"epoch"`
			Release        string `json:"release"`
			Arch           string `json:"arch"`
			PackageManager string `json:"packageManager"`
			FilePath       string `json:"filePath"`
			FixedInVersion string `json:"fixedInVersion"`
			Remediation    string `json:"remediation"`
		} `json:"vulnerablePackages"`
		Cvss []struct {
			BaseScore     float64 `json:"baseScore"`
			ScoringVector string  `json:"scoringVector"`
			Version       string  `json:"version"`
			Source        string  `json:"source"`
		} `json:"cvss"`
		RelatedVulnerabilities []string `json:"relatedVulnerabilities"`
		ReferenceUrls          []string `json:"referenceUrls"`
	} `json:"packageVulnerabilityDetails"`
	NetworkReachabilityDetails *struct {
		Protocol      string `json:"protocol"`
		OpenPortRange struct {
			Begin int `json:"begin"`
			End   int `json:"end"`
		} `json:"openPortRange"`
	} `json:"networkReachabilityDetails"`
	CodeVulnerabilityDetails *struct {
		DetectorName string   `json:"detectorName"`
		RuleID       string   `json:"ruleId"`
		Cwes         []string `json:"cwes"`
		FilePath     struct {
			FileName  string `json:"fileName"`
			FilePath  string `json:"filePath"`
			StartLine int    `json:"startLine"`
		} `json:"filePath"`
	} `json:"codeVulnerabilityDetails"`
}

// InspectorResource is one resource of an Inspector finding: Type is
// AWS_EC2_INSTANCE, AWS_ECR_CONTAINER_IMAGE, AWS_LAMBDA_FUNCTION, ...
type InspectorResource struct {
	Type    string          `json:"type"`
	ID      string          `json:"id"`
	Region  string          `json:"region"`
	Tags    map[string]Text `json:"tags"`
	Details struct {
		AwsEc2Instance *struct {
			Type                  string   `json:"type"`
			ImageID               string   `json:"imageId"`
			Platform              string   `json:"platform"`
			IPV4Addresses         []string `json:"ipV4Addresses"`
			IamInstanceProfileArn string   `json:"iamInstanceProfileArn"`
			VpcID                 string   `json:"vpcId"`
			SubnetID              string   `json:"subnetId"`
		} `json:"awsEc2Instance"`
		AwsEcrContainerImage *struct {
			RepositoryName string   `json:"repositoryName"`
			ImageTags      []string `json:"imageTags"`
			ImageHash      string   `json:"imageHash"`
			Registry       string   `json:"registry"`
			Platform       string   `json:"platform"`
		} `json:"awsEcrContainerImage"`
		AwsLambdaFunction *struct {
			FunctionName string `json:"functionName"`
			Runtime      string `json:"runtime"`
			Version      string `json:"version"`
		} `json:"awsLambdaFunction"`
	} `json:"details"`
}

// Inspector returns the finding of an "Inspector2 Finding" event.
func (e *Event) Inspector() (*InspectorFinding, error) {
	return view[InspectorFinding](e, KindInspector)
}
