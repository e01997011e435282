// Package conformance holds the suite every notification channel and
// target type passes (conformance_test.go), as Alertmanager's notifiers
// pass AssertNotifyLeaksNoSecret: each is driven through a whole pipeline
// against a peer that echoes every request back, with canary secret
// values, and must leave the canaries in no error, no log line, no dead
// letter and no byte of the database file; and its answers to a
// permanent and a transient failure must be classified as such (one
// attempt, or retried until the policy's last).
//
// A new channel or target type adds its case to the suite.
package conformance
