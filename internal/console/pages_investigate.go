package console

import (
	"fmt"

	"math"
	"net/http"
	"net/url"
	"strings"

	"github.com/vigilhq/vigil/internal/investigate"
)

// graphNode is one entity drawn in the related-entities graph.
type graphNode struct {
	X, Y       float64
	LX, LY     float64
	Name, Href string
	Relation   string
	Count      int64
}

// graph lays the related entities out on a circle around the entity
// asked about, as an SVG drawn by the server (no script needed); each
// node links to its own timeline.
type graph struct {
	Size, C float64
	Center  string
	Nodes   []graphNode
}

func graphOf(rel *investigate.Related) *graph {
	n := len(rel.Related)
	if n == 0 {
		return nil
	}
	g := &graph{Size: 640, C: 320, Center: rel.Entity}
	radius := 220.0
	for i, e := range rel.Related {
		a := 2*math.Pi*float64(i)/float64(n) - math.Pi/2
		x, y := g.C+radius*math.Cos(a), g.C+radius*math.Sin(a)
		g.Nodes = append(g.Nodes, graphNode{X: x, Y: y, LX: x, LY: y + 22, Name: e.Entity, Relation: e.Relation, Count: e.Count,
			Href: "/ui/investigate?entity=" + url.QueryEscape(e.Entity)})
	}
	return g
}

func short(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// investigate shows an entity's timeline (each call with its labels and
// why) and the entities related to it.
func (c *Console) investigate(w http.ResponseWriter, r *http.Request, s *session) {
	name := strings.TrimSpace(r.URL.Query().Get("entity"))
	data := map[string]any{"Entity": name}
	if name == "" || c.opts.Investigate == nil {
		data["Unavailable"] = c.opts.Investigate == nil
		c.render(w, r, s, http.StatusOK, "investigate", data)
		return
	}
	e, err := investigate.ParseEntity(name)
	if err != nil {
		c.failErr(w, r, s, http.StatusBadRequest, err)
		return
	}
	tl, err := c.opts.Investigate.Timeline(r.Context(), e, investigate.TimelineQuery{Limit: 200, Lang: langOf(r)})
	if err != nil {
		c.investigateError(w, r, s, err)
		return
	}
	rel, err := c.opts.Investigate.Related(r.Context(), e, 24)
	if err != nil {
		c.investigateError(w, r, s, err)
		return
	}
	data["Timeline"], data["Related"], data["Graph"] = tl, rel, graphOf(rel)
	c.render(w, r, s, http.StatusOK, "investigate", data)
}

func (c *Console) investigateError(w http.ResponseWriter, r *http.Request, s *session, err error) {
	switch {
	case investigate.IsNotFound(err):
		c.failErr(w, r, s, http.StatusNotFound, err)
	case investigate.IsBadQuery(err):
		c.failErr(w, r, s, http.StatusBadRequest, err)
	default:
		c.opts.Logger.Error("console: investigate", "error", err.Error())
		c.failErr(w, r, s, http.StatusInternalServerError, fmt.Errorf("investigation query failed"))
	}
}
