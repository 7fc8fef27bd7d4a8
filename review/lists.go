package review

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
)

// ChangeLists announces that a list or its entries changed; open case
// screens reload their findings.
const ChangeLists = "lists.changed"

// ListsQuery is GET /v3/lists/'s filters and page.
type ListsQuery struct {
	ListType, EntryType string
	Limit, Offset       int
}

// Lists returns a page of the caller's lists and how many match.
func (s *Service) Lists(ctx context.Context, caller domain.Caller, q ListsQuery) ([]domain.List, int64, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return nil, 0, err
	}
	f := store.ListsFilter{Limit: q.Limit, Offset: q.Offset}
	if q.ListType != "" {
		t, ok := domain.ParseListType(q.ListType)
		if !ok {
			return nil, 0, domain.FieldError("list_type", "%q is not one of blocklist, allowlist, custom.", q.ListType)
		}
		f.Type = t
	}
	if q.EntryType != "" {
		t, ok := domain.ParseEntryType(q.EntryType)
		if !ok {
			return nil, 0, domain.FieldError("entry_type", "%q is not a supported entry type.", q.EntryType)
		}
		f.EntryType = t
	}
	return store.Lists(ctx, s.db, caller.ApplicationID, f)
}

// NewList is POST /v3/lists/'s body.
type NewList struct {
	Name, Description, ListType, EntryType string
}

// CreateList makes an allowlist or custom list; system blocklists exist
// from the start and cannot be made.
func (s *Service) CreateList(ctx context.Context, caller domain.Caller, req NewList) (domain.List, error) {
	if err := caller.Require(domain.PrivWriteSessions); err != nil {
		return domain.List{}, err
	}
	if req.Name == "" {
		return domain.List{}, domain.FieldError("name", "This field is required.")
	}
	if err := domain.ValidateListText("name", req.Name, domain.MaxListName); err != nil {
		return domain.List{}, err
	}
	if err := domain.ValidateListText("description", req.Description, domain.MaxListText); err != nil {
		return domain.List{}, err
	}
	lt, ok := domain.ParseListType(req.ListType)
	if req.ListType == "" {
		return domain.List{}, domain.FieldError("list_type", "This field is required.")
	} else if !ok || lt == domain.ListBlocklist {
		return domain.List{}, domain.FieldError("list_type", "Only allowlist or custom lists can be created; every application has one system blocklist per entry type.")
	}
	et, ok := domain.ParseEntryType(req.EntryType)
	if req.EntryType == "" {
		return domain.List{}, domain.FieldError("entry_type", "This field is required.")
	} else if !ok {
		return domain.List{}, domain.FieldError("entry_type", "%q is not a supported entry type.", req.EntryType)
	}
	now := s.now().UTC()
	l := domain.List{ApplicationID: caller.ApplicationID, ID: uuid.New(), Name: req.Name, Description: req.Description,
		Type: lt, EntryType: et, CreatedAt: now, UpdatedAt: now}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := store.CreateList(ctx, tx, l); err != nil {
			return err
		}
		return s.listChanged(ctx, tx, caller, "list.created", map[string]any{"list_id": l.ID, "name": l.Name,
			"list_type": l.Type, "entry_type": l.EntryType})
	})
	return l, err
}

func (s *Service) listChanged(ctx context.Context, tx *store.Tx, caller domain.Caller, action string, details map[string]any) error {
	if err := announce(ctx, tx, Change{App: caller.ApplicationID, What: ChangeLists, By: caller.Actor()}); err != nil {
		return err
	}
	return store.AppendAudit(ctx, tx, caller.ApplicationID, domain.AuditEvent{At: s.now(), Actor: caller.Actor(),
		RequestID: caller.RequestID, Action: action, Details: mustJSON(details)})
}

// GetList loads one of the caller's lists.
func (s *Service) GetList(ctx context.Context, caller domain.Caller, id uuid.UUID) (domain.List, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return domain.List{}, err
	}
	return store.GetList(ctx, s.db, caller.ApplicationID, id, false)
}

// ListPatch is PATCH /v3/lists/{id}/'s body: nil fields are left alone.
type ListPatch struct {
	Name, Description *string
}

// UpdateList renames a list or changes its description; a system
// blocklist keeps its name.
func (s *Service) UpdateList(ctx context.Context, caller domain.Caller, id uuid.UUID, p ListPatch) (domain.List, error) {
	if err := caller.Require(domain.PrivWriteSessions); err != nil {
		return domain.List{}, err
	}
	var l domain.List
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if l, err = store.GetList(ctx, tx, caller.ApplicationID, id, true); err != nil {
			return err
		}
		if p.Name != nil && *p.Name != l.Name {
			if l.System {
				return domain.FieldError("name", "A system blocklist cannot be renamed.")
			}
			if *p.Name == "" {
				return domain.FieldError("name", "This field may not be blank.")
			}
			if err := domain.ValidateListText("name", *p.Name, domain.MaxListName); err != nil {
				return err
			}
			l.Name = *p.Name
		}
		if p.Description != nil {
			if err := domain.ValidateListText("description", *p.Description, domain.MaxListText); err != nil {
				return err
			}
			l.Description = *p.Description
		}
		l.UpdatedAt = s.now().UTC()
		if err := store.UpdateList(ctx, tx, l); err != nil {
			return err
		}
		return s.listChanged(ctx, tx, caller, "list.updated", map[string]any{"list_id": l.ID, "name": l.Name})
	})
	return l, err
}

// DeleteList removes an allowlist or custom list and its entries.
func (s *Service) DeleteList(ctx context.Context, caller domain.Caller, id uuid.UUID) error {
	if err := caller.Require(domain.PrivWriteSessions); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		l, err := store.GetList(ctx, tx, caller.ApplicationID, id, true)
		if err != nil {
			return err
		}
		if l.System {
			return domain.Invalidf("A system blocklist cannot be deleted.")
		}
		if err := store.DeleteList(ctx, tx, caller.ApplicationID, id); err != nil {
			return err
		}
		return s.listChanged(ctx, tx, caller, "list.deleted", map[string]any{"list_id": l.ID, "name": l.Name})
	})
}

// ListEntries returns a page of a list's entries, newest first, whose
// value or label contains search (ignoring case; any, when it is empty),
// and how many match. Their values are sealed: a search opens the list's
// entries here (list_sealing.go).
func (s *Service) ListEntries(ctx context.Context, caller domain.Caller, list uuid.UUID, search string, limit, offset int) ([]domain.ListEntry, int64, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return nil, 0, err
	}
	k, err := s.data.forApp(ctx, caller.ApplicationID)
	if err != nil {
		return nil, 0, err
	}
	if _, err := store.GetList(ctx, s.db, caller.ApplicationID, list, false); err != nil {
		return nil, 0, err
	}
	if search != "" {
		return s.searchEntries(ctx, k, list, search, limit, offset)
	}
	page, n, err := store.ListEntries(ctx, s.db, caller.ApplicationID, list, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	out, err := s.data.openEntries(ctx, k, page)
	return out, n, err
}

// NewEntry is POST /v3/lists/{id}/entries/'s body.
type NewEntry struct {
	Value              string
	ReferenceSessionID *uuid.UUID
	DisplayLabel       string
	Comment            string
	Metadata           json.RawMessage
}

// AddEntry puts a value on a list: the value as sent, or taken from the
// referenced session by the list's entry type (with a value too, the
// value picks which of the session's identifiers of that type).
func (s *Service) AddEntry(ctx context.Context, caller domain.Caller, list uuid.UUID, req NewEntry) (domain.ListEntry, error) {
	if err := caller.Require(domain.PrivWriteSessions); err != nil {
		return domain.ListEntry{}, err
	}
	if err := domain.ValidateListText("display_label", req.DisplayLabel, domain.MaxListName); err != nil {
		return domain.ListEntry{}, err
	}
	if err := domain.ValidateEntryReason(caller, req.Comment); err != nil {
		return domain.ListEntry{}, err
	}
	if m := bytes.TrimSpace(req.Metadata); len(m) > 0 && !bytes.Equal(m, []byte("null")) {
		if m[0] != '{' || !json.Valid(m) {
			return domain.ListEntry{}, domain.FieldError("metadata", "must be a JSON object")
		}
		if len(m) > 16<<10 {
			return domain.ListEntry{}, domain.FieldError("metadata", "must be at most 16 KiB")
		}
		req.Metadata = m
	} else {
		req.Metadata = nil
	}
	if req.Value == "" && req.ReferenceSessionID == nil {
		return domain.ListEntry{}, domain.FieldError("value", "This field is required unless reference_session_id is given.")
	}
	key, err := s.matcher(ctx, caller.ApplicationID)
	if err != nil {
		return domain.ListEntry{}, err
	}
	now := s.now().UTC()
	e := domain.ListEntry{ID: uuid.New(), ListID: list, DisplayLabel: req.DisplayLabel, Comment: req.Comment,
		AddedBy: caller.Actor(), Metadata: req.Metadata, CreatedAt: now}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		l, err := store.GetList(ctx, tx, caller.ApplicationID, list, true)
		if err != nil {
			return err
		}
		if req.Value != "" {
			if e.Value, err = domain.NormalizeEntry(l.EntryType, req.Value); err != nil {
				return err
			}
		}
		if req.ReferenceSessionID != nil {
			sealed, err := store.GetSealedSession(ctx, tx, caller.ApplicationID, *req.ReferenceSessionID)
			if domain.IsCode(err, domain.CodeNotFound) {
				return domain.NotFoundf("Session %s not found.", *req.ReferenceSessionID)
			} else if err != nil {
				return err
			}
			sess, err := s.data.openSession(ctx, sealed) // keys cached by matcher above
			if err != nil {
				return err
			}
			if e.Value, err = valueFromSession(sess, l.EntryType, e.Value); err != nil {
				return err
			}
			e.ReferenceSessionID, e.ReferenceSessionNumber = &sess.ID, &sess.Number
		}
		sealed, err := key.keys.sealEntry(l.EntryType, e)
		if err != nil {
			return err
		}
		if err := store.InsertEntry(ctx, tx, l, sealed, matchHash(key.Matcher, l.EntryType, e.Value)); err != nil {
			return err
		}
		// The trail is neither sealed nor erasable: the value masked, and
		// not the comment or label, which may name the person.
		return s.listChanged(ctx, tx, caller, "list.entry_added", map[string]any{"list_id": l.ID, "entry_id": e.ID,
			"entry_type": l.EntryType, "value": domain.MaskValue(l.EntryType, e.Value),
			"reference_session_id": e.ReferenceSessionID})
	})
	return e, err
}

// valueFromSession picks sess's identifier of type t: the one equal to
// want when want is given, else the first.
func valueFromSession(sess domain.Session, t domain.EntryType, want string) (string, error) {
	var have []string
	for _, id := range domain.SessionIdentifiers(sess) {
		if id.Type == t {
			have = append(have, id.Value)
		}
	}
	if t == domain.EntryCountry { // a session's countries are its documents'
		for _, id := range domain.SessionIdentifiers(sess) {
			if id.Type == domain.EntryDocument || id.Type == domain.EntryBusiness {
				have = append(have, id.Value[:3])
			}
		}
	}
	if len(have) == 0 {
		return "", domain.FieldError("reference_session_id", "Session #%d holds no %s.", sess.Number, t.Label())
	}
	if want == "" {
		return have[0], nil
	}
	for _, v := range have {
		if v == want {
			return v, nil
		}
	}
	return "", domain.FieldError("value", "Session #%d holds no %s with this value.", sess.Number, t.Label())
}

// RemoveEntry takes an entry off a list.
func (s *Service) RemoveEntry(ctx context.Context, caller domain.Caller, list, entry uuid.UUID) error {
	if err := caller.Require(domain.PrivWriteSessions); err != nil {
		return err
	}
	k, err := s.data.forApp(ctx, caller.ApplicationID) // before the transaction: it loads the keys
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		l, err := store.GetList(ctx, tx, caller.ApplicationID, list, true)
		if err != nil {
			return err
		}
		sealed, err := store.GetEntry(ctx, tx, caller.ApplicationID, list, entry)
		if err != nil {
			return err
		}
		e, err := s.data.openEntry(ctx, k, sealed)
		if err != nil {
			return err
		}
		if err := store.DeleteEntry(ctx, tx, caller.ApplicationID, list, entry, s.now().UTC()); err != nil {
			return err
		}
		return s.listChanged(ctx, tx, caller, "list.entry_removed", map[string]any{"list_id": l.ID, "entry_id": e.ID,
			"entry_type": l.EntryType, "value": domain.MaskValue(l.EntryType, e.Value)})
	})
}
