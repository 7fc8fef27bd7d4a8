package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
)

// SessionTimeline returns every recorded event of one session in time
// order, in one query whatever their number: its audit events (sealed and
// pending), the issuer's mint of the token it was imported with, and its
// webhook deliveries (delivered, failing or pending).
func SessionTimeline(ctx context.Context, q Queryer, app, session uuid.UUID) ([]domain.TimelineEvent, error) {
	var rows []struct {
		At      time.Time `db:"at"`
		Actor   string    `db:"actor"`
		Kind    string    `db:"kind"`
		Action  string    `db:"action"`
		Details string    `db:"details"`
	}
	err := q.SelectContext(ctx, &rows, `SELECT at, actor, kind, action, details FROM (
		SELECT at, actor, 'audit' AS kind, action, details::text AS details, seq, 1 AS src
			FROM audit_events WHERE application_id = $1 AND session_id = $2
		UNION ALL
		SELECT at, actor, 'audit', action, details::text, 0, 2
			FROM audit_pending WHERE application_id = $1 AND session_id = $2
		UNION ALL
		SELECT t.created_at, t.minted_by, 'mint', 'share_token.minted',
			json_build_object('token_id', t.token_id, 'source_application_id', t.application_id,
				'source_session_id', t.session_id, 'expires_at', t.expires_at)::text, 0, 0
			FROM imports i JOIN share_tokens t ON t.application_id = i.source_application_id AND t.token_id = i.token_id
			WHERE i.application_id = $1 AND i.session_id = $2
		UNION ALL
		SELECT coalesce(d.delivered_at, e.created_at), 'webhook', 'webhook', 'webhook.' || d.state,
			json_build_object('webhook_type', e.webhook_type, 'destination_id', d.destination_id, 'attempts', d.attempts,
				'last_status', d.last_status, 'last_error', d.last_error)::text, 0, 3
			FROM webhook_events e JOIN webhook_deliveries d ON d.application_id = e.application_id AND d.event_id = e.event_id
			WHERE e.application_id = $1 AND e.session_id = $2
		) AS t ORDER BY at, src, seq`, app, session)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]domain.TimelineEvent, len(rows))
	for i, r := range rows {
		out[i] = domain.TimelineEvent{At: r.At.UTC(), Actor: r.Actor, Kind: r.Kind, Action: r.Action, Details: json.RawMessage(r.Details)}
	}
	return out, nil
}
