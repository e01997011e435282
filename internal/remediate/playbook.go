package remediate

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/vigilhq/vigil/internal/lang"

	"github.com/vigilhq/vigil/internal/kb"
)

// Playbook is one remediation: a small named part, as a Cloud Custodian
// action is, that knows how to read, change, check and restore one kind of
// resource. Playbooks never decide whether to act: the workflow does (mode,
// policy, approval), and hands them clients that only allow what the step
// may do.
type Playbook interface {
	// Name is the playbook's name in configuration and on the command
	// line, e.g. "ec2-isolate".
	Name() string
	// Info describes the playbook for docs, policy and vigil remediate
	// policy.
	Info() Info
	// Plan reads the resource and returns what Apply would change, the
	// exact API calls, the before-state and how to roll back. Its clients
	// refuse every call that is not a read (Describe*, Get*, List*,
	// Head*), so a plan can change nothing.
	Plan(ctx context.Context, in PlanInput) (*Plan, error)
	// Apply makes the change. It is idempotent: it reads the current state
	// first and skips what is already done, and tags what it creates with
	// key (the remediation's idempotency key) so that a second run, after
	// a crash or a retry, finds it instead of creating it again.
	Apply(ctx context.Context, c *Clients, p *Plan, key string) (*Result, error)
	// Verify re-reads the resource and says whether it is in the intended
	// state; detail says what it found (or what is not), in English and
	// Japanese.
	Verify(ctx context.Context, c *Clients, p *Plan, r *Result) (ok bool, detail Note, err error)
	// Rollback restores the before-state recorded in the plan, removing
	// what Apply created. It is idempotent too. Playbooks whose change
	// cannot be undone return ErrNoRollback.
	Rollback(ctx context.Context, c *Clients, p *Plan, r *Result) error
}

// Note is a short text in English and Japanese, such as what a
// verification found. Either may be empty; In falls back to English.
type Note struct {
	EN string
	JA string
}

// In returns the text in language l: Japanese when asked for and
// present, English otherwise.
func (n Note) In(l lang.Lang) string {
	if l == lang.JA && n.JA != "" {
		return n.JA
	}
	return n.EN
}

// Info describes a playbook.
type Info struct {
	// Summary is one line for lists, in English and Japanese.
	Summary, SummaryJA string
	// Destructive playbooks (terminate) are never applied without a human
	// approval, and the person who requested one may not approve it.
	Destructive bool
	// Reversible is false when Rollback cannot restore the before-state
	// (a terminated instance).
	Reversible bool
	// RollbackOnFailure says whether a failed or unverified apply is
	// rolled back before escalating. False for playbooks whose partial
	// effect is worth keeping (forensic snapshots are evidence).
	RollbackOnFailure bool
	// Resources are the resource types the playbook acts on, as ASFF
	// names them (AwsEc2Instance, AwsS3Bucket, ...); AwsAccount for
	// account-level settings.
	Resources []string
	// Permissions are the IAM actions the playbook needs, for plan,
	// apply, verify and rollback together.
	Permissions []string
	// ReadPermissions are the subset Plan and Verify need.
	ReadPermissions []string
}

// PlanInput is what Plan reads.
type PlanInput struct {
	// Clients are read-only.
	Clients *Clients
	Finding *Finding
	// Resource is the finding's resource the plan acts on.
	Resource Resource
	// Params are the playbook's parameters (configuration, then the
	// mapping's), as JSON; decode them with DecodeParams.
	Params json.RawMessage
	// Now is the plan's time (recorded in tags and notes).
	Now time.Time
}

// Plan is what a playbook would do to one resource.
type Plan struct {
	Playbook string `json:"playbook"`
	Account  string `json:"account"`
	Region   string `json:"region"`
	// Resource names the resource acted on: an id (i-..., sg-...), a
	// bucket name, an access key id, or "account" for account settings.
	Resource     string `json:"resource"`
	ResourceType string `json:"resource_type"`
	// Mode is the policy's decision (dry-run, approve, auto), set by the
	// workflow after planning; Reason says why.
	Mode     string `json:"mode"`
	Reason   string `json:"reason,omitempty"`
	ReasonJA string `json:"reason_ja,omitempty"`
	// Steps are the exact API calls Apply makes, in order. A value not
	// known before applying is a placeholder written <LIKE_THIS>; a step's
	// Saves names the placeholders its response fills in.
	Steps []Step `json:"steps"`
	// Before is the resource's state as read, which Rollback restores.
	Before json.RawMessage `json:"before"`
	// Rollback are the API calls that restore Before.
	Rollback []Step `json:"rollback"`
	// NoChange is set when the resource is already in the intended state:
	// Steps is empty and nothing will be applied.
	NoChange bool `json:"no_change,omitempty"`
	// Destructive copies the playbook's Info.Destructive.
	Destructive bool `json:"destructive,omitempty"`
	// Explanation says what the plan changes and why, in English and
	// Japanese.
	Explanation   string `json:"explanation"`
	ExplanationJA string `json:"explanation_ja,omitempty"`
	// Tags are the resource's tags, for the policy (exemption and mode
	// overrides by tag).
	Tags map[string]string `json:"tags,omitempty"`
	// Params are the parameters the plan was made with.
	Params json.RawMessage `json:"params,omitempty"`
	// Terraform is the plan as Terraform, where a resource applies; empty
	// otherwise.
	Terraform string `json:"terraform,omitempty"`
	// Citations are the organisation's policy documents (path and
	// heading) the parameters came from.
	Citations []kb.Citation `json:"citations,omitempty"`
}

// Step is one API call.
type Step struct {
	// API is "service:Operation", the service as the AWS CLI names it
	// (ec2, iam, s3api, s3control, guardduty, ssm).
	API string `json:"api"`
	// Params are the call's parameters as the API takes them.
	Params map[string]any `json:"params"`
	// Saves maps a placeholder this step's response defines (without the
	// angle brackets) to the response field holding it, e.g.
	// {"ISOLATION_GROUP_ID": "GroupId"}.
	Saves map[string]string `json:"saves,omitempty"`
	// Note says why the step is there, when that is not obvious.
	Note string `json:"note,omitempty"`
}

// Result is what Apply did, kept for Verify and Rollback.
type Result struct {
	// Changed is false when Apply found everything already done.
	Changed bool `json:"changed"`
	// Data is the playbook's own record (ids it created, ...).
	Data json.RawMessage `json:"data,omitempty"`
	// Summary says what was done, for notifications.
	Summary string `json:"summary,omitempty"`
	// Key is the idempotency key Apply ran with. After a failed Apply the
	// workflow rolls back with a Result holding only Key, so Rollback can
	// find what the failed run created.
	Key string `json:"key,omitempty"`
}

// ErrNoRollback is returned by Rollback for changes that cannot be undone.
var ErrNoRollback = errors.New("this change cannot be rolled back")

// ParamChecker is implemented by playbooks that take parameters: it checks
// parameters from the configuration when vigil starts (and in vigil config
// check), before any finding needs them.
type ParamChecker interface {
	CheckParams(params json.RawMessage) error
}

// DecodeParams decodes params into v, refusing unknown fields, and names
// the playbook in errors.
func DecodeParams(playbook string, params json.RawMessage, v any) error {
	if len(params) == 0 || string(params) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(params))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s parameters: %w", playbook, err)
	}
	return nil
}

// Registry holds the playbooks vigil knows, by name. Build one with
// NewRegistry; it does not change afterwards.
type Registry struct {
	byName map[string]Playbook
	names  []string
}

// NewRegistry returns a registry of playbooks; a name given twice is an
// error.
func NewRegistry(pbs ...Playbook) (*Registry, error) {
	r := &Registry{byName: map[string]Playbook{}}
	for _, p := range pbs {
		n := p.Name()
		if _, dup := r.byName[n]; dup {
			return nil, fmt.Errorf("remediate: playbook %q registered twice", n)
		}
		r.byName[n] = p
		r.names = append(r.names, n)
	}
	sort.Strings(r.names)
	return r, nil
}

// Get returns the playbook named name.
func (r *Registry) Get(name string) (Playbook, bool) {
	p, ok := r.byName[name]
	return p, ok
}

// Names returns the playbooks' names, sorted.
func (r *Registry) Names() []string { return append([]string(nil), r.names...) }

// Lookup returns the playbook named name or an error listing the known
// ones.
func (r *Registry) Lookup(name string) (Playbook, error) {
	if p, ok := r.byName[name]; ok {
		return p, nil
	}
	return nil, fmt.Errorf("unknown playbook %q (known: %s)", name, strings.Join(r.names, ", "))
}

// PermanentError marks an error that retrying cannot fix (a document that
// failed, a resource that is gone).
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent marks err as one retrying cannot fix.
func Permanent(err error) error { return &PermanentError{err} }

// UUID derives a UUID-shaped token from key, for APIs whose idempotency
// token must be a UUID (SSM, GuardDuty): the same key gives the same
// token.
func UUID(key string) string {
	h := sha256.Sum256([]byte(key))
	h[6] = h[6]&0x0f | 0x50 // version 5-style: name-based
	h[8] = h[8]&0x3f | 0x80
	x := hex.EncodeToString(h[:16])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}
