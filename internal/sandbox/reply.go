package sandbox

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// stamp is a timestamp in an output map: epoch seconds in JSON, CBOR's
// tag 1 in rpc-v2-cbor, ISO 8601 in query XML.
type stamp time.Time

func (t stamp) MarshalJSON() ([]byte, error) { return json.Marshal(epochSeconds(time.Time(t))) }

func (t stamp) MarshalCBOR() ([]byte, error) {
	return cbor.Marshal(cbor.Tag{Number: 1, Content: epochSeconds(time.Time(t))})
}

// reply writes out in the request's protocol: JSON or CBOR as is, or, for
// the query protocol, as XML whose elements follow the map's keys (lists
// as <member>s) inside <OpResult>.
func (rq *request) reply(out map[string]any) {
	if rq.proto != protoQuery {
		rq.writeOut(out)
		return
	}
	rq.writeQuery(func(x *xmlw) { writeXMLValue(x, out) })
}

// writeXMLValue writes a map's members as elements, in key order.
func writeXMLValue(x *xmlw, v any) {
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			x.open(k)
			writeXMLValue(x, t[k])
			x.close(k)
		}
	case []map[string]any:
		for _, e := range t {
			x.open("member")
			writeXMLValue(x, e)
			x.close("member")
		}
	case []string:
		for _, e := range t {
			x.leaf("member", e)
		}
	case []float64:
		for _, e := range t {
			x.leaf("member", formatFloat(e))
		}
	case []stamp:
		for _, e := range t {
			x.leaf("member", time.Time(e).UTC().Format("2006-01-02T15:04:05.000Z"))
		}
	case []any:
		for _, e := range t {
			x.open("member")
			writeXMLValue(x, e)
			x.close("member")
		}
	case stamp:
		x.WriteString(time.Time(t).UTC().Format("2006-01-02T15:04:05.000Z"))
	case string:
		x.text(t)
	case bool:
		x.WriteString(strconv.FormatBool(t))
	case int:
		x.WriteString(strconv.Itoa(t))
	case int64:
		x.WriteString(strconv.FormatInt(t, 10))
	case float64:
		x.WriteString(formatFloat(t))
	}
}

func formatFloat(f float64) string {
	if math.Trunc(f) == f && math.Abs(f) < 1e15 {
		return strconv.FormatFloat(f, 'f', 1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}
