package sandbox

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// gdType describes a GuardDuty finding type the sandbox generates: what
// it is about and how bad.
type gdType struct {
	resource string // Instance, AccessKey or S3Bucket
	severity float64
	title    string
}

// gdTypes are the finding types CreateSampleFindings makes without being
// told which (and the titles of any type it is told).
var gdTypes = map[string]gdType{
	"UnauthorizedAccess:EC2/SSHBruteForce":                                 {"Instance", 2, "SSH brute force attacks against %s."},
	"CryptoCurrency:EC2/BitcoinTool.B!DNS":                                 {"Instance", 8, "Bitcoin-related domain name queried by EC2 instance %s."},
	"Backdoor:EC2/C&CActivity.B!DNS":                                       {"Instance", 8, "Command and Control server domain name queried by EC2 instance %s."},
	"Trojan:EC2/DNSDataExfiltration":                                       {"Instance", 8, "Data exfiltration through DNS queries from EC2 instance %s."},
	"Recon:EC2/PortProbeUnprotectedPort":                                   {"Instance", 2, "Unprotected port on EC2 instance %s is being probed."},
	"UnauthorizedAccess:EC2/TorClient":                                     {"Instance", 8, "EC2 instance %s is communicating with Tor Entry/Guard nodes."},
	"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS": {"AccessKey", 8, "Credentials for instance role %s used from external IP address."},
	"UnauthorizedAccess:IAMUser/MaliciousIPCaller":                         {"AccessKey", 5, "API %s was invoked from a known malicious IP address."},
	"PrivilegeEscalation:IAMUser/AnomalousBehavior":                        {"AccessKey", 5, "User %s is anomalously invoking APIs commonly used to obtain high-level permissions."},
	"Persistence:IAMUser/AnomalousBehavior":                                {"AccessKey", 5, "User %s is anomalously invoking APIs commonly used to maintain access."},
	"Exfiltration:IAMUser/AnomalousBehavior":                               {"AccessKey", 8, "User %s is anomalously invoking APIs commonly used to collect data."},
	"Stealth:IAMUser/CloudTrailLoggingDisabled":                            {"AccessKey", 2, "AWS CloudTrail trail was disabled by %s."},
	"Policy:IAMUser/RootCredentialUsage":                                   {"AccessKey", 2, "API %s was invoked using root credentials."},
	"Policy:S3/BucketBlockPublicAccessDisabled":                            {"S3Bucket", 2, "Amazon S3 Block Public Access was disabled for S3 bucket %s."},
	"Policy:S3/BucketAnonymousAccessGranted":                               {"S3Bucket", 8, "Amazon S3 public anonymous access was granted for the S3 bucket %s."},
	"Exfiltration:S3/AnomalousBehavior":                                    {"S3Bucket", 8, "Anomalous S3 API calls on bucket %s."},
}

var gdTypeName = regexp.MustCompile(`^[A-Za-z]+:[A-Za-z0-9]+/[A-Za-z0-9.!&_-]+$`)

// FindingSpec describes a GuardDuty finding for AddGuardDutyFinding (and
// the attack scenarios): the type, and what it names.
type FindingSpec struct {
	Account, Region, Type string
	// InstanceID, AccessKeyID, UserName or Bucket name the resource,
	// depending on the type.
	InstanceID, AccessKeyID, UserName, Bucket string
	// RemoteIP is the attacker's address; API the call it made.
	RemoteIP, API string
	Severity      float64
	Sample        bool
}

// guardDutyFinding builds a finding in GuardDuty's JSON shape; the caller
// holds mu.
func (sb *Sandbox) guardDutyFinding(sp FindingSpec, detectorID string) map[string]any {
	w := sb.st
	t, known := gdTypes[sp.Type]
	if !known {
		t = gdType{resource: "Instance", severity: 5, title: sp.Type + " on %s."}
		switch {
		case strings.Contains(sp.Type, "IAMUser/"):
			t.resource = "AccessKey"
		case strings.Contains(sp.Type, "S3/"):
			t.resource = "S3Bucket"
		}
	}
	if sp.Severity == 0 {
		sp.Severity = t.severity
	}
	if sp.RemoteIP == "" {
		sp.RemoteIP = "198.51.100.7"
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	stamp := now.Format("2006-01-02T15:04:05.000Z")
	id := w.randID(32, hexDigits)
	a := w.account(sp.Account)
	r := a.region(sp.Region)
	resource := map[string]any{"resourceType": t.resource}
	subject := ""
	switch t.resource {
	case "Instance":
		in := r.instance(sp.InstanceID)
		if in == nil && len(r.Instances) > 0 {
			in = r.Instances[0]
		}
		det := map[string]any{"instanceId": sp.InstanceID, "instanceState": "running", "tags": []any{}}
		if in != nil {
			subject = in.ID
			det = map[string]any{"instanceId": in.ID, "instanceType": in.Type, "instanceState": in.State, "availabilityZone": in.AvailabilityZone,
				"imageId": in.ImageID, "launchTime": in.LaunchTime.Format("2006-01-02T15:04:05.000Z"), "tags": tagList(in.Tags),
				"networkInterfaces": []map[string]any{{"networkInterfaceId": in.NetworkInterfaceID, "privateIpAddress": in.PrivateIP,
					"publicIp": in.PublicIP, "subnetId": in.SubnetID, "vpcId": in.VPCID,
					"securityGroups": groupRefs(r, in.SecurityGroups)}}}
			if in.InstanceProfileARN != "" {
				det["iamInstanceProfile"] = map[string]any{"arn": in.InstanceProfileARN, "id": "AIPA" + strings.ToUpper(in.ID[2:])}
			}
		}
		resource["instanceDetails"] = det
	case "AccessKey":
		user, key := sp.UserName, sp.AccessKeyID
		if user == "" && len(a.Users) > 0 {
			user = a.Users[0].Name
			if key == "" && len(a.Users[0].AccessKeys) > 0 {
				key = a.Users[0].AccessKeys[0].ID
			}
		}
		subject = user
		if sp.API != "" && t.title == gdTypes["UnauthorizedAccess:IAMUser/MaliciousIPCaller"].title {
			subject = sp.API
		}
		resource["accessKeyDetails"] = map[string]any{"accessKeyId": key, "principalId": stableID("AIDA", sp.Account+"/"+user), "userName": user, "userType": "IAMUser"}
	case "S3Bucket":
		b := sp.Bucket
		if b == "" && len(a.Buckets) > 0 {
			b = a.Buckets[0].Name
		}
		subject = b
		resource["s3BucketDetails"] = []map[string]any{{"name": b, "arn": "arn:" + partition(sp.Region) + ":s3:::" + b, "type": "Destination",
			"createdAt": stamp, "owner": map[string]any{"id": ownerID(sp.Account)}}}
	}
	action := map[string]any{"actionType": "AWS_API_CALL", "awsApiCallAction": map[string]any{
		"api": orDefault(sp.API, "GetCallerIdentity"), "callerType": "Remote IP", "serviceName": "sts.amazonaws.com",
		"remoteIpDetails": remoteIP(sp.RemoteIP)}}
	if t.resource == "Instance" {
		action = map[string]any{"actionType": "NETWORK_CONNECTION", "networkConnectionAction": map[string]any{
			"connectionDirection": "INBOUND", "protocol": "TCP", "blocked": false,
			"localPortDetails": map[string]any{"port": 22, "portName": "SSH"}, "remotePortDetails": map[string]any{"port": 46242, "portName": "Unknown"},
			"remoteIpDetails": remoteIP(sp.RemoteIP)}}
	}
	title := fmt.Sprintf(t.title, subject)
	return map[string]any{
		"schemaVersion": "2.0", "accountId": sp.Account, "region": sp.Region, "partition": partition(sp.Region), "id": id,
		"arn":  regionalARN(sp.Region, "guardduty", sp.Account, "detector/"+detectorID+"/finding/"+id),
		"type": sp.Type, "resource": resource, "severity": sp.Severity, "title": title, "description": title,
		"createdAt": stamp, "updatedAt": stamp,
		"service": map[string]any{"serviceName": "guardduty", "detectorId": detectorID, "action": action, "archived": false, "count": 1,
			"eventFirstSeen": stamp, "eventLastSeen": stamp, "resourceRole": "TARGET",
			"additionalInfo": map[string]any{"value": fmt.Sprintf(`{"sample":%t}`, sp.Sample), "type": "default"}},
	}
}

func remoteIP(ip string) map[string]any {
	return map[string]any{"ipAddressV4": ip, "organization": map[string]any{"asn": "64496", "asnOrg": "EXAMPLE-NET", "isp": "Example ISP", "org": "Example"},
		"country": map[string]any{"countryName": "Unknown"}, "geoLocation": map[string]any{"lat": 0, "lon": 0}}
}

func tagList(m map[string]string) []map[string]string {
	out := []map[string]string{}
	for _, k := range sortedKeys(m) {
		out = append(out, map[string]string{"key": k, "value": m[k]})
	}
	return out
}

func groupRefs(r *Region, ids []string) []map[string]string {
	out := []map[string]string{}
	for _, id := range ids {
		name := ""
		if g := r.group(id); g != nil {
			name = g.Name
		}
		out = append(out, map[string]string{"groupId": id, "groupName": name})
	}
	return out
}

// addGuardDutyFinding stores a finding, publishes it as a "GuardDuty
// Finding" event and, as GuardDuty's Security Hub integration does,
// imports it into Security Hub; the caller holds mu. It returns the
// finding's id.
func (sb *Sandbox) addGuardDutyFinding(sp FindingSpec) (string, error) {
	a := sb.st.account(sp.Account)
	if a == nil {
		return "", fmt.Errorf("no account %s", sp.Account)
	}
	r := a.region(sp.Region)
	if len(r.Detectors) == 0 {
		now := time.Now().UTC().Truncate(time.Millisecond)
		r.Detectors = append(r.Detectors, &Detector{ID: sb.st.randID(32, hexDigits), Status: "ENABLED", FindingPublishingFrequency: "FIFTEEN_MINUTES", Created: now, Updated: now})
	}
	var f map[string]any
	// Stored as JSON reads it, the shape findings from a scenario have.
	if err := copyJSON(sb.guardDutyFinding(sp, r.Detectors[0].ID), &f); err != nil {
		return "", err
	}
	r.GuardDutyFindings = append(r.GuardDutyFindings, f)
	sb.publishGuardDuty(f)
	return f["id"].(string), nil
}

// publishGuardDuty sends a finding where AWS would: EventBridge and, as
// an ASFF finding, Security Hub; the caller holds mu.
func (sb *Sandbox) publishGuardDuty(f map[string]any) {
	detail, _ := json.Marshal(f)
	acct, region := f["accountId"].(string), f["region"].(string)
	sb.emit(sb.newEvent("GuardDuty Finding", "aws.guardduty", acct, region, time.Now(), []string{}, detail))
	asff := guardDutyASFF(f)
	raw, _ := json.Marshal(asff)
	if hf, err := sb.st.findings.importRaw(raw, region, time.Now().UTC(), false); err == nil {
		sb.emitFinding(hf)
	}
}

// guardDutyASFF is the Security Hub form of a GuardDuty finding.
func guardDutyASFF(f map[string]any) map[string]any {
	acct, region, id := f["accountId"].(string), f["region"].(string), f["id"].(string)
	sev, _ := f["severity"].(float64)
	label := "LOW"
	switch {
	case sev >= 7:
		label = "HIGH"
	case sev >= 4:
		label = "MEDIUM"
	}
	res := map[string]any{"Type": "Other", "Id": "AWS::::Account:" + acct, "Partition": partition(region), "Region": region}
	if r, ok := f["resource"].(map[string]any); ok {
		switch r["resourceType"] {
		case "Instance":
			if d, ok := r["instanceDetails"].(map[string]any); ok {
				res = map[string]any{"Type": "AwsEc2Instance", "Id": regionalARN(region, "ec2", acct, "instance/"+fmt.Sprint(d["instanceId"])), "Partition": partition(region), "Region": region}
			}
		case "AccessKey":
			if d, ok := r["accessKeyDetails"].(map[string]any); ok {
				res = map[string]any{"Type": "AwsIamAccessKey", "Id": fmt.Sprint(d["accessKeyId"]), "Partition": partition(region), "Region": region,
					"Details": map[string]any{"AwsIamAccessKey": map[string]any{"PrincipalName": d["userName"], "PrincipalType": "IAMUser"}}}
			}
		case "S3Bucket":
			if ds, ok := r["s3BucketDetails"].([]any); ok && len(ds) > 0 {
				if d, ok := ds[0].(map[string]any); ok {
					res = map[string]any{"Type": "AwsS3Bucket", "Id": fmt.Sprint(d["arn"]), "Partition": partition(region), "Region": region}
				}
			}
		}
	}
	typ := f["type"].(string)
	return map[string]any{
		"SchemaVersion": "2018-10-08", "Id": f["arn"], "ProductArn": "arn:" + partition(region) + ":securityhub:" + region + "::product/aws/guardduty",
		"ProductName": "GuardDuty", "CompanyName": "Amazon", "Region": region, "GeneratorId": typ, "AwsAccountId": acct,
		"Types":           []string{"TTPs/" + strings.SplitN(typ, ":", 2)[0] + "/" + typ},
		"FirstObservedAt": f["createdAt"], "LastObservedAt": f["updatedAt"], "CreatedAt": f["createdAt"], "UpdatedAt": f["updatedAt"],
		"Severity": map[string]any{"Label": label, "Normalized": sev * 10, "Product": sev}, "Title": f["title"], "Description": f["description"],
		"ProductFields": map[string]string{"aws/guardduty/service/archived": "false", "aws/securityhub/ProductName": "GuardDuty",
			"aws/securityhub/CompanyName": "Amazon", "aws/guardduty/findingId": id,
			"aws/securityhub/FindingId": "arn:" + partition(region) + ":securityhub:" + region + "::product/aws/guardduty/" + fmt.Sprint(f["arn"])},
		"Resources": []any{res}, "WorkflowState": "NEW", "Workflow": map[string]string{"Status": "NEW"}, "RecordState": "ACTIVE",
	}
}

func gdCreateSampleFindings(rq *request) error {
	var in struct {
		FindingTypes []string `json:"findingTypes"`
	}
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	for _, t := range in.FindingTypes {
		if !gdTypeName.MatchString(t) {
			return gdBadRequest("The request is rejected because an invalid or out-of-range value is specified as an input parameter: finding type %q.", t)
		}
	}
	types := in.FindingTypes
	if len(types) == 0 {
		types = sortedKeys(gdTypes)
	}
	r := rq.lockRegion()
	defer rq.unlock()
	if _, err := rq.detector(r); err != nil {
		return err
	}
	for _, t := range types {
		if _, err := rq.sb.addGuardDutyFinding(FindingSpec{Account: rq.account, Region: rq.region, Type: t, Sample: true}); err != nil {
			return err
		}
	}
	rq.writeOut(struct{}{})
	return nil
}

// pathValue reads a dotted path (service.archived) from a finding.
func pathValue(v any, path string) any {
	for _, p := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

// matchCriterion applies one FindingCriteria condition.
func matchCriterion(v any, c map[string]json.RawMessage) bool {
	str := fmt.Sprint(v)
	num, isNum := v.(float64)
	for op, raw := range c {
		var list []string
		var n float64
		switch op {
		case "eq", "equals":
			json.Unmarshal(raw, &list)
			if !slices.Contains(list, str) {
				return false
			}
		case "neq", "notEquals":
			json.Unmarshal(raw, &list)
			if slices.Contains(list, str) {
				return false
			}
		case "gt", "greaterThan", "gte", "greaterThanOrEqual", "lt", "lessThan", "lte", "lessThanOrEqual":
			if json.Unmarshal(raw, &n) != nil {
				return false
			}
			if !isNum {
				if t, err := time.Parse(time.RFC3339Nano, str); err == nil {
					num, isNum = float64(t.UnixMilli()), true
				}
			}
			if !isNum {
				return false
			}
			ok := map[string]bool{"gt": num > n, "greaterThan": num > n, "gte": num >= n, "greaterThanOrEqual": num >= n,
				"lt": num < n, "lessThan": num < n, "lte": num <= n, "lessThanOrEqual": num <= n}[op]
			if !ok {
				return false
			}
		}
	}
	return true
}

func gdListFindings(rq *request) error {
	var in struct {
		FindingCriteria *struct {
			Criterion map[string]map[string]json.RawMessage `json:"criterion"`
		} `json:"findingCriteria"`
		SortCriteria *struct {
			AttributeName string `json:"attributeName"`
			OrderBy       string `json:"orderBy"`
		} `json:"sortCriteria"`
		MaxResults *int   `json:"maxResults"`
		NextToken  string `json:"nextToken"`
	}
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	max := 50
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 50 {
			return gdBadRequest("The request is rejected because an invalid or out-of-range value is specified as an input parameter: maxResults must be 1 to 50.")
		}
		max = *in.MaxResults
	}
	r := rq.lockRegion()
	defer rq.unlock()
	d, err := rq.detector(r)
	if err != nil {
		return err
	}
	var list []map[string]any
	for _, f := range r.GuardDutyFindings {
		if pathValue(f, "service.detectorId") != d.ID {
			continue
		}
		ok := true
		if in.FindingCriteria != nil {
			for field, c := range in.FindingCriteria.Criterion {
				ok = ok && matchCriterion(pathValue(f, field), c)
			}
		}
		if ok {
			list = append(list, f)
		}
	}
	if sc := in.SortCriteria; sc != nil && sc.AttributeName != "" {
		sort.SliceStable(list, func(i, j int) bool {
			a, b := pathValue(list[i], sc.AttributeName), pathValue(list[j], sc.AttributeName)
			less := fmt.Sprint(a) < fmt.Sprint(b)
			if x, ok := a.(float64); ok {
				y, _ := b.(float64)
				less = x < y
			}
			if sc.OrderBy == "DESC" {
				return !less && fmt.Sprint(a) != fmt.Sprint(b)
			}
			return less
		})
	}
	start := 0
	if in.NextToken != "" {
		if start, err = strconv.Atoi(in.NextToken); err != nil || start < 0 || start > len(list) {
			return gdBadRequest("The request is rejected because the nextToken is invalid.")
		}
	}
	end := min(len(list), start+max)
	ids := []string{}
	for _, f := range list[start:end] {
		ids = append(ids, f["id"].(string))
	}
	out := map[string]any{"findingIds": ids}
	if end < len(list) {
		out["nextToken"] = strconv.Itoa(end)
	}
	rq.writeOut(out)
	return nil
}

func gdGetFindings(rq *request) error {
	var in struct {
		FindingIDs []string `json:"findingIds"`
	}
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	if len(in.FindingIDs) > 50 {
		return gdBadRequest("The request is rejected because an invalid or out-of-range value is specified as an input parameter: at most 50 findingIds.")
	}
	r := rq.lockRegion()
	defer rq.unlock()
	if _, err := rq.detector(r); err != nil {
		return err
	}
	out := []map[string]any{}
	for _, id := range in.FindingIDs {
		for _, f := range r.GuardDutyFindings {
			if f["id"] == id {
				out = append(out, f)
			}
		}
	}
	rq.writeOut(map[string]any{"findings": out})
	return nil
}

func gdArchive(archived bool) handler {
	return func(rq *request) error {
		var in struct {
			FindingIDs []string `json:"findingIds"`
		}
		if err := rq.decodeInput(&in); err != nil {
			return err
		}
		r := rq.lockRegion()
		defer rq.unlock()
		if _, err := rq.detector(r); err != nil {
			return err
		}
		now := time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
		for _, f := range r.GuardDutyFindings {
			if slices.Contains(in.FindingIDs, f["id"].(string)) {
				if s, ok := f["service"].(map[string]any); ok {
					s["archived"] = archived
				}
				f["updatedAt"] = now
			}
		}
		rq.writeOut(struct{}{})
		return nil
	}
}
