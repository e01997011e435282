package scan_test

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/lang"
	"github.com/vigilhq/vigil/internal/sandbox"
	"github.com/vigilhq/vigil/internal/scan"
)

// heapPeak samples the live heap while a scan runs and reports the highest
// value above the heap at the start: the scan's own memory, without the
// in-process sandbox's copy of the findings.
type heapPeak struct {
	stop chan struct{}
	done sync.WaitGroup
	base uint64
	peak uint64
}

func heapNow() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func startPeak() *heapPeak {
	runtime.GC()
	p := &heapPeak{stop: make(chan struct{}), base: heapNow()}
	p.done.Add(1)
	go func() {
		defer p.done.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				if h := heapNow(); h > p.peak {
					p.peak = h
				}
			}
		}
	}()
	return p
}

func (p *heapPeak) end() float64 {
	close(p.stop)
	p.done.Wait()
	if p.peak < p.base {
		return 0
	}
	return float64(p.peak-p.base) / (1 << 20)
}

// BenchmarkScanToCSV scans 10,000, 30,000 and 100,000 sandbox findings to
// a CSV (every default-filter violation in two regions, Japanese headers),
// without and with the diff against the previous run in SQLite. It reports
// findings scanned per second, rows written, and the scan's peak heap above
// its starting point (peak-MB), which stays flat as the count grows
// because pages are streamed.
//
// The sandbox runs in a child process (this test binary, running
// TestSandboxProcess), so that its copy of the findings is not counted as
// the scan's memory. peak-rss-MB is this process's peak resident set so
// far (VmHWM), which only grows: flat across the sizes means the 100,000
// finding scan needed no more than the 10,000 one.
func BenchmarkScanToCSV(b *testing.B) {
	for _, n := range []int{10000, 30000, 100000} {
		b.Run(fmt.Sprintf("findings=%d", n), func(b *testing.B) {
			scanner := sandboxProcess(b, n)
			q := scan.Query{Regions: []string{tokyo, usEast}}
			for _, mode := range []string{"csv", "csv+history"} {
				b.Run(mode, func(b *testing.B) {
					var h *scan.History
					if mode == "csv+history" {
						h = openHistoryB(b, "sqlite://"+filepath.Join(b.TempDir(), "vigil.db"))
					}
					var peak float64
					rows := 0
					start := time.Now()
					for i := 0; i < b.N; i++ {
						p := startPeak()
						res, err := scan.Run(ctx, scanner, io.Discard, scan.Options{Query: q, Lang: lang.JA, BOM: true, History: h, Owners: owners})
						peak = max(peak, p.end())
						if err != nil {
							b.Fatal(err)
						}
						rows = res.Total
					}
					el := time.Since(start)
					b.ReportMetric(float64(n)*float64(b.N)/el.Seconds(), "findings/s")
					b.ReportMetric(float64(rows), "rows")
					b.ReportMetric(peak, "peak-MB")
					b.ReportMetric(peakRSS(), "peak-rss-MB")
				})
			}
		})
	}
}

// sandboxProcess starts a sandbox holding n generated findings in a child
// process and points the SDK at it.
func sandboxProcess(b *testing.B, n int) *scan.Scanner {
	awsEnv(b)
	cmd := exec.Command(os.Args[0], "-test.run=^TestSandboxProcess$")
	cmd.Env = append(os.Environ(), "VIGIL_SCAN_BENCH_SANDBOX="+strconv.Itoa(n))
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { stdin.Close(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("sandbox process: %v", err)
	}
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "SANDBOX ")
	if !ok {
		b.Fatalf("sandbox process said %q", line)
	}
	b.Setenv("AWS_ENDPOINT_URL", url)
	cfg, err := awsx.Load(ctx, awsx.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return &scan.Scanner{AWS: cfg}
}

// TestSandboxProcess is the child process of BenchmarkScanToCSV: it serves
// a sandbox until its standard input closes. It does nothing in a normal
// test run.
func TestSandboxProcess(t *testing.T) {
	n, err := strconv.Atoi(os.Getenv("VIGIL_SCAN_BENCH_SANDBOX"))
	if err != nil {
		t.Skip("only run by BenchmarkScanToCSV")
	}
	sc := scenario()
	sc.GeneratedFindings = n
	sb, err := sandbox.Start(ctx, sandbox.Options{Scenario: sc, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	fmt.Printf("SANDBOX %s\n", sb.URL())
	io.Copy(io.Discard, os.Stdin)
}

// peakRSS returns the process's peak resident set size in MiB (Linux).
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return float64(kb) / 1024
		}
	}
	return 0
}

func openHistoryB(b *testing.B, dsn string) *scan.History {
	st, err := storeOpen(dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	h, err := scan.OpenHistory(ctx, st)
	if err != nil {
		b.Fatal(err)
	}
	return h
}
