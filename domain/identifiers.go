package domain

import (
	"fmt"
	"strings"
)

// An Identifier is one value of a session that lists and duplicate
// detection compare: a document, a face, a phone, an e-mail, the user
// (vendor_data), a company registration or an IP address, in the
// canonical form NormalizeEntry gives it.
type Identifier struct {
	Type  EntryType
	Value string
	Check string // where it was read: "id_verifications[0]", "key_people_checks[1].kyc.id_verification"
	Who   string // a key person's name, for KYB; "" for the session's subject
}

// Describe names the identifier for a person, masked: "document GRC passport EK04…52".
func (id Identifier) Describe() string {
	d := id.Type.Label() + " " + MaskValue(id.Type, id.Value)
	if id.Who != "" {
		d = id.Who + "'s " + d
	}
	return d
}

type idDocFull struct {
	DocumentType   string `json:"document_type"`
	DocumentNumber string `json:"document_number"`
	IssuingState   string `json:"issuing_state"`
	Nationality    string `json:"nationality"`
	PortraitImage  string `json:"portrait_image"`
	FaceID         string `json:"face_id"`
}

// SessionIdentifiers reads every identifier of s that is well formed;
// values that do not normalise (a document without a country) are left
// out rather than guessed at. Duplicates within the session are dropped.
func SessionIdentifiers(s Session) []Identifier {
	var out []Identifier
	seen := map[string]bool{}
	add := func(t EntryType, raw, check, who string) {
		if strings.TrimSpace(raw) == "" {
			return
		}
		v, err := NormalizeEntry(t, raw)
		if err != nil || seen[string(t)+"\x00"+v] {
			return
		}
		seen[string(t)+"\x00"+v] = true
		out = append(out, Identifier{Type: t, Value: v, Check: check, Who: who})
	}
	doc := func(d idDocFull, check, who string) {
		country := d.IssuingState
		if country == "" {
			country = d.Nationality
		}
		if country != "" && d.DocumentType != "" && d.DocumentNumber != "" {
			add(EntryDocument, country+":"+d.DocumentType+":"+d.DocumentNumber, check, who)
		}
		face := d.FaceID
		if face == "" {
			face = d.PortraitImage
		}
		add(EntryFace, face, check, who)
	}
	if s.VendorData != "" {
		add(EntryUser, s.VendorData, "vendor_data", "")
	}
	c := s.Checks
	if s.Kind == KindBusiness {
		for i, r := range decode[struct {
			RegistrationNumber string `json:"registration_number"`
			CountryCode        string `json:"country_code"`
		}](c, "registry_checks") {
			if r.RegistrationNumber != "" && r.CountryCode != "" {
				add(EntryBusiness, r.CountryCode+":"+r.RegistrationNumber, fmt.Sprintf("registry_checks[%d]", i), "")
			}
		}
		for i, p := range decode[struct {
			Name string `json:"name"`
			KYC  struct {
				IDVerification idDocFull `json:"id_verification"`
			} `json:"kyc"`
		}](c, "key_people_checks") {
			doc(p.KYC.IDVerification, fmt.Sprintf("key_people_checks[%d].kyc.id_verification", i), p.Name)
		}
		return out
	}
	for i, d := range decode[idDocFull](c, "id_verifications") {
		doc(d, fmt.Sprintf("id_verifications[%d]", i), "")
	}
	for i, p := range decode[struct {
		FullNumber  string `json:"full_number"`
		PhoneNumber string `json:"phone_number"`
	}](c, "phone_verifications") {
		n := p.FullNumber
		if n == "" {
			n = p.PhoneNumber
		}
		add(EntryPhone, n, fmt.Sprintf("phone_verifications[%d]", i), "")
	}
	for i, e := range decode[struct {
		Email string `json:"email"`
	}](c, "email_verifications") {
		add(EntryEmail, e.Email, fmt.Sprintf("email_verifications[%d]", i), "")
	}
	for i, l := range decode[struct {
		IPAddress string `json:"ip_address"`
	}](c, "location_checks") {
		add(EntryIPAddress, l.IPAddress, fmt.Sprintf("location_checks[%d]", i), "")
	}
	return out
}
