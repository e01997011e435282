package investigate

import (
	"bufio"
	"bytes"
	"compress/gzip"
	stdjson "encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/segmentio/encoding/json"
)

// readLogFile reads one CloudTrail log file: {"Records": [...]} as
// CloudTrail writes it, or a JSON array of records, plain or gzipped
// (detected from the content, not the name). Records without an eventID
// or with a bad eventTime are skipped and counted in bad; a file that is
// not such JSON at all is an error.
func readLogFile(r io.Reader) (recs []*Record, bad int, err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var in io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, 0, fmt.Errorf("gzip: %w", err)
		}
		defer gz.Close()
		in = gz
	}
	data, err := io.ReadAll(in)
	if err != nil {
		return nil, 0, err
	}
	return parseLogFile(data)
}

// parseLogFile decodes a whole log file at once (a file is a few MB at
// most), with a decoder several times faster than encoding/json's; a file
// it rejects is decoded again record by record, so that one malformed
// record costs only itself.
func parseLogFile(data []byte) (recs []*Record, bad int, err error) {
	data = bytes.TrimSpace(data)
	var cs []ctRecord
	switch {
	case len(data) > 0 && data[0] == '[':
		err = json.Unmarshal(data, &cs)
	case len(data) > 0 && data[0] == '{':
		var f struct {
			Records *[]ctRecord `json:"Records"`
		}
		f.Records = &cs
		err = json.Unmarshal(data, &f)
		if err == nil && f.Records == nil {
			return nil, 0, errors.New(`no "Records" array: want {"Records": [...]} (a CloudTrail log file) or a JSON array of records`)
		}
	default:
		return nil, 0, errors.New(`not JSON: want {"Records": [...]} (a CloudTrail log file) or a JSON array of records`)
	}
	if err != nil {
		return parseEach(data)
	}
	recs = make([]*Record, 0, len(cs))
	for i := range cs {
		rec, err := cs[i].record()
		if err != nil {
			bad++
			continue
		}
		recs = append(recs, rec)
	}
	return recs, bad, nil
}

// parseEach is the slow path: split the file into records and parse each
// on its own.
func parseEach(data []byte) (recs []*Record, bad int, err error) {
	var raws []stdjson.RawMessage
	if data[0] == '[' {
		err = stdjson.Unmarshal(data, &raws)
	} else {
		var f struct {
			Records []stdjson.RawMessage `json:"Records"`
		}
		err = stdjson.Unmarshal(data, &f)
		raws = f.Records
	}
	if err != nil {
		return nil, 0, fmt.Errorf("not a CloudTrail log file: %w", err)
	}
	for _, raw := range raws {
		rec, err := ParseRecord(raw)
		if err != nil {
			bad++
			continue
		}
		recs = append(recs, rec)
	}
	return recs, bad, nil
}
