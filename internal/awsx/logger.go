package awsx

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aws/smithy-go/logging"
)

// sdkLogger writes the AWS SDK's own log lines (its warnings, such as
// "falling back to IMDSv1") as records of vigil's logger, instead of the
// SDK's default plain-text lines on standard error, which would break a
// JSON log stream.
type sdkLogger struct{ log *slog.Logger }

func (l sdkLogger) Logf(c logging.Classification, format string, v ...any) {
	level := slog.LevelDebug
	if c == logging.Warn {
		level = slog.LevelWarn
	}
	l.log.Log(context.Background(), level, fmt.Sprintf(format, v...), "source", "aws-sdk")
}
