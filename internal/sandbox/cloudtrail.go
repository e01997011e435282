package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// cloudtrailService is CloudTrail over the sandbox's own call records:
// trails that switch delivery on and off (StartLogging, StopLogging), and
// LookupEvents over every call served, as CloudTrail's event history.
func cloudtrailService() *service {
	return &service{name: "cloudtrail", title: "AWS CloudTrail", protocol: protoJSON11,
		target: "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101", targetAliases: []string{"CloudTrail_20131101"}, targetProto: protoJSON11,
		ops: map[string]handler{
			"CreateTrail":    ctCreateTrail,
			"UpdateTrail":    ctUpdateTrail,
			"DeleteTrail":    ctDeleteTrail,
			"GetTrail":       ctGetTrail,
			"DescribeTrails": ctDescribeTrails,
			"GetTrailStatus": ctGetTrailStatus,
			"StartLogging":   ctLogging(true),
			"StopLogging":    ctLogging(false),
			"LookupEvents":   ctLookupEvents,
		}}
}

var trailName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$`)

// trailARN is a trail's ARN in its home region.
func trailARN(region, acct, name string) string {
	return regionalARN(region, "cloudtrail", acct, "trail/"+name)
}

// findTrail finds a trail of the caller's account by name or ARN; it
// returns the trail and its home region. The caller holds mu.
func (rq *request) findTrail(ref string) (*Trail, *Region, error) {
	a := rq.sb.st.account(rq.account)
	for _, r := range a.Regions {
		for _, t := range r.Trails {
			if t.Name == ref || trailARN(r.Name, a.ID, t.Name) == ref {
				return t, r, nil
			}
		}
	}
	return nil, nil, apiErr(400, "TrailNotFoundException", "Unknown trail: %s for the user: %s", ref, rq.account)
}

type trailIn struct {
	Name                       string
	S3BucketName               *string
	S3KeyPrefix                *string
	IsMultiRegionTrail         *bool
	EnableLogFileValidation    *bool
	IncludeGlobalServiceEvents *bool
	TagsList                   []struct{ Key, Value string }
}

// apply sets what the input names; the bucket must exist in the sandbox.
func (in *trailIn) apply(rq *request, t *Trail) error {
	if in.S3BucketName != nil {
		if _, b := rq.sb.st.bucket(*in.S3BucketName); b == nil {
			return apiErr(400, "S3BucketDoesNotExistException", "S3 bucket %s does not exist.", *in.S3BucketName)
		}
		t.Bucket = *in.S3BucketName
	}
	if in.S3KeyPrefix != nil {
		t.Prefix = *in.S3KeyPrefix
	}
	if in.IsMultiRegionTrail != nil {
		t.MultiRegion = *in.IsMultiRegionTrail
	}
	if in.EnableLogFileValidation != nil {
		t.LogFileValidation = *in.EnableLogFileValidation
	}
	return nil
}

func trailJSON(region, acct string, t *Trail) map[string]any {
	return map[string]any{
		"Name": t.Name, "S3BucketName": t.Bucket, "S3KeyPrefix": t.Prefix, "IncludeGlobalServiceEvents": true,
		"IsMultiRegionTrail": t.MultiRegion, "HomeRegion": region, "TrailARN": trailARN(region, acct, t.Name),
		"LogFileValidationEnabled": t.LogFileValidation, "HasCustomEventSelectors": false, "HasInsightSelectors": false,
		"IsOrganizationTrail": false,
	}
}

func ctCreateTrail(rq *request) error {
	var in trailIn
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	if !trailName.MatchString(in.Name) || strings.Contains(in.Name, "..") {
		return apiErr(400, "InvalidTrailNameException", "Trail name must start with a letter or number, be 3 to 128 characters of letters, numbers, periods, underscores and dashes: %q", in.Name)
	}
	if in.S3BucketName == nil || *in.S3BucketName == "" {
		return apiErr(400, "InvalidParameterException", "S3BucketName is required.")
	}
	r := rq.lockRegion()
	defer rq.unlock()
	if _, _, err := rq.findTrail(in.Name); err == nil {
		return apiErr(400, "TrailAlreadyExistsException", "Trail %s already exists for customer: %s", in.Name, rq.account)
	}
	t := &Trail{Name: in.Name}
	if err := in.apply(rq, t); err != nil {
		return err
	}
	for _, tag := range in.TagsList {
		if t.Tags == nil {
			t.Tags = map[string]string{}
		}
		t.Tags[tag.Key] = tag.Value
	}
	r.Trails = append(r.Trails, t)
	out := trailJSON(r.Name, rq.account, t)
	delete(out, "HomeRegion")
	rq.writeOut(out)
	return nil
}

func ctUpdateTrail(rq *request) error {
	var in trailIn
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	t, r, err := rq.findTrail(in.Name)
	if err != nil {
		return err
	}
	next := *t
	if err := in.apply(rq, &next); err != nil {
		return err
	}
	*t = next
	rq.writeOut(trailJSON(r.Name, rq.account, t))
	return nil
}

func ctDeleteTrail(rq *request) error {
	var in struct{ Name string }
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	t, r, err := rq.findTrail(in.Name)
	if err != nil {
		return err
	}
	r.Trails = slices.DeleteFunc(r.Trails, func(x *Trail) bool { return x == t })
	rq.writeOut(struct{}{})
	return nil
}

func ctGetTrail(rq *request) error {
	var in struct{ Name string }
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	t, r, err := rq.findTrail(in.Name)
	if err != nil {
		return err
	}
	rq.writeOut(map[string]any{"Trail": trailJSON(r.Name, rq.account, t)})
	return nil
}

func ctDescribeTrails(rq *request) error {
	var in struct {
		TrailNameList []string `json:"trailNameList"`
	}
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	a := rq.sb.st.account(rq.account)
	list := []map[string]any{}
	for _, r := range a.Regions {
		for _, t := range r.Trails {
			// A region sees its own trails and multi-region ones.
			if r.Name != rq.region && !t.MultiRegion {
				continue
			}
			if len(in.TrailNameList) > 0 && !slices.Contains(in.TrailNameList, t.Name) && !slices.Contains(in.TrailNameList, trailARN(r.Name, a.ID, t.Name)) {
				continue
			}
			list = append(list, trailJSON(r.Name, a.ID, t))
		}
	}
	rq.writeOut(map[string]any{"trailList": list})
	return nil
}

func ctGetTrailStatus(rq *request) error {
	var in struct{ Name string }
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	t, _, err := rq.findTrail(in.Name)
	if err != nil {
		return err
	}
	out := map[string]any{"IsLogging": t.Logging}
	if !t.StartedLogging.IsZero() {
		out["StartLoggingTime"] = epochSeconds(t.StartedLogging)
		out["TimeLoggingStarted"] = t.StartedLogging.UTC().Format(time.RFC3339)
	}
	if !t.StoppedLogging.IsZero() {
		out["StopLoggingTime"] = epochSeconds(t.StoppedLogging)
		out["TimeLoggingStopped"] = t.StoppedLogging.UTC().Format(time.RFC3339)
	}
	rq.writeOut(out)
	return nil
}

func ctLogging(on bool) handler {
	return func(rq *request) error {
		var in struct{ Name string }
		if err := rq.decodeInput(&in); err != nil {
			return err
		}
		rq.sb.mu.Lock()
		defer rq.sb.mu.Unlock()
		t, _, err := rq.findTrail(in.Name)
		if err != nil {
			return err
		}
		now := time.Now().UTC().Truncate(time.Second)
		if on && !t.Logging {
			t.Logging, t.StartedLogging = true, now
		} else if !on && t.Logging {
			t.Logging, t.StoppedLogging = false, now
		}
		rq.writeOut(struct{}{})
		return nil
	}
}

// lookupKeys are the LookupAttributes keys, each reading a record field.
var lookupKeys = map[string]func(r *lookupRecord) []string{
	"EventId":      func(r *lookupRecord) []string { return one(r.EventID) },
	"EventName":    func(r *lookupRecord) []string { return one(r.EventName) },
	"ReadOnly":     func(r *lookupRecord) []string { return one(strconv.FormatBool(r.ReadOnly)) },
	"Username":     func(r *lookupRecord) []string { return one(r.username()) },
	"EventSource":  func(r *lookupRecord) []string { return one(r.EventSource) },
	"AccessKeyId":  func(r *lookupRecord) []string { return one(r.UserIdentity.AccessKeyID) },
	"ResourceName": func(r *lookupRecord) []string { return r.resourceNames() },
	"ResourceType": func(r *lookupRecord) []string { return r.resourceTypes() },
}

// lookupRecord is the part of a record LookupEvents reads.
type lookupRecord struct {
	EventID      string `json:"eventID"`
	EventName    string `json:"eventName"`
	EventSource  string `json:"eventSource"`
	EventTime    string `json:"eventTime"`
	ReadOnly     bool   `json:"readOnly"`
	UserIdentity struct {
		Type        string `json:"type"`
		ARN         string `json:"arn"`
		AccessKeyID string `json:"accessKeyId"`
		UserName    string `json:"userName"`
	} `json:"userIdentity"`
	Resources []struct {
		Type string `json:"type"`
		ARN  string `json:"ARN"`
	} `json:"resources"`
	ManagementEvent bool `json:"managementEvent"`
}

func (r *lookupRecord) username() string {
	switch r.UserIdentity.Type {
	case "IAMUser":
		return r.UserIdentity.UserName
	case "Root":
		return "root"
	case "AssumedRole":
		return r.UserIdentity.ARN[strings.LastIndex(r.UserIdentity.ARN, "/")+1:]
	}
	return ""
}

func (r *lookupRecord) resourceNames() []string {
	var out []string
	for _, x := range r.Resources {
		out = append(out, x.ARN)
	}
	return out
}

func (r *lookupRecord) resourceTypes() []string {
	var out []string
	for _, x := range r.Resources {
		out = append(out, x.Type)
	}
	return out
}

func ctLookupEvents(rq *request) error {
	var in struct {
		LookupAttributes []struct{ AttributeKey, AttributeValue string }
		StartTime        *awsTime
		EndTime          *awsTime
		EventCategory    string
		MaxResults       *int
		NextToken        string
	}
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	if len(in.LookupAttributes) > 1 {
		return apiErr(400, "InvalidLookupAttributesException", "You cannot specify more than one lookup attribute.")
	}
	var match func(r *lookupRecord) []string
	value := ""
	if len(in.LookupAttributes) == 1 {
		la := in.LookupAttributes[0]
		if match = lookupKeys[la.AttributeKey]; match == nil {
			return apiErr(400, "InvalidLookupAttributesException", "%s is not a lookup attribute key (%s).", la.AttributeKey, strings.Join(sortedKeys(lookupKeys), ", "))
		}
		value = la.AttributeValue
	}
	if in.EventCategory != "" && in.EventCategory != "insight" {
		return apiErr(400, "InvalidEventCategoryException", "EventCategory %q is not valid; the only value is insight.", in.EventCategory)
	}
	max := 50
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 50 {
			return apiErr(400, "InvalidMaxResultsException", "MaxResults must be between 1 and 50.")
		}
		max = *in.MaxResults
	}
	var start, end time.Time
	if in.StartTime != nil {
		start = in.StartTime.Time
	}
	if in.EndTime != nil {
		end = in.EndTime.Time
	}
	if !start.IsZero() && !end.IsZero() && start.After(end) {
		return apiErr(400, "InvalidTimeRangeException", "Start time must be earlier than end time.")
	}
	before := int64(-1)
	if in.NextToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(in.NextToken)
		if err == nil {
			before, err = strconv.ParseInt(string(b), 10, 64)
		}
		if err != nil {
			return apiErr(400, "InvalidNextTokenException", "Invalid NextToken.")
		}
	}
	events := []map[string]any{}
	next := ""
	var lastSeq int64
	rq.sb.mu.Lock()
	calls := rq.sb.calls
	for i := len(calls) - 1; i >= 0; i-- {
		c := calls[i]
		if c.trail == nil || c.Account != rq.account || c.Region != rq.region || before >= 0 && c.Seq >= before {
			continue
		}
		if !start.IsZero() && c.Time.Before(start) || !end.IsZero() && c.Time.After(end) {
			continue
		}
		var r lookupRecord
		if json.Unmarshal(c.trail, &r) != nil || !r.ManagementEvent {
			continue
		}
		if match != nil && !slices.Contains(match(&r), value) {
			continue
		}
		if len(events) == max {
			next = base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(lastSeq, 10)))
			break
		}
		ev := map[string]any{"EventId": r.EventID, "EventName": r.EventName, "ReadOnly": strconv.FormatBool(r.ReadOnly),
			"EventTime": epochSeconds(c.Time), "EventSource": r.EventSource, "Username": r.username(),
			"CloudTrailEvent": string(c.trail), "Resources": []map[string]string{}}
		if r.UserIdentity.AccessKeyID != "" {
			ev["AccessKeyId"] = r.UserIdentity.AccessKeyID
		}
		for _, x := range r.Resources {
			ev["Resources"] = append(ev["Resources"].([]map[string]string), map[string]string{"ResourceType": x.Type, "ResourceName": x.ARN})
		}
		events = append(events, ev)
		lastSeq = c.Seq
	}
	rq.sb.mu.Unlock()
	out := map[string]any{"Events": events}
	if next != "" {
		out["NextToken"] = next
	}
	rq.writeOut(out)
	return nil
}
