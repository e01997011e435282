package sandbox

import (
	"maps"
	"slices"
	"time"
)

func guarddutyService() *service {
	return &service{name: "guardduty", title: "Amazon GuardDuty", protocol: protoRESTJSON, paths: []string{"/detector"},
		throttle: throttleError{429, "TooManyRequestsException", "", "Rate exceeded"},
		route: restRouter([]restOp{
			{"POST", "/detector", "CreateDetector"},
			{"GET", "/detector", "ListDetectors"},
			{"GET", "/detector/{DetectorId}", "GetDetector"},
			{"POST", "/detector/{DetectorId}", "UpdateDetector"},
			{"DELETE", "/detector/{DetectorId}", "DeleteDetector"},
			{"POST", "/detector/{DetectorId}/findings/create", "CreateSampleFindings"},
			{"POST", "/detector/{DetectorId}/findings", "ListFindings"},
			{"POST", "/detector/{DetectorId}/findings/get", "GetFindings"},
			{"POST", "/detector/{DetectorId}/findings/archive", "ArchiveFindings"},
			{"POST", "/detector/{DetectorId}/findings/unarchive", "UnarchiveFindings"},
		}),
		ops: map[string]handler{
			"CreateDetector":       gdCreateDetector,
			"ListDetectors":        gdListDetectors,
			"GetDetector":          gdGetDetector,
			"UpdateDetector":       gdUpdateDetector,
			"DeleteDetector":       gdDeleteDetector,
			"CreateSampleFindings": gdCreateSampleFindings,
			"ListFindings":         gdListFindings,
			"GetFindings":          gdGetFindings,
			"ArchiveFindings":      gdArchive(true),
			"UnarchiveFindings":    gdArchive(false),
		}}
}

// gdFeatures are the protection plans a detector can switch, in the order
// GetDetector lists them.
var gdFeatures = []string{"S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS", "EKS_RUNTIME_MONITORING", "LAMBDA_NETWORK_LOGS", "RUNTIME_MONITORING"}

func gdBadRequest(format string, args ...any) error {
	return apiErr(400, "BadRequestException", format, args...)
}

// detectorIn is the body of CreateDetector and UpdateDetector.
type detectorIn struct {
	Enable                     *bool             `json:"enable"`
	ClientToken                string            `json:"clientToken"`
	FindingPublishingFrequency string            `json:"findingPublishingFrequency"`
	Tags                       map[string]string `json:"tags"`
	DataSources                *struct {
		S3Logs *struct {
			Enable bool `json:"enable"`
		} `json:"s3Logs"`
		Kubernetes *struct {
			AuditLogs *struct {
				Enable bool `json:"enable"`
			} `json:"auditLogs"`
		} `json:"kubernetes"`
		MalwareProtection *struct {
			ScanEc2InstanceWithFindings *struct {
				EbsVolumes bool `json:"ebsVolumes"`
			} `json:"scanEc2InstanceWithFindings"`
		} `json:"malwareProtection"`
	} `json:"dataSources"`
	Features []struct {
		Name   string `json:"name"`
		Status string `json:"status"`
	} `json:"features"`
}

// apply sets what the input names on d, after checking it.
func (in *detectorIn) apply(d *Detector) error {
	if f := in.FindingPublishingFrequency; f != "" {
		if !slices.Contains([]string{"FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"}, f) {
			return gdBadRequest("The request is rejected because an invalid or out-of-range value is specified as an input parameter: findingPublishingFrequency %q is not FIFTEEN_MINUTES, ONE_HOUR or SIX_HOURS.", f)
		}
		d.FindingPublishingFrequency = f
	}
	set := func(name string, on bool) {
		if d.Features == nil {
			d.Features = map[string]string{}
		}
		d.Features[name] = map[bool]string{true: "ENABLED", false: "DISABLED"}[on]
	}
	if ds := in.DataSources; ds != nil {
		if ds.S3Logs != nil {
			set("S3_DATA_EVENTS", ds.S3Logs.Enable)
		}
		if ds.Kubernetes != nil && ds.Kubernetes.AuditLogs != nil {
			set("EKS_AUDIT_LOGS", ds.Kubernetes.AuditLogs.Enable)
		}
		if ds.MalwareProtection != nil && ds.MalwareProtection.ScanEc2InstanceWithFindings != nil {
			set("EBS_MALWARE_PROTECTION", ds.MalwareProtection.ScanEc2InstanceWithFindings.EbsVolumes)
		}
	}
	for _, f := range in.Features {
		if !slices.Contains(gdFeatures, f.Name) {
			return gdBadRequest("The request is rejected because an invalid or out-of-range value is specified as an input parameter: feature %q is not one of %v.", f.Name, gdFeatures)
		}
		if f.Status != "ENABLED" && f.Status != "DISABLED" {
			return gdBadRequest("The request is rejected because an invalid or out-of-range value is specified as an input parameter: feature status %q is not ENABLED or DISABLED.", f.Status)
		}
		set(f.Name, f.Status == "ENABLED")
	}
	if in.Enable != nil {
		d.Status = map[bool]string{true: "ENABLED", false: "DISABLED"}[*in.Enable]
	}
	return nil
}

func gdCreateDetector(rq *request) error {
	var in detectorIn
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	if in.Enable == nil {
		return gdBadRequest("The request is rejected because the required parameter enable is missing.")
	}
	r := rq.lockRegion()
	defer rq.unlock()
	if len(r.Detectors) > 0 {
		return gdBadRequest("The request is rejected because a detector already exists for the current account.")
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	d := &Detector{ID: rq.sb.st.randID(32, hexDigits), FindingPublishingFrequency: "SIX_HOURS", Tags: in.Tags, Created: now, Updated: now}
	if err := in.apply(d); err != nil {
		return err
	}
	r.Detectors = append(r.Detectors, d)
	rq.writeOut(map[string]any{"detectorId": d.ID})
	return nil
}

func gdListDetectors(rq *request) error {
	r := rq.lockRegion()
	defer rq.unlock()
	ids := []string{}
	for _, d := range r.Detectors {
		ids = append(ids, d.ID)
	}
	rq.writeOut(map[string]any{"detectorIds": ids})
	return nil
}

// detector finds the detector the path names; the caller holds the lock.
func (rq *request) detector(r *Region) (*Detector, error) {
	id := rq.params["DetectorId"]
	for _, d := range r.Detectors {
		if d.ID == id {
			return d, nil
		}
	}
	return nil, gdBadRequest("The request is rejected because the input detectorId is not owned by the current account.")
}

func gdGetDetector(rq *request) error {
	r := rq.lockRegion()
	defer rq.unlock()
	d, err := rq.detector(r)
	if err != nil {
		return err
	}
	status := func(name string) string {
		if s := d.Features[name]; s != "" {
			return s
		}
		return "DISABLED"
	}
	var features []map[string]any
	for _, name := range gdFeatures {
		features = append(features, map[string]any{"name": name, "status": status(name), "updatedAt": epochSeconds(d.Updated)})
	}
	stamp := "2006-01-02T15:04:05.000Z"
	rq.writeOut(map[string]any{
		"createdAt":                  d.Created.Format(stamp),
		"updatedAt":                  d.Updated.Format(stamp),
		"findingPublishingFrequency": d.FindingPublishingFrequency,
		"serviceRole":                rq.globalARN("iam", "role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty"),
		"status":                     d.Status,
		"tags":                       orEmpty(d.Tags),
		"features":                   features,
		"dataSources": map[string]any{
			"cloudTrail": map[string]string{"status": "ENABLED"},
			"dnsLogs":    map[string]string{"status": "ENABLED"},
			"flowLogs":   map[string]string{"status": "ENABLED"},
			"s3Logs":     map[string]string{"status": status("S3_DATA_EVENTS")},
			"kubernetes": map[string]any{"auditLogs": map[string]string{"status": status("EKS_AUDIT_LOGS")}},
			"malwareProtection": map[string]any{"scanEc2InstanceWithFindings": map[string]any{
				"ebsVolumes": map[string]string{"status": status("EBS_MALWARE_PROTECTION")}}},
		},
	})
	return nil
}

func gdUpdateDetector(rq *request) error {
	var in detectorIn
	if err := rq.decodeInput(&in); err != nil {
		return err
	}
	r := rq.lockRegion()
	defer rq.unlock()
	d, err := rq.detector(r)
	if err != nil {
		return err
	}
	next := *d
	next.Features = maps.Clone(d.Features)
	if err := in.apply(&next); err != nil {
		return err
	}
	next.Updated = time.Now().UTC().Truncate(time.Millisecond)
	*d = next
	rq.writeOut(struct{}{})
	return nil
}

func gdDeleteDetector(rq *request) error {
	r := rq.lockRegion()
	defer rq.unlock()
	d, err := rq.detector(r)
	if err != nil {
		return err
	}
	r.Detectors = slices.DeleteFunc(r.Detectors, func(x *Detector) bool { return x == d })
	rq.writeOut(struct{}{})
	return nil
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
