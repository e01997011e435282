package investigate

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/store"
	"github.com/vigilhq/vigil/internal/store/storetest"
)

// databases returns a fresh database URL per kind: SQLite always,
// PostgreSQL when VIGIL_TEST_POSTGRES_URL is set (see storetest).
func databases() map[string]func(testing.TB) string {
	return map[string]func(testing.TB) string{
		"sqlite":   func(t testing.TB) string { return "sqlite://" + filepath.Join(t.TempDir(), "v.db") },
		"postgres": func(t testing.TB) string { return storetest.PostgresURL(t) },
	}
}

// openService opens a fresh database with investigation's tables.
func openService(t testing.TB, dsn string, o Options) *Service {
	t.Helper()
	st, err := store.Open(context.Background(), dsn, Migrations)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return New(st, o)
}

// call is one synthetic CloudTrail record.
type call struct {
	t                    time.Time
	identity             string // userIdentity JSON
	source, name, region string
	ip, ua, errCode      string
	request, response    string // JSON, or "" for null
	resources            string // JSON array, or ""
}

const synthAccount = "111122223333"

func iamUser(name, key string) string {
	return fmt.Sprintf(`{"type":"IAMUser","principalId":"AIDA%s","arn":"arn:aws:iam::%s:user/%s","accountId":"%s","accessKeyId":"%s","userName":"%s"}`,
		strings.ToUpper(name), synthAccount, name, synthAccount, key, name)
}

func assumedRole(role, session, key string) string {
	return fmt.Sprintf(`{"type":"AssumedRole","principalId":"AROA%s:%s","arn":"arn:aws:sts::%s:assumed-role/%s/%s","accountId":"%s","accessKeyId":"%s","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROA%s","arn":"arn:aws:iam::%s:role/%s","accountId":"%s","userName":"%s"},"attributes":{"creationDate":"2026-11-01T00:00:00Z","mfaAuthenticated":"false"}}}`,
		strings.ToUpper(role), session, synthAccount, role, session, synthAccount, key, strings.ToUpper(role), synthAccount, role, synthAccount, role)
}

func (c call) record(id string) string {
	or := func(s, def string) string {
		if s == "" {
			return def
		}
		return s
	}
	errCode := ""
	if c.errCode != "" {
		errCode = `"errorCode":"` + c.errCode + `","errorMessage":"User is not authorized to perform this operation",`
	}
	res := ""
	if c.resources != "" {
		res = `"resources":` + c.resources + `,`
	}
	return fmt.Sprintf(`{"eventVersion":"1.09","userIdentity":%s,"eventTime":"%s","eventSource":"%s","eventName":"%s","awsRegion":"%s","sourceIPAddress":"%s","userAgent":"%s",%s"requestParameters":%s,"responseElements":%s,%s"requestID":"%s","eventID":"%s","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"%s","eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"%s"}}`,
		c.identity, c.t.UTC().Format(time.RFC3339), c.source, c.name, c.region, c.ip, c.ua, errCode,
		or(c.request, "null"), or(c.response, "null"), res, id[:18], id, synthAccount, c.source)
}

// writeLogFile writes calls as one gzipped CloudTrail log file.
func writeLogFile(t testing.TB, path string, calls []call, idPrefix string) {
	t.Helper()
	var b bytes.Buffer
	b.WriteString(`{"Records":[`)
	for i, c := range calls {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(c.record(eventUUID(idPrefix, i)))
	}
	b.WriteString(`]}`)
	var z bytes.Buffer
	gz := gzip.NewWriter(&z)
	gz.Write(b.Bytes())
	gz.Close()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, z.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// eventUUID makes a UUID-shaped eventID unique per prefix and index.
func eventUUID(prefix string, i int) string {
	h := uint64(hashID(prefix, strconv.Itoa(i)))
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", uint32(h>>32), uint16(h>>16), uint16(h)&0xfff, uint16(h>>4)&0xfff, h&0xffffffffffff)
}

// synthStart is the first day of the synthetic data.
var synthStart = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// ordinaryDay is a working day (09:00-17:59 UTC) of the account's usual
// principals: alice (a user), the app role (a new session every day) and
// ci-deployer, the principal that is later misused.
func ordinaryDay(day int) []call {
	var out []call
	base := synthStart.AddDate(0, 0, day)
	alice := iamUser("alice", "AKIAALICE00000000001")
	app := assumedRole("app", fmt.Sprintf("app-%02d", day), fmt.Sprintf("ASIAAPP%013d", day))
	ci := iamUser("ci-deployer", "AKIACIDEPLOYER000001")
	for h := 9; h < 18; h++ {
		for i := range 6 {
			at := base.Add(time.Duration(h)*time.Hour + time.Duration(i*9+1)*time.Minute)
			out = append(out,
				call{t: at, identity: alice, source: "ec2.amazonaws.com", name: []string{"DescribeInstances", "DescribeVolumes", "DescribeSecurityGroups"}[i%3],
					region: "ap-northeast-1", ip: "198.51.100.20", ua: "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64"},
				call{t: at.Add(20 * time.Second), identity: app, source: "s3.amazonaws.com", name: []string{"GetObject", "PutObject"}[i%2],
					region: "ap-northeast-1", ip: "10.0.1.5", ua: "aws-sdk-go-v2/1.30.0 os/linux lang/go#1.22",
					request: `{"bucketName":"app-data-111122223333","key":"k"}`})
		}
		for i := range 8 {
			at := base.Add(time.Duration(h)*time.Hour + time.Duration(i*7+3)*time.Minute)
			out = append(out, call{t: at, identity: ci, source: "ec2.amazonaws.com", name: []string{"DescribeInstances", "DescribeSecurityGroups"}[i%2],
				region: "us-east-1", ip: "198.51.100.7", ua: "aws-cli/2.13.0 Python/3.11.4 Linux/5.15 exe/x86_64"})
		}
	}
	return out
}

// attack is what happens on the attack day with ci-deployer's key: a new
// IP, a burst of AccessDenied, a sweep over many regions, and an admin
// policy attached to a new user.
func attack(day int) []call {
	base := synthStart.AddDate(0, 0, day).Add(10 * time.Hour)
	ci := iamUser("ci-deployer", "AKIACIDEPLOYER000001")
	ip, ua := "203.0.113.66", "aws-cli/2.13.0 Python/3.11.4 Linux/5.15 exe/x86_64"
	var out []call
	for i := range 25 {
		out = append(out, call{t: base.Add(time.Duration(i*4) * time.Second), identity: ci, source: "iam.amazonaws.com", name: "ListUsers",
			region: "us-east-1", ip: ip, ua: ua, errCode: "AccessDenied"})
	}
	regions := []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1",
		"eu-north-1", "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2", "ap-south-1", "sa-east-1", "ca-central-1"}
	for i, r := range regions {
		for j := range 5 {
			out = append(out, call{t: base.Add(5*time.Minute + time.Duration(i*60+j*10)*time.Second), identity: ci, source: "ec2.amazonaws.com",
				name: "DescribeInstances", region: r, ip: ip, ua: ua})
		}
	}
	at := base.Add(50 * time.Minute)
	out = append(out,
		call{t: at, identity: ci, source: "iam.amazonaws.com", name: "CreateUser", region: "us-east-1", ip: ip, ua: ua,
			request:  `{"userName":"backup-svc"}`,
			response: `{"user":{"path":"/","userName":"backup-svc","userId":"AIDABACKUPSVC","arn":"arn:aws:iam::111122223333:user/backup-svc","createDate":"Nov 15, 2026 10:50:00 AM"}}`},
		call{t: at.Add(10 * time.Second), identity: ci, source: "iam.amazonaws.com", name: "AttachUserPolicy", region: "us-east-1", ip: ip, ua: ua,
			request: `{"userName":"backup-svc","policyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}`},
		call{t: at.Add(20 * time.Second), identity: ci, source: "iam.amazonaws.com", name: "CreateAccessKey", region: "us-east-1", ip: ip, ua: ua,
			request:  `{"userName":"backup-svc"}`,
			response: `{"accessKey":{"userName":"backup-svc","accessKeyId":"AKIABACKUPSVC0000001","status":"Active","createDate":"Nov 15, 2026 10:50:20 AM"}}`},
	)
	return out
}

// writeScenario writes two quiet weeks and the attack day, the attack
// day's file named so that it is loaded first: "first seen" must not
// depend on load order.
func writeScenario(t testing.TB, dir string) {
	writeLogFile(t, filepath.Join(dir, "0-attack-day.json.gz"), append(ordinaryDay(14), attack(14)...), "attack")
	for d := range 14 {
		writeLogFile(t, filepath.Join(dir, fmt.Sprintf("1-day-%02d.json.gz", d)), ordinaryDay(d), fmt.Sprintf("day%d", d))
	}
}

func TestSyntheticAttackLabelled(t *testing.T) {
	dir := t.TempDir()
	writeScenario(t, dir)
	ctx := context.Background()
	for name, dsn := range databases() {
		t.Run(name, func(t *testing.T) {
			s := openService(t, dsn(t), DefaultOptions())
			stats, err := s.Load(ctx, dir, LoadOptions{BatchRecords: 1000})
			if err != nil {
				t.Fatal(err)
			}
			if want := 15*9*20 + 25 + 80 + 3; stats.Loaded != want {
				t.Fatalf("loaded %d records, want %d", stats.Loaded, want)
			}
			day := synthStart.AddDate(0, 0, 14)
			q := TimelineQuery{Since: day, Until: day.Add(24*time.Hour - time.Second)}
			ci, _ := ParseEntity("arn:aws:iam::111122223333:user/ci-deployer")
			tl, err := s.Timeline(ctx, ci, q)
			if err != nil {
				t.Fatal(err)
			}
			byLabel := map[string][]TimelineEvent{}
			for _, ev := range tl.Events {
				for _, l := range ev.Labels {
					byLabel[l] = append(byLabel[l], ev)
				}
			}
			for _, l := range []string{LabelNewIP, LabelFailedBurst, LabelNewRegion, LabelVolumeSpike, LabelSensitive} {
				if len(byLabel[l]) == 0 {
					t.Errorf("no call of ci-deployer labelled %s", l)
				}
			}
			// new-ip: exactly the first call from the new address.
			if evs := byLabel[LabelNewIP]; len(evs) != 1 || evs[0].SourceIP != "203.0.113.66" || evs[0].Time != day.Add(10*time.Hour) {
				t.Errorf("new-ip on %d calls, want the first from 203.0.113.66: %+v", len(evs), evs)
			} else if why := evs[0].Why[LabelNewIP]; why != "first seen; baseline 14 days, 1008 calls from 198.51.100.7" {
				t.Errorf("why new-ip = %q", why)
			}
			// failed-burst: the 25 denied calls, and only them.
			if evs := byLabel[LabelFailedBurst]; len(evs) != 25 {
				t.Errorf("failed-burst on %d calls, want the 25 denied ones", len(evs))
			} else {
				for _, ev := range evs {
					if ev.ErrorCode != "AccessDenied" {
						t.Errorf("failed-burst on a call that was not denied: %+v", ev)
					}
				}
				if why := evs[0].Why[LabelFailedBurst]; !strings.HasPrefix(why, "25 denied calls between 2026-11-15T10:00:00Z and 2026-11-15T10:01:36Z") {
					t.Errorf("why failed-burst = %q", why)
				}
			}
			// new-region: the first call in each of the 15 regions not used before.
			if evs := byLabel[LabelNewRegion]; len(evs) != 15 {
				t.Errorf("new-region on %d calls, want 15", len(evs))
			}
			// volume-spike: every call of 10:00-10:59, none of 9:00.
			for _, ev := range tl.Events {
				spike := false
				for _, l := range ev.Labels {
					spike = spike || l == LabelVolumeSpike
				}
				if in10 := ev.Time.Hour() == 10; spike != in10 {
					t.Errorf("%s %s: volume-spike %v, want %v", ev.Time.Format(time.RFC3339), ev.EventName, spike, in10)
					break
				}
			}
			sens := map[string]bool{}
			for _, ev := range byLabel[LabelSensitive] {
				sens[ev.EventName] = true
			}
			if len(sens) != 3 || !sens["CreateUser"] || !sens["AttachUserPolicy"] || !sens["CreateAccessKey"] {
				t.Errorf("sensitive calls = %v, want CreateUser, AttachUserPolicy, CreateAccessKey", sens)
			}
			// The ordinary principals of the same day get no labels at all,
			// the role although its session and key are new every day.
			for _, name := range []string{"arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:role/app"} {
				e, _ := ParseEntity(name)
				tl, err := s.Timeline(ctx, e, q)
				if err != nil {
					t.Fatal(err)
				}
				if len(tl.Events) != 54 {
					t.Errorf("%s: %d calls on the attack day, want 54", name, len(tl.Events))
				}
				for _, ev := range tl.Events {
					if len(ev.Labels) > 0 {
						t.Errorf("%s: ordinary call labelled: %s %s %v %v", name, ev.Time.Format(time.RFC3339), ev.EventName, ev.Labels, ev.Why)
						break
					}
				}
			}
			// The new user: created by ci-deployer, with the admin policy.
			bu, _ := ParseEntity("arn:aws:iam::111122223333:user/backup-svc")
			rel, err := s.Related(ctx, bu, 0)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{
				"created-by": "arn:aws:iam::111122223333:user/ci-deployer",
				"has-policy": "arn:aws:iam::aws:policy/AdministratorAccess",
				"has-key":    "AKIABACKUPSVC0000001",
			}
			for _, r := range rel.Related {
				if want[r.Relation] == r.Entity {
					delete(want, r.Relation)
				}
			}
			if len(want) > 0 {
				t.Errorf("backup-svc lacks relations %v; has %+v", want, rel.Related)
			}
			pol, _ := ParseEntity("arn:aws:iam::aws:policy/AdministratorAccess")
			rel, err = s.Related(ctx, pol, 0)
			if err != nil {
				t.Fatal(err)
			}
			found := 0
			for _, r := range rel.Related {
				if r.Relation == "attached-by" && r.Entity == "arn:aws:iam::111122223333:user/ci-deployer" ||
					r.Relation == string(RelAttachedTo) && r.Entity == "arn:aws:iam::111122223333:user/backup-svc" {
					found++
				}
			}
			if found != 2 {
				t.Errorf("AdministratorAccess relations = %+v, want attached-to backup-svc and attached-by ci-deployer", rel.Related)
			}
		})
	}
}

// TestMinHistory: a principal seen for less than min_history gets no
// new-* label, whatever it does.
func TestMinHistory(t *testing.T) {
	dir := t.TempDir()
	// Only the two days before the attack: less than the default 3 days.
	writeLogFile(t, filepath.Join(dir, "a.json"), append(append(ordinaryDay(12), ordinaryDay(13)...), attack(14)...), "short")
	s := openService(t, "sqlite://"+filepath.Join(t.TempDir(), "v.db"), DefaultOptions())
	if _, err := s.Load(context.Background(), dir, LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	ci, _ := ParseEntity("arn:aws:iam::111122223333:user/ci-deployer")
	tl, err := s.Timeline(context.Background(), ci, TimelineQuery{Since: synthStart.AddDate(0, 0, 14)})
	if err != nil {
		t.Fatal(err)
	}
	labels := map[string]int{}
	for _, ev := range tl.Events {
		for _, l := range ev.Labels {
			labels[l]++
		}
	}
	for _, l := range []string{LabelNewIP, LabelNewRegion, LabelNewAPI, LabelNewUserAgent, LabelVolumeSpike} {
		if labels[l] > 0 {
			t.Errorf("%d calls labelled %s with 2 days of history", labels[l], l)
		}
	}
	if labels[LabelFailedBurst] != 25 || labels[LabelSensitive] != 3 {
		t.Errorf("labels = %v, want the 25 failed-burst and 3 sensitive calls still labelled", labels)
	}
	// The reasons in Japanese.
	ja, err := s.Timeline(context.Background(), ci, TimelineQuery{Since: synthStart.AddDate(0, 0, 14), Lang: "ja"})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range ja.Events {
		for l, why := range ev.Why {
			if strings.Contains(why, "%!") || !strings.ContainsAny(why, "のはをにが") {
				t.Errorf("%s reason in Japanese: %q", l, why)
			}
		}
	}
	if why := ja.Events[0].Why[LabelFailedBurst]; !strings.HasPrefix(why, "25 件の呼び出しが 2026-11-15T10:00:00Z から") || !strings.Contains(why, "5m0s 以内に 20 件") {
		t.Errorf("failed-burst reason in Japanese: %q", why)
	}
}

// TestPrune: records older than the cutoff go, with their resource
// references, baselines and hourly volumes; newer ones stay whole.
func TestPrune(t *testing.T) {
	dir := t.TempDir()
	writeScenario(t, dir)
	ctx := context.Background()
	for name, dsn := range databases() {
		t.Run(name, func(t *testing.T) {
			s := openService(t, dsn(t), DefaultOptions())
			if _, err := s.Load(ctx, dir, LoadOptions{}); err != nil {
				t.Fatal(err)
			}
			total := countRows(t, s, "inv_events")
			cutoff := synthStart.AddDate(0, 0, 7)
			n, err := s.Prune(ctx, cutoff)
			if err != nil {
				t.Fatal(err)
			}
			if want := 7 * 9 * 20; n != want {
				t.Errorf("pruned %d records, want the first 7 days' %d", n, want)
			}
			if left := countRows(t, s, "inv_events"); left != total-n {
				t.Errorf("%d records left, want %d", left, total-n)
			}
			var old int
			s.st.Q().QueryRow(ctx, `SELECT (SELECT count(*) FROM inv_events WHERE t < ?) + (SELECT count(*) FROM inv_event_resources WHERE t < ?) + (SELECT count(*) FROM inv_seen WHERE day < ?) + (SELECT count(*) FROM inv_hours WHERE hour < ?)`,
				cutoff.UnixMicro(), cutoff.UnixMicro(), cutoff.UnixMicro()/usPerDay, cutoff.UnixMicro()/usPerHour).Scan(&old)
			if old != 0 {
				t.Errorf("%d rows older than the cutoff left", old)
			}
			if sumCalls(t, s) != total-n {
				t.Errorf("hourly volumes count %d calls, want %d", sumCalls(t, s), total-n)
			}
			// An entity only the pruned records named is gone.
			app00, _ := ParseEntity("arn:aws:sts::111122223333:assumed-role/app/app-00")
			if _, err := s.Timeline(ctx, app00, TimelineQuery{}); !IsNotFound(err) {
				t.Errorf("session of day 0 after pruning: %v, want not found", err)
			}
		})
	}
}
