package demo

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/remediate"
	"github.com/vigilhq/vigil/internal/sandbox"
)

// attackWant is what a game day must end with: the sandbox's state after
// the approved remediations, and the attacker's calls the timeline must
// show labelled.
type attackWant struct {
	playbooks []string // the remediations, sorted
	state     func(t *testing.T, st *sandbox.Scenario, rs []*remediate.Remediation)
	labelled  []string // attacker calls labelled sensitive in the timeline
	calls     []string // other attacker calls the timeline lists
}

var attackWants = map[string]attackWant{
	"ssh-open": {
		playbooks: []string{"ec2-isolate", "sg-revoke-open-ingress"},
		state: func(t *testing.T, st *sandbox.Scenario, _ []*remediate.Remediation) {
			wantIsolated(t, st, "i-09c8b7a6d5e4f3021")
			for _, r := range findGroup(t, st, "sg-0b4d6f8a2c1e3a579").Ingress {
				if slices.Contains(r.CIDRs, "0.0.0.0/0") && r.FromPort <= 22 && 22 <= r.ToPort {
					t.Errorf("sg-0b4d6f8a2c1e3a579 still lets the world in on port 22: %+v", r)
				}
			}
		},
		labelled: []string{"AuthorizeSecurityGroupIngress"},
	},
	"stolen-key": {
		playbooks: []string{"iam-deactivate-access-key", "iam-deactivate-access-key"},
		state: func(t *testing.T, st *sandbox.Scenario, _ []*remediate.Remediation) {
			wantKeys(t, st, "etl-batch", "AKIAH24JZLHVCY3F7F6L")
			wantKeys(t, st, "svc-backup-sync", "") // the backdoor user's key
		},
		labelled: []string{"GetSecretValue", "AttachUserPolicy", "CreateUser", "CreateAccessKey", "CreateLoginProfile", "ModifySnapshotAttribute"},
	},
	"crypto-mining": {
		playbooks: []string{"ec2-isolate"},
		state: func(t *testing.T, st *sandbox.Scenario, rs []*remediate.Remediation) {
			wantIsolated(t, st, rs[0].Resource)
		},
		calls: []string{"RunInstances", "AuthorizeSecurityGroupEgress"},
	},
	"public-bucket": {
		playbooks: []string{"s3-block-public-access"},
		state: func(t *testing.T, st *sandbox.Scenario, _ []*remediate.Remediation) {
			for _, a := range st.Accounts {
				for _, b := range a.Buckets {
					if b.Name == "ap-analytics-raw-111122223333" {
						if p := b.PublicAccessBlock; p == nil || !(p.BlockPublicAcls && p.IgnorePublicAcls && p.BlockPublicPolicy && p.RestrictPublicBuckets) {
							t.Errorf("public access block of the data bucket: %+v", p)
						}
						return
					}
				}
			}
			t.Error("the data bucket is gone")
		},
		labelled: []string{"PutBucketPolicy"},
	},
	"cloudtrail-stopped": {
		playbooks: []string{"iam-deactivate-access-key"},
		state: func(t *testing.T, st *sandbox.Scenario, _ []*remediate.Remediation) {
			wantKeys(t, st, "etl-batch", "AKIAH24JZLHVCY3F7F6L")
		},
		labelled: []string{"StopLogging"},
	},
}

// TestDemoAttack runs `vigil demo --attack NAME` for every attack the
// demo supports and checks the end of each story in the sandbox itself:
// the remediations were approved by the analyst and verified, the
// resources are in their remediated state, and the attacker's timeline
// lists its calls with their labels.
func TestDemoAttack(t *testing.T) {
	names := Attacks()
	for _, must := range []string{"ssh-open", "stolen-key"} {
		if !slices.Contains(names, must) {
			t.Errorf("Attacks() = %v lacks %s", names, must)
		}
	}
	for _, name := range names {
		want, ok := attackWants[name]
		if !ok {
			t.Errorf("no expectations for attack %s", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			langs := []string{"en"}
			if name == "stolen-key" {
				langs = append(langs, "ja")
			}
			for _, lang := range langs {
				var out bytes.Buffer
				res, err := Run(context.Background(), &out, Options{Lang: lang, Attack: name, Dir: t.TempDir(), Timeout: 2 * time.Minute})
				if err != nil {
					t.Fatalf("%s: %v\n%s", lang, err, out.String())
				}
				ar := res.Attack
				if ar == nil || ar.Final == nil || ar.Timeline == nil {
					t.Fatalf("%s: incomplete result %+v\n%s", lang, ar, out.String())
				}
				if ar.Routed == 0 || ar.Events < ar.Routed {
					t.Errorf("%s: events %d, routed %d", lang, ar.Events, ar.Routed)
				}
				var playbooks []string
				for _, r := range ar.Remediations {
					playbooks = append(playbooks, r.Playbook)
					if r.Status != remediate.StatusVerified || r.VerifiedAt.IsZero() {
						t.Errorf("%s: %s on %s is %s", lang, r.Playbook, r.Resource, r.Status)
					}
				}
				slices.Sort(playbooks)
				if !slices.Equal(playbooks, want.playbooks) {
					t.Errorf("%s: remediations %v, want %v", lang, playbooks, want.playbooks)
				}
				want.state(t, ar.Final, ar.Remediations)
				checkTimeline(t, ar, want.labelled, want.calls)

				text := out.String()
				for _, s := range []string{"approve", ar.Approver, "verified"} {
					if !strings.Contains(text, s) {
						t.Errorf("%s: the output lacks %q:\n%s", lang, s, text)
					}
				}
				// vigil's own verification of each change, in the run's language.
				for _, r := range ar.Remediations {
					want := r.Verification
					if lang == "ja" {
						want = r.VerificationJA
					}
					if want == "" || !strings.Contains(text, want) {
						t.Errorf("%s: the output lacks the verification of %s on %s (%q / %q):\n%s", lang, r.Playbook, r.Resource, r.Verification, r.VerificationJA, text)
					}
				}
				if lang == "ja" && !strings.Contains(text, "攻撃者のタイムライン") {
					t.Errorf("the Japanese output is not in Japanese:\n%s", text)
				}
			}
		})
	}
}

// TestDemoAttackUnknown: an unknown attack is refused before anything
// starts, with the names that exist.
func TestDemoAttackUnknown(t *testing.T) {
	_, err := Run(context.Background(), &bytes.Buffer{}, Options{Attack: "ransomware"})
	if err == nil || !strings.Contains(err.Error(), "ransomware") || !strings.Contains(err.Error(), "ssh-open, stolen-key") {
		t.Fatalf("err = %v", err)
	}
}

// checkTimeline: every call in the timeline is the attacker's (from its
// address or with its key), the attack's calls are there, and each
// sensitive one is labelled with a reason.
func checkTimeline(t *testing.T, ar *AttackResult, labelled, calls []string) {
	t.Helper()
	tl := ar.Timeline
	if len(tl.Events) == 0 {
		t.Fatalf("the timeline of %s is empty", tl.Entity)
	}
	got, listed := map[string]bool{}, map[string]bool{}
	for _, ev := range tl.Events {
		listed[ev.EventName] = true
		if ev.SourceIP != tl.Entity && ev.AccessKeyID != tl.Entity {
			t.Errorf("the timeline of %s holds a call from %s with %s", tl.Entity, ev.SourceIP, ev.AccessKeyID)
		}
		if slices.Contains(ev.Labels, "sensitive") {
			if ev.Why["sensitive"] == "" {
				t.Errorf("%s is labelled sensitive without a reason", ev.EventName)
			}
			got[ev.EventName] = true
		}
	}
	for _, name := range labelled {
		if !got[name] {
			t.Errorf("the timeline of %s does not label %s sensitive: %+v", tl.Entity, name, tl.Events)
		}
	}
	for _, name := range calls {
		if !listed[name] {
			t.Errorf("the timeline of %s lacks %s: %+v", tl.Entity, name, tl.Events)
		}
	}
}

func findGroup(t *testing.T, st *sandbox.Scenario, id string) *sandbox.SecurityGroup {
	t.Helper()
	for _, a := range st.Accounts {
		for _, r := range a.Regions {
			for _, g := range r.SecurityGroups {
				if g.ID == id {
					return g
				}
			}
		}
	}
	t.Fatalf("no security group %s", id)
	return nil
}

// wantIsolated: the instance's only group is vigil's isolation group,
// which has no rule at all.
func wantIsolated(t *testing.T, st *sandbox.Scenario, id string) {
	t.Helper()
	for _, a := range st.Accounts {
		for _, r := range a.Regions {
			for _, in := range r.Instances {
				if in.ID != id {
					continue
				}
				if len(in.SecurityGroups) != 1 {
					t.Fatalf("%s is in %v", id, in.SecurityGroups)
				}
				g := findGroup(t, st, in.SecurityGroups[0])
				if g.Name != "vigil-isolation" || g.Tags["vigil:isolation"] != "true" || len(g.Ingress)+len(g.Egress) != 0 {
					t.Errorf("%s is in %s (%s, tags %v, %d inbound and %d outbound rules), not an empty isolation group",
						id, g.ID, g.Name, g.Tags, len(g.Ingress), len(g.Egress))
				}
				return
			}
		}
	}
	t.Fatalf("no instance %s", id)
}

// wantKeys: the user's key (every key of the user when key is empty) is
// Inactive.
func wantKeys(t *testing.T, st *sandbox.Scenario, user, key string) {
	t.Helper()
	for _, a := range st.Accounts {
		for _, u := range a.Users {
			if u.Name != user {
				continue
			}
			n := 0
			for _, k := range u.AccessKeys {
				if key == "" || k.ID == key {
					n++
					if k.Status != "Inactive" {
						t.Errorf("%s's key %s is %q", user, k.ID, k.Status)
					}
				}
			}
			if n == 0 {
				t.Errorf("%s has no key %q", user, key)
			}
			return
		}
	}
	t.Errorf("no user %s", user)
}
