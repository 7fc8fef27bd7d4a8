package domain

import "encoding/json"

// Feature is one check family's outcome as Didit's session lists name it.
type Feature struct {
	Feature string `json:"feature"`
	Status  Status `json:"status"`
}

// featureNames are Didit's feature names for the check families.
var featureNames = map[string]string{
	"id_verifications": "ID_VERIFICATION", "liveness_checks": "LIVENESS", "face_matches": "FACE_MATCH",
	"aml_screenings": "AML", "database_validations": "DATABASE_VALIDATION", "proof_of_address": "PROOF_OF_ADDRESS",
	"location_checks": "IP_ANALYSIS", "phone_verifications": "PHONE", "email_verifications": "EMAIL",
	"registry_checks": "KYB_REGISTRY", "key_people_checks": "KYB_KEY_PEOPLE", "document_verifications": "KYB_DOCUMENTS",
	"questionnaires": "QUESTIONNAIRE",
}

// Summary is what a session list row shows of a session's payload: the
// person's or the company's identity and each family's outcome. Fields the
// payload lacks stay empty.
type Summary struct {
	FullName, DocumentType, Country string // KYC: from the first id verification
	CompanyName, RegistrationNumber string // KYB: from the first registry check
	Features                        []Feature
}

// Summarize reads a session's summary from its checks.
func Summarize(s Session) Summary {
	var out Summary
	first := func(family string) map[string]any {
		var list []map[string]any
		if json.Unmarshal(s.Checks.Family(family), &list) != nil || len(list) == 0 {
			return nil
		}
		return list[0]
	}
	str := func(m map[string]any, k string) string { v, _ := m[k].(string); return v }
	for _, f := range Families(s.Kind) {
		if c := first(f); c != nil {
			if st := str(c, "status"); st != "" {
				out.Features = append(out.Features, Feature{Feature: featureNames[f], Status: Status(st)})
			}
		}
	}
	if s.Kind == KindBusiness {
		r := first("registry_checks")
		out.CompanyName, out.RegistrationNumber, out.Country = str(r, "company_name"), str(r, "registration_number"), str(r, "country_code")
		return out
	}
	id := first("id_verifications")
	out.FullName, out.DocumentType, out.Country = str(id, "full_name"), str(id, "document_type"), str(id, "issuing_state")
	return out
}
