package api

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
)

// listSessions serves GET /v3/sessions/: Didit's filters and LimitOffset
// pagination, plus shared_from_session (handoff extension) so an importer
// can reconcile a lost 201.
func (s *Server) listSessions(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	q := r.URL.Query()
	f, err := sessionFilter(q)
	if err != nil {
		return err
	}
	p, err := pageParams(q)
	if err != nil {
		return err
	}
	list, err := s.svc.ListSessions(r.Context(), caller, f, p)
	if err != nil {
		return err
	}
	results := make([]any, len(list.Sessions))
	for i, sess := range list.Sessions {
		results[i] = sessionListRow(sess)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"count": list.Count, "next": pageURL(r, list.Next), "previous": pageURL(r, list.Previous), "results": results,
	})
	return nil
}

func sessionFilter(q url.Values) (domain.SessionListFilter, error) {
	var f domain.SessionListFilter
	switch k := q.Get("session_kind"); k {
	case "", "user":
		f.Kinds = []domain.Kind{domain.KindUser}
	case "business":
		f.Kinds = []domain.Kind{domain.KindBusiness}
	case "all":
	default:
		return f, domain.FieldError("session_kind", "Select a valid choice. %q is not one of user, business, all.", k)
	}
	if v := q.Get("status"); v != "" {
		var names []string
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				names = append(names, s)
			}
		}
		st, err := domain.StatusesFor(names, f.Kinds)
		if err != nil {
			return f, err
		}
		f.Statuses = st
	}
	f.VendorData, f.WorkflowID, f.Search = q.Get("vendor_data"), q.Get("workflow_id"), q.Get("search")
	for name, v := range map[string]string{"vendor_data": f.VendorData, "workflow_id": f.WorkflowID, "search": f.Search} {
		if len(v) > domain.MaxVendorData {
			return f, domain.FieldError(name, "Ensure this field has no more than %d characters.", domain.MaxVendorData)
		}
	}
	var err error
	if f.From, err = dateParam(q, "date_from", false); err != nil {
		return f, err
	}
	if f.To, err = dateParam(q, "date_to", true); err != nil {
		return f, err
	}
	if v := q.Get("shared_from_session"); v != "" {
		id, err := uuid.Parse(v)
		if err != nil || len(v) != 36 {
			return f, domain.FieldError("shared_from_session", "Must be a valid UUID.")
		}
		f.SharedFromSession = &id
	}
	return f, nil
}

// dateParam reads an ISO 8601 date or date-time. A bare date_to includes
// the whole day.
func dateParam(q url.Values, name string, endOfDay bool) (*time.Time, error) {
	v := q.Get(name)
	if v == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return &t, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return nil, domain.FieldError(name, "Enter a valid date (YYYY-MM-DD) or date-time (RFC 3339).")
	}
	if endOfDay {
		t = t.AddDate(0, 0, 1)
	}
	return &t, nil
}

// pageParams reads limit and offset (and the keyset cursors before and
// after that handoff's own next and previous links carry).
func pageParams(q url.Values) (domain.Page, error) {
	p := domain.Page{Limit: domain.DefaultPageLimit}
	ints := []struct {
		name string
		dst  func(int64)
	}{
		{"limit", func(v int64) { p.Limit = int(min(v, 1<<31)) }},
		{"offset", func(v int64) { p.Offset = int(min(v, 1<<31)) }},
		{"before", func(v int64) { p.Before = v }},
		{"after", func(v int64) { p.After = v }},
	}
	for _, in := range ints {
		v := q.Get(in.name)
		if v == "" {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return p, domain.FieldError(in.name, "A valid integer is required.")
		}
		in.dst(n)
	}
	return p, p.Validate()
}

// pageURL is the absolute URL of a neighbouring page: the request's own
// URL and filters with the page's limit, offset and cursor.
func pageURL(r *http.Request, p *domain.Page) any {
	if p == nil {
		return nil
	}
	q := r.URL.Query()
	q.Set("limit", strconv.Itoa(p.Limit))
	q.Set("offset", strconv.Itoa(p.Offset))
	q.Del("before")
	q.Del("after")
	if p.Before > 0 {
		q.Set("before", strconv.FormatInt(p.Before, 10))
	}
	if p.After > 0 {
		q.Set("after", strconv.FormatInt(p.After, 10))
	}
	u := url.URL{Scheme: requestScheme(r), Host: r.Host, Path: r.URL.Path, RawQuery: q.Encode()}
	return u.String()
}

// sessionListRow is one row of a session list, in Didit's list shape for
// its kind.
func sessionListRow(s domain.Session) map[string]any {
	sum := domain.Summarize(s)
	row := map[string]any{
		"session_id": s.ID, "session_kind": s.Kind, "session_number": s.Number, "status": s.Status,
		"vendor_data": nullable(s.VendorData), "workflow_id": s.WorkflowID,
		"created_at": s.CreatedAt.UTC().Format(time.RFC3339Nano), "shared_from_session": s.SharedFromSession,
		"country": nullable(sum.Country),
	}
	features := sum.Features
	if features == nil {
		features = []domain.Feature{}
	}
	if s.Kind == domain.KindBusiness {
		row["company_name"], row["registration_number"] = nullable(sum.CompanyName), nullable(sum.RegistrationNumber)
	} else {
		row["full_name"], row["document_type"], row["features"] = nullable(sum.FullName), nullable(sum.DocumentType), features
	}
	return row
}

// nullable is JSON null for an empty string.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
