// Package review holds handoff's use cases: share, import, decide, the
// queue and the administration around them. It is the one place that
// combines domain rules with store transactions and writes audit events;
// the REST API and the TUI both call it.
package review

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"handoff/auditlog"
	"handoff/domain"
	"handoff/store"
)

// Service runs the use cases on one database.
type Service struct {
	db   *store.DB
	now  func() time.Time
	log  *slog.Logger
	keys *keyring
	// masterKeys wrap the data keys; data caches them unwrapped.
	masterKeys Keys
	keyRefresh time.Duration
	data       *dataKeys
	audit      *auditlog.Log
	callers    *callerCache
	hub        hub
	counts     countCache
	claimTTL   time.Duration
	obs        Observer // nil: nobody listens
	// privateWebhooks lets destinations be private, loopback or link-local
	// addresses (local development and tests only).
	privateWebhooks atomic.Bool
	publicURL       atomic.Pointer[string] // SetPublicURL
	// mintRace, in tests, runs between a mint's read and its write.
	mintRace func(locked bool)
}

// Option configures a Service.
type Option func(*Service)

// WithClock replaces the wall clock (tests).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithLogger sets the logger for causes that are not shown to users.
func WithLogger(l *slog.Logger) Option { return func(s *Service) { s.log = l } }

// New returns a Service on db.
func New(db *store.DB, opts ...Option) *Service {
	s := &Service{db: db, now: time.Now, log: slog.Default(), claimTTL: DefaultClaimTTL}
	for _, o := range opts {
		o(s)
	}
	if s.masterKeys.Master == nil {
		s.masterKeys = processKeys()
	}
	s.data = newDataKeys(db, s.masterKeys, s.now)
	if s.keyRefresh > 0 {
		s.data.refresh = s.keyRefresh
	}
	s.keys = newKeyring(db, s.masterKeys.Master, s.now)
	s.audit = auditlog.New(db, s.now, s.log, auditlog.WithMasterKey(s.masterKeys.Master))
	s.callers = newCallerCache(s.now)
	return s
}

// DB exposes the pool to the wiring layer (cmd), for closing and for the
// webhook sender.
func (s *Service) DB() *store.DB { return s.db }

// Ping reports whether the database answers: unavailable when not.
func (s *Service) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return domain.Unavailable(store.ErrUnavailable, err)
	}
	return nil
}
