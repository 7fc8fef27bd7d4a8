package review

import (
	"context"
	"time"

	"handoff/domain"
	"handoff/store"
)

// Operations an Observer hears about.
const (
	OpMint   = "mint"
	OpImport = "import"
	OpDecide = "decide"
)

// Observer hears how use cases ended, for metrics. op is one of the Op
// constants and outcome one of Outcome's values: small fixed sets, never
// an id.
type Observer interface {
	Operation(op, outcome string)
}

// WithObserver reports use-case outcomes to o.
func WithObserver(o Observer) Option { return func(s *Service) { s.obs = o } }

// Outcome names how a use case ended: "ok", the error's domain code, or
// "error" for anything unclassified.
func Outcome(err error) string {
	if err == nil {
		return "ok"
	}
	if c := domain.ErrorCode(err); c != "" {
		return string(c)
	}
	return "error"
}

func (s *Service) observe(op string, err error) {
	if s.obs != nil {
		s.obs.Operation(op, Outcome(err))
	}
}

// WebhookBacklog is the outbox: deliveries pending across all
// applications and the age of the oldest (for metrics).
func (s *Service) WebhookBacklog(ctx context.Context) (int64, time.Duration, error) {
	n, oldest, err := store.WebhookBacklog(ctx, s.db)
	if err != nil || n == 0 {
		return n, 0, err
	}
	return n, max(0, s.now().Sub(oldest)), nil
}

// AuditLag is how far the audit sequencer is behind: the wait of the
// oldest event not yet sealed into its application's tree (for metrics).
func (s *Service) AuditLag(ctx context.Context) (time.Duration, error) {
	return store.AuditLag(ctx, s.db)
}
