package sandbox

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// CloudTrail delivery: every served call's record goes, while a trail
// logs its region, to the trail directory (the S3 layout CloudTrail writes,
// AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/...json.gz), into the
// trail's bucket when that is a sandbox bucket, and, for calls that change
// something, to the events URL as "AWS API Call via CloudTrail" events.

// trailBatchMax is the most records one log file holds; trailFlushAfter
// is how long a record waits for companions before its file is written
// (CloudTrail itself delivers about every five minutes).
const (
	trailBatchMax   = 100
	trailFlushAfter = time.Second
)

// trailKey names a log file's account and region and where it goes: the
// trail directory (bucket "") or a sandbox bucket under a key prefix.
type trailKey struct{ account, region, bucket, prefix string }

// trailBuffer holds records waiting to be written.
type trailBuffer struct {
	records [][]byte
	first   time.Time
}

// deliverTrail hands a finished call's record to the outputs; the caller
// holds mu.
func (sb *Sandbox) deliverTrail(c *Call) {
	// A call that starts or stops logging is logged when logging was on
	// before or after it: StopLogging itself reaches the trail.
	if c.trail == nil || !c.loggedAtStart && !sb.logged(c.Account, c.Region) {
		return
	}
	var dests []trailKey
	if sb.opts.TrailDir != "" {
		dests = append(dests, trailKey{account: c.Account, region: c.Region})
	}
	for _, t := range sb.trailTargets(c.Account, c.Region) {
		dests = append(dests, trailKey{c.Account, c.Region, t.Bucket, t.Prefix})
	}
	if len(dests) == 0 && c.loggedAtStart {
		// Logging was stopped by this very call: deliver where it was going.
		for _, t := range sb.trailTargets(c.Account, c.Region, true) {
			dests = append(dests, trailKey{c.Account, c.Region, t.Bucket, t.Prefix})
		}
	}
	for _, k := range dests {
		b := sb.trailBuf[k]
		if b == nil {
			b = &trailBuffer{first: time.Now()}
			sb.trailBuf[k] = b
		}
		b.records = append(b.records, c.trail)
		if len(b.records) >= trailBatchMax {
			sb.wakeTrail()
		}
	}
	if sb.sink != nil && !isReadOnly(c.Operation) {
		svc := sb.services.byName[c.Service]
		source := "aws." + strings.TrimSuffix(svc.eventSource(), ".amazonaws.com")
		sb.emit(sb.newEvent("AWS API Call via CloudTrail", source, c.Account, c.Region, c.Time, nil, c.trail))
	}
}

// logged reports whether the account's trails log the region: one that
// covers it is logging, or the account has none.
func (sb *Sandbox) logged(acct, region string) bool {
	a := sb.st.account(acct)
	if a == nil {
		return true
	}
	any := false
	for _, r := range a.Regions {
		for _, t := range r.Trails {
			any = true
			if t.Logging && (t.MultiRegion || r.Name == region) {
				return true
			}
		}
	}
	return !any
}

// trailTargets are the trails of the account that deliver the region's
// records into a sandbox bucket: those logging, or with stopped set those
// that stopped logging; the caller holds mu.
func (sb *Sandbox) trailTargets(acct, region string, stopped ...bool) []*Trail {
	want := len(stopped) == 0 || !stopped[0]
	a := sb.st.account(acct)
	if a == nil {
		return nil
	}
	var out []*Trail
	for _, r := range a.Regions {
		for _, t := range r.Trails {
			if t.Logging == want && t.Bucket != "" && (t.MultiRegion || r.Name == region) {
				if _, b := sb.st.bucket(t.Bucket); b != nil {
					out = append(out, t)
				}
			}
		}
	}
	return out
}

// wakeTrail asks the writer to look at the buffers now; the caller holds
// mu.
func (sb *Sandbox) wakeTrail() {
	select {
	case sb.trailWake <- struct{}{}:
	default:
	}
}

// runTrailWriter writes due log files until the sandbox closes.
func (sb *Sandbox) runTrailWriter() {
	t := time.NewTicker(trailFlushAfter / 2)
	defer t.Stop()
	for {
		select {
		case <-sb.closing:
			return
		case <-t.C:
		case <-sb.trailWake:
		}
		sb.writeTrail(false)
	}
}

// logFile is one CloudTrail log file ready to be written.
type logFile struct {
	dest trailKey
	key  string // AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/NAME.json.gz
	body []byte
}

// writeTrail writes the buffers that are due (all of them with all set)
// to the directory and the trails' buckets.
func (sb *Sandbox) writeTrail(all bool) error {
	sb.trailMu.Lock() // one writer at a time, so files land in order
	defer sb.trailMu.Unlock()
	now := time.Now()
	var files []logFile
	sb.mu.Lock()
	for k, b := range sb.trailBuf {
		if !all && len(b.records) < trailBatchMax && now.Sub(b.first) < trailFlushAfter {
			continue
		}
		delete(sb.trailBuf, k)
		for len(b.records) > 0 {
			n := min(len(b.records), trailBatchMax)
			files = append(files, logFile{dest: k, key: trailFileKey(k, now.UTC(), sb.st.randID(16, alnum)), body: gzipRecords(b.records[:n])})
			b.records = b.records[n:]
		}
	}
	// Into sandbox buckets, as objects CloudTrail would have put.
	for _, f := range files {
		if f.dest.bucket == "" {
			continue
		}
		if owner, b := sb.st.bucket(f.dest.bucket); b != nil {
			key := f.key
			if f.dest.prefix != "" {
				key = strings.TrimSuffix(f.dest.prefix, "/") + "/" + key
			}
			if _, ok := sb.putObject(owner, b, key, f.body, "application/json", "gzip"); !ok {
				sb.log.Warn("sandbox: S3 object memory is full; a CloudTrail log file was not put in its bucket", "bucket", b.Name, "key", key)
			}
		}
	}
	sb.mu.Unlock()
	if sb.opts.TrailDir == "" {
		return nil
	}
	var firstErr error
	for _, f := range files {
		if f.dest.bucket != "" {
			continue
		}
		p := filepath.Join(sb.opts.TrailDir, filepath.FromSlash(f.key))
		err := os.MkdirAll(filepath.Dir(p), 0o755)
		if err == nil {
			// Write then rename, so a reader never sees half a file.
			tmp := p + ".tmp"
			if err = os.WriteFile(tmp, f.body, 0o644); err == nil {
				err = os.Rename(tmp, p)
			}
		}
		if err != nil && firstErr == nil {
			firstErr = fmt.Errorf("sandbox: write CloudTrail log file: %w", err)
			sb.log.Warn("sandbox: writing a CloudTrail log file failed", "path", p, "error", err)
		}
	}
	return firstErr
}

// trailFileKey is CloudTrail's object key for a log file:
// AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHmmZ_UNIQUE.json.gz.
func trailFileKey(k trailKey, t time.Time, unique string) string {
	return fmt.Sprintf("AWSLogs/%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_%s.json.gz",
		k.account, k.region, t.Format("2006/01/02"), k.account, k.region, t.Format("20060102T1504Z"), unique)
}

// gzipRecords is a log file's content: {"Records":[...]}, gzipped.
func gzipRecords(records [][]byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(`{"Records":[`))
	zw.Write(bytes.Join(records, []byte(",")))
	zw.Write([]byte(`]}`))
	zw.Close()
	return buf.Bytes()
}

// Flush writes the CloudTrail records still buffered and waits, until ctx
// ends, for the events queued for the events URL to be posted. Close
// flushes too.
func (sb *Sandbox) Flush(ctx context.Context) error {
	err := sb.writeTrail(true)
	if sb.sink != nil {
		if e := sb.sink.flush(ctx); err == nil {
			err = e
		}
	}
	return err
}
