package ui

import (
	"context"
	"fmt"
	"math/rand"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/google/uuid"

	"handoff/domain"
	"handoff/review"
	"handoff/store/pgtest"
)

// The golden files are the screens an analyst sees on the demo scenario,
// without colours, at 80×24 and 120×40. Regenerate them with
//
//	go test ./ui -run TestGolden -update
//
// The scenario is built here through the review use cases (not the demo,
// which may grow), and made deterministic: a fixed clock and ids drawn from
// a seeded source. API key prefixes come from crypto/rand and are masked.
func TestGolden(t *testing.T) {
	uuid.SetRand(rand.New(rand.NewSource(42)))
	defer uuid.SetRand(nil)
	w := &world{t: t, clock: &clock{now: t0}}
	w.svc = review.New(pgtest.DB(t), review.WithClock(w.clock.Now), review.WithLogger(quietLogger()))
	demo := goldenScenario(w)
	uiNow := t0.Add(3 * time.Hour)

	// At 200 columns only the case pages differ enough to keep (two columns).
	wide := map[string]bool{"case_detail": true, "kyb_detail": true, "decided_case": true}
	for _, size := range []struct{ w, h int }{{80, 24}, {120, 40}, {200, 50}} {
		name := fmt.Sprintf("%dx%d", size.w, size.h)
		open := func(t *testing.T, app goldenApps, partner bool) *harness {
			w.t = t
			a := app.Issuer
			if partner {
				a = app.Partner
			}
			h := w.open(a, "sam.ortiz", size.w, size.h)
			h.clock.Set(uiNow)
			return h
		}
		screens := []struct {
			name    string
			partner bool
			keys    []string
		}{
			{"sessions", true, nil},
			{"sessions_filtered", false, []string{"/", "status:review kind:kyb", "enter"}},
			{"queue", true, []string{"2"}},
			{"case_detail", true, []string{"2", "enter"}},
			{"kyb_detail", false, []string{"K", "K", "enter", "pgdown"}},
			{"decided_case", true, []string{"enter"}},
			{"decided_timeline", true, []string{"enter", "]", "]", "]", "]"}}, // decision, findings, provenance, timeline
			{"decline", true, []string{"2", "d", "enter"}},
			{"share", false, []string{"s", "enter"}},
			{"tokens", false, []string{"3"}},
			{"audit", true, []string{"4"}},
			{"help", true, []string{"?"}},
		}
		for _, sc := range screens {
			if size.w >= twoColumnsAt && !wide[sc.name] {
				continue
			}
			t.Run(name+"/"+sc.name, func(t *testing.T) {
				h := open(t, demo, sc.partner)
				defer func() { h.model().leave()() }() // claims taken here are not the next screen's
				for _, k := range sc.keys {
					if len([]rune(k)) > 1 && keyMsg(k).Type == keyMsg("x").Type {
						h.typeText(k)
					} else {
						h.press(k)
					}
				}
				golden.RequireEqual(t, []byte(mask(h.view())+"\n"))
			})
		}
	}
}

// goldenApps are the scenario's two applications.
type goldenApps struct{ Issuer, Partner domain.Application }

// goldenScenario: a bank that verifies people and companies and a payments
// partner that imports them — cases in review, decided history, and
// active, imported and expired tokens.
func goldenScenario(w *world) goldenApps {
	ctx := context.Background()
	issuer := w.app("Northwind Bank (issuer)", "wf_northwind_kyc", "wf_northwind_kyb")
	partner := w.app("Harbor Pay (partner)", "wf_partner_kyc", "wf_partner_kyb")
	sessions := w.generate(issuer, 120, "", 0, 2026)
	w.generate(partner, 20, "", 0, 7)
	minter, importer := review.Analyst(issuer.ID, "maria.k"), review.Analyst(partner.ID, "sam.ortiz")
	share := func(s domain.Session, ttl int) string {
		m, err := w.svc.Share(ctx, minter, s.ID, partner.ID, ttl)
		if err != nil {
			w.t.Fatal(err)
		}
		return m.Token
	}
	plan := []struct {
		trust  bool
		decide string
	}{{false, ""}, {false, ""}, {false, ""}, {false, ""}, {true, ""}, {false, "Approved"}, {false, "Declined"}}
	for i, p := range plan {
		s := sessions[len(sessions)-1-i]
		wf := "wf_partner_kyc"
		if s.Kind == domain.KindBusiness {
			wf = "wf_partner_kyb"
		}
		imp, err := w.svc.Import(ctx, importer, review.ImportRequest{ShareToken: share(s, 3600), WorkflowID: wf,
			VendorData: fmt.Sprintf("harbor-%s-%04d", s.Kind, 101+i), TrustReview: p.trust})
		if err != nil {
			w.t.Fatal(err)
		}
		if p.decide != "" {
			d := domain.Approve("reason: sanctions_match — AML hit confirmed.") // the note as it was typed before codes
			if p.decide == "Declined" {
				d = domain.Decline(domain.ReasonSanctionsMatch, "AML hit confirmed.")
			}
			if _, err := w.svc.Note(ctx, importer, imp.ID, "Asked the issuer about the AML hit."); err != nil {
				w.t.Fatal(err)
			}
			if _, err := w.svc.Decide(ctx, importer, imp.ID, d); err != nil {
				w.t.Fatal(err)
			}
		}
	}
	share(sessions[len(sessions)-10], 900)
	share(sessions[len(sessions)-11], 86400)
	w.clock.Set(t0.Add(-3 * time.Hour)) // minted earlier: expired by now
	share(sessions[len(sessions)-12], 600)
	w.clock.Set(t0)
	return goldenApps{Issuer: issuer, Partner: partner}
}

var apiKeyPrefix = regexp.MustCompile(`hk_[A-Za-z0-9_-]*`)

// mask hides what cannot be made deterministic, keeping widths.
func mask(s string) string {
	return apiKeyPrefix.ReplaceAllStringFunc(s, func(m string) string { return "hk_" + strings.Repeat("*", len(m)-3) })
}
