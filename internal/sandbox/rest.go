package sandbox

import (
	"net/url"
	"strings"
)

// restOp maps a REST call (method and path template, with {name} for a
// path parameter) to an operation name.
type restOp struct {
	method, path, op string
}

// restRouter returns a service route function for REST-JSON services
// whose operations are told apart by method and path alone.
func restRouter(ops []restOp) func(rq *request) error {
	return func(rq *request) error {
		path := strings.TrimRight(rq.r.URL.EscapedPath(), "/")
		for _, o := range ops {
			if o.method != rq.r.Method {
				continue
			}
			if params, ok := matchPath(o.path, path); ok {
				rq.op, rq.params = o.op, params
				return nil
			}
		}
		// Unknown: opHandler answers NotImplemented naming the call.
		rq.op = rq.r.Method + " " + path
		return nil
	}
}

// matchPath matches an escaped path against a template like
// /detector/{detectorId}/findings and returns the parameters.
func matchPath(tmpl, path string) (map[string]string, bool) {
	ts := strings.Split(strings.Trim(tmpl, "/"), "/")
	ps := strings.Split(strings.Trim(path, "/"), "/")
	if len(ts) != len(ps) {
		return nil, false
	}
	var params map[string]string
	for i, t := range ts {
		if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") {
			v, err := url.PathUnescape(ps[i])
			if err != nil || v == "" {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[t[1:len(t)-1]] = v
			continue
		}
		if t != ps[i] {
			return nil, false
		}
	}
	return params, true
}
