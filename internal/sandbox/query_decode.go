package sandbox

import (
	"encoding"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
)

// decodeAny decodes the request's input into v whatever the protocol: the
// JSON or CBOR body, or the query-protocol form (Name.member.1.Field=x)
// mapped onto v's fields by name. It lets one input struct serve a
// service's three wire protocols.
func (rq *request) decodeAny(v any) error {
	if rq.proto != protoQuery {
		return rq.decodeInput(v)
	}
	tree := queryTree(rq.form)
	if err := assign(reflect.ValueOf(v).Elem(), tree, ""); err != nil {
		return apiErr(400, "InvalidParameterValue", "%v", err)
	}
	return nil
}

// queryTree nests a form by its dotted keys; numeric segments index lists
// and the query protocol's member/entry wrappers are dropped.
func queryTree(f form) map[string]any {
	root := map[string]any{}
	for k, v := range f {
		if k == "Action" || k == "Version" {
			continue
		}
		var path []string
		for _, seg := range strings.Split(k, ".") {
			if seg != "member" && seg != "entry" {
				path = append(path, seg)
			}
		}
		node := root
		for i, seg := range path {
			if i == len(path)-1 {
				node[seg] = v
				break
			}
			next, ok := node[seg].(map[string]any)
			if !ok {
				next = map[string]any{}
				node[seg] = next
			}
			node = next
		}
	}
	return root
}

var (
	textUnmarshaler = reflect.TypeOf((*encoding.TextUnmarshaler)(nil)).Elem()
	timeType        = reflect.TypeOf(time.Time{})
)

// assign stores a query tree value (string, or map of segments) in dst,
// converting strings to dst's kind. path names the field in errors.
func assign(dst reflect.Value, v any, path string) error {
	if dst.Kind() == reflect.Pointer {
		if dst.IsNil() {
			dst.Set(reflect.New(dst.Type().Elem()))
		}
		return assign(dst.Elem(), v, path)
	}
	if dst.Type() == reflect.TypeOf(awsTime{}) || dst.Type() == timeType {
		s, _ := v.(string)
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			if secs, err2 := strconv.ParseFloat(s, 64); err2 == nil {
				t, err = time.UnixMilli(int64(secs*1000)).UTC(), nil
			}
		}
		if err != nil {
			return errorf("%s: %q is not an ISO 8601 time", path, s)
		}
		if dst.Type() == timeType {
			dst.Set(reflect.ValueOf(t))
		} else {
			dst.Set(reflect.ValueOf(awsTime{t}))
		}
		return nil
	}
	if reflect.PointerTo(dst.Type()).Implements(textUnmarshaler) {
		s, _ := v.(string)
		return dst.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s))
	}
	switch dst.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return errorf("%s: want a structure", path)
		}
		for k, x := range m {
			f := dst.FieldByNameFunc(func(n string) bool { return strings.EqualFold(n, k) })
			if !f.IsValid() || !f.CanSet() {
				continue // unknown parameters are ignored, as the JSON decoder does
			}
			if err := assign(f, x, join(path, k)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice:
		m, ok := v.(map[string]any)
		if !ok {
			if s, isStr := v.(string); isStr && s == "" {
				return nil // an empty list is sent as Name=
			}
			return errorf("%s: want a list", path)
		}
		idx := make([]int, 0, len(m))
		for k := range m {
			n, err := strconv.Atoi(k)
			if err != nil || n < 1 {
				return errorf("%s: %q is not a list index", path, k)
			}
			idx = append(idx, n)
		}
		sort.Ints(idx)
		out := reflect.MakeSlice(dst.Type(), len(idx), len(idx))
		for i, n := range idx {
			if err := assign(out.Index(i), m[strconv.Itoa(n)], path+"."+strconv.Itoa(n)); err != nil {
				return err
			}
		}
		dst.Set(out)
		return nil
	case reflect.Map:
		// key/value entries: Name.entry.N.key / .value, or Name.N.Name/Value.
		m, ok := v.(map[string]any)
		if !ok {
			return errorf("%s: want a map", path)
		}
		out := reflect.MakeMap(dst.Type())
		for _, e := range m {
			em, _ := e.(map[string]any)
			key, _ := firstOf(em, "key", "Key", "Name").(string)
			val := reflect.New(dst.Type().Elem()).Elem()
			if err := assign(val, firstOf(em, "value", "Value"), path+"."+key); err != nil {
				return err
			}
			out.SetMapIndex(reflect.ValueOf(key), val)
		}
		dst.Set(out)
		return nil
	}
	s, ok := v.(string)
	if !ok {
		return errorf("%s: want a single value", path)
	}
	switch dst.Kind() {
	case reflect.String:
		dst.SetString(s)
	case reflect.Bool:
		dst.SetBool(strings.EqualFold(s, "true"))
	case reflect.Int, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return errorf("%s: %q is not an integer", path, s)
		}
		dst.SetInt(n)
	case reflect.Float32, reflect.Float64:
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return errorf("%s: %q is not a number", path, s)
		}
		dst.SetFloat(n)
	case reflect.Interface:
		dst.Set(reflect.ValueOf(s))
	default:
		return errorf("%s: cannot hold %q", path, s)
	}
	return nil
}

func firstOf(m map[string]any, keys ...string) any {
	for _, k := range keys {
		if v, ok := m[k]; ok {
			return v
		}
	}
	return nil
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
