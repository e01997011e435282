package sandbox

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"reflect"
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
	publicIPs      int // public addresses handed out to launched instances
}

// session is a set of temporary credentials handed out by AssumeRole.
type session struct {
	account, role, name, secret, token string
	rolePath, roleID                   string
	created, expires                   time.Time
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
		mergeInto(old, a)
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

// mergeInto adds src's content to dst, field by field: lists are
// appended, booleans ORed, set pointers and strings replace, and regions
// of the same name merge recursively. New resource kinds merge without a
// change here.
func mergeInto[T any](dst, src *T) {
	mergeValue(reflect.ValueOf(dst).Elem(), reflect.ValueOf(src).Elem())
}

func mergeValue(dst, src reflect.Value) {
	for i := 0; i < dst.NumField(); i++ {
		if !dst.Type().Field(i).IsExported() {
			continue
		}
		d, s := dst.Field(i), src.Field(i)
		switch {
		case d.Type() == reflect.TypeOf([]*Region(nil)):
			for j := 0; j < s.Len(); j++ {
				r := s.Index(j).Interface().(*Region)
				var found *Region
				for k := 0; k < d.Len(); k++ {
					if or := d.Index(k).Interface().(*Region); or.Name == r.Name {
						found = or
					}
				}
				if found == nil {
					d.Set(reflect.Append(d, s.Index(j)))
				} else {
					mergeInto(found, r)
				}
			}
		case d.Kind() == reflect.Slice:
			d.Set(reflect.AppendSlice(d, s))
		case d.Kind() == reflect.Bool:
			d.SetBool(d.Bool() || s.Bool())
		case d.Kind() == reflect.Map:
			if !s.IsNil() {
				if d.IsNil() {
					d.Set(reflect.MakeMap(d.Type()))
				}
				for _, k := range s.MapKeys() {
					d.SetMapIndex(k, s.MapIndex(k))
				}
			}
		case d.Kind() == reflect.Pointer, d.Kind() == reflect.String:
			if !s.IsZero() {
				d.Set(s)
			}
		}
	}
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
	if p := a.PasswordPolicy; p != nil && p.MinimumPasswordLength == 0 {
		p.MinimumPasswordLength = 6 // IAM's default, what GetAccountPasswordPolicy reports
	}
	for _, b := range a.Buckets {
		if b.Region == "" {
			b.Region = w.defaultRegion
		}
		for _, o := range b.Objects {
			o.body = []byte(o.Content)
			o.Size = int64(len(o.body))
			sum := md5.Sum(o.body)
			o.ETag = `"` + hex.EncodeToString(sum[:]) + `"`
			if o.LastModified.IsZero() {
				o.LastModified = time.Now().UTC().Truncate(time.Second)
			}
			if o.ContentType == "" {
				o.ContentType = "text/plain"
			}
			w.sb.objectBytes += o.Size
		}
	}
	for _, r := range a.Regions {
		w.fillRegion(a, r)
	}
}

func (w *world) fillRegion(a *Account, r *Region) {
	for _, q := range r.Queues {
		q.URL = w.sb.url + "/" + a.ID + "/" + q.Name
		if q.Created.IsZero() {
			q.Created = time.Now().UTC().Truncate(time.Second)
		}
		if q.LastModified.IsZero() {
			q.LastModified = q.Created
		}
		for _, m := range q.Messages {
			if m.Sent.IsZero() {
				m.Sent = time.Now().UTC()
			}
		}
	}
	for _, t := range r.Topics {
		t.ARN = regionalARN(r.Name, "sns", a.ID, t.Name)
	}
	for _, s := range r.Secrets {
		if s.ARN == "" {
			s.ARN = secretARN(r.Name, a.ID, s.Name, w.randID(6, alnum))
		}
		if s.Created.IsZero() {
			s.Created = time.Now().UTC()
		}
		if s.LastChanged.IsZero() {
			s.LastChanged = s.Created
		}
		if len(s.Versions) == 0 {
			s.Versions = []*SecretVersion{{ID: w.uuid(), String: s.Value, Stages: []string{"AWSCURRENT"}, Created: s.Created}}
		}
	}
	w.deriveSubnets(r)
	deriveInstanceProfiles(a, r)
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
	for _, d := range r.Detectors {
		if d.Status == "" {
			d.Status = "ENABLED"
		}
		if d.FindingPublishingFrequency == "" {
			d.FindingPublishingFrequency = "SIX_HOURS"
		}
		if d.Created.IsZero() {
			d.Created = time.Now().UTC().Truncate(time.Millisecond)
		}
		if d.Updated.IsZero() {
			d.Updated = d.Created
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

// deriveInstanceProfiles adds the instance profiles the region's
// instances name but the scenario does not list, each with the account's
// role of the same name when there is one (as the console creates them).
func deriveInstanceProfiles(a *Account, r *Region) {
	for _, in := range r.Instances {
		arn := in.InstanceProfileARN
		_, rest, ok := strings.Cut(arn, ":instance-profile/")
		if !ok || !strings.Contains(arn, ":"+a.ID+":") {
			continue
		}
		path, name := "/", rest
		if i := strings.LastIndex(rest, "/"); i >= 0 {
			path, name = "/"+rest[:i+1], rest[i+1:]
		}
		if a.instanceProfile(name) != nil {
			continue
		}
		ip := &InstanceProfile{Name: name, Path: path}
		if a.role(name) != nil {
			ip.Roles = []string{name}
		}
		a.InstanceProfiles = append(a.InstanceProfiles, ip)
	}
}

// deriveSubnets adds the subnets a scenario's instances name but the
// scenario does not describe (the demo takes them from sample events): a
// /24 around the instance's address, in its zone; in a default VPC the
// first of a zone is the zone's default subnet.
func (w *world) deriveSubnets(r *Region) {
	for _, in := range r.Instances {
		if in.SubnetID == "" || in.VPCID == "" || r.subnet(in.SubnetID) != nil || r.vpc(in.VPCID) == nil {
			continue
		}
		cidr := ""
		if a, err := netip.ParseAddr(in.PrivateIP); err == nil && a.Is4() {
			if p, err := a.Prefix(24); err == nil {
				cidr = p.String()
			}
		}
		def := r.isDefaultVPC(in.VPCID) && !slices.ContainsFunc(r.Subnets, func(s *Subnet) bool {
			return s.DefaultForAz && s.AvailabilityZone == in.AvailabilityZone
		})
		r.Subnets = append(r.Subnets, &Subnet{ID: in.SubnetID, VPCID: in.VPCID, CIDR: cidr, AvailabilityZone: in.AvailabilityZone,
			DefaultForAz: def, MapPublicIPOnLaunch: def})
	}
}
