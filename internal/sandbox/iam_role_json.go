package sandbox

import (
	"bytes"
	"encoding/json"
)

// roleFields is Role without its methods, for decoding.
type roleFields Role

// UnmarshalJSON accepts a role name or a role object.
func (r *Role) UnmarshalJSON(b []byte) error {
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte(`"`)) {
		return json.Unmarshal(b, &r.Name)
	}
	return json.Unmarshal(b, (*roleFields)(r))
}

// UnmarshalYAML accepts a role name or a role object.
func (r *Role) UnmarshalYAML(unmarshal func(any) error) error {
	var name string
	if err := unmarshal(&name); err == nil {
		r.Name = name
		return nil
	}
	return unmarshal((*roleFields)(r))
}

// MarshalJSON writes a role that is only a name as that name, so states
// of scenarios that list role names keep their shape.
func (r *Role) MarshalJSON() ([]byte, error) {
	if (Role{Name: r.Name}).equal(r) {
		return json.Marshal(r.Name)
	}
	return json.Marshal((*roleFields)(r))
}

func (r Role) equal(o *Role) bool {
	a, _ := json.Marshal((*roleFields)(&r))
	b, _ := json.Marshal((*roleFields)(o))
	return bytes.Equal(a, b)
}
