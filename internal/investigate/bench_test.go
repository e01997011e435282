package investigate

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/store"
)

// These benchmarks measure what issue 11 sets targets for. Each runs its
// measurement three times in one process and reports min/median/max, with
// a reference measured in the same run beside it (the machines are shared
// and noisy; absolute figures move):
//
//	go test -run '^$' -bench 'LoadRate' -benchtime 1x ./internal/investigate/
//	VIGIL_BENCH_RECORDS=1000000 go test -run '^$' -bench 'Queries' -benchtime 1x -timeout 60m ./internal/investigate/
//
// Queries runs on SQLite, and on PostgreSQL when VIGIL_TEST_POSTGRES_URL
// is set.

// population is a synthetic account: principals with habits, calling at
// very different volumes over 30 days.
type population struct {
	users, roles []string
	ips          [][]string // per principal (users then roles)
	uas          []string
	apis         [][2]string
	regions      []string
	buckets      []string
	weights      []float64 // cumulative, per principal
	rng          *rand.Rand
	n            int // records in all
}

func newPopulation(n int) *population {
	p := &population{rng: rand.New(rand.NewPCG(1, 2)), n: n}
	for i := range 50 {
		p.users = append(p.users, fmt.Sprintf("user-%02d", i))
	}
	for i := range 150 {
		p.roles = append(p.roles, fmt.Sprintf("role-%03d", i))
	}
	total := 0.0
	for i := range len(p.users) + len(p.roles) {
		ips := []string{fmt.Sprintf("10.%d.%d.%d", i%250, i/250, 10)}
		if i%3 == 0 {
			ips = append(ips, fmt.Sprintf("198.51.100.%d", i%250))
		}
		p.ips = append(p.ips, ips)
		// Zipf-like volumes: a few principals make most calls.
		total += 1 / float64(i+1)
		p.weights = append(p.weights, total)
	}
	for i := range p.weights {
		p.weights[i] /= total
	}
	for i := range 20 {
		p.uas = append(p.uas, fmt.Sprintf("aws-sdk-go-v2/1.%d.0 os/linux lang/go#1.22 md/GOOS#linux api/ec2#1.%d.0", 20+i, 100+i))
	}
	for _, svc := range []string{"ec2", "s3", "iam", "sts", "kms", "ssm", "lambda", "logs", "dynamodb", "sqs"} {
		for j := range 10 {
			p.apis = append(p.apis, [2]string{svc + ".amazonaws.com", fmt.Sprintf("%sCall%02d", svc, j)})
		}
	}
	p.regions = []string{"ap-northeast-1", "us-east-1", "eu-west-1"}
	for i := range 20000 {
		p.buckets = append(p.buckets, fmt.Sprintf("bucket-%05d", i))
	}
	return p
}

// principal picks a principal by volume.
func (p *population) principal() int {
	x := p.rng.Float64()
	i, _ := slices.BinarySearch(p.weights, x)
	return min(i, len(p.weights)-1)
}

// record returns the i-th synthetic record, around 900 bytes of JSON.
func (p *population) record(i int, start time.Time, span time.Duration) call {
	who := p.principal()
	// CloudTrail writes a file every few minutes per region: records come
	// roughly in time order.
	at := start.Add(time.Duration(float64(span)*float64(i)/float64(p.n)) + time.Duration(p.rng.Int64N(int64(time.Minute))))
	var id string
	if who < len(p.users) {
		id = iamUser(p.users[who], fmt.Sprintf("AKIABENCH%011d", who))
	} else {
		r := p.roles[who-len(p.users)]
		day := int(at.Sub(start) / (24 * time.Hour))
		id = assumedRole(r, fmt.Sprintf("%s-%d", r, day), fmt.Sprintf("ASIABENCH%06d%05d", who, day))
	}
	api := p.apis[(who*7+p.rng.IntN(5))%len(p.apis)]
	c := call{t: at, identity: id, source: api[0], name: api[1], region: p.regions[min(p.rng.IntN(10), 2)%len(p.regions)],
		ip: p.ips[who][p.rng.IntN(len(p.ips[who]))], ua: p.uas[who%len(p.uas)]}
	if p.rng.IntN(2) == 0 {
		// Each principal works with a few buckets of its own; one call
		// in a hundred touches any of the account's buckets.
		b := p.buckets[(who*37+p.rng.IntN(5))%len(p.buckets)]
		if p.rng.IntN(100) == 0 {
			b = p.buckets[p.rng.IntN(len(p.buckets))]
		}
		c.request = `{"bucketName":"` + b + `","key":"data/` + strconv.Itoa(i) + `"}`
		c.resources = `[{"type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::` + b + `"}]`
	}
	if p.rng.IntN(100) == 0 {
		c.errCode = "AccessDenied"
	}
	return c
}

// writeBenchFiles writes n synthetic records, perFile to a gzipped log
// file, spread over span from start.
func writeBenchFiles(b testing.TB, dir string, n, perFile int, start time.Time, span time.Duration) {
	p := newPopulation(n)
	var buf, z bytes.Buffer
	for f := 0; f*perFile < n; f++ {
		buf.Reset()
		buf.WriteString(`{"Records":[`)
		for i := f * perFile; i < min(n, (f+1)*perFile); i++ {
			if i > f*perFile {
				buf.WriteByte(',')
			}
			buf.WriteString(p.record(i, start, span).record(eventUUID("bench", i)))
		}
		buf.WriteString(`]}`)
		z.Reset()
		gz, _ := gzip.NewWriterLevel(&z, gzip.BestSpeed)
		gz.Write(buf.Bytes())
		gz.Close()
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%06d.json.gz", f)), z.Bytes(), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

// rawInsert inserts the rows Load stored in inv_events again, as they
// are, into a table of the same shape and indexes, in transactions of
// batch rows: what storing the records costs the database alone.
func rawInsert(b testing.TB, s *Service, batch int) (rows int, d time.Duration) {
	ctx := context.Background()
	q := s.st.Q()
	stmts := []string{`DROP TABLE IF EXISTS raw_events`,
		`CREATE TABLE raw_events (ekey BIGINT PRIMARY KEY, event_id TEXT NOT NULL, t BIGINT NOT NULL, principal BIGINT NOT NULL, base BIGINT NOT NULL, akey BIGINT NOT NULL, ip BIGINT NOT NULL, ua BIGINT NOT NULL, region TEXT NOT NULL, source TEXT NOT NULL, name TEXT NOT NULL, error TEXT NOT NULL, flags INTEGER NOT NULL, resources TEXT NOT NULL, src BIGINT NOT NULL)`,
		`CREATE INDEX raw_events_principal ON raw_events (principal, t)`,
		`CREATE INDEX raw_events_base ON raw_events (base, t)`,
		`CREATE INDEX raw_events_akey ON raw_events (akey, t)`,
		`CREATE INDEX raw_events_ip ON raw_events (ip, t)`,
		`CREATE INDEX raw_events_denied ON raw_events (base, t) WHERE (flags & 1) = 1`}
	for _, st := range stmts {
		if _, err := q.Exec(ctx, st); err != nil {
			b.Fatal(err)
		}
	}
	var all [][]any
	err := each(ctx, q, `SELECT ekey, event_id, t, principal, base, akey, ip, ua, region, source, name, error, flags, resources, src FROM inv_events`, nil, func(r store.Rows) error {
		row := make([]any, 15)
		var ekey, t, principal, base, akey, ip, ua, flags, src int64
		var eventID, region, source, name, errc, res string
		if err := r.Scan(&ekey, &eventID, &t, &principal, &base, &akey, &ip, &ua, &region, &source, &name, &errc, &flags, &res, &src); err != nil {
			return err
		}
		row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7] = ekey, eventID, t, principal, base, akey, ip, ua
		row[8], row[9], row[10], row[11], row[12], row[13], row[14] = region, source, name, errc, flags, res, src
		all = append(all, row)
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	// In file order, as the loader met them (by file name, and by time
	// within a file).
	names := map[int64]string{}
	err = each(ctx, q, `SELECT name FROM inv_files`, nil, func(r store.Rows) error {
		var name string
		if err := r.Scan(&name); err != nil {
			return err
		}
		names[hashID(name)] = name
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	slices.SortStableFunc(all, func(x, y []any) int {
		return cmp.Or(cmp.Compare(names[x[14].(int64)], names[y[14].(int64)]), cmp.Compare(x[2].(int64), y[2].(int64)))
	})
	start := time.Now()
	for i := 0; i < len(all); i += batch {
		var args []any
		for _, row := range all[i:min(i+batch, len(all))] {
			args = append(args, row...)
		}
		err := s.st.InTx(ctx, func(tx store.Tx) error {
			if err := bulkCache(ctx, s.st, tx); err != nil {
				return err
			}
			return bulkExec(ctx, tx, `INSERT INTO raw_events (ekey, event_id, t, principal, base, akey, ip, ua, region, source, name, error, flags, resources, src)`, 15, ``, args)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return len(all), time.Since(start)
}

// cpuTime is the CPU time the process has used (user and system): on a
// shared machine it moves far less than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func minMedMax(xs []float64) (float64, float64, float64) {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[0], s[len(s)/2], s[len(s)-1]
}

// BenchmarkLoadRate: records/s loading gzipped log files into SQLite,
// against a raw insert of the same rows into the same database.
func BenchmarkLoadRate(b *testing.B) {
	n := 200000
	if v, err := strconv.Atoi(os.Getenv("VIGIL_BENCH_LOAD_RECORDS")); err == nil && v > 0 {
		n = v
	}
	dir := b.TempDir()
	writeBenchFiles(b, dir, n, 2000, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), 30*24*time.Hour)
	var rates, raws, ratios, cpuRates, cpuRaws []float64
	for b.Loop() {
		for range 3 {
			s := openService(b, "sqlite://"+filepath.Join(b.TempDir(), "v.db"), DefaultOptions())
			c0 := cpuTime()
			st, err := s.Load(context.Background(), dir, LoadOptions{})
			if err != nil {
				b.Fatal(err)
			}
			c1 := cpuTime()
			rate := float64(st.Loaded) / st.Elapsed.Seconds()
			rows, d := rawInsert(b, s, 10000)
			c2 := cpuTime()
			raw := float64(rows) / d.Seconds()
			rates, raws, ratios = append(rates, rate), append(raws, raw), append(ratios, rate/raw)
			cpuRates, cpuRaws = append(cpuRates, float64(st.Loaded)/(c1-c0).Seconds()), append(cpuRaws, float64(rows)/(c2-c1).Seconds())
			s.st.Close()
		}
	}
	lo, med, hi := minMedMax(rates)
	rlo, rmed, rhi := minMedMax(raws)
	qlo, qmed, qhi := minMedMax(ratios)
	clo, cmed, chi := minMedMax(cpuRates)
	crlo, crmed, crhi := minMedMax(cpuRaws)
	b.Logf("%d records, gzipped files: load %.0f/%.0f/%.0f records/s; raw insert of the same rows %.0f/%.0f/%.0f rows/s; ratio %.2f/%.2f/%.2f; per CPU-second: load %.0f/%.0f/%.0f, raw insert %.0f/%.0f/%.0f (min/median/max of 3)",
		n, lo, med, hi, rlo, rmed, rhi, qlo, qmed, qhi, clo, cmed, chi, crlo, crmed, crhi)
	b.ReportMetric(med, "records/s")
	b.ReportMetric(qmed, "load/raw")
}

// BenchmarkQueries: timeline and related p95 over VIGIL_BENCH_RECORDS
// records (200,000 by default; the target is for 1,000,000),
// against the p95 of a point lookup in the same database, and the
// database's size per million records.
func BenchmarkQueries(b *testing.B) {
	n := 200000
	if v, err := strconv.Atoi(os.Getenv("VIGIL_BENCH_RECORDS")); err == nil && v > 0 {
		n = v
	}
	dir := b.TempDir()
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	writeBenchFiles(b, dir, n, 5000, start, 30*24*time.Hour)
	for name, dsn := range databases() {
		b.Run(name, func(b *testing.B) {
			url := dsn(b)
			s := openService(b, url, DefaultOptions())
			ctx := context.Background()
			st, err := s.Load(ctx, dir, LoadOptions{})
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("%s: loaded %d records in %s (%.0f/s)", name, st.Loaded, st.Elapsed.Round(time.Millisecond), float64(st.Loaded)/st.Elapsed.Seconds())
			if name == "sqlite" {
				s.st.Q().Exec(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
				path := url[len("sqlite://"):]
				fi, _ := os.Stat(path)
				b.Logf("sqlite: database %.1f MB, %.0f MB per million records", float64(fi.Size())/1e6, float64(fi.Size())/1e6*1e6/float64(st.Loaded))
			} else {
				var size int64
				s.st.Q().QueryRow(ctx, `SELECT pg_database_size(current_database())`).Scan(&size)
				b.Logf("postgres: database %.1f MB, %.0f MB per million records", float64(size)/1e6, float64(size)/1e6*1e6/float64(st.Loaded))
			}
			p := newPopulation(n)
			var entities []Entity
			for i := range 60 {
				who := p.principal()
				if who < len(p.users) {
					entities = append(entities, Entity{KindUser, iamARN(synthAccount, "user", p.users[who])})
				} else {
					entities = append(entities, Entity{KindRole, iamARN(synthAccount, "role", p.roles[who-len(p.users)])})
				}
				switch i % 4 {
				case 1:
					entities = append(entities, Entity{KindIP, p.ips[who][0]})
				case 2:
					entities = append(entities, Entity{KindBucket, "arn:aws:s3:::" + p.buckets[(who*37+p.rng.IntN(5))%len(p.buckets)]})
				case 3:
					if who < len(p.users) {
						entities = append(entities, Entity{KindAccessKey, fmt.Sprintf("AKIABENCH%011d", who)})
					}
				}
			}
			var keys [][2]int64
			each(ctx, s.st.Q(), `SELECT t, ekey FROM inv_events LIMIT 200`, nil, func(r store.Rows) error {
				var k [2]int64
				r.Scan(&k[0], &k[1])
				keys = append(keys, k)
				return nil
			})
			var cpuPer []float64 // CPU ms per timeline query
			measure := func(fn func(i int) error, count int) time.Duration {
				c0 := cpuTime()
				defer func() { cpuPer = append(cpuPer, float64((cpuTime()-c0).Microseconds())/1000/float64(count)) }()
				var ds []time.Duration
				for i := range count {
					t0 := time.Now()
					if err := fn(i); err != nil {
						b.Fatal(err)
					}
					ds = append(ds, time.Since(t0))
				}
				slices.Sort(ds)
				return ds[len(ds)*95/100]
			}
			var tls, rels, refs []float64
			for b.Loop() {
				for range 3 {
					// A day's window, as an investigation usually asks.
					tls = append(tls, float64(measure(func(i int) error {
						e := entities[i%len(entities)]
						day := start.AddDate(0, 0, 1+i%28)
						_, err := s.Timeline(ctx, e, TimelineQuery{Since: day, Until: day.Add(24 * time.Hour)})
						return err
					}, 200).Microseconds())/1000)
					rels = append(rels, float64(measure(func(i int) error {
						_, err := s.Related(ctx, entities[i%len(entities)], 0)
						return err
					}, 200).Microseconds())/1000)
					refs = append(refs, float64(measure(func(i int) error {
						var id string
						return s.st.Q().QueryRow(ctx, `SELECT event_id FROM inv_events WHERE t = ? AND ekey = ?`, keys[i%len(keys)][0], keys[i%len(keys)][1]).Scan(&id)
					}, 200).Microseconds())/1000)
				}
			}
			a, m, z := minMedMax(tls)
			ra, rm, rz := minMedMax(rels)
			fa, fm, fz := minMedMax(refs)
			var tlCPU []float64
			for i := 0; i < len(cpuPer); i += 3 {
				tlCPU = append(tlCPU, cpuPer[i])
			}
			ca, cm, cz := minMedMax(tlCPU)
			b.Logf("%s, %d records: p95 timeline (one day, labels) %.1f/%.1f/%.1f ms; related %.1f/%.1f/%.1f ms; point lookup (reference) %.2f/%.2f/%.2f ms; process CPU per timeline query %.1f/%.1f/%.1f ms (min/median/max of 3 × 200 queries)",
				name, st.Loaded, a, m, z, ra, rm, rz, fa, fm, fz, ca, cm, cz)
			b.ReportMetric(m, "timeline-p95-ms")
			b.ReportMetric(rm, "related-p95-ms")
		})
	}
}
