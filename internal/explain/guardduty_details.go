package explain

import (
	"slices"
	"strconv"
	"strings"

	"github.com/vigilhq/vigil/event"
)

// guardDutyResources adds the resources of GuardDuty's newer protection
// plans: EKS clusters and Kubernetes workloads, ECS clusters and tasks,
// standalone containers, Lambda functions, RDS databases, scanned EBS
// volumes. Field names: the GuardDuty API's Resource shape (botocore
// guardduty 2017-11-28).
func guardDutyResources(f *Facts, gd *event.GuardDutyFinding) {
	r := gd.Resource
	if e := r.EksClusterDetails; e != nil {
		f.addResource("EKSCluster", firstNonEmpty(e.Arn, e.Name), e.Name)
		f.setVar("eks_cluster", e.Name)
	}
	if k := r.KubernetesDetails; k != nil {
		if u := k.KubernetesUserDetails; u != nil {
			f.detail("kubernetes_user", strings.Join(nonEmpty(u.Username, strings.Join(u.Groups, ", ")), " / "))
		}
		if w := k.KubernetesWorkloadDetails; w != nil {
			f.detail("kubernetes_workload", strings.Join(nonEmpty(w.Type, w.Namespace+"/"+w.Name), " "))
			f.detail("service_account", w.ServiceAccountName)
			containers(f, w.Containers)
		}
	}
	if e := r.EcsClusterDetails; e != nil {
		f.addResource("ECSCluster", firstNonEmpty(e.Arn, e.Name), e.Name)
		if t := e.TaskDetails; t != nil {
			f.detail("ecs_task", t.Arn)
			f.detail("task_definition", t.DefinitionArn)
			containers(f, t.Containers)
		}
	}
	if c := r.ContainerDetails; c != nil {
		f.addResource("Container", firstNonEmpty(c.ID, c.Name), c.Name)
		containers(f, []event.ContainerDetails{*c})
	}
	if l := r.LambdaDetails; l != nil {
		f.addResource("Lambda", firstNonEmpty(l.FunctionArn, l.FunctionName), l.FunctionName)
		f.setVar("function", l.FunctionName)
		f.detail("function_role", l.Role)
	}
	if d := r.RdsDbInstanceDetails; d != nil {
		f.addResource("RDSDBInstance", firstNonEmpty(d.DBInstanceArn, d.DBInstanceIdentifier), d.DBInstanceIdentifier)
		f.setVar("db", d.DBInstanceIdentifier)
		f.detail("db_engine", strings.TrimSpace(d.Engine+" "+d.EngineVersion))
	}
	if u := r.RdsDbUserDetails; u != nil {
		f.detail("db_user", strings.Join(nonEmpty(u.User, u.Application, u.Database), " / "))
		f.detail("auth_method", u.AuthMethod)
	}
	if v := r.EbsVolumeDetails; v != nil {
		for _, vol := range v.ScannedVolumeDetails {
			f.addResource("EBSVolume", vol.VolumeArn, vol.DeviceName)
		}
	}
}

func containers(f *Facts, cs []event.ContainerDetails) {
	var images []string
	privileged := false
	for _, c := range cs {
		images = appendUnique(images, c.Image)
		if c.SecurityContext != nil && c.SecurityContext.Privileged {
			privileged = true
		}
	}
	f.detail("images", strings.Join(images, ", "))
	if privileged {
		f.detail("privileged", "true")
	}
}

// guardDutyDetails adds what the finding observed beyond the classic
// actions: anomalies, public access to buckets, Kubernetes API calls, RDS
// logins, the process behind a runtime finding, malware found by a scan.
func guardDutyDetails(f *Facts, gd *event.GuardDutyFinding) {
	svc := gd.Service
	if d := svc.Detection; d != nil && d.Anomaly != nil && d.Anomaly.Unusual != nil {
		var parts []string
		actors := sortedKeys(d.Anomaly.Unusual.Behavior)
		for _, actor := range actors {
			feats := d.Anomaly.Unusual.Behavior[actor]
			for _, feat := range sortedKeys(feats) {
				if obs := feats[feat].Observations.Text; len(obs) > 0 {
					parts = append(parts, feat+": "+strings.Join(obs, ", "))
				}
			}
		}
		f.detail("anomaly", strings.Join(parts, "; "))
	}
	for _, bkt := range gd.Resource.S3BucketDetails {
		pa := bkt.PublicAccess
		if pa == nil {
			continue
		}
		f.detail("effective_permission", pa.EffectivePermission)
		var via, off []string
		if pc := pa.PermissionConfiguration; pc != nil {
			if bl := pc.BucketLevelPermissions; bl != nil {
				if p := bl.AccessControlList; p != nil && (p.AllowsPublicReadAccess || p.AllowsPublicWriteAccess) {
					via = append(via, "acl")
				}
				if p := bl.BucketPolicy; p != nil && (p.AllowsPublicReadAccess || p.AllowsPublicWriteAccess) {
					via = append(via, "bucket-policy")
				}
				if bpa := bl.BlockPublicAccess; bpa != nil && blockOff(bpa) {
					off = append(off, "bucket")
				}
			}
			if al := pc.AccountLevelPermissions; al != nil && al.BlockPublicAccess != nil && blockOff(al.BlockPublicAccess) {
				off = append(off, "account")
			}
		}
		f.detail("public_via", strings.Join(via, ", "))
		f.detail("block_public_access_off", strings.Join(off, ", "))
	}
	a := svc.Action
	if k := a.KubernetesAPICallAction; k != nil {
		call := strings.TrimSpace(k.Verb + " " + k.RequestURI)
		if k.StatusCode != 0 {
			call += " (" + strconv.Itoa(k.StatusCode) + ")"
		}
		f.detail("kubernetes_api", call)
		f.detail("source_ip", firstNonEmpty(strings.Join(k.SourceIPs, ", "), remoteIP(k.RemoteIPDetails)))
		f.detail("user_agent", k.UserAgent)
	}
	if l := a.RdsLoginAttemptAction; l != nil {
		for _, at := range l.LoginAttributes {
			f.detail("db_logins", strings.TrimSpace(at.User+" "+at.Application)+": "+
				strconv.Itoa(at.SuccessfulLoginAttempts)+" / "+strconv.Itoa(at.FailedLoginAttempts))
		}
		f.detail("remote_ip", remoteIP(l.RemoteIPDetails))
	}
	if rd := svc.RuntimeDetails; rd != nil {
		if p := rd.Process; p != nil {
			f.detail("process", strings.Join(nonEmpty(p.Name, p.ExecutablePath), " "))
			f.detail("process_sha256", p.ExecutableSha256)
			if p.Pid != 0 {
				f.detail("process_pid", strconv.Itoa(p.Pid))
			}
			f.detail("process_user", p.User)
		}
		if c := rd.Context; c != nil {
			f.detail("tool", strings.Join(nonEmpty(c.ToolName, c.ToolCategory), " / "))
			f.detail("module", c.ModuleName)
			f.detail("mount_target", c.MountTarget)
			if mp := c.ModifyingProcess; mp != nil {
				f.detail("modifying_process", strings.Join(nonEmpty(mp.Name, mp.ExecutablePath), " "))
			}
		}
	}
	if sd := svc.EbsVolumeScanDetails; sd != nil && sd.ScanDetections != nil && sd.ScanDetections.ThreatDetectedByName != nil {
		var threats []string
		for _, t := range sd.ScanDetections.ThreatDetectedByName.ThreatNames {
			s := t.Name
			if t.Severity != "" {
				s += " (" + t.Severity + ")"
			}
			for _, fp := range t.FilePaths {
				s += " " + fp.FilePath
			}
			threats = append(threats, s)
		}
		f.detail("malware", strings.Join(threats, "; "))
		f.detail("scan_id", sd.ScanID)
	}
	if ms := svc.MalwareScanDetails; ms != nil {
		var threats []string
		for _, t := range ms.Threats {
			s := t.Name
			for _, p := range t.ItemPaths {
				s += " " + p.NestedItemPath
			}
			threats = append(threats, s)
		}
		f.detail("malware", strings.Join(threats, "; "))
		f.detail("scan_id", ms.ScanID)
	}
	f.detail("feature", svc.FeatureName)
}

func blockOff(b *event.BlockPublicFlags) bool {
	return !(b.BlockPublicAcls && b.BlockPublicPolicy && b.IgnorePublicAcls && b.RestrictPublicBuckets)
}

func remoteIP(r *event.RemoteIPDetails) string {
	if r == nil {
		return ""
	}
	return firstNonEmpty(r.IPAddressV4, r.IPAddressV6)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
