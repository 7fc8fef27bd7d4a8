package domain

import (
	"strings"
	"time"

	"github.com/google/uuid"
)

// Application is a tenant: the seed's "Service X" or "Service Y".
type Application struct {
	ID        uuid.UUID
	Name      string
	CreatedAt time.Time
	DeletedAt *time.Time
	// RetentionDays is how long its sessions are kept before the purger
	// erases them; nil keeps them until deleted.
	RetentionDays *int
}

// ValidateAppName keeps names printable and short enough for a TUI header.
func ValidateAppName(name string) error {
	if strings.TrimSpace(name) == "" {
		return FieldError("name", "must not be empty")
	}
	if len(name) > 100 {
		return FieldError("name", "must be at most 100 characters")
	}
	if _, err := uuid.Parse(name); err == nil {
		return FieldError("name", "must not look like an application id")
	}
	return nil
}

// Privilege is what one API key may do.
type Privilege string

const (
	PrivWriteSessions Privilege = "write:sessions"
	PrivReadSessions  Privilege = "read:sessions"
	PrivWriteWebhooks Privilege = "write:webhooks"
	PrivReadWebhooks  Privilege = "read:webhooks"
)

// AllPrivileges are the privileges a key may hold.
var AllPrivileges = []Privilege{PrivWriteSessions, PrivReadSessions, PrivWriteWebhooks, PrivReadWebhooks}

// DefaultPrivileges is what a new key holds unless told otherwise.
var DefaultPrivileges = []Privilege{PrivWriteSessions, PrivReadSessions}

// ParsePrivileges reads a comma-separated list such as
// "write:sessions,read:sessions".
func ParsePrivileges(s string) ([]Privilege, error) {
	var out []Privilege
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		ok := false
		for _, known := range AllPrivileges {
			if Privilege(p) == known {
				ok = true
			}
		}
		if !ok {
			return nil, Invalidf("unknown privilege %q (known: write:sessions, read:sessions, write:webhooks, read:webhooks)", p)
		}
		out = append(out, Privilege(p))
	}
	if len(out) == 0 {
		return nil, Invalidf("at least one privilege is required")
	}
	return out, nil
}

// Workflow is a verification flow of an application, for one kind.
type Workflow struct {
	ID   string `json:"workflow_id"`
	Kind Kind   `json:"kind"`
}

// ParseWorkflow reads "ID:user" or "ID:business".
func ParseWorkflow(s string) (Workflow, error) {
	id, kind, ok := strings.Cut(s, ":")
	if !ok || id == "" {
		return Workflow{}, Invalidf("workflow %q must be written ID:user or ID:business", s)
	}
	k, err := ParseKind(kind)
	if err != nil {
		return Workflow{}, Invalidf("workflow %q: kind must be user or business", s)
	}
	if err := ValidateWorkflowID(id); err != nil {
		return Workflow{}, err
	}
	return Workflow{ID: id, Kind: k}, nil
}

// ValidateWorkflowID keeps workflow ids to the identifier characters Didit
// uses (wf_partner_kyc).
func ValidateWorkflowID(id string) error {
	if id == "" || len(id) > 100 {
		return FieldError("workflow_id", "must be 1 to 100 characters")
	}
	for _, r := range id {
		if !(r == '_' || r == '-' || r == '.' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return FieldError("workflow_id", "may contain only letters, digits, '_', '-' and '.'")
		}
	}
	return nil
}

// Caller is who acts: an API key of an application, an analyst, or an
// operator at the command line.
type Caller struct {
	ApplicationID uuid.UUID
	KeyID         *uuid.UUID // set for API keys
	Analyst       string     // set for analysts
	// Operator is set for an operator at the command line (or a tool
	// acting for one, such as the demo), who administers every
	// application; it is how the audit trail names them.
	Operator   string
	Privileges []Privilege
	// RequestID is the id of the API request acting, carried into the
	// audit events it writes (empty outside the API).
	RequestID string
}

// Actor names the caller in the audit trail.
func (c Caller) Actor() string {
	if c.Analyst != "" {
		return "analyst:" + c.Analyst
	}
	if c.KeyID != nil {
		return "api_key:" + c.KeyID.String()
	}
	if c.Operator != "" {
		return c.Operator
	}
	return "system"
}

// In is the caller acting in app (an operator picks the application per
// command).
func (c Caller) In(app uuid.UUID) Caller {
	c.ApplicationID = app
	return c
}

// RequireOperator returns a forbidden error unless the caller is an
// operator.
func (c Caller) RequireOperator() error {
	if c.Operator == "" {
		return Forbiddenf("You do not have permission to perform this action: only an operator may, with the handoff command.")
	}
	return nil
}

// Can reports whether the caller holds p.
func (c Caller) Can(p Privilege) bool {
	for _, have := range c.Privileges {
		if have == p {
			return true
		}
	}
	return false
}

// Require returns a forbidden error when the caller lacks p.
func (c Caller) Require(p Privilege) error {
	if !c.Can(p) {
		return Forbiddenf("You do not have permission to perform this action: the API key lacks %s.", p)
	}
	return nil
}
