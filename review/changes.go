package review

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
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
	ChangeTokenRevoked    = "token.revoked"
	ChangeClaimTaken      = "claim.taken"
	ChangeClaimReleased   = "claim.released"
	ChangeSessionReviewed = "session.reviewed" // a note, or a four-eyes proposal or rejection
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

// announce queues changes for delivery when tx commits (or, on the pool,
// soon: store.Notify), through PostgreSQL's NOTIFY, so every process on
// the database hears them.
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
	ready    <-chan struct{} // closed once LISTEN is in place
	onChange func(Change)    // runs before subscribers hear of a change
}

// Subscribe returns the changes of the caller's application (and
// connection events) until ctx ends. A subscriber that falls behind is
// sent a resync instead of the changes it missed.
func (s *Service) Subscribe(ctx context.Context, caller domain.Caller) (<-chan Change, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return nil, err
	}
	app := caller.ApplicationID
	h := &s.hub
	h.mu.Lock()
	if !h.started {
		lctx, cancel := context.WithCancel(context.Background())
		payloads, events, ready := s.db.Listen(lctx, store.ChangesChannel)
		h.ready = ready
		h.started, h.stop, h.subs = true, cancel, map[chan Change]uuid.UUID{}
		h.onChange = func(c Change) { s.counts.invalidate(c.App) }
		go h.run(payloads, events)
	}
	ch := make(chan Change, 16)
	h.subs[ch] = app
	ready := h.ready
	h.mu.Unlock()
	// Changes committed from here on reach ch once LISTEN is in place; wait
	// a little for it, but never for a database that does not answer (the
	// subscriber hears "reconnecting" instead).
	select {
	case <-ready:
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
	}
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
		default:
			// Full: this subscriber is behind. Replace its oldest change
			// with a resync, which makes it reload everything, so no
			// change is lost, only merged.
			select {
			case <-ch:
			default:
			}
			select {
			case ch <- Change{What: ChangeResync}:
			default:
			}
		}
	}
}

// listening reports whether this process hears changes.
func (s *Service) listening() bool {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return s.hub.started
}

// Close stops the shared listener; a later Subscribe starts a new one.
func (s *Service) Close() {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	if s.hub.stop != nil {
		s.hub.stop()
	}
	s.hub.started, s.hub.stop, s.hub.subs = false, nil, nil
	s.counts.invalidate(uuid.Nil)
}
