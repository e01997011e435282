package investigate

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/shareddata"
)

// The stolen-credential session of the Stratus Red Team simulation in
// invictus_aws_dataset: the role of instance i-0dbc91f429e48eeed, whose
// credentials were taken (ec2-steal-instance-credentials) and used from
// 192.168.10.20 while the instance itself kept calling from 3.225.16.109.
const (
	stolenSession = "arn:aws:sts::123837392027:assumed-role/stratus-red-team-ec2-steal-credentials-role/i-0dbc91f429e48eeed"
	attackerIP    = "192.168.10.20"
	instanceIP    = "3.225.16.109"
)

// TestStolenCredentialSession: the session's timeline is reconstructed in
// order, and exactly its calls from the attacker's address are labelled
// unusual (new-ip, new-user-agent, new-api). The simulation lasts 55
// minutes, so it is read with min_history 0 (any earlier call is
// history), as docs/investigate.md does.
func TestStolenCredentialSession(t *testing.T) {
	dir := shareddata.Dir(t, "cloudtrail/invictus_aws_dataset")
	o := DefaultOptions()
	o.MinHistory = 0
	for name, dsn := range databases() {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := openService(t, dsn(t), o)
			if _, err := s.Load(ctx, dir, LoadOptions{}); err != nil {
				t.Fatal(err)
			}
			e, _ := ParseEntity(stolenSession)
			tl, err := s.Timeline(ctx, e, TimelineQuery{})
			if err != nil {
				t.Fatal(err)
			}
			if len(tl.Events) != 15 {
				t.Fatalf("%d calls, want the session's 15", len(tl.Events))
			}
			if !slices.IsSortedFunc(tl.Events, func(a, b TimelineEvent) int { return a.Time.Compare(b.Time) }) {
				t.Error("timeline is not in time order")
			}
			var attacker []string
			for _, ev := range tl.Events {
				if ev.Principal != stolenSession {
					t.Errorf("call by %s in the session's timeline", ev.Principal)
				}
				if ev.SourceIP == attackerIP {
					attacker = append(attacker, ev.EventName)
					for _, l := range []string{LabelNewIP, LabelNewUserAgent, LabelNewAPI} {
						if !slices.Contains(ev.Labels, l) {
							t.Errorf("attacker's %s not labelled %s: %v", ev.EventName, l, ev.Labels)
						}
					}
					if why := ev.Why[LabelNewIP]; why == "" {
						t.Errorf("no reason for new-ip on %s", ev.EventName)
					}
				} else if slices.Contains(ev.Labels, LabelNewIP) || slices.Contains(ev.Labels, LabelNewUserAgent) {
					t.Errorf("the instance's own %s at %s labelled %v", ev.EventName, ev.Time.Format(time.RFC3339), ev.Labels)
				}
			}
			slices.Sort(attacker)
			if !slices.Equal(attacker, []string{"DescribeInstances", "GetCallerIdentity"}) {
				t.Errorf("calls from %s = %v, want DescribeInstances and GetCallerIdentity", attackerIP, attacker)
			}
			// The first call is the instance's; the session is the
			// instance's role credentials.
			if tl.Events[0].SourceIP != instanceIP || len(tl.Events[0].Labels) != 0 {
				t.Errorf("first call = %+v, want the instance's own, unlabelled", tl.Events[0])
			}
			rel, err := s.Related(ctx, e, 0)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{
				"credentials-of": "arn:aws:ec2:us-east-1:123837392027:instance/i-0dbc91f429e48eeed",
				"session-of":     "arn:aws:iam::123837392027:role/stratus-red-team-ec2-steal-credentials-role",
				"called-from":    attackerIP,
			}
			for _, r := range rel.Related {
				if want[r.Relation] == r.Entity {
					delete(want, r.Relation)
				}
			}
			if len(want) > 0 {
				t.Errorf("missing relations %v in %+v", want, rel.Related)
			}
			// The attacker's address, read the other way, leads back to
			// the session.
			ip, _ := ParseEntity(attackerIP)
			tl, err = s.Timeline(ctx, ip, TimelineQuery{Since: time.Date(2023, 7, 10, 11, 57, 22, 0, time.UTC), Until: time.Date(2023, 7, 10, 11, 57, 22, 0, time.UTC)})
			if err != nil {
				t.Fatal(err)
			}
			bySession := 0
			for _, ev := range tl.Events {
				if ev.Principal == stolenSession {
					bySession++
				}
			}
			if bySession != 2 {
				t.Errorf("%s at 11:57:22: %d calls by the stolen session, want 2", attackerIP, bySession)
			}
		})
	}
}

// TestSensitiveAndNoMFA: the console sign-in of the user the simulation
// created (iam-create-user-login-profile) is labelled sensitive and
// no-mfa, with the default options.
func TestSensitiveAndNoMFA(t *testing.T) {
	dir := shareddata.Dir(t, "cloudtrail/invictus_aws_dataset")
	s := openService(t, "sqlite://"+filepath.Join(t.TempDir(), "v.db"), DefaultOptions())
	ctx := context.Background()
	if _, err := s.Load(ctx, dir, LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	e, _ := ParseEntity("arn:aws:iam::123837392027:user/stratus-red-team-nmfalu-gfjyeaypjt")
	tl, err := s.Timeline(ctx, e, TimelineQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tl.Events) != 1 || tl.Events[0].EventName != "ConsoleLogin" {
		t.Fatalf("events = %+v, want its ConsoleLogin", tl.Events)
	}
	ev := tl.Events[0]
	if !slices.Equal(ev.Labels, []string{LabelSensitive, LabelNoMFA}) || ev.Why[LabelSensitive] != "ConsoleLogin without MFA is on the sensitive list" {
		t.Errorf("labels %v, why %v", ev.Labels, ev.Why)
	}
	// bert-jan signed in with MFA: sensitive list entry does not apply.
	bj, _ := ParseEntity("arn:aws:iam::123837392027:user/bert-jan")
	tl, err = s.Timeline(ctx, bj, TimelineQuery{Since: time.Date(2023, 7, 10, 12, 27, 45, 0, time.UTC), Until: time.Date(2023, 7, 10, 12, 27, 45, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range tl.Events {
		if ev.EventName == "ConsoleLogin" && len(ev.Labels) != 0 {
			t.Errorf("sign-in with MFA labelled %v", ev.Labels)
		}
	}
}

// sharedRecords counts the distinct eventIDs under dir, read with the
// loader's own parser.
func sharedRecords(t *testing.T, dir string) int {
	ids := map[string]bool{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isLogFileName(p) {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		recs, _, err := readLogFile(f)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, r := range recs {
			ids[r.EventID] = true
		}
		return nil
	})
	return len(ids)
}

func countRows(t *testing.T, s *Service, table string) int {
	var n int
	if err := s.st.Q().QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func sumCalls(t *testing.T, s *Service) int {
	var n int
	if err := s.st.Q().QueryRow(context.Background(), "SELECT coalesce(sum(n), 0) FROM inv_hours").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLoadTwiceStoresOnce: a second load reads no file again and stores
// nothing; every record is stored once and counted once in the
// baselines; touching a file makes it read again without storing
// anything twice.
func TestLoadTwiceStoresOnce(t *testing.T) {
	dir := shareddata.Dir(t, "cloudtrail")
	want := sharedRecords(t, dir)
	for name, dsn := range databases() {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := openService(t, dsn(t), DefaultOptions())
			first, err := s.Load(ctx, dir, LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if first.Loaded != want {
				t.Errorf("first load stored %d, want %d distinct records", first.Loaded, want)
			}
			second, err := s.Load(ctx, dir, LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if second.Loaded != 0 || second.Files != 0 || second.FilesSkipped != first.Files || second.Skipped != first.Loaded+first.Skipped {
				t.Errorf("second load = %+v, want nothing read (first: %+v)", second, first)
			}
			if n := countRows(t, s, "inv_events"); n != want {
				t.Errorf("%d records stored, want %d", n, want)
			}
			if n := sumCalls(t, s); n != want {
				t.Errorf("baselines count %d calls, want %d", n, want)
			}
		})
	}
}

// TestLoadedFileChangedIsReadAgain: a file whose size or time changed is
// read again, and its records already stored are skipped, not doubled.
func TestLoadedFileChangedIsReadAgain(t *testing.T) {
	dir := t.TempDir()
	writeLogFile(t, filepath.Join(dir, "a.json.gz"), ordinaryDay(0), "a")
	s := openService(t, "sqlite://"+filepath.Join(t.TempDir(), "v.db"), DefaultOptions())
	ctx := context.Background()
	if _, err := s.Load(ctx, dir, LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	// CloudTrail never rewrites a file, but a copy tool may: same
	// records plus new ones.
	writeLogFile(t, filepath.Join(dir, "a.json.gz"), append(ordinaryDay(0), ordinaryDay(1)...), "a")
	os.Chtimes(filepath.Join(dir, "a.json.gz"), time.Now().Add(time.Hour), time.Now().Add(time.Hour))
	st, err := s.Load(ctx, dir, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := len(ordinaryDay(0))
	if st.Files != 1 || st.Skipped != n || st.Loaded != n {
		t.Errorf("reload = %+v, want 1 file, %d skipped, %d loaded", st, n, n)
	}
}

// TestKilledLoadResumes: a load killed (SIGKILL) after its first commit
// keeps what it committed; the next run stores the rest, each record
// once.
func TestKilledLoadResumes(t *testing.T) {
	if os.Getenv("VIGIL_TEST_LOAD_CHILD") != "" {
		return // the child runs TestKilledLoadChild
	}
	dir := shareddata.Dir(t, "cloudtrail")
	want := sharedRecords(t, dir)
	db := "sqlite://" + filepath.Join(t.TempDir(), "v.db")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-test.run=^TestKilledLoadChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "VIGIL_TEST_LOAD_CHILD="+db, "VIGIL_TEST_LOAD_DIR="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	committed := false
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if sc.Text() == "committed" {
			committed = true
			break
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	if !committed {
		t.Fatal("the child load never committed")
	}
	s := openService(t, db, DefaultOptions())
	before := countRows(t, s, "inv_events")
	if before == 0 || before >= want {
		t.Fatalf("%d records stored when killed, want some of %d", before, want)
	}
	st, err := s.Load(context.Background(), dir, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Loaded != want-before {
		t.Errorf("resumed load stored %d, want the %d missing", st.Loaded, want-before)
	}
	if st.FilesSkipped == 0 {
		t.Error("resumed load read every file again; the files committed before the kill should be skipped")
	}
	if n := countRows(t, s, "inv_events"); n != want {
		t.Errorf("%d records stored, want %d", n, want)
	}
	if n := sumCalls(t, s); n != want {
		t.Errorf("baselines count %d calls, want %d", n, want)
	}
}

// TestKilledLoadChild is the load TestKilledLoadResumes kills: it says
// "committed" after its first transaction and then waits to be killed.
func TestKilledLoadChild(t *testing.T) {
	db := os.Getenv("VIGIL_TEST_LOAD_CHILD")
	if db == "" {
		t.Skip("run by TestKilledLoadResumes")
	}
	s := openService(t, db, DefaultOptions())
	block := make(chan struct{})
	s.Load(context.Background(), os.Getenv("VIGIL_TEST_LOAD_DIR"), LoadOptions{BatchRecords: 500, Readers: 1, Progress: func(LoadStats) {
		fmt.Println("committed")
		<-block
	}})
}
