package synth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"handoff/domain"
)

var (
	kinds  = []domain.Kind{domain.KindUser, domain.KindBusiness}
	phases = []domain.Phase{domain.PhaseApproved, domain.PhaseDeclined, domain.PhaseInReview}
)

const seeds = 60

// object is one decoded family element.
type object = map[string]any

func decode(t *testing.T, raw json.RawMessage) []object {
	t.Helper()
	var out []object
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("family is not an array of objects: %v\n%s", err, raw)
	}
	return out
}

// walk calls fn for every string value under v with the key it sits under
// (the enclosing key for array elements).
func walk(v any, key string, fn func(key, value string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			walk(e, k, fn)
		}
	case []any:
		for _, e := range x {
			walk(e, key, fn)
		}
	case string:
		fn(key, x)
	}
}

var riskCode = regexp.MustCompile(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$`)

func TestChecksShape(t *testing.T) {
	for _, kind := range kinds {
		for _, phase := range phases {
			status := domain.StatusOf(kind, phase)
			t.Run(kind.Label()+"/"+string(status), func(t *testing.T) {
				for seed := range uint64(seeds) {
					c := New(seed).Checks(kind, status)
					if err := c.Validate(kind); err != nil {
						t.Fatalf("seed %d: %v", seed, err)
					}
					for _, f := range domain.Families(kind) {
						objs := decode(t, c[f])
						if len(objs) == 0 {
							t.Fatalf("seed %d: %s is empty", seed, f)
						}
						for _, o := range objs {
							checkObject(t, kind, f, o)
						}
					}
				}
			})
		}
	}
}

func checkObject(t *testing.T, kind domain.Kind, family string, o object) {
	t.Helper()
	st, _ := o["status"].(string)
	if s, err := spelledAs(kind, st); err != nil || !s.Finished() {
		t.Fatalf("%s: status %q is not a finished %s status", family, st, kind.Label())
	}
	if id, _ := o["node_id"].(string); id == "" {
		t.Fatalf("%s: no node_id in %v", family, o)
	}
	ws, ok := o["warnings"].([]any)
	if !ok {
		t.Fatalf("%s: warnings is not an array: %v", family, o["warnings"])
	}
	for _, w := range ws {
		w := w.(map[string]any)
		if lt := w["log_type"]; lt != "warning" && lt != "error" {
			t.Fatalf("%s: log_type %v", family, lt)
		}
		if r, _ := w["risk"].(string); !riskCode.MatchString(r) {
			t.Fatalf("%s: risk %q is not UPPER_SNAKE", family, r)
		}
		if w["short_description"] == "" || w["long_description"] == "" {
			t.Fatalf("%s: warning without descriptions: %v", family, w)
		}
	}
}

func TestDeterminism(t *testing.T) {
	run := func(seed uint64) []byte {
		g := New(seed)
		var buf bytes.Buffer
		for range 40 {
			kind := g.Kind()
			status := g.Status(kind)
			b, err := json.Marshal(g.Checks(kind, status))
			if err != nil {
				t.Fatal(err)
			}
			buf.WriteString(string(kind) + "|" + string(status) + "|" + g.VendorData(kind) + "|")
			buf.Write(b)
		}
		return buf.Bytes()
	}
	a, b := run(42), run(42)
	if !bytes.Equal(a, b) {
		t.Fatal("same seed produced different output")
	}
	if bytes.Equal(a, run(43)) {
		t.Fatal("different seeds produced the same output")
	}
	for _, kind := range kinds {
		x := New(1).Checks(kind, domain.StatusOf(kind, domain.PhaseApproved))
		y := New(2).Checks(kind, domain.StatusOf(kind, domain.PhaseApproved))
		for _, f := range domain.Families(kind) {
			if bytes.Equal(x[f], y[f]) {
				t.Errorf("%s: seeds 1 and 2 gave the same %s", kind, f)
			}
		}
	}
}

// tally counts the top-level statuses and warning log types of a payload.
type tally struct {
	statuses map[domain.Phase]int
	logs     map[string]int
}

func count(t *testing.T, kind domain.Kind, c domain.Checks) tally {
	t.Helper()
	ty := tally{map[domain.Phase]int{}, map[string]int{}}
	for _, f := range domain.Families(kind) {
		for _, o := range decode(t, c[f]) {
			st, _ := o["status"].(string)
			ty.statuses[domain.Status(st).Phase()]++
			for _, w := range o["warnings"].([]any) {
				ty.logs[w.(map[string]any)["log_type"].(string)]++
			}
		}
	}
	return ty
}

func TestStatusConsistency(t *testing.T) {
	for _, kind := range kinds {
		for _, phase := range phases {
			status := domain.StatusOf(kind, phase)
			t.Run(kind.Label()+"/"+string(status), func(t *testing.T) {
				for seed := range uint64(seeds) {
					ty := count(t, kind, New(seed).Checks(kind, status))
					switch phase {
					case domain.PhaseApproved:
						if n := len(ty.statuses); n != 1 || ty.statuses[domain.PhaseApproved] == 0 || ty.logs["error"] > 0 {
							t.Fatalf("seed %d: approved session has failing checks: %+v", seed, ty)
						}
					case domain.PhaseDeclined:
						if ty.statuses[domain.PhaseDeclined] == 0 && ty.logs["error"] == 0 {
							t.Fatalf("seed %d: declined session has no failed check: %+v", seed, ty)
						}
					case domain.PhaseInReview:
						if ty.statuses[domain.PhaseInReview] == 0 || ty.logs["warning"] == 0 {
							t.Fatalf("seed %d: in-review session has no check in review: %+v", seed, ty)
						}
						if ty.statuses[domain.PhaseDeclined] > 0 || ty.logs["error"] > 0 {
							t.Fatalf("seed %d: in-review session has a declined check: %+v", seed, ty)
						}
					}
				}
			})
		}
	}
	// Status casing must not leak from the argument into the payload.
	c := New(5).Checks(domain.KindBusiness, "Declined")
	if ty := count(t, domain.KindBusiness, c); ty.statuses[domain.PhaseDeclined] == 0 {
		t.Fatalf("KYB payload for a Title Case status: %+v", ty)
	}
}

func TestKYBCasing(t *testing.T) {
	for _, phase := range phases {
		for seed := range uint64(seeds) {
			c := New(seed).Checks(domain.KindBusiness, domain.StatusOf(domain.KindBusiness, phase))
			people := decode(t, c["key_people_checks"])
			if len(people) < 1 || len(people) > 4 {
				t.Fatalf("seed %d: %d key people", seed, len(people))
			}
			nestedFailed := false
			for _, p := range people {
				top, _ := p["status"].(string)
				if _, err := spelledAs(domain.KindBusiness, top); err != nil {
					t.Fatalf("seed %d: key person status %q", seed, top)
				}
				kyc := p["kyc"].(map[string]any)
				nested, _ := kyc["status"].(string)
				s, err := spelledAs(domain.KindUser, nested)
				if err != nil {
					t.Fatalf("seed %d: nested KYC status %q is not Title Case", seed, nested)
				}
				if s.Phase() != domain.Status(top).Phase() {
					t.Fatalf("seed %d: key person %s but nested KYC %s", seed, top, nested)
				}
				nestedFailed = nestedFailed || s.Phase() != domain.PhaseApproved
			}
			if phase == domain.PhaseApproved && nestedFailed {
				t.Fatalf("seed %d: approved business with a failed key person", seed)
			}
			var reg []struct {
				BeneficialOwners []struct {
					OwnershipPercentage float64 `json:"ownership_percentage"`
				} `json:"beneficial_owners"`
				Officers []struct {
					AppointedOn string `json:"appointed_on"`
				} `json:"officers"`
				IncorporationDate string `json:"incorporation_date"`
			}
			if err := json.Unmarshal(c["registry_checks"], &reg); err != nil {
				t.Fatal(err)
			}
			for _, o := range reg[0].Officers {
				if o.AppointedOn < reg[0].IncorporationDate {
					t.Fatalf("seed %d: officer appointed %s before incorporation %s", seed, o.AppointedOn, reg[0].IncorporationDate)
				}
			}
			sum := 0.0
			for _, o := range reg[0].BeneficialOwners {
				sum += o.OwnershipPercentage
			}
			if len(reg[0].BeneficialOwners) == 0 || sum > 100.001 || len(reg[0].Officers) == 0 {
				t.Fatalf("seed %d: owners %v (sum %v), %d officers", seed, reg[0].BeneficialOwners, sum, len(reg[0].Officers))
			}
		}
	}
}

var (
	emailRe = regexp.MustCompile(`@example\.(com|org|net)$`)
	ipRe    = regexp.MustCompile(`^(192\.0\.2|198\.51\.100|203\.0\.113)\.(\d{1,3})$`)
	phoneRe = regexp.MustCompile(`^\+(1555\d{7}|447700900\d{3})$`)
	dateRe  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

func TestInventedContactData(t *testing.T) {
	for _, kind := range kinds {
		for _, phase := range phases {
			for seed := range uint64(seeds) {
				c := New(seed).Checks(kind, domain.StatusOf(kind, phase))
				for _, f := range domain.Families(kind) {
					var v any
					if err := json.Unmarshal(c[f], &v); err != nil {
						t.Fatal(err)
					}
					walk(v, "", func(key, s string) {
						switch {
						case strings.Contains(s, "@") && !emailRe.MatchString(s):
							t.Errorf("%s.%s: %q is not on an example domain", f, key, s)
						case key == "email" && !emailRe.MatchString(s):
							t.Errorf("%s: email %q", f, s)
						case key == "ip_address" && !ipRe.MatchString(s):
							t.Errorf("%s: ip %q outside the documentation ranges", f, s)
						case key == "full_number" && !phoneRe.MatchString(s):
							t.Errorf("%s: phone %q outside the fictional ranges", f, s)
						case strings.Contains(s, "://"):
							u, err := url.Parse(s)
							if err != nil || u.Scheme != "https" || u.Host != "example.invalid" && !strings.HasSuffix(u.Host, ".example") {
								t.Errorf("%s.%s: URL %q is not on a reserved domain", f, key, s)
							}
						case f != "database_validations" && (strings.HasSuffix(key, "date") || strings.HasPrefix(key, "date_") ||
							strings.HasSuffix(key, "_on")):
							if !dateRe.MatchString(s) {
								t.Errorf("%s.%s: %q is not YYYY-MM-DD", f, key, s)
							} else if _, err := time.Parse(time.DateOnly, s); err != nil {
								t.Errorf("%s.%s: %v", f, key, err)
							}
						}
					})
				}
			}
		}
	}
}

func TestIdentity(t *testing.T) {
	for seed := range uint64(seeds) {
		c := New(seed).Checks(domain.KindUser, "Approved")
		var ids []struct {
			DateOfBirth    string  `json:"date_of_birth"`
			Age            int     `json:"age"`
			FullName       string  `json:"full_name"`
			ExpirationDate string  `json:"expiration_date"`
			DateOfIssue    string  `json:"date_of_issue"`
			Gender         string  `json:"gender"`
			IssuingState   string  `json:"issuing_state"`
			Score          float64 `json:"score"`
		}
		if err := json.Unmarshal(c["id_verifications"], &ids); err != nil {
			t.Fatal(err)
		}
		id := ids[0]
		if id.Age < 18 || id.Age > 90 || id.Gender != "M" && id.Gender != "F" || len(id.IssuingState) != 3 {
			t.Fatalf("seed %d: implausible identity %+v", seed, id)
		}
		if id.DateOfIssue >= id.ExpirationDate || id.DateOfBirth >= id.DateOfIssue {
			t.Fatalf("seed %d: dates out of order %+v", seed, id)
		}
		var aml []struct {
			ScreenedData struct {
				FullName string `json:"full_name"`
			} `json:"screened_data"`
		}
		if err := json.Unmarshal(c["aml_screenings"], &aml); err != nil {
			t.Fatal(err)
		}
		if aml[0].ScreenedData.FullName != id.FullName {
			t.Fatalf("seed %d: AML screened %q, document says %q", seed, aml[0].ScreenedData.FullName, id.FullName)
		}
		var scores []struct {
			Score float64 `json:"score"`
		}
		if err := json.Unmarshal(c["face_matches"], &scores); err != nil {
			t.Fatal(err)
		}
		if s := scores[0].Score; s < 0 || s > 100 || math.Abs(s*100-math.Round(s*100)) > 1e-6 {
			t.Fatalf("seed %d: face score %v", seed, s)
		}
	}
}

func TestDraws(t *testing.T) {
	g := New(9)
	const n = 20000
	var biz int
	phases := map[domain.Phase]int{}
	user := regexp.MustCompile(`^user-[0-9a-f]{6}$`)
	business := regexp.MustCompile(`^biz-[0-9a-f]{6}$`)
	for range n {
		kind := g.Kind()
		if kind == domain.KindBusiness {
			biz++
		}
		st := g.Status(kind)
		if _, err := spelledAs(kind, string(st)); err != nil {
			t.Fatalf("%s status %q in the wrong casing", kind, st)
		}
		phases[st.Phase()]++
		vd := g.VendorData(kind)
		if re := map[domain.Kind]*regexp.Regexp{domain.KindUser: user, domain.KindBusiness: business}[kind]; !re.MatchString(vd) {
			t.Fatalf("%s vendor data %q", kind, vd)
		}
	}
	near := func(got int, want float64) bool { return math.Abs(float64(got)/n-want) < 0.02 }
	if !near(biz, 0.25) {
		t.Errorf("business share %v", float64(biz)/n)
	}
	for p, want := range map[domain.Phase]float64{domain.PhaseApproved: 0.6, domain.PhaseDeclined: 0.2, domain.PhaseInReview: 0.2} {
		if !near(phases[p], want) {
			t.Errorf("%s share %v, want about %v", p, float64(phases[p])/n, want)
		}
	}
}

func BenchmarkChecks(b *testing.B) {
	g := New(1)
	b.ReportAllocs()
	for b.Loop() {
		kind := g.Kind()
		g.Checks(kind, g.Status(kind))
	}
}

// spelledAs returns s as a status if it is one in the casing of kind (KYC
// "Approved", KYB "APPROVED"), else an error.
func spelledAs(kind domain.Kind, s string) (domain.Status, error) {
	st := domain.Status(s)
	if st.Phase() == 0 || domain.StatusOf(kind, st.Phase()) != st {
		return "", fmt.Errorf("%q is not a %s status", s, kind.Label())
	}
	return st, nil
}
