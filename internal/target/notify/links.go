package notify

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/investigate"
	"github.com/vigilhq/vigil/internal/lang"
	nnotify "github.com/vigilhq/vigil/internal/notify"
)

// maxLinks bounds the timeline links one notification carries.
const maxLinks = 5

// timelineLinks links, under base (server.public_url), the timelines of
// the entities the finding in payload names (access keys, principals,
// instances, buckets, remote IPs); none for other payloads. The links go
// beside the explanation, never into it.
func timelineLinks(base string, payload []byte, l lang.Lang) []nnotify.Link {
	p := bytes.TrimSpace(payload)
	if base == "" || len(p) == 0 || p[0] != '{' {
		return nil
	}
	ev, err := event.Parse(p)
	if err != nil {
		return nil
	}
	base = strings.TrimRight(base, "/")
	var out []nnotify.Link
	seen := map[string]bool{}
	for _, f := range investigate.Findings(ev) {
		for _, e := range f.Names {
			if seen[e.Name] || len(out) == maxLinks {
				continue
			}
			seen[e.Name] = true
			out = append(out, nnotify.Link{
				Title: fmt.Sprintf(nnotify.Label(l, "timeline"), e.Name),
				URL:   base + "/investigate/timeline?entity=" + url.QueryEscape(e.Name),
			})
		}
	}
	return out
}
