package domain

import (
	"encoding/json"
	"time"
)

// TimelineEvent is one entry of a case's timeline: something recorded
// about the session, with who did it and when.
type TimelineEvent struct {
	At    time.Time
	Actor string // as the audit trail names them; "webhook" for deliveries
	// Kind is where it was recorded: "audit" (the session's trail),
	// "mint" (the issuer's token, as the import recorded it) or
	// "webhook" (a delivery).
	Kind string
	// Action is the audit action, share_token.minted, or
	// webhook.delivered / webhook.failed / webhook.pending.
	Action  string
	Details json.RawMessage
	// Cursor is where the event sits in the timeline's order, opaque: the
	// events before it are read by handing it back.
	Cursor string
	// ID names the event whatever its place: an audit event keeps it from
	// pending to sealed (when its cursor changes), a delivery is its event
	// and destination.
	ID string
}
