package domain

import (
	"encoding/json"
	"testing"
)

func TestLinkMedia(t *testing.T) {
	in := Checks{
		"id_verifications": json.RawMessage(`[{"status":"Approved","portrait_image":"https://example.invalid/p.jpg","front_image":"https://example.invalid/f.jpg","back_image":null,"note":"https://example.invalid/p.jpg is the portrait"}]`),
		"face_matches":     json.RawMessage(`[{"score":97.0,"source_image":"https://example.invalid/p.jpg","target_image":"https://example.invalid/s.jpg"}]`),
		"aml_screenings":   json.RawMessage(`[{"status":"Approved","front_image":"https://example.invalid/x.jpg"}]`),
		"registry_checks":  json.RawMessage(` [ {"status":"APPROVED","company_name":"A {B}"}, {"status":"APPROVED"}]`),
	}
	before := string(in["id_verifications"])
	out := LinkMedia(in, func(name string) string { return "L(" + name + ")" })
	for fam, want := range map[string]string{
		"id_verifications": `[{"status":"Approved","portrait_image":"L(id/portrait.png)","front_image":"L(id/front.png)","back_image":null,"note":"https://example.invalid/p.jpg is the portrait"}]`,
		"face_matches":     `[{"score":97.0,"source_image":"L(id/portrait.png)","target_image":"L(liveness/reference.png)"}]`,
		"aml_screenings":   `[{"status":"Approved","front_image":"https://example.invalid/x.jpg"}]`, // not a media family
		// the first registry check gains its extract's link
		"registry_checks": ` [ {"extract_image":"L(kyb/registry.png)","status":"APPROVED","company_name":"A {B}"}, {"status":"APPROVED"}]`,
	} {
		if got := string(out[fam]); got != want {
			t.Errorf("%s:\n got %s\nwant %s", fam, got, want)
		}
	}
	if string(in["id_verifications"]) != before {
		t.Error("LinkMedia changed its input")
	}
}

// A registry check with a link already, or with no fields, or none at all.
func TestLinkMediaRegistry(t *testing.T) {
	link := func(name string) string { return "L(" + name + ")" }
	for in, want := range map[string]string{
		`[{"extract_image":"https://example.invalid/r.png","status":"APPROVED"}]`: `[{"extract_image":"L(kyb/registry.png)","status":"APPROVED"}]`,
		`[{}]`: `[{"extract_image":"L(kyb/registry.png)"}]`,
		`[]`:   `[]`,
		`null`: `null`,
	} {
		if got := string(LinkMedia(Checks{"registry_checks": json.RawMessage(in)}, link)["registry_checks"]); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}

func TestParsePublicURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://192.0.2.10":          "https://192.0.2.10",
		"http://192.0.2.10:8080/":     "http://192.0.2.10:8080",
		"https://192.0.2.10/handoff/": "https://192.0.2.10/handoff",
		"ftp://192.0.2.10":            "",
		"192.0.2.10:8080":             "",
		"https://":                    "",
		"https://192.0.2.10/?a=1":     "",
		"https://192.0.2.10/#top":     "",
		"https://u:p@192.0.2.10":      "",
	} {
		got, err := ParsePublicURL(in)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
}
