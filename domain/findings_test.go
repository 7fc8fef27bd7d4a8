package domain

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

var created = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

func kyc(families map[string]string) Session {
	c := Checks{}
	for f, v := range families {
		c[f] = json.RawMessage(v)
	}
	return Session{Kind: KindUser, Checks: c, CreatedAt: created}
}

func clone(s Session) Session {
	origin := s.ID
	s.SharedFromSession = &origin
	return s
}

func TestSessionFindings(t *testing.T) {
	tests := []struct {
		name  string
		s     Session
		want  []string // code@check, in order
		words string   // the first finding's message contains this
	}{
		{"clean session", kyc(map[string]string{
			"id_verifications": `[{"document_type":"passport","document_number":"X1","date_of_birth":"2001-11-03","age":25,"expiration_date":"2030-01-01","date_of_issue":"2020-01-01"}]`,
			"liveness_checks":  `[{"score":91.5}]`, "face_matches": `[{"score":88}]`,
			"aml_screenings": `[{"hits":[]}]`, "phone_verifications": `[{"verified_at":"2026-12-01T10:03:00Z"}]`,
		}), nil, ""},
		{"expired document", kyc(map[string]string{
			"id_verifications": `[{"document_type":"passport","document_number":"EK04","expiration_date":"2024-08-03"}]`,
		}), []string{"document_expired@id_verifications[0]"}, "expired on 2024-08-03"},
		{"expires on the session's day is not yet expired", kyc(map[string]string{
			"id_verifications": `[{"expiration_date":"2026-12-01"}]`,
		}), []string{"document_expiring@id_verifications[0]"}, "within 30 days"},
		{"expiring within 30 days", kyc(map[string]string{
			"id_verifications": `[{"expiration_date":"2026-12-20"}]`,
		}), []string{"document_expiring@id_verifications[0]"}, "2026-12-20"},
		{"31 days out is fine", kyc(map[string]string{
			"id_verifications": `[{"expiration_date":"2027-01-01"}]`,
		}), nil, ""},
		{"age does not match birth date", kyc(map[string]string{
			"id_verifications": `[{"date_of_birth":"2001-11-03","age":22}]`,
		}), []string{"age_mismatch@id_verifications[0]"}, "stated age 22"},
		{"age the day before a birthday", kyc(map[string]string{
			"id_verifications": `[{"date_of_birth":"2001-12-02","age":24}]`,
		}), nil, ""},
		{"document issued after the check", kyc(map[string]string{
			"id_verifications": `[{"date_of_issue":"2027-02-01"}]`,
		}), []string{"document_issued_after_check@id_verifications[0]"}, "issued on 2027-02-01"},
		{"phone verified years before the session", kyc(map[string]string{
			"phone_verifications": `[{"verified_at":"2023-12-10T08:00:00Z"}]`,
		}), []string{"verified_outside_session@phone_verifications[0]"}, "2023-12-10"},
		{"a clone's captures precede its import", clone(kyc(map[string]string{
			"phone_verifications": `[{"verified_at":"2026-12-01T07:10:00Z"}]`,
		})), nil, ""},
		{"a clone verified long after its import", clone(kyc(map[string]string{
			"phone_verifications": `[{"verified_at":"2026-12-03T07:10:00Z"}]`,
		})), []string{"verified_outside_session@phone_verifications[0]"}, "2026-12-03"},
		{"email verified inside the session", kyc(map[string]string{
			"email_verifications": `[{"verified_at":"2026-12-01T10:05:00Z"}]`,
		}), nil, ""},
		{"low biometric scores", kyc(map[string]string{
			"liveness_checks": `[{"score":52.3}]`, "face_matches": `[{"score":74.99}]`,
		}), []string{"face_match_below_threshold@face_matches[0]", "liveness_below_threshold@liveness_checks[0]"}, "Face match score 74.99 is under the workflow's threshold of 75"},
		{"AML hits by kind", kyc(map[string]string{
			"aml_screenings": `[{"hits":[
				{"caption":"A B","datasets":["PEP"],"risk_view":{"categories":["Politically Exposed Person"]}},
				{"caption":"A B","datasets":["Sanctions","PEP"],"risk_view":{"categories":["Sanctioned Person"]}},
				{"caption":"B, A","datasets":["Adverse Media"],"risk_view":{"categories":["Adverse Media"]}}]}]`,
		}), []string{"aml_sanctions_hit@aml_screenings[0]", "aml_pep_hit@aml_screenings[0]", "aml_adverse_media_hit@aml_screenings[0]"},
			`Sanctions hit for "A B" on Sanctions, PEP`},
		{"a payload of another shape is not judged", kyc(map[string]string{
			"id_verifications": `{"not":"an array"}`, "face_matches": `[{"score":"high"}]`,
		}), nil, ""},
		{"KYB: key person's nested KYC and expired company documents", Session{Kind: KindBusiness, CreatedAt: created, Checks: Checks{
			"key_people_checks": json.RawMessage(`[{"name":"Ana Ruiz","kyc":{"id_verification":{"document_type":"passport","document_number":"P9","expiration_date":"2026-07-15"},
				"liveness":{"score":90},"face_match":{"score":95},"aml":{"hits":[]}}}]`),
			"document_verifications": json.RawMessage(`[{"document_type":"certificate_of_incumbency","expiration_date":"2026-01-31"}]`),
			"aml_screenings":         json.RawMessage(`[{"hits":[{"caption":"Acme","datasets":["Sanctions"],"risk_view":{"categories":["Sanctioned Entity"]}}]}]`),
		}}, []string{"aml_sanctions_hit@aml_screenings[0]", "company_document_expired@document_verifications[0]",
			"document_expired@key_people_checks[0].kyc.id_verification"}, "Sanctions hit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SessionFindings(tt.s, DefaultThresholds)
			var codes []string
			for _, f := range got {
				codes = append(codes, f.Code+"@"+f.Check)
			}
			if strings.Join(codes, " ") != strings.Join(tt.want, " ") {
				t.Fatalf("findings = %v, want %v", codes, tt.want)
			}
			if tt.words != "" && !strings.Contains(got[0].Message, tt.words) {
				t.Fatalf("message %q lacks %q", got[0].Message, tt.words)
			}
		})
	}
}

func TestKeyPersonFindingsNameThePerson(t *testing.T) {
	s := Session{Kind: KindBusiness, CreatedAt: created, Checks: Checks{
		"key_people_checks": json.RawMessage(`[{"name":"Ana Ruiz","kyc":{"face_match":{"score":40}}}]`)}}
	got := SessionFindings(s, DefaultThresholds)
	if len(got) != 1 || !strings.HasPrefix(got[0].Message, "Ana Ruiz: Face match score 40") {
		t.Fatalf("findings = %+v", got)
	}
}

func TestEntityFinding(t *testing.T) {
	for _, tc := range []struct {
		kind Kind
		st   EntityStatus
		code string
		sev  Severity
		msg  string
	}{
		{KindUser, EntityBlocked, FindingBlockedEntity, SeverityCritical, "The user u-1 is BLOCKED in this application."},
		{KindBusiness, EntityFlagged, FindingFlaggedEntity, SeverityWarning, "The business u-1 is FLAGGED for review in this application."},
		{KindUser, EntityActive, "", "", ""},
		{KindUser, "", "", "", ""},
	} {
		f := EntityFinding(Session{Kind: tc.kind, VendorData: "u-1"}, tc.st)
		switch {
		case tc.code == "" && f != nil:
			t.Errorf("%s %q: %+v, want none", tc.kind, tc.st, f)
		case tc.code != "" && (f == nil || f.Code != tc.code || f.Severity != tc.sev || f.Message != tc.msg):
			t.Errorf("%s %q: %+v", tc.kind, tc.st, f)
		}
	}
}
