package console

import (
	"sync"
	"time"
)

// Sign-in attempts are limited per client address and per username:
// after maxFailures failures within failureWindow, further attempts are
// refused until the window has passed since the first of them.
const (
	maxFailures   = 5
	failureWindow = 15 * time.Minute
)

type failures struct {
	first time.Time
	n     int
}

// limiter counts failed sign-ins.
type limiter struct {
	mu  sync.Mutex
	now func() time.Time
	by  map[string]*failures
}

func newLimiter(now func() time.Time) *limiter {
	return &limiter{now: now, by: map[string]*failures{}}
}

// blocked reports whether any of keys has failed too often, and until
// when.
func (l *limiter) blocked(keys ...string) (bool, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, k := range keys {
		f := l.by[k]
		if f == nil {
			continue
		}
		if now.Sub(f.first) >= failureWindow {
			delete(l.by, k)
			continue
		}
		if f.n >= maxFailures {
			return true, f.first.Add(failureWindow)
		}
	}
	return false, time.Time{}
}

func (l *limiter) fail(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.by) > 100000 {
		// Bound memory under a flood of distinct names: forget the
		// expired.
		for k, f := range l.by {
			if now.Sub(f.first) >= failureWindow {
				delete(l.by, k)
			}
		}
	}
	for _, k := range keys {
		f := l.by[k]
		if f == nil || now.Sub(f.first) >= failureWindow {
			f = &failures{first: now}
			l.by[k] = f
		}
		f.n++
	}
}

func (l *limiter) succeed(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		delete(l.by, k)
	}
}
