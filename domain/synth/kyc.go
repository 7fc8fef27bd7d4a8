package synth

import (
	"strconv"

	"handoff/domain"
)

// Family weights, in the order of domain.Families(domain.KindUser): how
// often each family is the one that declined the session or sent it to
// review.
var (
	kycDeclineW = []int{3, 3, 3, 2, 1, 1, 1, 1, 1}
	kycReviewW  = []int{1, 2, 3, 3, 1, 1, 2, 1, 1}
)

func (s *sess) kyc(phase domain.Phase) domain.Checks {
	o := s.plan(phase, kycDeclineW, kycReviewW)
	p := s.person(nil)
	c := make(domain.Checks, 9)
	put(c, "id_verifications", []idVerification{s.idVerification(p, o[0])})
	put(c, "liveness_checks", []livenessCheck{s.liveness(p, o[1])})
	put(c, "face_matches", []faceMatch{s.faceMatch(o[2])})
	put(c, "aml_screenings", []amlScreening{s.screening("person", screened{
		FullName:       p.full,
		DateOfBirth:    day(p.dob),
		Nationality:    p.nat.a3,
		DocumentNumber: p.doc.number,
	}, p.variants(), p.nat.a2, o[3])})
	put(c, "database_validations", []databaseValidation{s.databaseValidation(p, o[4])})
	put(c, "proof_of_address", []proofOfAddress{s.proofOfAddress(p, o[5])})
	put(c, "location_checks", []locationCheck{s.location(p, o[6])})
	put(c, "phone_verifications", []phoneVerification{s.phone(o[7])})
	put(c, "email_verifications", []emailVerification{s.emailCheck(p, o[8])})
	return c
}

type idVerification struct {
	NodeID           string        `json:"node_id"`
	Status           domain.Status `json:"status"`
	DocumentType     string        `json:"document_type"`
	DocumentNumber   string        `json:"document_number"`
	PersonalNumber   string        `json:"personal_number"`
	FirstName        string        `json:"first_name"`
	LastName         string        `json:"last_name"`
	FullName         string        `json:"full_name"`
	DateOfBirth      string        `json:"date_of_birth"`
	Age              int           `json:"age"`
	ExpirationDate   string        `json:"expiration_date"`
	DateOfIssue      string        `json:"date_of_issue"`
	IssuingState     string        `json:"issuing_state"`
	IssuingStateName string        `json:"issuing_state_name"`
	Nationality      string        `json:"nationality"`
	Gender           string        `json:"gender"`
	PlaceOfBirth     string        `json:"place_of_birth"`
	Address          string        `json:"address"`
	FrontImage       string        `json:"front_image"`
	BackImage        string        `json:"back_image"`
	PortraitImage    string        `json:"portrait_image"`
	Warnings         []warning     `json:"warnings"`
}

func (s *sess) idVerification(p *person, o outcome) idVerification {
	var w warning
	switch o {
	case decline:
		switch s.n(3) {
		case 0:
			w = wDocumentExpired
			s.expireIn(&p.doc, -s.between(20, 900))
		case 1:
			// The printed age disagrees with the birth date in the MRZ.
			w = wDataInconsistent
			p.age += pick(s.Generator, []int{-3, -2, -1, 1, 2, 4})
		default:
			// An altered issue date, after the session itself.
			w = wTampering
			p.doc.issued = s.at.AddDate(0, 0, s.between(3, 400))
		}
	case review:
		w = wNameMismatch
		if s.n(2) == 0 {
			w = wDocumentExpiresSoon
			s.expireIn(&p.doc, s.between(3, 29))
		}
	}
	return idVerification{
		NodeID:           "feature_ocr",
		Status:           o.status(s.kind),
		DocumentType:     p.doc.kind,
		DocumentNumber:   p.doc.number,
		PersonalNumber:   p.doc.personal,
		FirstName:        p.first,
		LastName:         p.last,
		FullName:         p.full,
		DateOfBirth:      day(p.dob),
		Age:              p.age,
		ExpirationDate:   day(p.doc.expires),
		DateOfIssue:      day(p.doc.issued),
		IssuingState:     p.doc.state.a3,
		IssuingStateName: p.doc.state.name,
		Nationality:      p.nat.a3,
		Gender:           p.gender,
		PlaceOfBirth:     p.birthCity.name,
		Address:          p.address,
		FrontImage:       s.media("id/front.jpg"),
		BackImage:        s.media("id/back.jpg"),
		PortraitImage:    s.media("id/portrait.jpg"),
		Warnings:         warns(o, w),
	}
}

type livenessCheck struct {
	NodeID         string        `json:"node_id"`
	Status         domain.Status `json:"status"`
	Method         string        `json:"method"`
	Score          float64       `json:"score"`
	AgeEstimation  float64       `json:"age_estimation"`
	ReferenceImage string        `json:"reference_image"`
	VideoURL       string        `json:"video_url"`
	Warnings       []warning     `json:"warnings"`
}

// livenessScore and faceScore are scores for an outcome.
func (g *Generator) livenessScore(o outcome) float64 {
	switch o {
	case review:
		return g.cents(52, 74.99)
	case decline:
		return g.cents(3, 38)
	}
	return g.cents(86, 99.8)
}

func (g *Generator) faceScore(o outcome) float64 {
	switch o {
	case review:
		return g.cents(55, 74.5)
	case decline:
		return g.cents(8, 42)
	}
	return g.cents(82, 99.6)
}

func (s *sess) liveness(p *person, o outcome) livenessCheck {
	w := wLivenessLow
	if o == decline {
		w = wLivenessAttack
	}
	return livenessCheck{
		NodeID:         "feature_liveness",
		Status:         o.status(s.kind),
		Method:         pick(s.Generator, livenessMethods),
		Score:          s.livenessScore(o),
		AgeEstimation:  float64(p.age*10+s.between(-45, 45)) / 10,
		ReferenceImage: s.media("liveness/reference.jpg"),
		VideoURL:       s.media("liveness/video.mp4"),
		Warnings:       warns(o, w),
	}
}

type faceMatch struct {
	NodeID      string        `json:"node_id"`
	Status      domain.Status `json:"status"`
	Score       float64       `json:"score"`
	SourceImage string        `json:"source_image"`
	TargetImage string        `json:"target_image"`
	Warnings    []warning     `json:"warnings"`
}

func (s *sess) faceMatch(o outcome) faceMatch {
	w := wFaceLow
	if o == decline {
		w = wFaceFail
	}
	return faceMatch{
		NodeID:      "feature_face_match",
		Status:      o.status(s.kind),
		Score:       s.faceScore(o),
		SourceImage: s.media("id/portrait.jpg"),
		TargetImage: s.media("liveness/reference.jpg"),
		Warnings:    warns(o, w),
	}
}

type databaseValidation struct {
	NodeID         string        `json:"node_id"`
	Status         domain.Status `json:"status"`
	MatchType      string        `json:"match_type"`
	IssuingState   string        `json:"issuing_state"`
	ValidationType string        `json:"validation_type"`
	Validations    validations   `json:"validations"`
	Warnings       []warning     `json:"warnings"`
}

type validations struct {
	FullName             string `json:"full_name"`
	DateOfBirth          string `json:"date_of_birth"`
	IdentificationNumber string `json:"identification_number"`
}

func (s *sess) databaseValidation(p *person, o outcome) databaseValidation {
	v := validations{"full_match", "full_match", "full_match"}
	match, w := "full_match", wDBPartial
	switch o {
	case review:
		match = "partial_match"
		if s.n(2) == 0 {
			v.FullName = "partial_match"
		} else {
			v.DateOfBirth = "partial_match"
		}
	case decline:
		match, w = "no_match", wDBNoMatch
		v.IdentificationNumber = "no_match"
		if s.n(2) == 0 {
			v.FullName = "no_match"
		}
	}
	vt := "1x1"
	if s.n(3) == 0 {
		vt = "2x2"
	}
	return databaseValidation{
		NodeID:         "feature_database_validation",
		Status:         o.status(s.kind),
		MatchType:      match,
		IssuingState:   p.doc.state.a3,
		ValidationType: vt,
		Validations:    v,
		Warnings:       warns(o, w),
	}
}

type proofOfAddress struct {
	NodeID           string        `json:"node_id"`
	Status           domain.Status `json:"status"`
	DocumentType     string        `json:"document_type"`
	Issuer           string        `json:"issuer"`
	IssueDate        string        `json:"issue_date"`
	Address          string        `json:"address"`
	FormattedAddress string        `json:"formatted_address"`
	PoaAddress       string        `json:"poa_address"`
	NameOnDocument   string        `json:"name_on_document"`
	DocumentFile     string        `json:"document_file"`
	Warnings         []warning     `json:"warnings"`
}

func (s *sess) proofOfAddress(p *person, o outcome) proofOfAddress {
	k := pick(s.Generator, poaKinds)
	issuer := pick(s.Generator, companyWords) + " " + k.issuerWord
	if k.docType == "Tax Statement" {
		issuer = p.home.name + " " + k.issuerWord
	}
	issued, name, w := daysAgo(s.at, s.between(3, 85)), p.full, wPOAPartialName
	switch o {
	case review:
		name = p.initial()
	case decline:
		if s.n(2) == 0 {
			w = wPOATooOld
			issued = daysAgo(s.at, s.between(120, 400))
		} else {
			w = wPOANameMismatch
			name = pick(s.Generator, femaleFirst) + " " + pick(s.Generator, lastNames)
		}
	}
	return proofOfAddress{
		NodeID:           "feature_poa",
		Status:           o.status(s.kind),
		DocumentType:     k.docType,
		Issuer:           issuer,
		IssueDate:        day(issued),
		Address:          p.address,
		FormattedAddress: p.address + ", " + p.home.name,
		PoaAddress:       p.address,
		NameOnDocument:   name,
		DocumentFile:     s.media("poa/document.pdf"),
		Warnings:         warns(o, w),
	}
}

type locationCheck struct {
	NodeID        string        `json:"node_id"`
	Status        domain.Status `json:"status"`
	IPAddress     string        `json:"ip_address"`
	IPCountry     string        `json:"ip_country"`
	IPCountryCode string        `json:"ip_country_code"`
	IPState       string        `json:"ip_state"`
	IPCity        string        `json:"ip_city"`
	Latitude      float64       `json:"latitude"`
	Longitude     float64       `json:"longitude"`
	IsVPNOrTor    bool          `json:"is_vpn_or_tor"`
	IsDataCenter  bool          `json:"is_data_center"`
	TimeZone      string        `json:"time_zone"`
	DeviceBrand   string        `json:"device_brand"`
	DeviceModel   string        `json:"device_model"`
	BrowserFamily string        `json:"browser_family"`
	OSFamily      string        `json:"os_family"`
	Platform      string        `json:"platform"`
	Warnings      []warning     `json:"warnings"`
}

func (s *sess) location(p *person, o outcome) locationCheck {
	c, ct := p.home, p.city
	vpn, dc, w := false, false, wVPN
	elsewhere := func() {
		c = &countries[s.n(len(countries))]
		ct = &c.cities[s.n(len(c.cities))]
	}
	switch o {
	case review:
		if s.n(2) == 0 {
			vpn, dc = true, s.chance(0.5)
		} else {
			w = wIPCountry
			for c == p.doc.state {
				elsewhere()
			}
		}
	case decline:
		vpn, dc, w = true, true, wTor
		elsewhere()
	}
	d := pick(s.Generator, devices)
	return locationCheck{
		NodeID:        "feature_ip_analysis",
		Status:        o.status(s.kind),
		IPAddress:     s.ip(),
		IPCountry:     c.name,
		IPCountryCode: c.a2,
		IPState:       ct.state,
		IPCity:        ct.name,
		Latitude:      s.near(ct.lat),
		Longitude:     s.near(ct.lon),
		IsVPNOrTor:    vpn,
		IsDataCenter:  dc,
		TimeZone:      ct.tz,
		DeviceBrand:   d.brand,
		DeviceModel:   d.model,
		BrowserFamily: pick(s.Generator, d.browsers),
		OSFamily:      d.os,
		Platform:      d.platform,
		Warnings:      warns(o, w),
	}
}

type phoneVerification struct {
	NodeID               string        `json:"node_id"`
	Status               domain.Status `json:"status"`
	PhoneNumberPrefix    string        `json:"phone_number_prefix"`
	PhoneNumber          string        `json:"phone_number"`
	FullNumber           string        `json:"full_number"`
	CountryCode          string        `json:"country_code"`
	CountryName          string        `json:"country_name"`
	Carrier              carrier       `json:"carrier"`
	IsDisposable         bool          `json:"is_disposable"`
	IsVirtual            bool          `json:"is_virtual"`
	VerificationMethod   string        `json:"verification_method"`
	VerificationAttempts int           `json:"verification_attempts"`
	VerifiedAt           string        `json:"verified_at"`
	Warnings             []warning     `json:"warnings"`
}

type carrier struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// phone invents a number in a range reserved for fiction: +1 555 in North
// America, +44 7700 900 in the United Kingdom.
func (s *sess) phone(o outcome) phoneVerification {
	v := phoneVerification{
		NodeID:               "feature_phone",
		Status:               o.status(s.kind),
		PhoneNumberPrefix:    "+1",
		PhoneNumber:          "555" + s.digits(7),
		CountryCode:          "US",
		CountryName:          "United States",
		Carrier:              carrier{pick(s.Generator, carriers), "mobile"},
		VerificationMethod:   "sms",
		VerificationAttempts: 1 + s.weighted([]int{80, 15, 5}),
		VerifiedAt:           stamp(s.captured()),
	}
	if s.n(10) < 3 {
		v.PhoneNumberPrefix, v.PhoneNumber = "+44", "7700900"+s.digits(3)
		v.CountryCode, v.CountryName = "GB", "United Kingdom"
	}
	v.FullNumber = v.PhoneNumberPrefix + v.PhoneNumber
	w := wPhoneVirtual
	switch o {
	case review:
		v.IsVirtual, v.Carrier.Type = true, "voip"
		if s.n(3) == 0 {
			// A verification reused from an earlier session.
			w = wPhoneReused
			v.IsVirtual, v.Carrier.Type = false, "mobile"
			v.VerifiedAt = stamp(daysAgo(s.at, s.between(30, 400)))
		}
	case decline:
		v.IsDisposable, v.IsVirtual, v.Carrier.Type, w = true, true, "voip", wPhoneDisposable
	}
	v.Warnings = warns(o, w)
	return v
}

type emailVerification struct {
	NodeID               string        `json:"node_id"`
	Status               domain.Status `json:"status"`
	Email                string        `json:"email"`
	IsBreached           bool          `json:"is_breached"`
	Breaches             []breach      `json:"breaches"`
	IsDisposable         bool          `json:"is_disposable"`
	IsUndeliverable      bool          `json:"is_undeliverable"`
	VerificationAttempts int           `json:"verification_attempts"`
	VerifiedAt           string        `json:"verified_at"`
	Warnings             []warning     `json:"warnings"`
}

type breach struct {
	Name        string   `json:"name"`
	Domain      string   `json:"domain"`
	BreachDate  string   `json:"breach_date"`
	DataClasses []string `json:"data_classes"`
}

func (s *sess) emailCheck(p *person, o outcome) emailVerification {
	v := emailVerification{
		NodeID:               "feature_email",
		Status:               o.status(s.kind),
		Email:                s.email(p),
		Breaches:             []breach{},
		VerificationAttempts: 1 + s.weighted([]int{85, 15}),
		VerifiedAt:           stamp(s.captured()),
	}
	w := wEmailBreached
	switch o {
	case review:
		v.IsBreached = true
		first := s.n(len(breachNames))
		for i := range s.between(1, 2) {
			b := breachNames[(first+i)%len(breachNames)]
			from := s.n(len(breachData))
			classes := make([]string, 0, 3)
			for j := range s.between(2, 3) {
				classes = append(classes, breachData[(from+j)%len(breachData)])
			}
			year := s.at.Year() - s.between(1, 8)
			v.Breaches = append(v.Breaches, breach{b.name, b.domain,
				strconv.Itoa(year) + "-0" + strconv.Itoa(s.between(1, 9)) + "-1" + strconv.Itoa(s.n(10)), classes})
		}
	case decline:
		v.IsDisposable, w = true, wEmailDisposable
	}
	v.Warnings = warns(o, w)
	return v
}
