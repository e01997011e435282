package remediate

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithyendpoints "github.com/aws/smithy-go/endpoints"
	"github.com/aws/smithy-go/middleware"

	"github.com/vigilhq/vigil/internal/awsx"
)

// Call is one AWS API call a playbook made, as recorded for the audit log.
type Call struct {
	// Service is the SDK's service id (EC2, IAM, S3, S3 Control, GuardDuty,
	// SSM, STS); Operation the API name.
	Service   string          `json:"service"`
	Operation string          `json:"operation"`
	Account   string          `json:"account"`
	Region    string          `json:"region"`
	Request   json.RawMessage `json:"request"`
	Response  json.RawMessage `json:"response,omitempty"`
	Error     string          `json:"error,omitempty"`
	// Mutating is true for every call that is not a read.
	Mutating bool          `json:"mutating"`
	Duration time.Duration `json:"duration_ns"`
}

// ReadOnlyError is returned for a mutating call made with read-only
// clients (a plan or a verification): the call is not sent.
type ReadOnlyError struct{ Service, Operation string }

// Error names the refused call.
func (e *ReadOnlyError) Error() string {
	return fmt.Sprintf("remediate: %s %s refused: only reads are allowed while planning or verifying", e.Service, e.Operation)
}

// isRead reports whether an operation only reads, by AWS's naming
// convention (every read the playbooks make follows it).
func isRead(op string) bool {
	for _, p := range []string{"Describe", "Get", "List", "Head"} {
		if strings.HasPrefix(op, p) {
			return true
		}
	}
	return false
}

// Clients hands a playbook AWS clients acting in one account and region.
// Every call they make goes through one middleware that records it (for
// the audit log and the call counts) and, for read-only clients, refuses
// anything that is not a read before it is sent.
type Clients struct {
	cfg      aws.Config
	account  string
	region   string
	readOnly bool
	record   func(Call)

	mu    sync.Mutex
	cache map[string]any
}

// ClientSource builds Clients for an account and region.
type ClientSource struct {
	// AWS hands out configurations; for another account than the caller's
	// own it assumes the remediation role there.
	AWS *awsx.Provider
}

// Clients returns clients acting in account and region. readOnly clients
// refuse mutating calls; record (optional) sees every call.
func (s ClientSource) Clients(ctx context.Context, account, region string, readOnly bool, record func(Call)) (*Clients, error) {
	cfg, err := s.AWS.Account(ctx, account, region)
	if err != nil {
		return nil, fmt.Errorf("AWS configuration for account %s in %s: %w", account, region, err)
	}
	return newClients(cfg, account, region, readOnly, record), nil
}

func newClients(cfg aws.Config, account, region string, readOnly bool, record func(Call)) *Clients {
	c := &Clients{account: account, region: region, readOnly: readOnly, record: record, cache: map[string]any{}}
	cfg = cfg.Copy()
	if region != "" {
		cfg.Region = region
	}
	cfg.APIOptions = append(append([]func(*middleware.Stack) error(nil), cfg.APIOptions...), c.addMiddleware)
	c.cfg = cfg
	return c
}

// Account is the account the clients act in.
func (c *Clients) Account() string { return c.account }

// Region is the region the clients act in.
func (c *Clients) Region() string { return c.cfg.Region }

func client[C any](c *Clients, name string, build func(aws.Config) C) C {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.cache[name]; ok {
		return v.(C)
	}
	v := build(c.cfg)
	c.cache[name] = v
	return v
}

// EC2 returns an EC2 client.
func (c *Clients) EC2() *ec2.Client {
	return client(c, "ec2", func(cfg aws.Config) *ec2.Client { return ec2.NewFromConfig(cfg) })
}

// IAM returns an IAM client.
func (c *Clients) IAM() *iam.Client {
	return client(c, "iam", func(cfg aws.Config) *iam.Client { return iam.NewFromConfig(cfg) })
}

// S3 returns an S3 client.
func (c *Clients) S3() *s3.Client {
	return client(c, "s3", func(cfg aws.Config) *s3.Client { return s3.NewFromConfig(cfg) })
}

// S3Control returns an S3 Control client.
func (c *Clients) S3Control() *s3control.Client {
	return client(c, "s3control", func(cfg aws.Config) *s3control.Client {
		return s3control.NewFromConfig(cfg, func(o *s3control.Options) {
			if localEndpoint(aws.ToString(o.BaseEndpoint)) {
				o.EndpointResolverV2 = localS3Control{o.EndpointResolverV2}
			}
		})
	})
}

// localEndpoint reports whether an endpoint URL names this machine by
// address or as localhost, where no DNS name resolves with a prefix.
func localEndpoint(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return false
	}
	h := u.Hostname()
	return h == "localhost" || net.ParseIP(h) != nil
}

// localS3Control keeps S3 Control requests on a local endpoint (vigil
// sandbox): S3 Control puts the account id in front of the host name
// (111122223333.127.0.0.1), which no resolver answers; the request carries
// the account in x-amz-account-id anyway.
type localS3Control struct{ s3control.EndpointResolverV2 }

func (l localS3Control) ResolveEndpoint(ctx context.Context, p s3control.EndpointParameters) (smithyendpoints.Endpoint, error) {
	ep, err := l.EndpointResolverV2.ResolveEndpoint(ctx, p)
	if err == nil && p.AccountId != nil {
		ep.URI.Host = strings.TrimPrefix(ep.URI.Host, aws.ToString(p.AccountId)+".")
	}
	return ep, err
}

// GuardDuty returns a GuardDuty client.
func (c *Clients) GuardDuty() *guardduty.Client {
	return client(c, "guardduty", func(cfg aws.Config) *guardduty.Client { return guardduty.NewFromConfig(cfg) })
}

// SSM returns a Systems Manager client.
func (c *Clients) SSM() *ssm.Client {
	return client(c, "ssm", func(cfg aws.Config) *ssm.Client { return ssm.NewFromConfig(cfg) })
}

// STS returns an STS client.
func (c *Clients) STS() *sts.Client {
	return client(c, "sts", func(cfg aws.Config) *sts.Client { return sts.NewFromConfig(cfg) })
}

// addMiddleware puts the guard and recorder in every operation's stack,
// after the service metadata is known and before retries (one record per
// call, however often the SDK retried it).
func (c *Clients) addMiddleware(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("VigilRemediateRecorder",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			svc, op := awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)
			call := Call{Service: svc, Operation: op, Account: c.account, Region: c.cfg.Region, Mutating: !isRead(op)}
			call.Request = marshalLoose(in.Parameters)
			if c.readOnly && call.Mutating {
				err := &ReadOnlyError{Service: svc, Operation: op}
				call.Error = err.Error()
				c.emit(call)
				return middleware.InitializeOutput{}, middleware.Metadata{}, err
			}
			start := time.Now()
			out, md, err := next.HandleInitialize(ctx, in)
			call.Duration = time.Since(start)
			if err != nil {
				call.Error = err.Error()
			} else {
				call.Response = marshalLoose(out.Result)
			}
			c.emit(call)
			return out, md, err
		}), middleware.After)
}

func (c *Clients) emit(call Call) {
	if c.record != nil {
		c.record(call)
	}
}

// marshalLoose marshals an SDK input or output for the record; what does
// not marshal (streams) is described instead of failing the call.
func marshalLoose(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(map[string]string{"unrecorded": fmt.Sprintf("%T", v)})
	}
	return b
}

// InRegion returns clients for the same account in another region (S3
// buckets live in their own region), recording to the same place.
func (c *Clients) InRegion(region string) *Clients {
	if region == "" || region == c.cfg.Region {
		return c
	}
	cfg := c.cfg.Copy()
	cfg.Region = region
	// newClients adds the recorder again; start from the APIOptions
	// without it.
	cfg.APIOptions = cfg.APIOptions[:len(cfg.APIOptions)-1]
	return newClients(cfg, c.account, region, c.readOnly, c.record)
}
