package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/explain/llm/llmtest"
	"github.com/vigilhq/vigil/internal/explain/llm/mcpdocs/mcpdocstest"
)

// runAsVigilEnv makes this test binary behave as the vigil command: the
// documented examples run vigil through it, so the test needs no separate
// build of vigil (linking one takes minutes on a shared machine) and runs
// exactly the code under test.
const runAsVigilEnv = "VIGIL_DOCS_RUN_AS_VIGIL"

// docsFileEnv names the Markdown file the test runs inside its own network
// namespace (set by the outer test for the inner one).
const docsFileEnv = "VIGIL_DOCS_RUN_FILE"

// pageLimitEnv gives the inner test the time its page's session may take
// (milliseconds), pageTimeout at most.
const pageLimitEnv = "VIGIL_DOCS_RUN_LIMIT_MS"

// pageTimeout bounds one page's session: generous, because a two-core CI
// machine under load takes seconds for each AWS CLI call.
const pageTimeout = 4 * time.Minute

func TestMain(m *testing.M) {
	if os.Getenv(runAsVigilEnv) == "1" {
		os.Unsetenv(runAsVigilEnv)
		main()
	}
	os.Exit(m.Run())
}

// docBlock is one fenced shell block of a Markdown file.
type docBlock struct {
	file   string // relative to the repository root
	line   int    // the line of the opening fence
	text   string
	notRun string // the reason given by a <!-- not run: REASON --> marker
}

var notRunMarker = regexp.MustCompile(`^<!--\s*not run:\s*(.*?)\s*-->$`)

// shellBlocks returns the ```sh blocks of a Markdown file. Blocks without
// a language, or of another one, are output, usage or configuration.
func shellBlocks(file, md string) []docBlock {
	var out []docBlock
	lines := strings.Split(md, "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if !strings.HasPrefix(l, "```") {
			continue
		}
		lang := strings.TrimSpace(strings.TrimPrefix(l, "```"))
		start := i
		var body []string
		for i++; i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), "```"); i++ {
			body = append(body, lines[i])
		}
		if lang != "sh" && lang != "bash" {
			continue
		}
		b := docBlock{file: file, line: start + 1, text: strings.Join(body, "\n") + "\n"}
		for j := start - 1; j >= 0; j-- {
			if p := strings.TrimSpace(lines[j]); p != "" {
				if m := notRunMarker.FindStringSubmatch(p); m != nil {
					b.notRun = m[1]
					if b.notRun == "" {
						b.notRun = "(no reason given)"
					}
				}
				break
			}
		}
		out = append(out, b)
	}
	return out
}

func documentedFiles(t *testing.T) map[string][]docBlock {
	t.Helper()
	files, _ := filepath.Glob("../../docs/*.md")
	files = append(files, "../../README.md")
	out := map[string][]docBlock{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(f, "../../")
		if bs := shellBlocks(name, string(raw)); len(bs) > 0 {
			out[name] = bs
		}
	}
	return out
}

// TestDocumentedExamplesRun runs every shell example of README.md and
// docs/*.md as a reader would, top to bottom in one shell session per file,
// in a fresh working directory holding the repository's files, and fails
// naming the block (file:line), the command and its output when a command
// fails. Each file runs in its own network namespace (unshare -rn), so the
// ports the docs name (the sandbox on 127.0.0.1:4566, vigil serve on
// 127.0.0.1:8080, a local model on 127.0.0.1:11434) are free and nothing
// leaves the machine. There, AWS is a vigil sandbox on 127.0.0.1:4566
// (AWS_ENDPOINT_URL, a region and fake credentials exported, as
// docs/sandbox.md says), Amazon Bedrock and the OpenAI-compatible model on
// 127.0.0.1:11434 are scripted models (llmtest), and the AWS Knowledge MCP
// server is the fixture server (mcpdocstest). Blocks marked
// <!-- not run: REASON --> are not run (they need Docker, a real AWS
// deployment, or rebuild the repository); their vigil command lines are
// checked against the commands and flags as built.
//
// What the harness does that a reader does by hand: a server started in
// the background (a line ending in "&": vigil sandbox, vigil serve) is
// waited for until its port answers, as one waits for its first log line,
// and an earlier sandbox on the same port is stopped first; `go run
// ./cmd/vigil` and `go install ./cmd/vigil` use this test's binary as
// vigil instead of linking vigil again.
func TestDocumentedExamplesRun(t *testing.T) {
	if f := os.Getenv(docsFileEnv); f != "" {
		runDocFile(t, f)
		return
	}
	blocks := documentedFiles(t)
	var files []string
	total, notRun := 0, 0
	root := (&app{}).newRoot()
	for f, bs := range blocks {
		runs := false
		for _, b := range bs {
			total++
			if b.notRun == "" {
				runs = true
				continue
			}
			notRun++
			for _, line := range commandLines(b.text) {
				if problem := checkLine(root, line); problem != "" {
					t.Errorf("%s:%d (not run: %s): %q: %s", b.file, b.line, b.notRun, line, problem)
				}
			}
		}
		if runs {
			files = append(files, f)
		}
	}
	sort.Strings(files)
	if total < 40 {
		t.Fatalf("found only %d shell blocks: the extraction is broken", total)
	}
	t.Logf("%d shell blocks, %d marked not run", total, notRun)

	var missing []string
	for _, tool := range []string{"unshare", "ip", "bash", "curl", "aws"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) > 0 {
		if os.Getenv("CI") != "" {
			t.Fatalf("not installed: %s; the documented examples need them", strings.Join(missing, ", "))
		}
		t.Skipf("not installed: %s; the documented examples are not run (under CI=true this fails)", strings.Join(missing, ", "))
	}
	if out, err := exec.Command("unshare", "-rn", "true").CombinedOutput(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("unshare -rn: %v: %s", err, out)
		}
		t.Skipf("unshare -rn is not permitted here (%v: %s): the documented examples are not run (under CI=true this fails)", err, bytes.TrimSpace(out))
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	// Each page gets pageTimeout (a loaded two-core machine runs the AWS
	// CLI in seconds per call), and all of them end before the test's own
	// deadline, so a hang is reported by page and block, not by the test
	// binary's panic.
	end := time.Now().Add(20 * time.Minute)
	if d, ok := t.Deadline(); ok {
		end = d.Add(-20 * time.Second)
	}
	sem := make(chan struct{}, 3)
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			t.Parallel()
			sem <- struct{}{}
			defer func() { <-sem }()
			limit := time.Until(end)
			if limit > pageTimeout+30*time.Second {
				limit = pageTimeout + 30*time.Second
			}
			if limit < 10*time.Second {
				t.Fatalf("no time left before the test's deadline to run %s (raise go test -timeout)", f)
			}
			ctx, cancel := context.WithTimeout(context.Background(), limit)
			defer cancel()
			cmd := exec.CommandContext(ctx, "unshare", "-rn", self, "-test.run=^TestDocumentedExamplesRun$", "-test.v")
			cmd.Env = append(os.Environ(), docsFileEnv+"="+f, "VIGIL_DOCS_REPO="+repo, fmt.Sprintf("%s=%d", pageLimitEnv, (limit-20*time.Second)/time.Millisecond))
			cmd.Dir, _ = os.Getwd()
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Errorf("the examples of %s failed (%v):\n%s", f, err, out)
				return
			}
			for _, l := range strings.Split(string(out), "\n") {
				if strings.Contains(l, "documented outputs compared") {
					t.Log(regexp.MustCompile(`^\s*\S+\.go:\d+: `).ReplaceAllString(l, ""))
				}
			}
		})
	}
}

// runDocFile runs, inside the network namespace, the blocks of one file.
func runDocFile(t *testing.T, file string) {
	repo := os.Getenv("VIGIL_DOCS_REPO")
	if out, err := exec.Command("ip", "link", "set", "lo", "up").CombinedOutput(); err != nil {
		t.Fatalf("ip link set lo up: %v: %s", err, out)
	}
	var blocks []docBlock
	for _, b := range documentedFiles(t)[file] {
		if b.notRun == "" {
			blocks = append(blocks, b)
		}
	}
	tmp := t.TempDir()
	work := filepath.Join(tmp, "vigil")
	state := filepath.Join(tmp, "state")
	bin := filepath.Join(tmp, "bin")
	home := filepath.Join(tmp, "home")
	for _, d := range []string{work, state, bin, home, filepath.Join(tmp, "gopath")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// A fresh clone: the repository's files (linked, never written: the
	// examples write into the working directory) and the files the
	// examples name as the reader's own (event.json, finding.json, ...).
	entries, err := os.ReadDir(repo)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() == ".git" {
			continue
		}
		if err := os.Symlink(filepath.Join(repo, e.Name()), filepath.Join(work, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	own, _ := filepath.Glob("testdata/docs/*")
	for _, f := range own {
		if filepath.Base(f) == "README.md" {
			continue
		}
		// The repository's file of that name, if any, is replaced (the
		// link removed), never written through.
		dst := filepath.Join(work, filepath.Base(f))
		if err := os.Remove(dst); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	realGo, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(text), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write("vigil", fmt.Sprintf("#!/bin/sh\n%s=1 exec %q \"$@\"\n", runAsVigilEnv, self))
	write("go", fmt.Sprintf(`#!/bin/bash
# The documented ways of building vigil, answered with the binary under test.
case "$1 $2" in
"run ./cmd/vigil") shift 2; exec vigil "$@";;
"install ./cmd/vigil") d="${GOBIN:-$(%[1]q env GOPATH)/bin}"; mkdir -p "$d" && cp %[2]q "$d/vigil"; exit;;
esac
exec %[1]q "$@"
`, realGo, filepath.Join(bin, "vigil")))

	// Stand-ins for the services the examples reach.
	turns := make([]llmtest.Turn, 0, 40)
	for i := 0; i < 40; i++ {
		turns = append(turns, llmtest.Say("## 概要 / Overview\n\nA scripted model's explanation of the event for the documentation test."))
	}
	openai := llmtest.OpenAI(t, turns...)
	bedrock := llmtest.Bedrock(t, turns...)
	mcp := mcpdocstest.Start(t, mcpdocstest.Options{})
	target, _ := url.Parse(openai.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	local := &http.Server{Handler: http.StripPrefix("/v1", proxy), ReadHeaderTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", "127.0.0.1:11434")
	if err != nil {
		t.Fatal(err)
	}
	go local.Serve(ln)
	t.Cleanup(func() { local.Close() })
	// Webhook receivers (the pipeline's http://127.0.0.1:9000/hook, a Slack
	// incoming webhook) accept whatever they are sent.
	sink := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }), ReadHeaderTimeout: 10 * time.Second}
	sl, err := net.Listen("tcp", "127.0.0.1:9000")
	if err != nil {
		t.Fatal(err)
	}
	go sink.Serve(sl)
	t.Cleanup(func() { sink.Close() })
	// ../shared beside the clone, as the docs that use the team's data expect.
	if shared := filepath.Join(repo, "..", "shared"); dirExists(shared) {
		if err := os.Symlink(shared, filepath.Join(tmp, "shared")); err != nil {
			t.Fatal(err)
		}
	} else {
		for _, b := range blocks {
			if strings.Contains(b.text, "../shared/") {
				if os.Getenv("CI") != "" {
					t.Fatalf("%s:%d needs ../shared/data beside the repository", file, b.line)
				}
				t.Skipf("%s:%d needs ../shared/data beside the repository: %s is not run", file, b.line, file)
			}
		}
	}

	goEnv := func(k string) string {
		out, err := exec.Command(realGo, "env", k).Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	env := []string{
		"PATH=" + bin + ":" + os.Getenv("PATH"),
		"HOME=" + home, "USER=docs", "LANG=C.UTF-8", "TERM=dumb",
		"GOPATH=" + filepath.Join(tmp, "gopath"), "GOMODCACHE=" + goEnv("GOMODCACHE"), "GOCACHE=" + goEnv("GOCACHE"),
		"GOPROXY=off", "GOFLAGS=-mod=readonly", "GOTOOLCHAIN=local",
		"AWS_ENDPOINT_URL=http://127.0.0.1:4566", "AWS_REGION=ap-northeast-1", "AWS_DEFAULT_REGION=ap-northeast-1",
		"AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY=docs-example-secret",
		"AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=",
		"AWS_ENDPOINT_URL_BEDROCK_RUNTIME=" + bedrock.URL,
		"VIGIL_MCP_URL=" + mcp.URL,
		"OPENAI_BASE_URL=http://127.0.0.1:11434/v1", "OPENAI_API_KEY=docs-example",
		"SLACK_WEBHOOK_URL=http://127.0.0.1:9000/slack",
		"VIGIL_API_KEY=docs-example-key",
		"VIGIL_CACHE_DIR=" + filepath.Join(tmp, "cache"),
	}
	if ci := os.Getenv("CI"); ci != "" {
		env = append(env, "CI="+ci)
	}

	// The session: one bash for the file, each block sourced in turn with
	// every failing command recorded by its line.
	var drv strings.Builder
	drv.WriteString(`set +e
__wait_port() { for _ in $(seq 1 1200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "nothing listens on 127.0.0.1:$1 after 120s" >&2; return 1; }
__stop_sandbox() { [ -n "$__sandbox" ] && kill "$__sandbox" 2>/dev/null && wait "$__sandbox" 2>/dev/null; __sandbox=; }
vigil sandbox >"$__state/sandbox.log" 2>&1 &
__sandbox=$!
__wait_port 4566 || exit 97
cd "$__work"
`)
	golden := make([][]expected, len(blocks))
	for i, b := range blocks {
		script, exp := prepareBlock(b.text, fmt.Sprintf("%s/gold%d", state, i))
		golden[i] = exp
		if err := os.WriteFile(filepath.Join(state, fmt.Sprintf("block%d.sh", i)), []byte(script), 0o644); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&drv, "echo %d >\"$__state/current\"\n", i)
		fmt.Fprintf(&drv, "trap 'echo $LINENO >>\"$__state/fail%d\"' ERR\n", i)
		fmt.Fprintf(&drv, "source \"$__state/block%d.sh\" >\"$__state/out%d\" 2>&1 </dev/null\n", i, i)
		drv.WriteString("trap - ERR\ncd \"$__work\"\n")
	}
	drv.WriteString("echo done >\"$__state/current\"\nkill $(jobs -p) 2>/dev/null\nwait\n")
	if err := os.WriteFile(filepath.Join(state, "driver.sh"), []byte(drv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	limit := pageTimeout
	if ms, err := strconv.Atoi(os.Getenv(pageLimitEnv)); err == nil && ms > 0 {
		limit = time.Duration(ms) * time.Millisecond
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(state, "driver.sh"))
	cmd.Dir = work
	cmd.Env = append(env, "__state="+state, "__work="+work)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var driverOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &driverOut, &driverOut
	runErr := cmd.Run()
	// Whatever a block left running (a server it started) goes with it.
	if cmd.Process != nil {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	read := func(name string) string {
		raw, _ := os.ReadFile(filepath.Join(state, name))
		return string(raw)
	}
	if cur := strings.TrimSpace(read("current")); cur != "done" {
		where := "before the first block"
		if i, err := strconv.Atoi(cur); err == nil {
			where = fmt.Sprintf("in the block at %s:%d, output so far:\n%s", file, blocks[i].line, read(fmt.Sprintf("out%d", i)))
		}
		t.Fatalf("the session did not finish (%v) %s\nsession: %s\nsandbox log: %s", runErr, where, driverOut.String(), read("sandbox.log"))
	}
	for i, b := range blocks {
		fails := strings.Fields(read(fmt.Sprintf("fail%d", i)))
		if len(fails) == 0 {
			continue
		}
		lines := strings.Split(b.text, "\n")
		var cmds []string
		for _, f := range fails {
			n, _ := strconv.Atoi(f)
			if n >= 1 && n <= len(lines) {
				cmds = append(cmds, fmt.Sprintf("%s:%d: %s", file, b.line+n, strings.TrimSpace(lines[n-1])))
			}
		}
		if len(cmds) == 0 {
			cmds = append(cmds, "(the block's last command, part of a list such as a && b, exited non-zero)")
		}
		t.Errorf("%s:%d: a command of this block failed:\n  %s\noutput:\n%s", file, b.line, strings.Join(cmds, "\n  "), read(fmt.Sprintf("out%d", i)))
	}
	checked := 0
	for i, b := range blocks {
		for _, e := range golden[i] {
			prefix := fmt.Sprintf("%s/gold%d_%d", state, i, e.line)
			stdout, err1 := os.ReadFile(prefix + ".out")
			stderr, err2 := os.ReadFile(prefix + ".err")
			if err1 != nil || err2 != nil {
				t.Errorf("%s:%d: the command did not run, so its documented output was not compared", file, b.line+e.line)
				continue
			}
			checked++
			if problem := e.check(string(stdout), string(stderr)); problem != "" {
				t.Errorf("%s:%d: the output differs from the one documented below the command: %s\nstdout: %s\nstderr: %s", file, b.line+e.line, problem, stdout, stderr)
			}
		}
	}
	if checked > 0 {
		t.Logf("%s: %d documented outputs compared", file, checked)
	}
}

var backgroundServer = regexp.MustCompile(`^(?:[A-Z_]+=\S+\s+)*vigil\s+(sandbox|serve)\b(.*?)&\s*(?:#.*)?$`)

var hereDoc = regexp.MustCompile(`<<-?\s*['"]?(\w+)['"]?`)

// prepareBlock makes a block's servers wait as a reader does: a line that
// starts vigil sandbox or vigil serve in the background is followed by a
// wait for its port (and an earlier sandbox on 4566 is stopped first).
// A command followed by comments showing its output (see expectedOutput)
// has its standard output and error kept in gold+"_LINE.out" and ".err"
// (and shown as well) to be compared with them. Lines keep their numbers,
// so failures point at the Markdown.
func prepareBlock(text, gold string) (string, []expected) {
	lines := strings.Split(text, "\n")
	var exps []expected
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		trimmed := strings.TrimSpace(l)
		if m := backgroundServer.FindStringSubmatch(trimmed); m != nil {
			port := "8080"
			if m[1] == "sandbox" {
				port = "4566"
			}
			if a := regexp.MustCompile(`--addr[ =]\S*:(\d+)`).FindStringSubmatch(m[2]); a != nil {
				port = a[1]
			}
			pre := ""
			if m[1] == "sandbox" && port == "4566" {
				pre = "__stop_sandbox; "
			}
			lines[i] = pre + strings.TrimRight(strings.SplitN(l, "#", 2)[0], " ") + " __wait_port " + port
			continue
		}
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		// A command: its continuation lines, then the comments below it.
		start := i
		for i+1 < len(lines) && strings.HasSuffix(strings.TrimSpace(lines[i]), "\\") {
			i++
		}
		if h := hereDoc.FindStringSubmatch(lines[i]); h != nil {
			// A here-document's body is data, not commands: skipped,
			// and the command is run as written.
			for i+1 < len(lines) && strings.TrimSpace(lines[i]) != h[1] {
				i++
			}
			continue
		}
		var comments []string
		for j := i + 1; j < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[j]), "#"); j++ {
			comments = append(comments, strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(lines[j]), "#")))
		}
		e, ok := expectedOutput(comments)
		// A trailing comment on the command's last line would swallow
		// the redirection: such a command is run as written, unchecked.
		if !ok || strings.Contains(lines[i], " #") || strings.HasSuffix(strings.TrimSpace(lines[i]), "&") {
			continue
		}
		e.line = start + 1
		f := fmt.Sprintf("%s_%d", gold, e.line)
		lines[start] = "{ " + lines[start]
		lines[i] += fmt.Sprintf(" ; } >%q 2>%q; cat %[1]q; cat %[2]q >&2", f+".out", f+".err")
		exps = append(exps, e)
	}
	return strings.Join(lines, "\n"), exps
}

// expected is the output a block documents below a command, as comments:
// "# {...}" (or "# [...]") for its JSON on standard output, compared as
// JSON (text after the value is commentary), "# stderr: TEXT" for a line
// of its standard error, "# exit N" for the "exit N" an `|| echo "exit $?"`
// prints. Other comments are prose and are not compared.
type expected struct {
	line   int // of the command in its block, from 1
	json   []any
	stderr []string
	exit   string
}

func expectedOutput(comments []string) (expected, bool) {
	var e expected
	found := false
	for _, c := range comments {
		switch {
		case strings.HasPrefix(c, "{") || strings.HasPrefix(c, "["):
			var v any
			if err := json.NewDecoder(strings.NewReader(c)).Decode(&v); err != nil {
				continue
			}
			e.json = append(e.json, v)
			found = true
		case strings.HasPrefix(c, "stderr: "):
			e.stderr = append(e.stderr, strings.TrimPrefix(c, "stderr: "))
			found = true
		case regexp.MustCompile(`^exit \d+$`).MatchString(c):
			e.exit = c
			found = true
		}
	}
	return e, found
}

// check returns what in the output differs from e, or "".
func (e expected) check(stdout, stderr string) string {
	var problems []string
	if len(e.json) > 0 {
		dec := json.NewDecoder(strings.NewReader(stdout))
		var got []any
		for {
			var v any
			if err := dec.Decode(&v); err != nil {
				break
			}
			got = append(got, v)
		}
		if len(got) < len(e.json) {
			problems = append(problems, fmt.Sprintf("want %d JSON values on standard output, got %d", len(e.json), len(got)))
		} else {
			for k, want := range e.json {
				if !reflect.DeepEqual(got[k], want) {
					w, _ := json.Marshal(want)
					g, _ := json.Marshal(got[k])
					problems = append(problems, fmt.Sprintf("JSON value %d is %s, the docs show %s", k+1, g, w))
				}
			}
		}
	}
	for _, want := range e.stderr {
		if !strings.Contains(stderr, want) {
			problems = append(problems, fmt.Sprintf("standard error lacks %q", want))
		}
	}
	if e.exit != "" && !regexp.MustCompile(`(?m)^`+e.exit+`$`).MatchString(stdout) {
		problems = append(problems, fmt.Sprintf("no %q", e.exit))
	}
	return strings.Join(problems, "; ")
}

func dirExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// TestPrepareBlockOutputs checks how documented outputs are found and
// compared, without running a page.
func TestPrepareBlockOutputs(t *testing.T) {
	block := `vigil test-event-pattern \
  --event-pattern '{"source":["aws.ec2"]}' --event file://event.json
# {"Result": true}   (prose after the value)

vigil test-event-pattern --event-pattern '{' --event file://event.json || echo "exit $?"
# stderr: InvalidEventPatternException
# exit 2
cat > x.yaml <<'EOF2'
a: 1
EOF2
# {"not": "an output of cat"}
vigil version   # a trailing comment
# {"skipped": true}
echo hello
# a remark, not an output
`
	script, exps := prepareBlock(block, "/s/gold0")
	if len(exps) != 2 || exps[0].line != 1 || exps[1].line != 5 {
		t.Fatalf("expectations %+v, want the commands of lines 1 and 5", exps)
	}
	if got, want := strings.Count(script, "\n"), strings.Count(block, "\n"); got != want {
		t.Errorf("the script has %d lines, the block %d: failures would point at the wrong line", got, want)
	}
	lines := strings.Split(script, "\n")
	if !strings.HasPrefix(lines[0], "{ vigil") || !strings.Contains(lines[1], `; } >"/s/gold0_1.out" 2>"/s/gold0_1.err"`) {
		t.Errorf("the first command is not captured:\n%s", script)
	}
	for _, c := range []struct {
		e              expected
		stdout, stderr string
		bad            bool
	}{
		{exps[0], `{"Result":true}` + "\n", "", false},
		{exps[0], `{"Result": false}`, "", true},
		{exps[0], "", "", true},
		{exps[1], "exit 2\n", "vigil: InvalidEventPatternException: Event pattern is not valid\n", false},
		{exps[1], "exit 1\n", "InvalidEventPatternException\n", true},
		{exps[1], "exit 2\n", "", true},
	} {
		if problem := c.e.check(c.stdout, c.stderr); (problem != "") != c.bad {
			t.Errorf("check(%q, %q) = %q, want a problem: %v", c.stdout, c.stderr, problem, c.bad)
		}
	}
}
