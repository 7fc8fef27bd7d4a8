package synth

import (
	"strconv"
	"strings"
	"time"

	"handoff/domain"
)

// Family weights, in the order of domain.Families(domain.KindBusiness).
var (
	kybDeclineW = []int{2, 3, 2, 2, 1}
	kybReviewW  = []int{1, 3, 2, 2, 1}
)

// company is an invented business.
type company struct {
	name, short, regNo, address string
	c                           *country
	city                        *city
	form                        legalForm
	sector                      sector
	incorporated                time.Time
	regWarn                     warning // why the registry check did not pass
	members                     []*member
}

// member is one of a company's key people.
type member struct {
	*person
	role      string // Director, Secretary or Shareholder
	ownership int    // hundredths of a percent
	appointed time.Time
	kycO      outcome // the nested KYC's outcome
	amlO      outcome
	hits      []amlHit
	top       int
}

func (m *member) percent() float64 { return float64(m.ownership) / 100 }

func (s *sess) kyb(phase domain.Phase) domain.Checks {
	o := s.plan(phase, kybDeclineW, kybReviewW)
	co := s.company(o[0])
	c := make(domain.Checks, 5)
	put(c, "registry_checks", []registryCheck{s.registry(co, o[0])})
	put(c, "key_people_checks", s.keyPeople(co, o[1]))
	put(c, "document_verifications", s.companyDocs(co, o[2]))
	put(c, "aml_screenings", s.companyAML(co, o[3]))
	put(c, "questionnaires", s.questionnaires(co, o[4]))
	return c
}

func (s *sess) company(o outcome) *company {
	co := &company{c: &countries[s.n(len(countries))]}
	co.city = &co.c.cities[s.n(len(co.c.cities))]
	co.form = pick(s.Generator, co.c.forms)
	co.sector = pick(s.Generator, sectors)
	co.short = pick(s.Generator, companyWords) + " " + co.sector.word
	if s.n(10) < 6 {
		co.short += " " + pick(s.Generator, companySuffixes)
	}
	co.name = co.short + " " + co.form.abbr
	co.regNo = s.pattern(co.c.regNo)
	co.address = s.address(co.c, co.city)
	co.incorporated = daysAgo(s.at, s.between(365, 30*365))
	co.regWarn = wCompanyInactive
	if o == review {
		co.regWarn = wAddressMismatch
		if s.n(2) == 0 {
			co.regWarn = wRecentlyIncorporated
			co.incorporated = daysAgo(s.at, s.between(30, 170))
		}
	}
	s.members(co)
	return co
}

// members invents one to four key people; the first is a director and an
// owner, and the owners share the company between them.
func (s *sess) members(co *company) {
	n := s.between(1, 4)
	weights, sum := make([]int, n), 0
	for i := range n {
		var nat *country
		if s.n(10) < 6 {
			nat = co.c
		}
		m := &member{person: s.person(nat), role: "Director"}
		if i > 0 {
			m.role = pick(s.Generator, []string{"Director", "Director", "Secretary", "Shareholder", "Shareholder"})
		}
		// The founding director is appointed at incorporation, the others
		// later; nobody before turning 18.
		m.appointed = co.incorporated
		if adult := m.dob.AddDate(18, 0, 0); adult.After(m.appointed) {
			m.appointed = adult
		}
		if i > 0 || m.appointed != co.incorporated {
			left := int(s.at.Sub(m.appointed).Hours() / 24)
			m.appointed = m.appointed.AddDate(0, 0, s.n(left/2+1))
		}
		if i == 0 || m.role == "Shareholder" || m.role == "Director" && s.n(2) == 0 {
			weights[i] = s.between(1, 10)
			sum += weights[i]
		}
		co.members = append(co.members, m)
	}
	left := 10000
	last := -1
	for i, m := range co.members {
		if weights[i] > 0 {
			m.ownership = 10000 * weights[i] / sum
			left -= m.ownership
			last = i
		}
	}
	co.members[last].ownership += left
}

type registryCheck struct {
	NodeID             string            `json:"node_id"`
	Status             domain.Status     `json:"status"`
	CompanyName        string            `json:"company_name"`
	RegistrationNumber string            `json:"registration_number"`
	Jurisdiction       string            `json:"jurisdiction"`
	CountryCode        string            `json:"country_code"`
	LegalForm          string            `json:"legal_form"`
	IncorporationDate  string            `json:"incorporation_date"`
	RegisteredAddress  string            `json:"registered_address"`
	CompanyStatus      string            `json:"company_status"`
	IndustryCodes      []industryCode    `json:"industry_codes"`
	Officers           []officer         `json:"officers"`
	BeneficialOwners   []beneficialOwner `json:"beneficial_owners"`
	Source             registrySource    `json:"source"`
	Warnings           []warning         `json:"warnings"`
}

type industryCode struct {
	Scheme      string `json:"scheme"`
	Code        string `json:"code"`
	Description string `json:"description"`
}

type officer struct {
	Name        string `json:"name"`
	Role        string `json:"role"`
	AppointedOn string `json:"appointed_on"`
}

type beneficialOwner struct {
	Name                string  `json:"name"`
	OwnershipPercentage float64 `json:"ownership_percentage"`
	Nationality         string  `json:"nationality"`
	DateOfBirth         string  `json:"date_of_birth"`
}

type registrySource struct {
	Type        string `json:"type"`
	Name        string `json:"name"`
	RetrievedAt string `json:"retrieved_at"`
}

func (s *sess) registry(co *company, o outcome) registryCheck {
	status := "Active"
	if o == decline {
		status = pick(s.Generator, []string{"Dissolved", "In Liquidation", "Struck Off"})
	}
	jurisdiction := co.c.name
	if co.c.a2 == "US" || co.c.a2 == "CA" || co.c.a2 == "AU" {
		jurisdiction = co.city.state + ", " + co.c.name
	}
	codes := []industryCode{{"NACE", co.sector.code, co.sector.description}}
	if other := pick(s.Generator, sectors); s.n(10) < 3 && other.code != co.sector.code {
		codes = append(codes, industryCode{"NACE", other.code, other.description})
	}
	officers, owners := []officer{}, []beneficialOwner{}
	for _, m := range co.members {
		if m.role != "Shareholder" {
			officers = append(officers, officer{m.full, m.role, day(m.appointed)})
		}
		if m.ownership >= 2500 {
			owners = append(owners, beneficialOwner{m.full, m.percent(), m.nat.a3, day(m.dob)})
		}
	}
	return registryCheck{
		NodeID:             "feature_kyb_registry",
		Status:             o.status(s.kind),
		CompanyName:        co.name,
		RegistrationNumber: co.regNo,
		Jurisdiction:       jurisdiction,
		CountryCode:        co.c.a2,
		LegalForm:          co.form.name,
		IncorporationDate:  day(co.incorporated),
		RegisteredAddress:  co.address + ", " + co.c.name,
		CompanyStatus:      status,
		IndustryCodes:      codes,
		Officers:           officers,
		BeneficialOwners:   owners,
		Source:             registrySource{"registry", "Companies Registry of " + co.c.name, stamp(s.at)},
		Warnings:           warns(o, co.regWarn),
	}
}

type keyPersonCheck struct {
	NodeID              string        `json:"node_id"`
	Status              domain.Status `json:"status"`
	Name                string        `json:"name"`
	Role                string        `json:"role"`
	OwnershipPercentage float64       `json:"ownership_percentage"`
	KYC                 nestedKYC     `json:"kyc"`
	Warnings            []warning     `json:"warnings"`
}

// nestedKYC summarises a key person's own KYC session, whose statuses are
// spelled the KYC way.
type nestedKYC struct {
	SessionID      string         `json:"session_id"`
	Status         domain.Status  `json:"status"`
	IDVerification shortID        `json:"id_verification"`
	Liveness       nestedLiveness `json:"liveness"`
	FaceMatch      nestedFace     `json:"face_match"`
	AML            nestedAML      `json:"aml"`
}

type shortID struct {
	DocumentType   string `json:"document_type"`
	DocumentNumber string `json:"document_number"`
	FirstName      string `json:"first_name"`
	LastName       string `json:"last_name"`
	DateOfBirth    string `json:"date_of_birth"`
	Nationality    string `json:"nationality"`
	ExpirationDate string `json:"expiration_date"`
}

type nestedLiveness struct {
	Score  float64 `json:"score"`
	Method string  `json:"method"`
}

type nestedFace struct {
	Score float64 `json:"score"`
}

type nestedAML struct {
	TotalHits int      `json:"total_hits"`
	Hits      []amlHit `json:"hits"`
}

// keyPeople verifies every member; when o fails, one member's KYC fails
// for a reason of its own (document, liveness, face match or watchlists).
func (s *sess) keyPeople(co *company, o outcome) []keyPersonCheck {
	victim := s.n(len(co.members))
	out := make([]keyPersonCheck, len(co.members))
	for i, m := range co.members {
		liveO, faceO := pass, pass
		if i == victim && o != pass {
			m.kycO = o
			switch s.n(4) {
			case 0:
				m.amlO = o
			case 1:
				liveO = o
			case 2:
				faceO = o
			default:
				if o == decline {
					s.expireIn(&m.doc, -s.between(20, 900))
				} else {
					m.amlO = o
				}
			}
		}
		m.hits, m.top = s.amlHits(m.variants(), m.nat.a2, false, m.amlO)
		role := m.role
		if m.ownership >= 2500 {
			if role == "Shareholder" {
				role = "UBO"
			} else {
				role += ", UBO"
			}
		}
		w := wPersonReview
		if m.kycO == decline {
			w = wPersonDeclined
		}
		out[i] = keyPersonCheck{
			NodeID:              "feature_key_people",
			Status:              m.kycO.status(s.kind),
			Name:                m.full,
			Role:                role,
			OwnershipPercentage: m.percent(),
			KYC: nestedKYC{
				SessionID: s.uuid(),
				Status:    m.kycO.status(domain.KindUser),
				IDVerification: shortID{m.doc.kind, m.doc.number, m.first, m.last, day(m.dob), m.nat.a3,
					day(m.doc.expires)},
				Liveness:  nestedLiveness{s.livenessScore(liveO), pick(s.Generator, livenessMethods)},
				FaceMatch: nestedFace{s.faceScore(faceO)},
				AML:       nestedAML{len(m.hits), m.hits},
			},
			Warnings: warns(m.kycO, w),
		}
	}
	return out
}

type companyDoc struct {
	NodeID       string        `json:"node_id"`
	Status       domain.Status `json:"status"`
	DocumentType string        `json:"document_type"`
	FileURL      string        `json:"file_url"`
	IssuedOn     string        `json:"issued_on"`
	// ExpirationDate is set on a document whose validity ended.
	ExpirationDate string    `json:"expiration_date,omitempty"`
	Extracted      extracted `json:"extracted"`
	Warnings       []warning `json:"warnings"`
}

type extracted struct {
	CompanyName        string        `json:"company_name"`
	RegistrationNumber string        `json:"registration_number,omitempty"`
	LegalForm          string        `json:"legal_form,omitempty"`
	IncorporationDate  string        `json:"incorporation_date,omitempty"`
	RegisteredAddress  string        `json:"registered_address,omitempty"`
	Issuer             string        `json:"issuer,omitempty"`
	Shareholders       []shareholder `json:"shareholders,omitempty"`
}

type shareholder struct {
	Name                string  `json:"name"`
	OwnershipPercentage float64 `json:"ownership_percentage"`
}

// companyDocs always holds the certificate of incorporation, and some of the
// other documents; when o fails one of them is outdated or tampered with.
func (s *sess) companyDocs(co *company, o outcome) []companyDoc {
	since := int(s.at.Sub(co.incorporated).Hours() / 24)
	var docs []companyDoc
	for i, t := range companyDocTypes {
		if i > 0 && s.n(10) >= 6 && !(i == 3 && o == review) {
			continue
		}
		d := companyDoc{
			NodeID:       "feature_kyb_documents",
			Status:       pass.status(s.kind),
			DocumentType: t,
			FileURL:      s.media("kyb/" + strings.ToLower(strings.ReplaceAll(t, " ", "_")) + ".pdf"),
			Extracted:    extracted{CompanyName: co.name, RegistrationNumber: co.regNo},
			Warnings:     []warning{},
		}
		switch i {
		case 0:
			d.IssuedOn = day(co.incorporated)
			d.Extracted.LegalForm = co.form.name
			d.Extracted.IncorporationDate = day(co.incorporated)
			d.Extracted.RegisteredAddress = co.address
		case 1:
			d.IssuedOn = day(co.incorporated.AddDate(0, 0, s.n(since+1)))
			d.Extracted.LegalForm = co.form.name
		case 2:
			d.IssuedOn = day(daysAgo(s.at, s.n(min(since, 200)+1)))
			for _, m := range co.members {
				if m.ownership > 0 {
					d.Extracted.Shareholders = append(d.Extracted.Shareholders, shareholder{m.full, m.percent()})
				}
			}
		default:
			d.Extracted.RegistrationNumber = ""
			d.Extracted.RegisteredAddress = co.address
			d.Extracted.Issuer = pick(s.Generator, companyWords) + " " + pick(s.Generator, []string{"Energy", "Water", "Telecom", "Bank"})
			d.IssuedOn = day(daysAgo(s.at, s.between(3, 80)))
			if o == review {
				d.IssuedOn = day(daysAgo(s.at, s.between(100, 240)))
				d.Status, d.Warnings = o.status(s.kind), warns(o, wDocOutdated)
			}
		}
		docs = append(docs, d)
	}
	if o == decline {
		d := &docs[s.n(len(docs))]
		d.Status, d.Warnings = o.status(s.kind), warns(o, wDocTampered)
		if s.n(2) == 0 {
			d.ExpirationDate = day(daysAgo(s.at, s.between(10, 300)))
			d.Warnings = warns(o, wCompanyDocExpired)
		}
	}
	return docs
}

// companyAML screens the company, then each key person with the hits of
// their own KYC.
func (s *sess) companyAML(co *company, o outcome) []amlScreening {
	out := make([]amlScreening, 0, 1+len(co.members))
	out = append(out, s.screening("company", screened{
		FullName:           co.name,
		CountryCode:        co.c.a2,
		RegistrationNumber: co.regNo,
	}, []string{co.name, co.short, strings.ToUpper(co.short)}, co.c.a2, o))
	for _, m := range co.members {
		w := wAMLPossible
		if m.amlO == decline {
			w = wAMLConfirmed
		}
		out = append(out, amlScreening{
			NodeID:       "feature_aml",
			Status:       m.amlO.status(s.kind),
			EntityType:   "person",
			TotalHits:    len(m.hits),
			Score:        float64(m.top) / 100,
			ScreenedData: screened{FullName: m.full, DateOfBirth: day(m.dob), Nationality: m.nat.a3},
			Hits:         m.hits,
			Warnings:     warns(m.amlO, w),
		})
	}
	return out
}

type questionnaire struct {
	NodeID          string        `json:"node_id"`
	Status          domain.Status `json:"status"`
	QuestionnaireID string        `json:"questionnaire_id"`
	Title           string        `json:"title"`
	Answers         []answer      `json:"answers"`
	SubmittedAt     string        `json:"submitted_at"`
	Warnings        []warning     `json:"warnings"`
}

type answer struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// questionnaires are the business-activity and source-of-funds forms; when
// o fails, one of them declares a high-risk or prohibited activity.
func (s *sess) questionnaires(co *company, o outcome) []questionnaire {
	bad := s.n(2)
	activity, funds := pass, pass
	if bad == 0 {
		activity = o
	} else {
		funds = o
	}
	regulated := "No"
	switch activity {
	case review:
		regulated = "Yes - crypto-asset services"
	case decline:
		regulated = "Yes - arms and munitions trading"
	}
	source := pick(s.Generator, fundSources)
	switch funds {
	case review:
		source = "Cash deposits from third parties"
	case decline:
		source = "Funds from an undisclosed third party"
	}
	c1, c2 := pick(s.Generator, countries), pick(s.Generator, countries)
	flows := co.c.name
	if c1.a2 != co.c.a2 {
		flows += ", " + c1.name
	}
	if c2.a2 != co.c.a2 && c2.a2 != c1.a2 {
		flows += ", " + c2.name
	}
	submitted := s.captured()
	form := func(title string, o outcome, answers []answer) questionnaire {
		w := wHighRiskActivity
		if o == decline {
			w = wProhibitedActivity
		}
		return questionnaire{"feature_questionnaire", o.status(s.kind), "qst_" + s.hex(12), title, answers,
			stamp(submitted), warns(o, w)}
	}
	years := "Less than 1"
	if y := ageAt(co.incorporated, s.at); y > 0 {
		years = strconv.Itoa(y)
	}
	site := "https://www." + fold(co.short) + ".example"
	return []questionnaire{
		form("Business activity", activity, []answer{
			{"Describe the company's main activity", co.sector.description},
			{"Company website", site},
			{"Number of employees", pick(s.Generator, headcounts)},
			{"Does the company operate in a regulated or high-risk sector (gambling, crypto-assets, arms, adult content)?", regulated},
		}),
		form("Source of funds", funds, []answer{
			{"What is the main source of the company's funds?", source},
			{"Expected monthly transaction volume", pick(s.Generator, volumes)},
			{"Countries the company sends funds to or receives funds from", flows},
			{"Years in operation", years},
		}),
	}
}
