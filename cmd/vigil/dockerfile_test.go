package main

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestDockerfile checks the container recipe without a Docker engine
// (none runs here or in CI): the Go version is go.mod's, the binary is
// static, the final stage runs as an unprivileged user, the health check
// calls /healthz on the port it exposes, and the command line it runs is
// one vigil accepts.
func TestDockerfile(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	// Instructions, with continuation lines joined and comments dropped.
	var ins []string
	cur := ""
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "#") {
			continue
		}
		if strings.HasSuffix(l, "\\") {
			cur += strings.TrimSuffix(l, "\\") + " "
			continue
		}
		if l = strings.TrimSpace(cur + l); l != "" {
			ins = append(ins, l)
		}
		cur = ""
	}
	var stages [][]string
	for _, i := range ins {
		if strings.HasPrefix(i, "FROM ") {
			stages = append(stages, nil)
		}
		if len(stages) == 0 {
			t.Fatalf("instruction before FROM: %s", i)
		}
		stages[len(stages)-1] = append(stages[len(stages)-1], i)
	}
	if len(stages) != 2 {
		t.Fatalf("%d stages, want build and run", len(stages))
	}
	mod, _ := os.ReadFile("../../go.mod")
	goVer := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(mod)
	if goVer == nil || !strings.HasPrefix(stages[0][0], "FROM golang:"+string(goVer[1])+"-") {
		t.Errorf("build stage %q does not use go.mod's Go %s", stages[0][0], goVer[1])
	}
	build := strings.Join(stages[0], "\n")
	if !strings.Contains(build, "CGO_ENABLED=0 go build") || !strings.Contains(build, "./cmd/vigil") {
		t.Errorf("the build stage does not build a static ./cmd/vigil:\n%s", build)
	}
	last := map[string]string{}
	for _, i := range stages[1] {
		k, v, _ := strings.Cut(i, " ")
		last[k] = v
	}
	if u := strings.Split(last["USER"], ":")[0]; u == "" || u == "0" || u == "root" {
		t.Errorf("the image runs as %q, want an unprivileged user", last["USER"])
	}
	hc := last["HEALTHCHECK"]
	m := regexp.MustCompile(`CMD wget -q -O /dev/null http://127\.0\.0\.1:(\d+)(/\S+)`).FindStringSubmatch(hc)
	if m == nil || m[2] != "/healthz" || last["EXPOSE"] != m[1] {
		t.Errorf("HEALTHCHECK %q: want a wget of /healthz on the exposed port %s", hc, last["EXPOSE"])
	}
	var entry, cmd []string
	if json.Unmarshal([]byte(last["ENTRYPOINT"]), &entry) != nil || json.Unmarshal([]byte(last["CMD"]), &cmd) != nil || len(entry) != 1 || entry[0] != "vigil" {
		t.Fatalf("ENTRYPOINT %s CMD %s: want exec form running vigil", last["ENTRYPOINT"], last["CMD"])
	}
	// The command line is one vigil accepts: it fails on the missing
	// file, not on its flags.
	_, errOut, code := runCLI(t, "", cmd...)
	if code == exitOK || !strings.Contains(errOut, "/etc/vigil/vigil.yaml") {
		t.Errorf("vigil %q: exit %d, %s", cmd, code, errOut)
	}
}
