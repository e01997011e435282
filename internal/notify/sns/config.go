package sns

import (
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/notify"
	"github.com/vigilhq/vigil/internal/notify/channel"
)

// Config is an SNS notifier's settings.
type Config struct {
	TopicARN string `yaml:"topic_arn"`
}

// New builds an SNS notifier from its settings; its client is built at the
// first message, in the topic's region.
func New(spec config.Spec, d channel.Deps) (notify.Notifier, error) {
	var c Config
	if err := spec.Decode(&c, "an sns notifier"); err != nil {
		return nil, err
	}
	if err := CheckTopicARN(c.TopicARN); err != nil {
		return nil, spec.Errorf("topic_arn", "%v", err)
	}
	n := &Notifier{TopicARN: c.TopicARN, AWS: d.AWS}
	return n, nil
}
