package sandbox

import (
	"fmt"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// maxAliasNodes bounds how many nodes YAML aliases may add to a scenario
// once expanded. A scenario rarely uses aliases; an "alias bomb" (aliases
// of aliases, each doubling the document) of 500 bytes expands to billions
// of nodes and took the sandbox to 5 GB before this check.
const maxAliasNodes = 100_000

// checkAliases parses a YAML document and refuses it when its aliases
// expand to more than maxAliasNodes nodes, before the decoder expands
// them. Parse errors are left to the decoder, which reports them better.
func checkAliases(b []byte) error {
	f, err := parser.ParseBytes(b, 0)
	if err != nil {
		return nil
	}
	anchors := map[string]ast.Node{}
	for _, d := range f.Docs {
		if d != nil && d.Body != nil {
			ast.Walk(anchorCollector(anchors), d.Body)
		}
	}
	if len(anchors) == 0 {
		return nil
	}
	s := &aliasSizer{anchors: anchors, memo: map[string]int{}, busy: map[string]bool{}}
	for _, d := range f.Docs {
		if d == nil || d.Body == nil {
			continue
		}
		s.size(d.Body)
		if s.err != nil {
			return s.err
		}
	}
	return nil
}

type anchorCollector map[string]ast.Node

func (c anchorCollector) Visit(n ast.Node) ast.Visitor {
	if a, ok := n.(*ast.AnchorNode); ok && a.Name != nil {
		c[a.Name.String()] = a.Value
	}
	return c
}

// aliasSizer counts a node's size with its aliases expanded, and stops
// with an error once the aliases have added more than maxAliasNodes.
type aliasSizer struct {
	anchors map[string]ast.Node
	memo    map[string]int
	busy    map[string]bool
	added   int
	err     error
}

func (s *aliasSizer) size(n ast.Node) int {
	if s.err != nil || n == nil {
		return 0
	}
	switch n := n.(type) {
	case *ast.MappingNode:
		total := 1
		for _, v := range n.Values {
			total += s.size(v)
		}
		return total
	case *ast.MappingValueNode:
		return s.size(n.Key) + s.size(n.Value)
	case *ast.SequenceNode:
		total := 1
		for _, v := range n.Values {
			total += s.size(v)
		}
		return total
	case *ast.AnchorNode:
		return s.size(n.Value)
	case *ast.TagNode:
		return s.size(n.Value)
	case *ast.AliasNode:
		name := ""
		if n.Value != nil {
			name = n.Value.String()
		}
		v, ok := s.memo[name]
		if !ok {
			target, found := s.anchors[name]
			if !found || s.busy[name] {
				return 1 // the decoder reports unknown or recursive aliases
			}
			s.busy[name] = true
			v = s.size(target)
			delete(s.busy, name)
			s.memo[name] = v
		}
		s.added += v
		if s.added > maxAliasNodes && s.err == nil {
			s.err = fmt.Errorf("scenario: YAML aliases expand to more than %d nodes (at %s); write the values out instead of aliasing them", maxAliasNodes, n.GetToken().Position)
		}
		return v
	}
	return 1
}
