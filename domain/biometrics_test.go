package domain_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"handoff/domain"
)

func TestSplitBiometricsRoundTrips(t *testing.T) {
	c := domain.Checks{
		"id_verifications":  json.RawMessage(`[{"full_name":"Ana <Li>","age":41,"score":87.50,"portrait_image":"https://m/p.jpg","front_image":"https://m/f.jpg"}]`),
		"liveness_checks":   json.RawMessage(`[{"score":91.2,"video_url":"https://m/v.mp4","frames":["a","b"]}]`),
		"key_people_checks": json.RawMessage(`[{"name":"Bo","kyc":{"face_match":{"score":90},"selfie":"https://m/s.jpg"}},{"name":"Cy"}]`),
		"aml_screenings":    json.RawMessage(`[]`),
	}
	rest, bio, err := domain.SplitBiometrics(c)
	if err != nil {
		t.Fatal(err)
	}
	for fam, raw := range rest {
		for _, s := range []string{"https://m/", "frames", "selfie"} {
			if strings.Contains(string(raw), s) {
				t.Errorf("%s keeps biometric %q: %s", fam, s, raw)
			}
		}
	}
	if !strings.Contains(string(rest["id_verifications"]), `"full_name":"Ana <Li>"`) || !strings.Contains(string(rest["id_verifications"]), "87.50") {
		t.Errorf("non-biometric fields changed: %s", rest["id_verifications"])
	}
	if _, ok := bio["aml_screenings"]; ok {
		t.Error("a family without biometrics has a biometric part")
	}
	if got := string(bio["key_people_checks"]); got != `[{"kyc":{"selfie":"https://m/s.jpg"}},null]` {
		t.Errorf("nested biometric part = %s", got)
	}
	joined, err := domain.JoinBiometrics(rest, bio)
	if err != nil {
		t.Fatal(err)
	}
	for fam := range c {
		var want, got any
		json.Unmarshal(c[fam], &want)
		json.Unmarshal(joined[fam], &got)
		if !reflect.DeepEqual(want, got) {
			t.Errorf("%s: joined %s, want %s", fam, joined[fam], c[fam])
		}
	}
}
