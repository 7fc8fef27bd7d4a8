package synth

import "handoff/domain"

// amlScreening is one screened entity: the person of a KYC session, or the
// company or one of its people in a KYB session.
type amlScreening struct {
	NodeID       string        `json:"node_id"`
	Status       domain.Status `json:"status"`
	EntityType   string        `json:"entity_type"`
	TotalHits    int           `json:"total_hits"`
	Score        float64       `json:"score"`
	ScreenedData screened      `json:"screened_data"`
	Hits         []amlHit      `json:"hits"`
	Warnings     []warning     `json:"warnings"`
}

type screened struct {
	FullName           string `json:"full_name"`
	DateOfBirth        string `json:"date_of_birth,omitempty"`
	Nationality        string `json:"nationality,omitempty"`
	DocumentNumber     string `json:"document_number,omitempty"`
	CountryCode        string `json:"country_code,omitempty"`
	RegistrationNumber string `json:"registration_number,omitempty"`
}

type amlHit struct {
	ID        string   `json:"id"`
	Match     float64  `json:"match"`
	Score     float64  `json:"score"`
	Target    bool     `json:"target"`
	Caption   string   `json:"caption"`
	Datasets  []string `json:"datasets"`
	FirstSeen string   `json:"first_seen"`
	LastSeen  string   `json:"last_seen"`
	RiskView  riskView `json:"risk_view"`
}

type riskView struct {
	Countries  []string `json:"countries"`
	Crimes     []string `json:"crimes"`
	Categories []string `json:"categories"`
}

// amlHits screens a name: no hits when o passes, possible PEP or adverse
// media matches on one of the name's variants for review, and a sanctions
// match on the exact name (first) for decline. top is the best match in
// hundredths of a percent.
func (s *sess) amlHits(variants []string, cc string, company bool, o outcome) (hits []amlHit, top int) {
	if o == pass {
		return []amlHit{}, 0
	}
	n := s.between(1, 3)
	if o == decline {
		n = s.between(1, 2)
	}
	hits = make([]amlHit, n)
	for i := range hits {
		m := s.between(5200, 8800)
		h := amlHit{
			ID:        "NK-" + s.hex(16),
			Score:     float64(s.between(35, 85)) / 100,
			Target:    true,
			Caption:   pick(s.Generator, variants),
			FirstSeen: stamp(daysAgo(s.at, s.between(400, 3600))),
			LastSeen:  stamp(daysAgo(s.at, s.between(1, 120))),
			RiskView:  riskView{Countries: []string{cc}, Crimes: []string{}},
		}
		if s.chance(0.2) {
			h.RiskView.Countries = append(h.RiskView.Countries, pick(s.Generator, countries).a2)
		}
		switch {
		case o == decline && i == 0:
			m = s.between(9300, 10000)
			h.Score = float64(s.between(90, 100)) / 100
			h.Caption = variants[0]
			h.Datasets = []string{"Sanctions"}
			h.RiskView.Crimes = []string{pick(s.Generator, []string{"Sanctions evasion", "Terrorist financing", "Money laundering"})}
			h.RiskView.Categories = []string{"Sanctioned Person"}
			if company {
				h.RiskView.Categories[0] = "Sanctioned Entity"
			} else if s.chance(0.3) {
				h.Datasets = append(h.Datasets, "PEP")
				h.RiskView.Categories = append(h.RiskView.Categories, "Politically Exposed Person")
			}
		case company || s.chance(0.4):
			h.Datasets = []string{"Adverse Media"}
			h.RiskView.Crimes = []string{pick(s.Generator, adverseCrimes)}
			h.RiskView.Categories = []string{"Adverse Media"}
		default:
			h.Datasets = []string{"PEP"}
			h.RiskView.Categories = []string{"Politically Exposed Person", pick(s.Generator, pepPositions)}
			if s.chance(0.25) {
				h.Datasets = append(h.Datasets, "Adverse Media")
				h.RiskView.Crimes = []string{pick(s.Generator, adverseCrimes)}
			}
		}
		h.Match = float64(m) / 10000
		top = max(top, m)
		hits[i] = h
	}
	return hits, top
}

// screening wraps hits into a screened entity.
func (s *sess) screening(entity string, data screened, variants []string, cc string, o outcome) amlScreening {
	hits, top := s.amlHits(variants, cc, entity == "company", o)
	w := wAMLPossible
	if o == decline {
		w = wAMLConfirmed
	}
	return amlScreening{
		NodeID:       "feature_aml",
		Status:       o.status(s.kind),
		EntityType:   entity,
		TotalHits:    len(hits),
		Score:        float64(top) / 100,
		ScreenedData: data,
		Hits:         hits,
		Warnings:     warns(o, w),
	}
}

// variants are the spellings a watchlist entry for p might use, exact first.
func (p *person) variants() []string {
	return []string{p.full, p.initial(), p.last + " " + p.first}
}
