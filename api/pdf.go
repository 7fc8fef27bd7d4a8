package api

import (
	"net/http"

	"handoff/casefile"
	"handoff/domain"
)

// generatePDF serves GET /v3/session/{sessionId}/generate-pdf (no trailing
// slash, as Didit): the case file as a PDF.
func (s *Server) generatePDF(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	id, err := sessionID(r)
	if err != nil {
		return err
	}
	cf, err := s.svc.CaseFile(r.Context(), caller, id)
	if err != nil {
		return err
	}
	pdf, err := casefile.PDF(cf)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+casefile.FileName(cf.Session)+`"`)
	w.WriteHeader(http.StatusOK)
	w.Write(pdf)
	return nil
}
