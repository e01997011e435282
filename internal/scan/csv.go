package scan

import (
	"encoding/csv"
	"io"
	"strings"

	"github.com/vigilhq/vigil/internal/lang"
)

// CSVOptions shape a CSV report.
type CSVOptions struct {
	// Lang chooses the header row's language (and the change column's
	// words); English when empty.
	Lang lang.Lang
	// BOM starts the file with a UTF-8 byte order mark, which Excel needs
	// to read UTF-8 (Japanese) text correctly.
	BOM bool
	// Owner adds the owner column (the owner tag's value).
	Owner bool
	// Change adds the column saying whether each violation is new since
	// the previous scan or still open.
	Change bool
}

// CSVWriter writes findings as CSV rows (RFC 4180: quoted where needed,
// CRLF line ends). Columns: resource, title, control id, severity,
// account, region, first observed, last observed, remediation URL, then
// the optional owner and change columns.
type CSVWriter struct {
	w    *csv.Writer
	opts CSVOptions
	row  []string
}

// NewCSVWriter writes the BOM (if asked) and the header row.
func NewCSVWriter(w io.Writer, opts CSVOptions) (*CSVWriter, error) {
	if opts.BOM {
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return nil, err
		}
	}
	cw := &CSVWriter{w: csv.NewWriter(w), opts: opts}
	cw.w.UseCRLF = true
	keys := []string{colResource, colTitle, colControl, colSeverity, colAccount, colRegion, colFirstObserved, colLastObserved, colRemediation}
	if opts.Owner {
		keys = append(keys, colOwner)
	}
	if opts.Change {
		keys = append(keys, colChange)
	}
	header := make([]string, len(keys))
	for i, k := range keys {
		header[i] = text(opts.Lang, k)
	}
	cw.row = make([]string, 0, len(keys))
	return cw, cw.w.Write(header)
}

// Write writes one finding. owner is the owner tag's value; isNew says
// whether the finding is new since the previous scan.
func (c *CSVWriter) Write(f *Finding, owner string, isNew bool) error {
	c.row = append(c.row[:0], cell(f.Resource), cell(f.Title), cell(f.ControlID), cell(f.Severity), cell(f.Account),
		cell(f.Region), cell(f.FirstObserved), cell(f.LastObserved), cell(f.RemediationURL))
	if c.opts.Owner {
		c.row = append(c.row, cell(owner))
	}
	if c.opts.Change {
		k := changeOpen
		if isNew {
			k = changeNew
		}
		c.row = append(c.row, text(c.opts.Lang, k))
	}
	return c.w.Write(c.row)
}

// Flush writes buffered rows and reports any write error.
func (c *CSVWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// cell keeps a spreadsheet from reading finding text (which anyone who can
// name a resource controls) as a formula: a value starting with = + - @ or
// a tab or carriage return is prefixed with an apostrophe, as OWASP
// recommends.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
