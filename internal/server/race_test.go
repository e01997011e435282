//go:build race

package server_test

// raceEnabled makes the process tests build vigil with -race too, so the
// build reuses the packages `go test -race` already compiled.
const raceEnabled = true
