package domain

import (
	"bytes"
	"encoding/json"
)

// Media is one file captured in a session (a document photo, a selfie, a
// registry extract): biometric and personal material, stored with the
// session, cloned with it by an import and erased with it.
type Media struct {
	Name        string // the path under the session: "id/front.png"
	ContentType string // "image/png"
	Data        []byte
}

// The media a verification produces, by name.
const (
	MediaFront    = "id/front.png"
	MediaBack     = "id/back.png"
	MediaPortrait = "id/portrait.png"
	MediaSelfie   = "liveness/reference.png"
	MediaRegistry = "kyb/registry.png"
)

// mediaFields are the check fields that reference a stored media file,
// by family and field (Didit's names; full_front_image is the front here).
var mediaFields = map[string]map[string]string{
	"id_verifications": {"portrait_image": MediaPortrait, "front_image": MediaFront, "back_image": MediaBack,
		"full_front_image": MediaFront},
	"liveness_checks": {"reference_image": MediaSelfie},
	"face_matches":    {"source_image": MediaPortrait, "target_image": MediaSelfie},
	"registry_checks": {RegistryExtractField: MediaRegistry},
}

// RegistryExtractField is the field of a business's first registry check
// that links to the registry extract (MediaRegistry). The stored check has
// no reference to the extract, so LinkMedia adds it.
const RegistryExtractField = "extract_image"

// LinkMedia returns c with every media reference of mediaFields replaced
// by link(name) — the decision response's signed URLs — and everything
// else byte for byte as it was; the first registry check gains its
// extract's link (RegistryExtractField). c itself is not changed.
func LinkMedia(c Checks, link func(name string) string) Checks {
	out := make(Checks, len(c))
	for fam, raw := range c {
		out[fam] = raw
		fields := mediaFields[fam]
		var items []map[string]json.RawMessage
		if fields == nil || json.Unmarshal(raw, &items) != nil {
			continue
		}
		// A reference's exact JSON literal, replaced wherever it occurs:
		// a string literal cannot occur inside another one unescaped.
		names := map[string]string{}
		for _, it := range items {
			for field, name := range fields {
				var ref string
				if v, ok := it[field]; ok && json.Unmarshal(v, &ref) == nil && ref != "" {
					names[string(v)] = name
				}
			}
		}
		for lit, name := range names {
			to, _ := json.Marshal(link(name))
			raw = bytes.ReplaceAll(raw, []byte(lit), to)
		}
		if fam == "registry_checks" && len(items) > 0 && items[0] != nil && items[0][RegistryExtractField] == nil {
			raw = withField(raw, RegistryExtractField, link(MediaRegistry), len(items[0]) == 0)
		}
		out[fam] = raw
	}
	return out
}

// withField returns the JSON array raw with field: value first in its
// first object (empty: that object has no fields yet).
func withField(raw []byte, field, value string, empty bool) []byte {
	i := bytes.IndexByte(raw, '{')
	kv, _ := json.Marshal(map[string]string{field: value})
	kv = kv[1 : len(kv)-1] // "field":"value"
	if !empty {
		kv = append(kv, ',')
	}
	return append(append(append([]byte(nil), raw[:i+1]...), kv...), raw[i+1:]...)
}
