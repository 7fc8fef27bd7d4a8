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

func TestVerifyChain(t *testing.T) {
	if brk := VerifyChain(chain(5), nil, 0); brk != nil {
		t.Fatalf("intact chain reported broken: %+v", brk)
	}
	tests := []struct {
		name   string
		mutate func([]AuditEvent) []AuditEvent
		want   int64
	}{
		{"altered details", func(e []AuditEvent) []AuditEvent { e[2].Details = json.RawMessage(`{"to":"Declined"}`); return e }, 3},
		{"altered actor", func(e []AuditEvent) []AuditEvent { e[1].Actor = "analyst:mallory"; return e }, 2},
		{"removed event", func(e []AuditEvent) []AuditEvent { return append(e[:2], e[3:]...) }, 4},
		{"rehashed but relinked wrong", func(e []AuditEvent) []AuditEvent {
			e[3].Actor = "x"
			e[3].Hash = e[3].ComputeHash()
			return e
		}, 5},
	}
	for _, tt := range tests {
		brk := VerifyChain(tt.mutate(chain(5)), nil, 0)
		if brk == nil || brk.Seq != tt.want {
			t.Errorf("%s: break = %+v, want at %d", tt.name, brk, tt.want)
		}
	}
}
