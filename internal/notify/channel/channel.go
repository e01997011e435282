// Package channel is what building a notifier takes: the dependencies the
// composition root gives every channel (internal/notify/<channel>), and the
// named notifier it makes. It is apart from package notify, which every
// channel and target imports and which stays free of third-party packages.
package channel

import (
	"github.com/vigilhq/vigil/internal/notify"
	"log/slog"

	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/lang"
	"github.com/vigilhq/vigil/internal/netguard"
	"github.com/vigilhq/vigil/internal/secrets"
	"github.com/vigilhq/vigil/internal/store"
)

// Named is a configured notifier: its name, the language of what vigil
// writes to it, and its channel.
type Named struct {
	Name     string
	Lang     lang.Lang
	Channel  string
	Notifier notify.Notifier
}

// Deps are what the composition root gives every channel when it builds a
// notifier. Building must not contact anything: secrets and AWS clients are
// resolved at the first message.
type Deps struct {
	// Store keeps state a channel shares between replicas (Slack
	// threads); nil when the pipeline has no database.
	Store *store.Store
	// AWS hands out AWS configurations (SNS).
	AWS *awsx.Provider
	// Secrets resolves secret references.
	Secrets *secrets.Resolver
	// Net makes every connection of the channel (HTTP and SMTP) under the
	// process's network policy; the default policy when nil.
	Net    *netguard.Guard
	Logger *slog.Logger
}
