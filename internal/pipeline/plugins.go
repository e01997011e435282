package pipeline

import (
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/notify"
	"github.com/vigilhq/vigil/internal/notify/channel"
	"github.com/vigilhq/vigil/internal/notify/email"
	"github.com/vigilhq/vigil/internal/notify/slack"
	"github.com/vigilhq/vigil/internal/notify/sns"
	nwebhook "github.com/vigilhq/vigil/internal/notify/webhook"
	"github.com/vigilhq/vigil/internal/target"
	"github.com/vigilhq/vigil/internal/target/forward"
	tnotify "github.com/vigilhq/vigil/internal/target/notify"
	"github.com/vigilhq/vigil/internal/target/remediate"
	"github.com/vigilhq/vigil/internal/target/report"
	"github.com/vigilhq/vigil/internal/target/summarize"
	"github.com/vigilhq/vigil/internal/target/webhook"
)

// TargetTypes are the target types rules may name. A new type is one
// package under internal/target and one line here.
func TargetTypes() []target.Type {
	return []target.Type{
		webhook.Type,
		forward.Type,
		tnotify.Type,
		report.Type,
		summarize.Type,
		remediate.Type,
	}
}

// Channel builds a notifier of one channel from its settings.
type Channel func(spec config.Spec, d channel.Deps) (notify.Notifier, error)

// Channels are the notification channels notifiers may use, by the key
// that names them in a notifier. A new channel is one package under
// internal/notify and one line here.
func Channels() map[string]Channel {
	return map[string]Channel{
		"slack":   slack.New,
		"email":   email.New,
		"sns":     sns.New,
		"webhook": nwebhook.New,
	}
}
