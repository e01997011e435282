// Package examples holds the sample events and the sample configuration
// the README, the docs and vigil demo use, so every example works from a
// fresh clone. Events embeds the events; Config is the configuration
// vigil init writes.
package examples

import "embed"

// Events are the sample events, under events/.
//
//go:embed events/*.json
var Events embed.FS

// Config is vigil.yaml, a commented configuration to start from.
//
//go:embed vigil.yaml
var Config []byte
