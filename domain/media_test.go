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
	}
	before := string(in["id_verifications"])
	out := LinkMedia(in, func(name string) string { return "L(" + name + ")" })
	for fam, want := range map[string]string{
		"id_verifications": `[{"status":"Approved","portrait_image":"L(id/portrait.png)","front_image":"L(id/front.png)","back_image":null,"note":"https://example.invalid/p.jpg is the portrait"}]`,
		"face_matches":     `[{"score":97.0,"source_image":"L(id/portrait.png)","target_image":"L(liveness/reference.png)"}]`,
		"aml_screenings":   `[{"status":"Approved","front_image":"https://example.invalid/x.jpg"}]`, // not a media family
	} {
		if got := string(out[fam]); got != want {
			t.Errorf("%s:\n got %s\nwant %s", fam, got, want)
		}
	}
	if string(in["id_verifications"]) != before {
		t.Error("LinkMedia changed its input")
	}
}
