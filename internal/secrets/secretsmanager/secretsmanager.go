// Package secretsmanager reads AWS Secrets Manager secrets for
// secrets.Resolver, with clients from vigil's AWS provider: one per region,
// the secret's own region when it is named by ARN.
package secretsmanager

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	sm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/vigilhq/vigil/internal/awsx"
)

// API is the part of the Secrets Manager client Backend uses.
type API interface {
	GetSecretValue(ctx context.Context, in *sm.GetSecretValueInput, opts ...func(*sm.Options)) (*sm.GetSecretValueOutput, error)
}

// Backend implements secrets.Backend.
type Backend struct {
	aws *awsx.Provider

	mu      sync.Mutex
	clients map[string]API // by region ("" for the default)
}

// New returns a Backend whose clients come from p.
func New(p *awsx.Provider) *Backend { return &Backend{aws: p, clients: map[string]API{}} }

// SecretString returns the secret's SecretString, or its SecretBinary.
func (b *Backend) SecretString(ctx context.Context, id string) (string, error) {
	client, err := b.client(ctx, id)
	if err != nil {
		return "", err
	}
	out, err := client.GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String(id)})
	if err != nil {
		return "", fmt.Errorf("Secrets Manager GetSecretValue: %w", err)
	}
	switch {
	case out.SecretString != nil:
		return *out.SecretString, nil
	case out.SecretBinary != nil:
		return string(out.SecretBinary), nil
	}
	return "", nil
}

func (b *Backend) client(ctx context.Context, id string) (API, error) {
	region := ""
	if a, err := arn.Parse(id); err == nil {
		region = a.Region
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if c, ok := b.clients[region]; ok {
		return c, nil
	}
	cfg, err := b.aws.Region(ctx, region)
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", err)
	}
	c := sm.NewFromConfig(cfg)
	b.clients[region] = c
	return c, nil
}
