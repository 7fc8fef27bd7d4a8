package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
)

// The timeline's order is (at, src, seq, id): the time, then where it was
// recorded (the issuer's mint 0, sealed audit events 1, pending ones 2,
// webhook deliveries 3), then the sealed event's number or the moment a
// pending one went in (microseconds), then the pending event's or the
// delivery's id. A cursor is that position as text, opaque
// to the callers, which hand it back to read the events before it.
type timelineRow struct {
	At      time.Time `db:"at"`
	Actor   string    `db:"actor"`
	Kind    string    `db:"kind"`
	Action  string    `db:"action"`
	Details string    `db:"details"`
	Src     int       `db:"src"`
	Seq     int64     `db:"seq"`
	ID      string    `db:"id"`
	// EventID names the event whether pending or sealed (ID, part of the
	// order, is empty for sealed events, which seq orders).
	EventID string `db:"eid"`
}

func (r timelineRow) cursor() string {
	return fmt.Sprintf("%s|%d|%d|%s", r.At.UTC().Format(time.RFC3339Nano), r.Src, r.Seq, r.ID)
}

func (r timelineRow) domain() domain.TimelineEvent {
	return domain.TimelineEvent{At: r.At.UTC(), Actor: r.Actor, Kind: r.Kind, Action: r.Action,
		Details: json.RawMessage(r.Details), Cursor: r.cursor(), ID: r.Kind + ":" + r.EventID}
}

// parseTimelineCursor reads a cursor back; "" is the end (the newest).
func parseTimelineCursor(c string) (timelineRow, error) {
	end := timelineRow{At: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), Src: 9}
	if c == "" {
		return end, nil
	}
	var r timelineRow
	parts := strings.SplitN(c, "|", 4)
	if len(parts) == 4 {
		at, err := time.Parse(time.RFC3339Nano, parts[0])
		_, err2 := fmt.Sscanf(parts[1]+" "+parts[2], "%d %d", &r.Src, &r.Seq)
		if err == nil && err2 == nil {
			r.At, r.ID = at, parts[3]
			return r, nil
		}
	}
	return r, domain.Invalidf("not a position in a case's timeline: %q", c)
}

// TimelineSpan picks a run of a session's timeline: the newest Limit
// events before the cursor Before ("" for the newest of all), and of
// them none older than the event at cursor From ("" for no such bound).
type TimelineSpan struct {
	Before, From string
	Limit        int
}

// SessionTimeline returns a span of one session's recorded events, oldest
// first, and whether older ones remain: its audit events (sealed and
// pending), the issuer's mint of the token it was imported with, and its
// webhook deliveries (delivered, failing or pending). One query, whose
// cost follows the span and not the length of the session's history: each
// part reads at most Limit rows backwards on its session index
// (audit_events_session and audit_pending_session are on the time); only
// a session's webhook deliveries, one per status change and destination,
// are all read to be ordered by when they were delivered.
func SessionTimeline(ctx context.Context, q Queryer, app, session uuid.UUID, span TimelineSpan) ([]domain.TimelineEvent, bool, error) {
	c, err := parseTimelineCursor(span.Before)
	if err != nil {
		return nil, false, err
	}
	// From bounds by time only: an event sealed since it was read keeps its
	// time but not its place among the events of that instant.
	from := timelineRow{}
	if span.From != "" {
		if from, err = parseTimelineCursor(span.From); err != nil {
			return nil, false, err
		}
	}
	if span.Limit < 1 {
		return nil, false, domain.Invalidf("a timeline span needs at least one event")
	}
	var rows []timelineRow
	err = q.SelectContext(ctx, &rows, `SELECT at, actor, kind, action, details, src, seq, id, eid FROM (
		(SELECT at, actor, 'audit' AS kind, action, details::text AS details, 1 AS src, seq, ''::text AS id,
			coalesce(event_id::text, seq::text) AS eid
			FROM audit_events WHERE application_id = $1 AND session_id = $2
				AND at <= $3 AND (at, 1, seq, ''::text) < ($3::timestamptz, $4::int, $5::bigint, $6::text)
				-- the cursor's own event, read while pending and sealed since
				AND ($4 <> 2 OR event_id IS NULL OR event_id::text <> $6)
			ORDER BY at DESC, seq DESC LIMIT $7)
		UNION ALL
		(SELECT at, actor, 'audit', action, details, 2, seq, id, id FROM (
			SELECT at, actor, action, details::text AS details, event_id::text AS id,
				-- the order they went in, as the sequencer will seal them
				(extract(epoch FROM queued_at) * 1000000)::bigint AS seq
			FROM audit_pending WHERE application_id = $1 AND session_id = $2 AND at <= $3) p
			WHERE (at, 2, seq, id) < ($3::timestamptz, $4::int, $5::bigint, $6::text)
			ORDER BY at DESC, seq DESC, id DESC LIMIT $7)
		UNION ALL
		(SELECT t.created_at, t.minted_by, 'mint', 'share_token.minted',
			json_build_object('token_id', t.token_id, 'source_application_id', t.application_id,
				'source_session_id', t.session_id, 'expires_at', t.expires_at)::text, 0, 0, t.token_id::text, t.token_id::text
			FROM imports i JOIN share_tokens t ON t.application_id = i.source_application_id AND t.token_id = i.token_id
			WHERE i.application_id = $1 AND i.session_id = $2
				AND (t.created_at, 0, 0::bigint, t.token_id::text) < ($3::timestamptz, $4::int, $5::bigint, $6::text))
		UNION ALL
		(SELECT at, 'webhook', 'webhook', 'webhook.' || state, details, 3, 0, id, id FROM (
			SELECT coalesce(d.delivered_at, e.created_at) AS at, d.state,
				json_build_object('webhook_type', e.webhook_type, 'destination_id', d.destination_id, 'attempts', d.attempts,
					'last_status', d.last_status, 'last_error', d.last_error)::text AS details,
				e.event_id::text || '/' || d.destination_id::text AS id
			FROM webhook_events e JOIN webhook_deliveries d ON d.application_id = e.application_id AND d.event_id = e.event_id
			WHERE e.application_id = $1 AND e.session_id = $2) w
			WHERE (at, 3, 0::bigint, id) < ($3::timestamptz, $4::int, $5::bigint, $6::text)
			ORDER BY at DESC, id DESC LIMIT $7)
		) AS t ORDER BY at DESC, src DESC, seq DESC, id DESC LIMIT $7`,
		app, session, c.At, c.Src, c.Seq, c.ID, span.Limit+1)
	if err != nil {
		return nil, false, mapErr(err)
	}
	more := len(rows) > span.Limit
	if more {
		rows = rows[:span.Limit]
	}
	for len(rows) > 0 && span.From != "" && rows[len(rows)-1].At.Before(from.At) {
		rows, more = rows[:len(rows)-1], true
	}
	out := make([]domain.TimelineEvent, len(rows))
	for i, r := range rows {
		out[len(rows)-1-i] = r.domain()
	}
	return out, more, nil
}

// SessionImportEvent is the audit event that imported a session (sealed
// or pending): what the case's Decision block says of its arrival. Read
// by its own index, whatever the length of the session's history.
func SessionImportEvent(ctx context.Context, q Queryer, app, session uuid.UUID) (domain.TimelineEvent, error) {
	var r timelineRow
	err := q.GetContext(ctx, &r, `SELECT at, actor, 'audit' AS kind, action, details::text AS details, 1 AS src, seq, ''::text AS id,
			coalesce(event_id::text, seq::text) AS eid
			FROM audit_events WHERE application_id = $1 AND session_id = $2 AND action = $3
		UNION ALL
		SELECT at, actor, 'audit', action, details::text, 2, 0, event_id::text, event_id::text
			FROM audit_pending WHERE application_id = $1 AND session_id = $2 AND action = $3
		LIMIT 1`, app, session, domain.ActionSessionImported)
	if err != nil {
		return domain.TimelineEvent{}, notFound(err, "This session was not imported.")
	}
	return r.domain(), nil
}
