package sandbox

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Fault makes matching API calls slow, throttled or failing, for retry
// tests and game days. A call matches when Service and Operation (each
// empty for any) match; then, with probability Rate, it waits Latency and,
// if Error is set, fails with it. The first matching fault that fires wins.
type Fault struct {
	// Service is the sandbox's service name (the signing name, except
	// s3control): ec2, iam, sts, sns, sqs, monitoring (CloudWatch), s3,
	// s3control, securityhub, secretsmanager, guardduty, ssm or cloudtrail;
	// empty for any.
	Service string `json:"service,omitempty"`
	// Operation is the API name, e.g. StopInstances or GetFindings.
	Operation string `json:"operation,omitempty"`
	// Error is "throttle" for the service's own throttling error
	// (RequestLimitExceeded for EC2, SlowDown for S3, ThrottlingException
	// for most others), or any error code (e.g. InternalError,
	// ServiceUnavailable, AccessDenied). Empty adds latency only.
	Error string `json:"error,omitempty"`
	// Status is the HTTP status for a custom Error; by default 500 for
	// codes that contain "Internal" or "Unavailable", 400 otherwise.
	Status int `json:"status,omitempty"`
	// Message replaces the default error message.
	Message string `json:"message,omitempty"`
	// Rate is the fraction of matching calls affected, in (0, 1]; zero
	// means every call.
	Rate float64 `json:"rate,omitempty"`
	// Count stops the fault after it has fired that many times; zero means
	// no limit. "fail twice, then succeed" is Count 2.
	Count int `json:"count,omitempty"`
	// Latency is added before the call is answered.
	Latency Duration `json:"latency,omitempty"`
}

// Duration is a time.Duration that reads and writes JSON as "250ms".
type Duration time.Duration

// MarshalJSON writes the duration as a Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON accepts "250ms" (or a number of milliseconds).
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var ms float64
		if err2 := json.Unmarshal(b, &ms); err2 != nil {
			return fmt.Errorf("latency: want a duration like \"250ms\", got %s", b)
		}
		*d = Duration(ms * float64(time.Millisecond))
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("latency: %w", err)
	}
	*d = Duration(v)
	return nil
}

// FaultStatus is an installed fault and how often it has fired.
type FaultStatus struct {
	ID int `json:"id"`
	Fault
	Fired int `json:"fired"`
}

type activeFault struct {
	id    int
	f     Fault
	fired int
}

func (f *Fault) validate(t *serviceTable) error {
	if f.Service != "" {
		s := t.byName[f.Service]
		if s == nil {
			return fmt.Errorf("fault.service: %q is not a sandbox service (%s)", f.Service, t.names())
		}
		if f.Operation != "" && s.ops[f.Operation] == nil {
			return fmt.Errorf("fault.operation: %q is not an operation the sandbox serves for %s (%s)", f.Operation, f.Service, strings.Join(s.opNames(), ", "))
		}
	}
	if f.Rate < 0 || f.Rate > 1 {
		return fmt.Errorf("fault.rate: %v is outside [0, 1]", f.Rate)
	}
	if f.Count < 0 {
		return fmt.Errorf("fault.count: %d is negative", f.Count)
	}
	if f.Latency < 0 || time.Duration(f.Latency) > 5*time.Minute {
		return fmt.Errorf("fault.latency: %v is outside [0, 5m]", time.Duration(f.Latency))
	}
	if f.Error == "" && f.Latency == 0 {
		return fmt.Errorf("fault: set error, latency or both")
	}
	if f.Status != 0 && (f.Status < 400 || f.Status > 599) {
		return fmt.Errorf("fault.status: %d is not an HTTP error status", f.Status)
	}
	return nil
}

// AddFault installs a fault and returns its id.
func (sb *Sandbox) AddFault(f Fault) (int, error) {
	if err := f.validate(sb.services); err != nil {
		return 0, err
	}
	sb.mu.Lock()
	defer sb.mu.Unlock()
	sb.faultSeq++
	sb.faults = append(sb.faults, &activeFault{id: sb.faultSeq, f: f})
	return sb.faultSeq, nil
}

// RemoveFault uninstalls one fault; it reports whether it was installed.
func (sb *Sandbox) RemoveFault(id int) bool {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	for i, f := range sb.faults {
		if f.id == id {
			sb.faults = append(sb.faults[:i], sb.faults[i+1:]...)
			return true
		}
	}
	return false
}

// ClearFaults uninstalls every fault.
func (sb *Sandbox) ClearFaults() {
	sb.mu.Lock()
	sb.faults = nil
	sb.mu.Unlock()
}

// Faults lists the installed faults.
func (sb *Sandbox) Faults() []FaultStatus {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	out := make([]FaultStatus, 0, len(sb.faults))
	for _, f := range sb.faults {
		out = append(out, FaultStatus{ID: f.id, Fault: f.f, Fired: f.fired})
	}
	return out
}

// pickFault returns the fault to apply to rq, if any.
func (sb *Sandbox) pickFault(rq *request) *Fault {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	f := sb.faultFor(rq.service, rq.op)
	if f != nil && rq.call != nil {
		// Marked under the lock: Calls copies the log while this request runs.
		rq.call.Fault = true
	}
	return f
}

// faultFor returns the fault to apply to a call of service and op, if
// any; the caller holds mu.
func (sb *Sandbox) faultFor(service, op string) *Fault {
	for _, af := range sb.faults {
		f := &af.f
		if f.Service != "" && f.Service != service {
			continue
		}
		if f.Operation != "" && f.Operation != op {
			continue
		}
		if f.Count > 0 && af.fired >= f.Count {
			continue
		}
		if f.Rate > 0 && f.Rate < 1 && sb.rnd.Float64() >= f.Rate {
			continue
		}
		af.fired++
		c := *f
		return &c
	}
	return nil
}

// faultError is the error an injected fault answers with.
func (rq *request) faultError(f *Fault) *apiError { return faultErr(rq.svc, f) }

// faultErr is the error a fault makes a call of the service fail with.
func faultErr(svc *service, f *Fault) *apiError {
	if f.Error == "throttle" {
		e := svc.throttleErr()
		if f.Message != "" {
			e.msg = f.Message
		}
		return e
	}
	status := f.Status
	if status == 0 {
		status = 400
		if strings.Contains(f.Error, "Internal") || strings.Contains(f.Error, "Unavailable") {
			status = 500
		}
	}
	msg := f.Message
	if msg == "" {
		msg = "injected fault (sandbox)"
	}
	return apiErr(status, f.Error, "%s", msg)
}
