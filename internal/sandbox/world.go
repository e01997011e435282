package sandbox

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// world is the live state. Every method expects sb.mu to be held.
type world struct {
	sb             *Sandbox
	name           string
	defaultAccount string
	defaultRegion  string
	creds          map[string]Credential // checked when enforce
	enforce        bool
	accounts       []*Account
	sessions       map[string]*session // AssumeRole credentials by access key id
	findings       *findingStore
	queueWake      map[*Queue]chan struct{}
}

// session is a set of temporary credentials handed out by AssumeRole.
type session struct {
	account, role, name, secret, token string
	expires                            time.Time
}

// copyJSON deep-copies v into out through JSON.
func copyJSON(v, out any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

func newWorld(sb *Sandbox, sc *Scenario) (*world, error) {
	w := &world{
		sb:        sb,
		name:      sc.Name,
		creds:     map[string]Credential{},
		sessions:  map[string]*session{},
		findings:  newFindingStore(),
		queueWake: map[*Queue]chan struct{}{},
	}
	w.defaultAccount = sc.DefaultAccount
	if w.defaultAccount == "" && len(sc.Accounts) > 0 {
		w.defaultAccount = sc.Accounts[0].ID
	}
	w.defaultRegion = sc.DefaultRegion
	if w.defaultRegion == "" {
		w.defaultRegion = "us-east-1"
	}
	if err := w.merge(sc); err != nil {
		return nil, err
	}
	return w, nil
}

// merge adds a validated scenario's content to the world.
func (w *world) merge(sc *Scenario) error {
	var accts []*Account
	if err := copyJSON(sc.Accounts, &accts); err != nil {
		return fmt.Errorf("sandbox: copy scenario: %w", err)
	}
	for _, c := range sc.Credentials {
		if c.Account == "" {
			c.Account = w.defaultAccount
		}
		w.creds[c.AccessKeyID] = c
		w.enforce = true
	}
	for _, a := range accts {
		w.fillAccount(a)
		old := w.account(a.ID)
		if old == nil {
			w.accounts = append(w.accounts, a)
			continue
		}
		old.Roles = append(old.Roles, a.Roles...)
		old.Users = append(old.Users, a.Users...)
		old.RootAccessKeys = append(old.RootAccessKeys, a.RootAccessKeys...)
		if a.PasswordPolicy != nil {
			old.PasswordPolicy = a.PasswordPolicy
		}
		old.Buckets = append(old.Buckets, a.Buckets...)
		for _, r := range a.Regions {
			or := old.findRegion(r.Name)
			if or == nil {
				old.Regions = append(old.Regions, r)
				continue
			}
			or.EbsEncryptionByDefault = or.EbsEncryptionByDefault || r.EbsEncryptionByDefault
			or.VPCs = append(or.VPCs, r.VPCs...)
			or.SecurityGroups = append(or.SecurityGroups, r.SecurityGroups...)
			or.Instances = append(or.Instances, r.Instances...)
			or.Volumes = append(or.Volumes, r.Volumes...)
			or.Snapshots = append(or.Snapshots, r.Snapshots...)
			or.Topics = append(or.Topics, r.Topics...)
			or.Queues = append(or.Queues, r.Queues...)
			or.Secrets = append(or.Secrets, r.Secrets...)
		}
	}
	now := time.Now().UTC()
	for i, f := range sc.Findings {
		raw, err := json.Marshal(f)
		if err != nil {
			return fmt.Errorf("findings[%d]: %w", i, err)
		}
		if _, err := w.findings.importRaw(raw, w.defaultRegion, now, true); err != nil {
			return fmt.Errorf("findings[%d]: %w", i, err)
		}
	}
	return nil
}

// fillAccount completes defaults that depend on the sandbox (URLs, ARNs).
func (w *world) fillAccount(a *Account) {
	for _, u := range a.Users {
		if u.ID == "" {
			u.ID = "AIDA" + w.randID(16, upperAlnum)
		}
		if u.Path == "" {
			u.Path = "/"
		}
		for _, k := range u.AccessKeys {
			if k.Status == "" {
				k.Status = "Active"
			}
		}
	}
	for _, k := range a.RootAccessKeys {
		if k.Status == "" {
			k.Status = "Active"
		}
	}
	for _, b := range a.Buckets {
		if b.Region == "" {
			b.Region = w.defaultRegion
		}
	}
	for _, r := range a.Regions {
		w.fillRegion(a, r)
	}
}

func (w *world) fillRegion(a *Account, r *Region) {
	for _, q := range r.Queues {
		q.URL = w.sb.url + "/" + a.ID + "/" + q.Name
		for _, m := range q.Messages {
			if m.Sent.IsZero() {
				m.Sent = time.Now().UTC()
			}
		}
	}
	for _, t := range r.Topics {
		t.ARN = fmt.Sprintf("arn:aws:sns:%s:%s:%s", r.Name, a.ID, t.Name)
	}
	for _, s := range r.Secrets {
		if s.ARN == "" {
			s.ARN = fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s-%s", r.Name, a.ID, s.Name, w.randID(6, alnum))
		}
		if s.Created.IsZero() {
			s.Created = time.Now().UTC()
		}
		if len(s.Versions) == 0 {
			s.Versions = []*SecretVersion{{ID: w.uuid(), String: s.Value, Stages: []string{"AWSCURRENT"}, Created: s.Created}}
		}
	}
	for _, i := range r.Instances {
		if i.Metadata == nil {
			i.Metadata = &MetadataOptions{}
		}
		if i.Metadata.HttpTokens == "" {
			i.Metadata.HttpTokens = "optional"
		}
		if i.Metadata.HttpEndpoint == "" {
			i.Metadata.HttpEndpoint = "enabled"
		}
		if i.Metadata.HttpPutResponseHopLimit == 0 {
			i.Metadata.HttpPutResponseHopLimit = 1
		}
		if i.State == "" {
			i.State = "running"
		}
		if i.Type == "" {
			i.Type = "t3.micro"
		}
	}
	for _, v := range r.Volumes {
		if v.State == "" {
			v.State = "available"
			if v.InstanceID != "" {
				v.State = "in-use"
			}
		}
		if v.Type == "" {
			v.Type = "gp3"
		}
		if v.Size == 0 {
			v.Size = 8
		}
	}
}

func (w *world) account(id string) *Account {
	for _, a := range w.accounts {
		if a.ID == id {
			return a
		}
	}
	return nil
}

func (a *Account) findRegion(name string) *Region {
	for _, r := range a.Regions {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// region returns the account's region, creating it on first use: every
// region exists in AWS, empty until something is put there.
func (a *Account) region(name string) *Region {
	if r := a.findRegion(name); r != nil {
		return r
	}
	r := &Region{Name: name}
	a.Regions = append(a.Regions, r)
	return r
}

// snapshot copies the state out as a Scenario (findings left out unless
// asked for).
func (w *world) snapshot(withFindings bool) *Scenario {
	sc := &Scenario{Name: w.name, DefaultAccount: w.defaultAccount, DefaultRegion: w.defaultRegion}
	for _, c := range w.creds {
		sc.Credentials = append(sc.Credentials, c)
	}
	slices.SortFunc(sc.Credentials, func(a, b Credential) int { return strings.Compare(a.AccessKeyID, b.AccessKeyID) })
	if err := copyJSON(w.accounts, &sc.Accounts); err != nil {
		panic("sandbox: state does not round-trip through JSON: " + err.Error())
	}
	if withFindings {
		for _, f := range w.findings.list {
			var m map[string]any
			json.Unmarshal(f.raw, &m)
			sc.Findings = append(sc.Findings, m)
		}
	}
	return sc
}

const (
	hexDigits  = "0123456789abcdef"
	alnum      = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
)

func (w *world) randID(n int, alphabet string) string {
	return randString(w.sb.rnd, n, alphabet)
}

func randString(r *rand.Rand, n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

func (w *world) uuid() string { return randUUID(w.sb.rnd) }

func randUUID(r *rand.Rand) string {
	s := randString(r, 32, hexDigits)
	return s[0:8] + "-" + s[8:12] + "-4" + s[13:16] + "-a" + s[17:20] + "-" + s[20:32]
}

// queueWaker returns the channel closed at the next change to q.
func (w *world) queueWaker(q *Queue) chan struct{} {
	ch := w.queueWake[q]
	if ch == nil {
		ch = make(chan struct{})
		w.queueWake[q] = ch
	}
	return ch
}

// wakeQueue tells long polls on q to look again.
func (w *world) wakeQueue(q *Queue) {
	if ch := w.queueWake[q]; ch != nil {
		close(ch)
		delete(w.queueWake, q)
	}
}

func (w *world) wakeAll() {
	for q := range w.queueWake {
		w.wakeQueue(q)
	}
}
