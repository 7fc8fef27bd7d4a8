package review

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/google/uuid"

	"handoff/store"
)

// What changed, as announced to open screens.
const (
	ChangeSessionCreated  = "session.created"
	ChangeSessionImported = "session.imported"
	ChangeSessionDecided  = "session.decided"
	ChangeSessionDeleted  = "session.deleted"
	ChangeTokenMinted     = "token.minted"
	ChangeTokenImported   = "token.imported"
	ChangeClaimTaken      = "claim.taken"
	ChangeClaimReleased   = "claim.released"
	ChangeApplications    = "applications.changed"

	// Connection events, for every subscriber whatever its application.
	ChangeReconnecting = "connection.lost"    // the listener is retrying
	ChangeResync       = "connection.resumed" // reload: changes may have been missed
)

// Change announces that something an open screen may show has changed. It
// carries ids only; screens reload what they show.
type Change struct {
	App     uuid.UUID  `json:"app"`
	What    string     `json:"what"`
	Session *uuid.UUID `json:"session,omitempty"`
	By      string     `json:"by,omitempty"`
}

// announce queues changes for delivery when tx commits, through
// PostgreSQL's NOTIFY, so every process on the database hears them.
func announce(ctx context.Context, q store.Queryer, changes ...Change) error {
	payloads := make([]string, len(changes))
	for i, c := range changes {
		b, _ := json.Marshal(c)
		payloads[i] = string(b)
	}
	return store.Notify(ctx, q, payloads...)
}

// hub shares one LISTEN connection among all subscribers of a process:
// fifty open screens cost one database connection, not fifty.
type hub struct {
	mu       sync.Mutex
	subs     map[chan Change]uuid.UUID
	started  bool
	stop     context.CancelFunc
	onChange func(Change) // runs before subscribers hear of a change
}

// Subscribe returns the changes of app (and connection events) until ctx
// ends. A subscriber that falls behind loses intermediate changes but never
// the fact that something changed.
func (s *Service) Subscribe(ctx context.Context, app uuid.UUID) (<-chan Change, error) {
	h := &s.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.started {
		lctx, cancel := context.WithCancel(context.Background())
		payloads, events, err := s.db.Listen(lctx)
		if err != nil {
			cancel()
			return nil, err
		}
		h.started, h.stop, h.subs = true, cancel, map[chan Change]uuid.UUID{}
		h.onChange = func(c Change) { s.counts.invalidate(c.App) }
		go h.run(payloads, events)
	}
	ch := make(chan Change, 16)
	h.subs[ch] = app
	go func() {
		<-ctx.Done()
		h.mu.Lock()
		delete(h.subs, ch)
		h.mu.Unlock()
	}()
	return ch, nil
}

func (h *hub) run(payloads <-chan string, events <-chan store.ListenerEvent) {
	for {
		select {
		case p, ok := <-payloads:
			if !ok {
				return
			}
			var c Change
			if json.Unmarshal([]byte(p), &c) == nil {
				h.send(c)
			}
		case ev := <-events:
			switch ev {
			case store.ListenerLost:
				h.send(Change{What: ChangeReconnecting})
			case store.ListenerResumed:
				h.send(Change{What: ChangeResync})
			}
		}
	}
}

func (h *hub) send(c Change) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.onChange(c)
	for ch, app := range h.subs {
		if c.App != uuid.Nil && c.App != app && c.What != ChangeApplications {
			continue
		}
		select {
		case ch <- c:
		default: // full: the pending changes already make it reload
		}
	}
}

// listening reports whether this process hears changes.
func (s *Service) listening() bool {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return s.hub.started
}

// Close stops the shared listener.
func (s *Service) Close() {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	if s.hub.stop != nil {
		s.hub.stop()
	}
}
