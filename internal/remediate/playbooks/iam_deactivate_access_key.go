package playbooks

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/vigilhq/vigil/internal/remediate"
)

// iamDeactivateAccessKey makes IAM access keys inactive: the key a
// GuardDuty finding names (UnauthorizedAccess:IAMUser/*), a user's keys
// older than max_age_days (Security Hub IAM.3), or the root user's keys
// (IAM.4, only when vigil itself runs as root). The keys are not deleted:
// the rollback makes them active again. Temporary credentials (ASIA...)
// cannot be deactivated; the plan says so.
type iamDeactivateAccessKey struct{}

func (iamDeactivateAccessKey) Name() string { return "iam-deactivate-access-key" }

func (iamDeactivateAccessKey) Info() remediate.Info {
	return remediate.Info{
		Summary:           "Deactivate IAM access keys (the finding's key, a user's old keys, or root keys)",
		SummaryJA:         "IAM アクセスキーを無効化する (検出結果のキー、ユーザーの古いキー、またはルートのキー)",
		Reversible:        true,
		RollbackOnFailure: true,
		Resources:         []string{remediate.TypeAccessKey, remediate.TypeUser, remediate.TypeAccount},
		ReadPermissions:   []string{"iam:ListAccessKeys", "sts:GetCallerIdentity"},
		Permissions:       []string{"iam:ListAccessKeys", "iam:UpdateAccessKey", "sts:GetCallerIdentity"},
	}
}

type keyParams struct {
	// MaxAgeDays selects a user's keys older than this many days when the
	// finding names a user rather than a key; 90 by default.
	MaxAgeDays int `json:"max_age_days"`
}

type accessKey struct {
	ID      string `json:"access_key_id"`
	Status  string `json:"status"`
	Created string `json:"created,omitempty"`
}

type keyBefore struct {
	// User is empty for the caller's own (root) keys.
	User string      `json:"user,omitempty"`
	Keys []accessKey `json:"keys"`
}

func listKeys(ctx context.Context, c *remediate.Clients, user string) ([]accessKey, error) {
	in := &iam.ListAccessKeysInput{}
	if user != "" {
		in.UserName = aws.String(user)
	}
	var out []accessKey
	p := iam.NewListAccessKeysPaginator(c.IAM(), in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			who := "the caller"
			if user != "" {
				who = "user " + user
			}
			return nil, fmt.Errorf("listing the access keys of %s: %w", who, err)
		}
		for _, k := range page.AccessKeyMetadata {
			x := accessKey{ID: aws.ToString(k.AccessKeyId), Status: string(k.Status)}
			if k.CreateDate != nil {
				x.Created = k.CreateDate.UTC().Format(time.RFC3339)
			}
			out = append(out, x)
		}
	}
	return out, nil
}

func (p iamDeactivateAccessKey) Plan(ctx context.Context, in remediate.PlanInput) (*remediate.Plan, error) {
	var par keyParams
	if err := remediate.DecodeParams(p.Name(), in.Params, &par); err != nil {
		return nil, err
	}
	if par.MaxAgeDays == 0 {
		par.MaxAgeDays = 90
	}
	c := in.Clients
	res := in.Resource
	b := keyBefore{}
	var selected func(accessKey) bool
	switch res.Type {
	case remediate.TypeAccessKey:
		if strings.HasPrefix(res.ID, "ASIA") {
			return nil, fmt.Errorf("%s: %s is a temporary credential (ASIA...) and cannot be deactivated; revoke the sessions of the role that issued it (IAM console: Revoke active sessions)", p.Name(), res.ID)
		}
		b.User = res.Details["user"]
		if res.Details["user_type"] == "Root" {
			b.User = ""
		}
		selected = func(k accessKey) bool { return k.ID == res.ID }
	case remediate.TypeUser:
		b.User = res.ID
		cutoff := in.Now.AddDate(0, 0, -par.MaxAgeDays)
		selected = func(k accessKey) bool {
			t, err := time.Parse(time.RFC3339, k.Created)
			return k.Status == "Active" && err == nil && t.Before(cutoff)
		}
	default:
		selected = func(k accessKey) bool { return k.Status == "Active" }
	}
	if b.User == "" {
		id, err := c.STS().GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return nil, fmt.Errorf("%s: finding out who vigil runs as: %w", p.Name(), err)
		}
		if !strings.HasSuffix(aws.ToString(id.Arn), ":root") {
			return nil, fmt.Errorf("%s: root access keys can only be deactivated by the root user, and vigil runs as %s; sign in as root and deactivate them under Security credentials", p.Name(), aws.ToString(id.Arn))
		}
	}
	keys, err := listKeys(ctx, c, b.User)
	if err != nil {
		return nil, err
	}
	found := false
	for _, k := range keys {
		if selected(k) {
			b.Keys = append(b.Keys, k)
			found = true
		}
	}
	if res.Type == remediate.TypeAccessKey && !found {
		return nil, fmt.Errorf("%s: access key %s is not a key of %s", p.Name(), res.ID, firstNonEmptyStr(b.User, "the root user"))
	}
	owner, ownerJA := "user "+b.User, "ユーザー "+b.User
	if b.User == "" {
		owner, ownerJA = "the root user", "ルートユーザー"
	}
	plan := &remediate.Plan{Playbook: p.Name(), Resource: res.ID, ResourceType: res.Type, Before: mustJSON(b), Tags: res.Tags, Params: mustJSON(par)}
	var ids []string
	for _, k := range b.Keys {
		if k.Status != "Active" {
			continue
		}
		ids = append(ids, k.ID)
		upd := map[string]any{"AccessKeyId": k.ID, "Status": "Inactive"}
		rb := map[string]any{"AccessKeyId": k.ID, "Status": "Active"}
		if b.User != "" {
			upd["UserName"], rb["UserName"] = b.User, b.User
		}
		plan.Steps = append(plan.Steps, step("iam:UpdateAccessKey", upd))
		plan.Rollback = append(plan.Rollback, step("iam:UpdateAccessKey", rb))
	}
	if len(ids) == 0 {
		plan.NoChange = true
		plan.Explanation = fmt.Sprintf("No active access key of %s to deactivate.", owner)
		plan.ExplanationJA = fmt.Sprintf("%s に無効化すべき有効なアクセスキーはありません。", ownerJA)
		return plan, nil
	}
	plan.Explanation = fmt.Sprintf("Deactivate access key(s) %s of %s: requests signed with them fail from now on; the keys are kept and can be made active again.", strings.Join(ids, ", "), owner)
	plan.ExplanationJA = fmt.Sprintf("%s のアクセスキー %s を無効化します。以後このキーで署名したリクエストは失敗します。キーは削除されず、再び有効にできます。", ownerJA, strings.Join(ids, ", "))
	return plan, nil
}

func firstNonEmptyStr(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func (p iamDeactivateAccessKey) setStatus(ctx context.Context, c *remediate.Clients, user, key string, st iamtypes.StatusType) error {
	in := &iam.UpdateAccessKeyInput{AccessKeyId: aws.String(key), Status: st}
	if user != "" {
		in.UserName = aws.String(user)
	}
	if _, err := c.IAM().UpdateAccessKey(ctx, in); err != nil {
		return fmt.Errorf("making access key %s %s: %w", key, st, err)
	}
	return nil
}

func (p iamDeactivateAccessKey) current(ctx context.Context, c *remediate.Clients, b *keyBefore) (map[string]string, error) {
	keys, err := listKeys(ctx, c, b.User)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, k := range keys {
		out[k.ID] = k.Status
	}
	return out, nil
}

func (p iamDeactivateAccessKey) Apply(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, key string) (*remediate.Result, error) {
	var b keyBefore
	if err := decodeBefore(plan, &b); err != nil {
		return nil, err
	}
	now, err := p.current(ctx, c, &b)
	if err != nil {
		return nil, err
	}
	res := &remediate.Result{}
	var ids []string
	for _, k := range b.Keys {
		ids = append(ids, k.ID)
		if st, ok := now[k.ID]; !ok || st == "Inactive" {
			continue
		}
		if err := p.setStatus(ctx, c, b.User, k.ID, iamtypes.StatusTypeInactive); err != nil {
			return nil, err
		}
		res.Changed = true
	}
	res.Summary = "access key(s) " + strings.Join(ids, ", ") + " inactive"
	return res, nil
}

func (p iamDeactivateAccessKey) Verify(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, r *remediate.Result) (bool, remediate.Note, error) {
	var b keyBefore
	if err := decodeBefore(plan, &b); err != nil {
		return false, remediate.Note{}, err
	}
	now, err := p.current(ctx, c, &b)
	if err != nil {
		return false, remediate.Note{}, err
	}
	for _, k := range b.Keys {
		if st, ok := now[k.ID]; ok && st != "Inactive" {
			return false, remediate.Note{
				EN: fmt.Sprintf("access key %s is %s", k.ID, st),
				JA: fmt.Sprintf("%sのアクセスキー %s の状態は %s のままです", keyOwnerJA(b.User), k.ID, st),
			}, nil
		}
	}
	return true, remediate.Note{
		EN: fmt.Sprintf("%d access key(s) inactive", len(b.Keys)),
		JA: fmt.Sprintf("%sのアクセスキー %s は%s無効（Inactive）になっています", keyOwnerJA(b.User), keyIDs(b.Keys), map[bool]string{true: "すべて"}[len(b.Keys) > 1]),
	}, nil
}

// keyIDs lists the keys' ids, Japanese style.
func keyIDs(keys []accessKey) string {
	var ids []string
	for _, k := range keys {
		ids = append(ids, k.ID)
	}
	return strings.Join(ids, "、")
}

// keyOwnerJA names whose keys they are, in Japanese.
func keyOwnerJA(user string) string {
	if user == "" {
		return "ルートユーザー"
	}
	return "IAM ユーザー " + user + " "
}

func (p iamDeactivateAccessKey) Rollback(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, r *remediate.Result) error {
	var b keyBefore
	if err := decodeBefore(plan, &b); err != nil {
		return err
	}
	now, err := p.current(ctx, c, &b)
	if err != nil {
		return err
	}
	for _, k := range b.Keys {
		if k.Status != "Active" || now[k.ID] != "Inactive" {
			continue
		}
		if err := p.setStatus(ctx, c, b.User, k.ID, iamtypes.StatusTypeActive); err != nil {
			return err
		}
	}
	return nil
}

// CheckParams checks max_age_days.
func (p iamDeactivateAccessKey) CheckParams(params json.RawMessage) error {
	var par keyParams
	if err := remediate.DecodeParams(p.Name(), params, &par); err != nil {
		return err
	}
	if par.MaxAgeDays < 0 {
		return fmt.Errorf("%s parameters: max_age_days: %d is negative", p.Name(), par.MaxAgeDays)
	}
	return nil
}
