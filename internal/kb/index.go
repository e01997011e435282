package kb

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	bolterrors "go.etcd.io/bbolt/errors"
)

// textAnalyzer splits text into words, folds full-width forms and case,
// turns runs of Chinese, Japanese and Korean characters into overlapping
// bigrams (「パスワード」 is パス, スワ, ワー, ード, so any part of a word
// that is two characters or longer is found without a dictionary) and
// stems English words (policies, policy).
const textAnalyzer = "vigil_text"

// schemaVersion changes when the mapping or the section ids change: an
// index of another version is rebuilt.
const schemaVersion = 1

// indexedSection is what is indexed of one section.
type indexedSection struct {
	Path     string   `json:"path"`
	Title    string   `json:"title"`
	Heading  string   `json:"heading"`
	Body     string   `json:"body"`
	Controls []string `json:"controls"`
}

func indexMapping() (mapping.IndexMapping, error) {
	m := bleve.NewIndexMapping()
	err := m.AddCustomAnalyzer(textAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []any{cjk.WidthName, lowercase.Name, cjk.BigramName, porter.Name},
	})
	if err != nil {
		return nil, err
	}
	m.DefaultAnalyzer = textAnalyzer
	text := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = textAnalyzer
		return f
	}
	exact := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = keyword.Name
		return f
	}
	doc := bleve.NewDocumentMapping()
	doc.AddFieldMappingsAt("path", exact())
	doc.AddFieldMappingsAt("title", text())
	doc.AddFieldMappingsAt("heading", text())
	doc.AddFieldMappingsAt("body", text())
	doc.AddFieldMappingsAt("controls", exact())
	m.DefaultMapping = doc
	return m, nil
}

// errInUse means another process holds the index open.
var errInUse = errors.New("the knowledge index is in use by another vigil process")

// openIndex opens the index in dir, creating it when there is none; an
// empty dir gives an index in memory.
func openIndex(dir string) (bleve.Index, error) {
	m, err := indexMapping()
	if err != nil {
		return nil, err
	}
	if dir == "" {
		return bleve.NewMemOnly(m)
	}
	idx, err := bleve.OpenUsing(dir, map[string]any{"bolt_timeout": "1s"})
	switch {
	case err == nil:
		return idx, nil
	case errors.Is(err, bleve.ErrorIndexPathDoesNotExist):
		if err := os.MkdirAll(filepath.Dir(filepath.Clean(dir)), 0o755); err != nil {
			return nil, fmt.Errorf("knowledge index %s: %w", dir, err)
		}
		idx, err := bleve.New(dir, m)
		if err != nil {
			return nil, fmt.Errorf("knowledge index %s: %w", dir, err)
		}
		return idx, nil
	case errors.Is(err, bolterrors.ErrTimeout) || strings.Contains(err.Error(), bolterrors.ErrTimeout.Error()):
		return nil, fmt.Errorf("%s: %w", dir, errInUse)
	}
	return nil, fmt.Errorf("knowledge index %s: %w (remove the directory to rebuild it)", dir, err)
}
