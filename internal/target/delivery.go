// Package target is what every target type plugs into: the Delivery a
// target receives, the Sender it implements, and the registry that builds
// a Sender from a rule target's configuration with the dependencies the
// composition root hands it. Each target type is a package of its own below
// this one (internal/target/webhook, .../notify, ...).
package target

import "context"

// Delivery is one request to a target: one event's shaped payload, or for a
// grouped target the JSON array of its group's payloads.
type Delivery struct {
	// ID is stable across retries of the same delivery, so receivers can
	// drop repeats (X-Vigil-Delivery); see DeliveryID.
	ID     string
	Rule   string
	Target string
	// Attempt counts from 1.
	Attempt int
	// EventIDs are the events delivered, in order.
	EventIDs []string
	// Group is the notification group's id when the delivery is a group's
	// flush, "" for a single event.
	Group string
	// Payload is exactly what the target receives (after InputPath or the
	// input transformer; a JSON array for a group).
	Payload []byte
}

// DeliveryID names a delivery: "<event key>/<rule>/<target>" for a single
// event, "group/<group id>/<first event key>" for a group's flush. It is the
// only place delivery ids are made.
func DeliveryID(rule, target, group, firstEventKey string) string {
	if group != "" {
		return "group/" + group + "/" + firstEventKey
	}
	return firstEventKey + "/" + rule + "/" + target
}

// Sender delivers to one configured target. retry tells the caller whether
// trying again can help (a timeout or 5xx: yes; a 4xx, a bad payload or a
// bad target: no).
type Sender interface {
	Send(ctx context.Context, d Delivery) (retry bool, err error)
}

// SenderFunc adapts a function to Sender.
type SenderFunc func(ctx context.Context, d Delivery) (retry bool, err error)

// Send calls f.
func (f SenderFunc) Send(ctx context.Context, d Delivery) (bool, error) { return f(ctx, d) }
