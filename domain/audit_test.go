package domain

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
)

func chain(n int) []AuditEvent {
	app := uuid.New()
	var prev []byte
	out := make([]AuditEvent, n)
	for i := range out {
		out[i] = AuditEvent{ApplicationID: app, Seq: int64(i + 1), At: t0.Add(time.Duration(i) * time.Second),
			Actor: "analyst:alice", Action: ActionStatusChanged, Details: json.RawMessage(`{"to":"Approved"}`), PrevHash: prev}
		out[i].Hash = out[i].ComputeHash()
		prev = out[i].Hash
	}
	return out
}

func TestVerifyLegacyChain(t *testing.T) {
	if brk := VerifyLegacyChain(chain(5), nil, 0); brk != nil {
		t.Fatalf("intact chain reported broken: %+v", brk)
	}
	tests := []struct {
		name   string
		mutate func([]AuditEvent) []AuditEvent
		want   int64
	}{
		{"altered details", func(e []AuditEvent) []AuditEvent { e[2].Details = json.RawMessage(`{"to":"Declined"}`); return e }, 3},
		{"altered actor", func(e []AuditEvent) []AuditEvent { e[1].Actor = "analyst:mallory"; return e }, 2},
		{"removed event", func(e []AuditEvent) []AuditEvent { return append(e[:2], e[3:]...) }, 3},
		{"rehashed but relinked wrong", func(e []AuditEvent) []AuditEvent {
			e[3].Actor = "x"
			e[3].Hash = e[3].ComputeHash()
			return e
		}, 5},
	}
	for _, tt := range tests {
		brk := VerifyLegacyChain(tt.mutate(chain(5)), nil, 0)
		if brk == nil || brk.Seq != tt.want {
			t.Errorf("%s: break = %+v, want at %d", tt.name, brk, tt.want)
		}
	}
}

func TestLeafHashCoversEveryField(t *testing.T) {
	sid := uuid.New()
	base := AuditEvent{ApplicationID: uuid.New(), ID: uuid.New(), At: t0, Actor: "analyst:alice",
		Action: ActionStatusChanged, SessionID: &sid, Details: json.RawMessage(`{"to":"Approved"}`)}
	seen := map[string]string{string(base.LeafHash()): "base"}
	other := uuid.New()
	for name, mutate := range map[string]func(*AuditEvent){
		"id":         func(e *AuditEvent) { e.ID = uuid.New() },
		"app":        func(e *AuditEvent) { e.ApplicationID = uuid.New() },
		"at":         func(e *AuditEvent) { e.At = e.At.Add(time.Microsecond) },
		"actor":      func(e *AuditEvent) { e.Actor = "analyst:mallory" },
		"action":     func(e *AuditEvent) { e.Action = ActionSessionDeleted },
		"session":    func(e *AuditEvent) { e.SessionID = &other },
		"no session": func(e *AuditEvent) { e.SessionID = nil },
		"details":    func(e *AuditEvent) { e.Details = json.RawMessage(`{"to":"Declined"}`) },
		"legacy":     func(e *AuditEvent) { e.ID, e.Seq = uuid.Nil, 1 },
	} {
		e := base
		mutate(&e)
		h := string(e.LeafHash())
		if prev, dup := seen[h]; dup {
			t.Errorf("changing %s gives the leaf hash of %s", name, prev)
		}
		seen[h] = name
	}
	// The position is not part of the leaf: it is known before sealing.
	sealed := base
	sealed.Seq = 42
	if string(sealed.LeafHash()) != string(base.LeafHash()) {
		t.Error("an event's leaf hash changed when it was numbered")
	}
}
