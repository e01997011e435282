package sandbox

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// document is an AWS-owned Automation document the sandbox runs: its
// parameters and its effect on the simulated account, made through the
// same state changes as the API calls it makes.
type document struct {
	// summary says what the sandbox does when it runs the document (the
	// compatibility table in docs/sandbox.md repeats it).
	summary string
	params  []docParam
	run     func(ex *execution) error
}

// docParam is a document parameter; a value with def set is optional.
type docParam struct {
	name     string
	required bool
	def      []string
}

var assumeRole = docParam{name: "AutomationAssumeRole"}

// documents are the AWS-owned documents the sandbox runs.
var documents = map[string]*document{
	"AWS-EnableS3BucketEncryption": {
		summary: "s3:PutBucketEncryption on BucketName with SSEAlgorithm (default AES256)",
		params:  []docParam{{name: "BucketName", required: true}, {name: "SSEAlgorithm", def: []string{"AES256"}}, {name: "KmsKeyId"}, assumeRole},
		run: func(ex *execution) error {
			b, err := ex.bucket(ex.param("BucketName"))
			if err != nil {
				return err
			}
			alg := ex.param("SSEAlgorithm")
			if alg != "AES256" && alg != "aws:kms" {
				return fmt.Errorf("SSEAlgorithm %q is not AES256 or aws:kms", alg)
			}
			return ex.call("PutBucketEncryption", "s3", "PutBucketEncryption", map[string]any{"bucketName": b.Name, "SSEAlgorithm": alg}, func() error {
				b.Encryption = &BucketEncryption{SSEAlgorithm: alg, KMSMasterKeyID: ex.param("KmsKeyId")}
				return nil
			})
		},
	},
	"AWS-DisableS3BucketPublicReadWrite": {
		summary: "s3:PutPublicAccessBlock on S3BucketName, all four settings true",
		params:  []docParam{{name: "S3BucketName", required: true}, assumeRole},
		run: func(ex *execution) error {
			return ex.bucketPAB(ex.param("S3BucketName"), &PublicAccessBlock{true, true, true, true})
		},
	},
	"AWSConfigRemediation-ConfigureS3BucketPublicAccessBlock": {
		summary: "s3:PutPublicAccessBlock on BucketName with the four settings (default true)",
		params: []docParam{{name: "BucketName", required: true}, {name: "BlockPublicAcls", def: []string{"true"}}, {name: "IgnorePublicAcls", def: []string{"true"}},
			{name: "BlockPublicPolicy", def: []string{"true"}}, {name: "RestrictPublicBuckets", def: []string{"true"}}, assumeRole},
		run: func(ex *execution) error {
			return ex.bucketPAB(ex.param("BucketName"), ex.pab())
		},
	},
	"AWSConfigRemediation-ConfigureS3PublicAccessBlock": {
		summary: "s3control:PutPublicAccessBlock on AccountId with the four settings (default true)",
		params: []docParam{{name: "AccountId", required: true}, {name: "BlockPublicAcls", def: []string{"true"}}, {name: "IgnorePublicAcls", def: []string{"true"}},
			{name: "BlockPublicPolicy", def: []string{"true"}}, {name: "RestrictPublicBuckets", def: []string{"true"}}, assumeRole},
		run: func(ex *execution) error {
			if id := ex.param("AccountId"); id != ex.a.ID {
				return fmt.Errorf("AccountId %s is not the account the automation runs in (%s)", id, ex.a.ID)
			}
			p := ex.pab()
			return ex.call("PutAccountPublicAccessBlock", "s3control", "PutPublicAccessBlock", map[string]any{"accountId": ex.a.ID}, func() error {
				ex.a.PublicAccessBlock = p
				return nil
			})
		},
	},
	"AWS-ConfigureS3BucketVersioning": {
		summary: "s3:PutBucketVersioning on BucketName to VersioningState (default Enabled)",
		params:  []docParam{{name: "BucketName", required: true}, {name: "VersioningState", def: []string{"Enabled"}}, assumeRole},
		run: func(ex *execution) error {
			b, err := ex.bucket(ex.param("BucketName"))
			if err != nil {
				return err
			}
			state := ex.param("VersioningState")
			if state != "Enabled" && state != "Suspended" {
				return fmt.Errorf("VersioningState %q is not Enabled or Suspended", state)
			}
			return ex.call("ConfigureVersioning", "s3", "PutBucketVersioning", map[string]any{"bucketName": b.Name, "status": state}, func() error {
				b.Versioning = state
				return nil
			})
		},
	},
	"AWS-DisablePublicAccessForSecurityGroup": {
		summary: "ec2:RevokeSecurityGroupIngress of the rules on GroupId that open TCP 22 or 3389 to 0.0.0.0/0, ::/0 or IpAddressToBlock (rules that are not there are skipped)",
		params:  []docParam{{name: "GroupId", required: true}, {name: "IpAddressToBlock"}, assumeRole},
		run: func(ex *execution) error {
			cidrs := []string{"0.0.0.0/0", "::/0"}
			if ip := ex.param("IpAddressToBlock"); ip != "" {
				cidrs = append(cidrs, ip)
			}
			return ex.revokeOpen(ex.param("GroupId"), []int32{22, 3389}, cidrs)
		},
	},
	"AWS-DisableIncomingSSHOnPort22": {
		summary: "ec2:RevokeSecurityGroupIngress of TCP 22 from 0.0.0.0/0 and ::/0 on each of SecurityGroupIds",
		params:  []docParam{{name: "SecurityGroupIds", required: true}, assumeRole},
		run: func(ex *execution) error {
			for _, id := range ex.params["SecurityGroupIds"] {
				if err := ex.revokeOpen(id, []int32{22}, []string{"0.0.0.0/0", "::/0"}); err != nil {
					return err
				}
			}
			return nil
		},
	},
	"AWS-CloseSecurityGroup": {
		summary: "ec2:RevokeSecurityGroupIngress and RevokeSecurityGroupEgress of every rule of SecurityGroupId",
		params:  []docParam{{name: "SecurityGroupId", required: true}, assumeRole},
		run: func(ex *execution) error {
			return ex.closeGroup(ex.param("SecurityGroupId"), false)
		},
	},
	"AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules": {
		summary: "ec2:RevokeSecurityGroupIngress and RevokeSecurityGroupEgress of every rule of GroupId, which must be a VPC's default group",
		params:  []docParam{{name: "GroupId", required: true}, assumeRole},
		run: func(ex *execution) error {
			return ex.closeGroup(ex.param("GroupId"), true)
		},
	},
	"AWSConfigRemediation-EnforceEC2InstanceIMDSv2": {
		summary: "ec2:ModifyInstanceMetadataOptions on InstanceId with HttpTokens required",
		params:  []docParam{{name: "InstanceId", required: true}, assumeRole},
		run: func(ex *execution) error {
			in, err := liveInstance(ex.r, ex.param("InstanceId"))
			if err != nil {
				return err
			}
			return ex.call("ModifyInstanceMetadataOptions", "ec2", "ModifyInstanceMetadataOptions", map[string]any{"instanceId": in.ID, "httpTokens": "required"}, func() error {
				in.Metadata.HttpTokens = "required"
				return nil
			})
		},
	},
	"AWSConfigRemediation-EnableEbsEncryptionByDefault": {
		summary: "ec2:EnableEbsEncryptionByDefault in the region",
		params:  []docParam{assumeRole},
		run: func(ex *execution) error {
			return ex.call("ModifyAccount", "ec2", "EnableEbsEncryptionByDefault", nil, func() error {
				ex.r.EbsEncryptionByDefault = true
				return nil
			})
		},
	},
	"AWS-StopEC2Instance": {
		summary: "ec2:StopInstances on InstanceId (a list)",
		params:  []docParam{{name: "InstanceId", required: true}, assumeRole},
		run: func(ex *execution) error {
			return ex.instanceStates("stopInstances", "StopInstances", "stopped", "running", "stopping", "stopped", "pending")
		},
	},
	"AWS-StartEC2Instance": {
		summary: "ec2:StartInstances on InstanceId (a list)",
		params:  []docParam{{name: "InstanceId", required: true}, assumeRole},
		run: func(ex *execution) error {
			return ex.instanceStates("startInstances", "StartInstances", "running", "running", "pending", "stopped")
		},
	},
	"AWS-TerminateEC2Instance": {
		summary: "ec2:TerminateInstances on InstanceId (a list)",
		params:  []docParam{{name: "InstanceId", required: true}, assumeRole},
		run: func(ex *execution) error {
			ids := ex.params["InstanceId"]
			var ins []*Instance
			for _, id := range ids {
				in := ex.r.instance(id)
				if in == nil {
					return notFoundInstance(id)
				}
				ins = append(ins, in)
			}
			return ex.call("terminateInstances", "ec2", "TerminateInstances", map[string]any{"instancesSet": ids}, func() error {
				for _, in := range ins {
					terminate(ex.r, in)
				}
				return nil
			})
		},
	},
	"AWS-CreateSnapshot": {
		summary: "ec2:CreateSnapshot of VolumeId with Description; output SnapshotId",
		params:  []docParam{{name: "VolumeId", required: true}, {name: "Description"}, assumeRole},
		run: func(ex *execution) error {
			v := ex.r.volume(ex.param("VolumeId"))
			if v == nil {
				return notFoundVolume(ex.param("VolumeId"))
			}
			return ex.call("createSnapshot", "ec2", "CreateSnapshot", map[string]any{"volumeId": v.ID, "description": ex.param("Description")}, func() error {
				s := newSnapshot(ex.w, v, ex.param("Description"), nil)
				ex.r.Snapshots = append(ex.r.Snapshots, s)
				ex.output("SnapshotId", s.ID)
				return nil
			})
		},
	},
	"AWSConfigRemediation-SetIAMPasswordPolicy": {
		summary: "iam:UpdateAccountPasswordPolicy with the document's parameters (AWS's defaults for those not given)",
		params: []docParam{{name: "AllowUsersToChangePassword", def: []string{"true"}}, {name: "HardExpiry", def: []string{"false"}},
			{name: "MaxPasswordAge", def: []string{"90"}}, {name: "MinimumPasswordLength", def: []string{"14"}}, {name: "PasswordReusePrevention", def: []string{"24"}},
			{name: "RequireLowercaseCharacters", def: []string{"true"}}, {name: "RequireNumbers", def: []string{"true"}},
			{name: "RequireSymbols", def: []string{"true"}}, {name: "RequireUppercaseCharacters", def: []string{"true"}}, assumeRole},
		run: func(ex *execution) error {
			p := &PasswordPolicy{
				AllowUsersToChangePassword: ex.bool("AllowUsersToChangePassword"), HardExpiry: ex.bool("HardExpiry"),
				RequireLowercaseCharacters: ex.bool("RequireLowercaseCharacters"), RequireNumbers: ex.bool("RequireNumbers"),
				RequireSymbols: ex.bool("RequireSymbols"), RequireUppercaseCharacters: ex.bool("RequireUppercaseCharacters"),
			}
			for _, f := range []struct {
				name     string
				dst      *int
				min, max int
			}{{"MaxPasswordAge", &p.MaxPasswordAge, 1, 1095}, {"MinimumPasswordLength", &p.MinimumPasswordLength, 6, 128}, {"PasswordReusePrevention", &p.PasswordReusePrevention, 1, 24}} {
				n, err := strconv.Atoi(ex.param(f.name))
				if err != nil || n < f.min || n > f.max {
					return fmt.Errorf("%s %q is not a number between %d and %d", f.name, ex.param(f.name), f.min, f.max)
				}
				*f.dst = n
			}
			return ex.call("UpdateAccountPasswordPolicy", "iam", "UpdateAccountPasswordPolicy", map[string]any{"minimumPasswordLength": p.MinimumPasswordLength}, func() error {
				ex.a.PasswordPolicy = p
				return nil
			})
		},
	},
	"AWSConfigRemediation-RevokeUnusedIAMUserCredentials": {
		summary: "iam:UpdateAccessKey to Inactive for each access key of the user IAMResourceId (its user id) unused for MaxCredentialUsageAge days (default 90)",
		params:  []docParam{{name: "IAMResourceId", required: true}, {name: "MaxCredentialUsageAge", def: []string{"90"}}, assumeRole},
		run: func(ex *execution) error {
			days, err := strconv.Atoi(ex.param("MaxCredentialUsageAge"))
			if err != nil || days < 0 || days > 365 {
				return fmt.Errorf("MaxCredentialUsageAge %q is not a number of days between 0 and 365", ex.param("MaxCredentialUsageAge"))
			}
			i := slices.IndexFunc(ex.a.Users, func(u *User) bool { return u.ID == ex.param("IAMResourceId") })
			if i < 0 {
				return fmt.Errorf("NoSuchEntity: no IAM user has the id %s", ex.param("IAMResourceId"))
			}
			u := ex.a.Users[i]
			cutoff := time.Now().UTC().AddDate(0, 0, -days)
			for _, k := range u.AccessKeys {
				last := k.LastUsed
				if last.IsZero() {
					last = k.Created
				}
				if k.Status != "Active" || last.After(cutoff) {
					continue
				}
				err := ex.call("DeactivateUnusedKeys", "iam", "UpdateAccessKey", map[string]any{"userName": u.Name, "accessKeyId": k.ID, "status": "Inactive"}, func() error {
					k.Status = "Inactive"
					return nil
				})
				if err != nil {
					return err
				}
			}
			return nil
		},
	},
}

// check refuses unknown parameters and missing required ones, as
// StartAutomationExecution does.
func (d *document) check(params map[string][]string) error {
	for name := range params {
		if !slices.ContainsFunc(d.params, func(p docParam) bool { return p.name == name }) {
			return apiErr(400, "InvalidAutomationExecutionParametersException", "Parameter \"%s\" is not defined in the document.", name)
		}
	}
	for _, p := range d.params {
		if p.required && len(params[p.name]) == 0 {
			return apiErr(400, "InvalidAutomationExecutionParametersException", "Parameter \"%s\" is required but was not provided.", p.name)
		}
	}
	return nil
}

// withDefaults fills the parameters not given from the document.
func (d *document) withDefaults(params map[string][]string) map[string][]string {
	out := map[string][]string{}
	for _, p := range d.params {
		if v := params[p.name]; len(v) > 0 {
			out[p.name] = v
		} else if p.def != nil {
			out[p.name] = p.def
		}
	}
	return out
}

// execution is one run of a document against the simulated account; the
// sandbox lock is held throughout.
type execution struct {
	sb     *Sandbox
	w      *world
	a      *Account
	r      *Region
	region string
	auto   *Automation
	params map[string][]string
	// ident is who the steps act as: the AutomationAssumeRole session, or
	// the caller who started the execution.
	ident identity
}

func (ex *execution) param(name string) string {
	if v := ex.params[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func (ex *execution) bool(name string) bool { return strings.EqualFold(ex.param(name), "true") }

func (ex *execution) output(name, value string) {
	if ex.auto.Outputs == nil {
		ex.auto.Outputs = map[string][]string{}
	}
	key := "Step." + name
	ex.auto.Outputs[key] = append(ex.auto.Outputs[key], value)
}

// call is one step: an API call SSM makes on the caller's behalf. It is
// recorded in the call log (invoked by ssm.amazonaws.com), an injected
// fault for that service and operation fails it, and otherwise effect
// changes the state.
func (ex *execution) call(step, service, api string, params map[string]any, effect func() error) error {
	st := &AutomationStep{Name: step, Action: "aws:executeAwsApi", Service: service, API: api, Status: "Success"}
	ex.auto.Steps = append(ex.auto.Steps, st)
	c := &Call{Time: time.Now().UTC(), Service: service, Operation: api, Protocol: "internal", Account: ex.a.ID, Region: ex.region,
		Caller: ex.ident.arn, Params: params, Status: 200, InvokedBy: "ssm.amazonaws.com"}
	var err error
	if f := ex.sb.faultFor(service, api); f != nil && f.Error != "" {
		c.Fault = true
		err = faultErr(ex.sb.services.byName[service], f)
	} else {
		err = effect()
	}
	if err != nil {
		st.Status, st.Failure = "Failed", err.Error()
		c.Status, c.Error, c.errMsg = 400, "Failed", err.Error()
		if e, ok := err.(*apiError); ok {
			c.Status, c.Error, c.errMsg = e.status, e.code, e.msg
		}
		err = fmt.Errorf("Step %s failed: %w", step, err)
	}
	c.trail = ex.sb.internalTrailRecord(c, ex.ident, ex.sb.services.byName[service])
	c.size = callOverhead + paramsSize(c.Params) + len(c.trail)
	ex.sb.appendCall(c)
	ex.sb.deliverTrail(c)
	return err
}

// bucket finds a bucket of the account the execution runs in.
func (ex *execution) bucket(name string) (*Bucket, error) {
	owner, b := ex.w.bucket(name)
	if b == nil {
		return nil, fmt.Errorf("NoSuchBucket: the bucket %s does not exist", name)
	}
	if owner != ex.a {
		return nil, fmt.Errorf("AccessDenied: the bucket %s belongs to another account", name)
	}
	return b, nil
}

func (ex *execution) pab() *PublicAccessBlock {
	return &PublicAccessBlock{ex.bool("BlockPublicAcls"), ex.bool("IgnorePublicAcls"), ex.bool("BlockPublicPolicy"), ex.bool("RestrictPublicBuckets")}
}

func (ex *execution) bucketPAB(name string, p *PublicAccessBlock) error {
	b, err := ex.bucket(name)
	if err != nil {
		return err
	}
	return ex.call("PutBucketPublicAccessBlock", "s3", "PutPublicAccessBlock", map[string]any{"bucketName": b.Name}, func() error {
		b.PublicAccessBlock = p
		return nil
	})
}

// revokeOpen revokes the group's ingress rules for TCP on the ports from
// the CIDRs, those that exist.
func (ex *execution) revokeOpen(groupID string, ports []int32, cidrs []string) error {
	g := ex.r.group(groupID)
	if g == nil {
		return notFoundGroup(groupID)
	}
	var perms []*Rule
	for _, sr := range g.rules() {
		p := sr.rule
		if sr.egress || sr.src.kind == "group" || !slices.Contains(cidrs, sr.src.value) {
			continue
		}
		for _, port := range ports {
			if p.Protocol == "tcp" && p.FromPort == port && p.ToPort == port {
				perms = append(perms, sr.single())
			}
		}
	}
	if len(perms) == 0 {
		return nil
	}
	return ex.call("RevokeSecurityGroupIngress", "ec2", "RevokeSecurityGroupIngress", map[string]any{"groupId": g.ID, "rules": len(perms)}, func() error {
		next, err := changeRules(g.Ingress, perms, false)
		if err == nil {
			g.Ingress = next
		}
		return err
	})
}

// closeGroup revokes every rule of the group.
func (ex *execution) closeGroup(groupID string, mustBeDefault bool) error {
	g := ex.r.group(groupID)
	if g == nil {
		return notFoundGroup(groupID)
	}
	if mustBeDefault && g.Name != "default" {
		return fmt.Errorf("the security group %s is not a VPC's default security group", g.ID)
	}
	if len(g.Ingress) > 0 {
		if err := ex.call("RevokeIngress", "ec2", "RevokeSecurityGroupIngress", map[string]any{"groupId": g.ID}, func() error {
			g.Ingress = nil
			return nil
		}); err != nil {
			return err
		}
	}
	if len(g.Egress) > 0 {
		return ex.call("RevokeEgress", "ec2", "RevokeSecurityGroupEgress", map[string]any{"groupId": g.ID}, func() error {
			g.Egress = nil
			return nil
		})
	}
	return nil
}

// instanceStates moves the InstanceId instances to state, from one of the
// states allowed.
func (ex *execution) instanceStates(step, api, state string, from ...string) error {
	ids := ex.params["InstanceId"]
	var ins []*Instance
	for _, id := range ids {
		in := ex.r.instance(id)
		if in == nil {
			return notFoundInstance(id)
		}
		if !slices.Contains(from, in.State) {
			return apiErr(400, "IncorrectInstanceState", "The instance '%s' is not in a state from which it can be moved to %s (%s).", id, state, in.State)
		}
		ins = append(ins, in)
	}
	return ex.call(step, "ec2", api, map[string]any{"instancesSet": ids}, func() error {
		for _, in := range ins {
			in.State = state
		}
		return nil
	})
}
