package server

// Every target type the configuration may name, registered by import.
import (
	_ "github.com/vigilhq/vigil/internal/notify/target" // notify
	_ "github.com/vigilhq/vigil/internal/route/targets" // webhook, forward
	_ "github.com/vigilhq/vigil/internal/scan/target"   // report
	_ "github.com/vigilhq/vigil/internal/summarize"     // summarize
)
