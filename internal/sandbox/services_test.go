package sandbox

import (
	"strings"
	"testing"
)

// TestServiceTable checks that every service in the table can be reached:
// a unique name, operations, and a way for routing to find it.
func TestServiceTable(t *testing.T) {
	tab := newServiceTable()
	seen := map[string]bool{}
	for _, s := range tab.list {
		if seen[s.name] {
			t.Errorf("service %s is in the table twice", s.name)
		}
		seen[s.name] = true
		if len(s.ops) == 0 {
			t.Errorf("%s serves no operations", s.name)
		}
		if s.title == "" {
			t.Errorf("%s has no title", s.name)
		}
		rpc := s.version != "" || s.target != "" || s.cbor != ""
		if rpc == (s.route != nil) {
			t.Errorf("%s: a service is reached either by RPC (version, target, cbor) or by a REST route, not both or neither", s.name)
		}
		for op, h := range s.ops {
			if h == nil {
				t.Errorf("%s:%s has no handler", s.name, op)
			}
		}
		if s.target != "" && s.targetProto != protoJSON10 && s.targetProto != protoJSON11 {
			t.Errorf("%s: X-Amz-Target %s without a JSON protocol", s.name, s.target)
		}
	}
}

func TestFaultsNameServedOperations(t *testing.T) {
	tab := newServiceTable()
	for _, tc := range []struct {
		f    Fault
		want string
	}{
		{Fault{Service: "ec2", Operation: "StopInstances", Error: "throttle"}, ""},
		{Fault{Service: "ec2", Operation: "StopInstance", Error: "throttle"}, "fault.operation"},
		{Fault{Service: "ec3", Error: "throttle"}, "fault.service"},
		{Fault{Operation: "Anything", Error: "throttle"}, ""},
	} {
		err := tc.f.validate(tab)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%+v: err = %v, want %q", tc.f, err, tc.want)
		}
	}
}
