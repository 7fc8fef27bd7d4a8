package review

import (
	"context"
	"sync"
	"time"

	"github.com/google/uuid"
	"golang.org/x/sync/singleflight"

	"handoff/domain"
	"handoff/store"
)

// Counts are the live numbers in the workstation's header.
type Counts struct {
	Finished int64
	Queue    int64
}

// countsMaxAge bounds how long shared counts are trusted even without a
// change announcement (a change missed while the listener reconnected).
const countsMaxAge = 30 * time.Second

// countCache shares header counts among every open screen of an
// application in this process. Counting a large application takes a while;
// fifty screens told of the same change count it once. Entries are dropped
// as soon as a change of their application is heard, so a screen never
// shows a count from before a change it has been told about.
type countCache struct {
	mu      sync.Mutex
	entries map[uuid.UUID]cachedCounts
	epoch   uint64 // bumped by every invalidation, so a count that started
	// before a change is not kept after it
	flight singleflight.Group
}

type cachedCounts struct {
	counts Counts
	at     time.Time
}

// invalidate forgets app's counts (all applications' for uuid.Nil).
func (c *countCache) invalidate(app uuid.UUID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch++
	if app == uuid.Nil {
		clear(c.entries)
		return
	}
	delete(c.entries, app)
}

// Counts returns the caller's finished-session and queue counts.
func (s *Service) Counts(ctx context.Context, caller domain.Caller) (Counts, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return Counts{}, err
	}
	app := caller.ApplicationID
	if !s.listening() {
		return s.count(ctx, app) // nothing would tell this cache about changes
	}
	c := &s.counts
	c.mu.Lock()
	if e, ok := c.entries[app]; ok && s.now().Sub(e.at) < countsMaxAge {
		c.mu.Unlock()
		return e.counts, nil
	}
	c.mu.Unlock()
	v, err, _ := c.flight.Do(app.String(), func() (any, error) {
		c.mu.Lock()
		epoch := c.epoch
		c.mu.Unlock()
		n, err := s.count(context.WithoutCancel(ctx), app)
		if err != nil {
			return n, err
		}
		c.mu.Lock()
		if c.epoch == epoch {
			if c.entries == nil {
				c.entries = map[uuid.UUID]cachedCounts{}
			}
			c.entries[app] = cachedCounts{counts: n, at: s.now()}
		}
		c.mu.Unlock()
		return n, nil
	})
	if err != nil {
		return Counts{}, err
	}
	return v.(Counts), nil
}

func (s *Service) count(ctx context.Context, app uuid.UUID) (Counts, error) {
	f, err := store.CountFinished(ctx, s.db, app, store.SessionFilter{})
	if err != nil {
		return Counts{}, err
	}
	q, err := store.CountQueue(ctx, s.db, app)
	return Counts{Finished: f, Queue: q}, err
}
