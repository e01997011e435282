// Package playbooks holds vigil's remediation playbooks, one file each, and
// All, the one function that builds the registry of them. A new playbook is
// one file here plus its test and one line in All.
//
// Every playbook follows the same rules: Plan only reads (its clients
// refuse anything else), Apply re-reads before it changes anything and
// skips what is already done, Verify re-reads, and Rollback restores the
// before-state recorded in the plan and removes what Apply created.
package playbooks

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/vigilhq/vigil/internal/remediate"
)

// All returns the registry of every playbook vigil ships.
func All() *remediate.Registry {
	r, err := remediate.NewRegistry(
		ec2Isolate{},
		ec2ForensicSnapshot{},
		ec2EnforceIMDSv2{},
		ec2Stop{},
		ec2Terminate{},
		sgRevokeOpenIngress{},
		s3BlockPublicAccess{},
		iamDeactivateAccessKey{},
		ebsDefaultEncryption{},
		iamPasswordPolicy{},
		guardDutyEnable{},
		ssmAutomation{},
	)
	if err != nil {
		// The list above is fixed: a duplicate is a bug caught by the tests.
		panic(err)
	}
	return r
}

// Tag keys vigil writes on resources it changes or creates.
const (
	// tagRemediation carries the idempotency key of the remediation that
	// created a resource, so a repeated Apply finds it.
	tagRemediation = "vigil:remediation"
	// tagIsolation marks a VPC's isolation security group.
	tagIsolation = "vigil:isolation"
	// tagIsolatedFrom and tagIsolatedAt record an isolated instance's
	// original security groups and when it was isolated.
	tagIsolatedFrom = "vigil:isolated-from"
	tagIsolatedAt   = "vigil:isolated-at"
)

func step(api string, params map[string]any) remediate.Step {
	return remediate.Step{API: api, Params: params}
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("playbooks: marshalling %T: %v", v, err))
	}
	return b
}

// decodeBefore decodes the plan's before-state into v.
func decodeBefore(p *remediate.Plan, v any) error {
	if err := json.Unmarshal(p.Before, v); err != nil {
		return fmt.Errorf("%s: reading the plan's before-state: %w", p.Playbook, err)
	}
	return nil
}

// decodeData decodes Apply's record into v (nothing when r is nil).
func decodeData(r *remediate.Result, v any) error {
	if r == nil || len(r.Data) == 0 {
		return nil
	}
	return json.Unmarshal(r.Data, v)
}

// apiCode returns the AWS error code of err, or "".
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	x := append([]string(nil), a...)
	y := append([]string(nil), b...)
	sort.Strings(x)
	sort.Strings(y)
	for i := range x {
		if x[i] != y[i] {
			return false
		}
	}
	return true
}

// needResource returns the finding's resource of type typ (the one the
// workflow chose), or an error naming what is missing.
func needResource(in remediate.PlanInput, playbook string, types ...string) (remediate.Resource, error) {
	for _, t := range types {
		if in.Resource.Type == t && in.Resource.ID != "" {
			return in.Resource, nil
		}
	}
	for _, t := range types {
		if r, ok := in.Finding.Resource(t); ok && r.ID != "" {
			return r, nil
		}
	}
	return remediate.Resource{}, fmt.Errorf("%s acts on %s, and finding %s names none", playbook, strings.Join(types, " or "), in.Finding.ID)
}
