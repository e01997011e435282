package playbooks

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/vigilhq/vigil/internal/remediate"
)

// iamPasswordPolicy sets the account's IAM password policy to the
// organisation's own, from the configuration (remediation.playbooks.
// iam-password-policy), with the CIS AWS Foundations Benchmark's values
// where the configuration says nothing (Security Hub IAM.7, IAM.10-IAM.17).
// Existing passwords are not checked until they are next changed.
type iamPasswordPolicy struct{}

func (iamPasswordPolicy) Name() string { return "iam-password-policy" }

func (iamPasswordPolicy) Info() remediate.Info {
	return remediate.Info{
		Summary:           "Set the account's IAM password policy to the configured one",
		SummaryJA:         "アカウントの IAM パスワードポリシーを設定した内容にする",
		Reversible:        true,
		RollbackOnFailure: true,
		Resources:         []string{remediate.TypeAccount},
		ReadPermissions:   []string{"iam:GetAccountPasswordPolicy"},
		Permissions:       []string{"iam:GetAccountPasswordPolicy", "iam:UpdateAccountPasswordPolicy", "iam:DeleteAccountPasswordPolicy"},
	}
}

// passwordPolicy is the policy, as parameters and as before-state. Zero
// MaxPasswordAge and PasswordReusePrevention mean none.
type passwordPolicy struct {
	MinimumPasswordLength      int32 `json:"minimum_password_length"`
	RequireSymbols             bool  `json:"require_symbols"`
	RequireNumbers             bool  `json:"require_numbers"`
	RequireUppercaseCharacters bool  `json:"require_uppercase_characters"`
	RequireLowercaseCharacters bool  `json:"require_lowercase_characters"`
	AllowUsersToChangePassword bool  `json:"allow_users_to_change_password"`
	MaxPasswordAge             int32 `json:"max_password_age"`
	PasswordReusePrevention    int32 `json:"password_reuse_prevention"`
	HardExpiry                 bool  `json:"hard_expiry"`
}

// cisPolicy is the CIS AWS Foundations Benchmark's policy (length 14,
// every character class, 24 remembered passwords, 90 days).
var cisPolicy = passwordPolicy{
	MinimumPasswordLength: 14, RequireSymbols: true, RequireNumbers: true, RequireUppercaseCharacters: true,
	RequireLowercaseCharacters: true, AllowUsersToChangePassword: true, MaxPasswordAge: 90, PasswordReusePrevention: 24,
}

// pwParams are the parameters: any field left out keeps cisPolicy's value.
type pwParams struct {
	MinimumPasswordLength      *int32 `json:"minimum_password_length"`
	RequireSymbols             *bool  `json:"require_symbols"`
	RequireNumbers             *bool  `json:"require_numbers"`
	RequireUppercaseCharacters *bool  `json:"require_uppercase_characters"`
	RequireLowercaseCharacters *bool  `json:"require_lowercase_characters"`
	AllowUsersToChangePassword *bool  `json:"allow_users_to_change_password"`
	MaxPasswordAge             *int32 `json:"max_password_age"`
	PasswordReusePrevention    *int32 `json:"password_reuse_prevention"`
	HardExpiry                 *bool  `json:"hard_expiry"`
}

func (p pwParams) policy() (passwordPolicy, error) {
	w := cisPolicy
	setI := func(dst *int32, v *int32) {
		if v != nil {
			*dst = *v
		}
	}
	setB := func(dst *bool, v *bool) {
		if v != nil {
			*dst = *v
		}
	}
	setI(&w.MinimumPasswordLength, p.MinimumPasswordLength)
	setB(&w.RequireSymbols, p.RequireSymbols)
	setB(&w.RequireNumbers, p.RequireNumbers)
	setB(&w.RequireUppercaseCharacters, p.RequireUppercaseCharacters)
	setB(&w.RequireLowercaseCharacters, p.RequireLowercaseCharacters)
	setB(&w.AllowUsersToChangePassword, p.AllowUsersToChangePassword)
	setI(&w.MaxPasswordAge, p.MaxPasswordAge)
	setI(&w.PasswordReusePrevention, p.PasswordReusePrevention)
	setB(&w.HardExpiry, p.HardExpiry)
	switch {
	case w.MinimumPasswordLength < 6 || w.MinimumPasswordLength > 128:
		return w, fmt.Errorf("iam-password-policy parameters: minimum_password_length: want 6 to 128 (IAM's limits), got %d", w.MinimumPasswordLength)
	case w.MaxPasswordAge < 0 || w.MaxPasswordAge > 1095:
		return w, fmt.Errorf("iam-password-policy parameters: max_password_age: want 1 to 1095 days, or 0 for none, got %d", w.MaxPasswordAge)
	case w.PasswordReusePrevention < 0 || w.PasswordReusePrevention > 24:
		return w, fmt.Errorf("iam-password-policy parameters: password_reuse_prevention: want 1 to 24, or 0 for none, got %d", w.PasswordReusePrevention)
	}
	return w, nil
}

// input is the UpdateAccountPasswordPolicy call that sets p. Every field
// is sent: IAM resets the ones left out to their defaults.
func (p passwordPolicy) input() *iam.UpdateAccountPasswordPolicyInput {
	in := &iam.UpdateAccountPasswordPolicyInput{
		MinimumPasswordLength: aws.Int32(p.MinimumPasswordLength), RequireSymbols: p.RequireSymbols, RequireNumbers: p.RequireNumbers,
		RequireUppercaseCharacters: p.RequireUppercaseCharacters, RequireLowercaseCharacters: p.RequireLowercaseCharacters,
		AllowUsersToChangePassword: p.AllowUsersToChangePassword, HardExpiry: aws.Bool(p.HardExpiry),
	}
	if p.MaxPasswordAge > 0 {
		in.MaxPasswordAge = aws.Int32(p.MaxPasswordAge)
	}
	if p.PasswordReusePrevention > 0 {
		in.PasswordReusePrevention = aws.Int32(p.PasswordReusePrevention)
	}
	return in
}

func (p passwordPolicy) params() map[string]any {
	m := map[string]any{
		"MinimumPasswordLength": p.MinimumPasswordLength, "RequireSymbols": p.RequireSymbols, "RequireNumbers": p.RequireNumbers,
		"RequireUppercaseCharacters": p.RequireUppercaseCharacters, "RequireLowercaseCharacters": p.RequireLowercaseCharacters,
		"AllowUsersToChangePassword": p.AllowUsersToChangePassword, "HardExpiry": p.HardExpiry,
	}
	if p.MaxPasswordAge > 0 {
		m["MaxPasswordAge"] = p.MaxPasswordAge
	}
	if p.PasswordReusePrevention > 0 {
		m["PasswordReusePrevention"] = p.PasswordReusePrevention
	}
	return m
}

func (p passwordPolicy) terraform() string {
	var b strings.Builder
	b.WriteString("resource \"aws_iam_account_password_policy\" \"this\" {\n")
	fmt.Fprintf(&b, "  minimum_password_length        = %d\n", p.MinimumPasswordLength)
	fmt.Fprintf(&b, "  require_symbols                = %t\n", p.RequireSymbols)
	fmt.Fprintf(&b, "  require_numbers                = %t\n", p.RequireNumbers)
	fmt.Fprintf(&b, "  require_uppercase_characters   = %t\n", p.RequireUppercaseCharacters)
	fmt.Fprintf(&b, "  require_lowercase_characters   = %t\n", p.RequireLowercaseCharacters)
	fmt.Fprintf(&b, "  allow_users_to_change_password = %t\n", p.AllowUsersToChangePassword)
	if p.MaxPasswordAge > 0 {
		fmt.Fprintf(&b, "  max_password_age               = %d\n", p.MaxPasswordAge)
	}
	if p.PasswordReusePrevention > 0 {
		fmt.Fprintf(&b, "  password_reuse_prevention      = %d\n", p.PasswordReusePrevention)
	}
	fmt.Fprintf(&b, "  hard_expiry                    = %t\n}\n", p.HardExpiry)
	return b.String()
}

type pwBefore struct {
	// Policy is nil when the account had none.
	Policy *passwordPolicy `json:"password_policy"`
	Want   passwordPolicy  `json:"wanted"`
}

func getPasswordPolicy(ctx context.Context, c *remediate.Clients) (*passwordPolicy, error) {
	out, err := c.IAM().GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
	if apiCode(err) == "NoSuchEntity" {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the account's password policy: %w", err)
	}
	x := out.PasswordPolicy
	return &passwordPolicy{
		MinimumPasswordLength: aws.ToInt32(x.MinimumPasswordLength), RequireSymbols: x.RequireSymbols, RequireNumbers: x.RequireNumbers,
		RequireUppercaseCharacters: x.RequireUppercaseCharacters, RequireLowercaseCharacters: x.RequireLowercaseCharacters,
		AllowUsersToChangePassword: x.AllowUsersToChangePassword, MaxPasswordAge: aws.ToInt32(x.MaxPasswordAge),
		PasswordReusePrevention: aws.ToInt32(x.PasswordReusePrevention), HardExpiry: aws.ToBool(x.HardExpiry),
	}, nil
}

func (p iamPasswordPolicy) Plan(ctx context.Context, in remediate.PlanInput) (*remediate.Plan, error) {
	var par pwParams
	if err := remediate.DecodeParams(p.Name(), in.Params, &par); err != nil {
		return nil, err
	}
	want, err := par.policy()
	if err != nil {
		return nil, err
	}
	cur, err := getPasswordPolicy(ctx, in.Clients)
	if err != nil {
		return nil, err
	}
	acct := in.Clients.Account()
	plan := &remediate.Plan{Playbook: p.Name(), Resource: "account", ResourceType: remediate.TypeAccount, Before: mustJSON(pwBefore{cur, want}), Params: mustJSON(want)}
	if cur != nil && *cur == want {
		plan.NoChange = true
		plan.Explanation = fmt.Sprintf("The password policy of account %s is already the configured one.", acct)
		plan.ExplanationJA = fmt.Sprintf("アカウント %s のパスワードポリシーは既に設定どおりです。", acct)
		return plan, nil
	}
	plan.Steps = []remediate.Step{step("iam:UpdateAccountPasswordPolicy", want.params())}
	if cur == nil {
		plan.Rollback = []remediate.Step{step("iam:DeleteAccountPasswordPolicy", map[string]any{})}
	} else {
		plan.Rollback = []remediate.Step{step("iam:UpdateAccountPasswordPolicy", cur.params())}
	}
	plan.Explanation = fmt.Sprintf("Set the IAM password policy of account %s: at least %d characters, symbols %t, numbers %t, upper case %t, lower case %t, expiry %d days, %d passwords remembered. Existing passwords are checked when next changed.",
		acct, want.MinimumPasswordLength, want.RequireSymbols, want.RequireNumbers, want.RequireUppercaseCharacters, want.RequireLowercaseCharacters, want.MaxPasswordAge, want.PasswordReusePrevention)
	plan.ExplanationJA = fmt.Sprintf("アカウント %s の IAM パスワードポリシーを設定します: %d 文字以上、記号 %t、数字 %t、大文字 %t、小文字 %t、有効期限 %d 日、再利用禁止 %d 世代。既存のパスワードは次回の変更時に適用されます。",
		acct, want.MinimumPasswordLength, want.RequireSymbols, want.RequireNumbers, want.RequireUppercaseCharacters, want.RequireLowercaseCharacters, want.MaxPasswordAge, want.PasswordReusePrevention)
	plan.Terraform = want.terraform()
	return plan, nil
}

func (p iamPasswordPolicy) Apply(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, key string) (*remediate.Result, error) {
	var b pwBefore
	if err := decodeBefore(plan, &b); err != nil {
		return nil, err
	}
	res := &remediate.Result{Summary: "password policy set"}
	cur, err := getPasswordPolicy(ctx, c)
	if err != nil {
		return nil, err
	}
	if cur != nil && *cur == b.Want {
		return res, nil
	}
	if _, err := c.IAM().UpdateAccountPasswordPolicy(ctx, b.Want.input()); err != nil {
		return nil, fmt.Errorf("setting the password policy: %w", err)
	}
	res.Changed = true
	return res, nil
}

func (p iamPasswordPolicy) Verify(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, r *remediate.Result) (bool, remediate.Note, error) {
	var b pwBefore
	if err := decodeBefore(plan, &b); err != nil {
		return false, remediate.Note{}, err
	}
	cur, err := getPasswordPolicy(ctx, c)
	if err != nil {
		return false, remediate.Note{}, err
	}
	if cur == nil {
		return false, remediate.Note{
			EN: "the account has no password policy",
			JA: fmt.Sprintf("アカウント %s にパスワードポリシーが設定されていません", c.Account()),
		}, nil
	}
	if *cur != b.Want {
		return false, remediate.Note{
			EN: fmt.Sprintf("the password policy is %+v, not the configured %+v", *cur, b.Want),
			JA: fmt.Sprintf("アカウント %s のパスワードポリシーが設定値と異なります（現在: %+v、設定値: %+v）", c.Account(), *cur, b.Want),
		}, nil
	}
	return true, remediate.Note{
		EN: "the password policy is the configured one",
		JA: fmt.Sprintf("アカウント %s のパスワードポリシーは設定どおりになっています", c.Account()),
	}, nil
}

func (p iamPasswordPolicy) Rollback(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, r *remediate.Result) error {
	var b pwBefore
	if err := decodeBefore(plan, &b); err != nil {
		return err
	}
	if b.Policy == nil {
		if _, err := c.IAM().DeleteAccountPasswordPolicy(ctx, &iam.DeleteAccountPasswordPolicyInput{}); err != nil && apiCode(err) != "NoSuchEntity" {
			return fmt.Errorf("removing the password policy: %w", err)
		}
		return nil
	}
	if _, err := c.IAM().UpdateAccountPasswordPolicy(ctx, b.Policy.input()); err != nil {
		return fmt.Errorf("restoring the password policy: %w", err)
	}
	return nil
}

// CheckParams checks the policy's fields against IAM's limits.
func (p iamPasswordPolicy) CheckParams(params json.RawMessage) error {
	var par pwParams
	if err := remediate.DecodeParams(p.Name(), params, &par); err != nil {
		return err
	}
	_, err := par.policy()
	return err
}
