package api_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"handoff/demo"
	"handoff/domain"
	"handoff/review"
)

// getMedia fetches a media link as a partner's back end would.
func (w *world) getMedia(link, key string) (int, string, []byte) {
	w.t.Helper()
	req, err := http.NewRequest("GET", link, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("x-api-key", key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Content-Type"), body
}

func mediaField(t *testing.T, dec response, family, field string) string {
	t.Helper()
	list, _ := dec.body[family].([]any)
	if len(list) == 0 {
		t.Fatalf("no %s in %s", family, dec.raw)
	}
	v, _ := list[0].(map[string]any)[field].(string)
	return v
}

// The decision's media fields are links to handoff's own server, for the
// reading application only, for 15 minutes, serving the stored images.
func TestMediaLinks(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	var src domain.Session
	if err := demo.Generate(ctx, w.svc, demo.Options{App: w.x.id, Count: 1, Kind: domain.KindUser, Phase: domain.PhaseApproved,
		Seed: 5, Actor: "test", Evidence: 1}, func(s domain.Session) { src = s }); err != nil {
		t.Fatal(err)
	}
	stored, err := w.svc.Evidence(ctx, review.Analyst(w.x.id, "t"), src.ID, domain.MediaPortrait, domain.MediaSelfie)
	if err != nil || len(stored) != 2 {
		t.Fatalf("stored evidence: %v %v", stored, err)
	}
	portrait, selfie := stored[0].Data, stored[1].Data
	if stored[0].Name != domain.MediaPortrait {
		portrait, selfie = selfie, portrait
	}

	dec := w.do("GET", "/v3/session/"+src.ID.String()+"/decision/", w.x.key, nil)
	expect(t, dec, 200, "decision")
	for _, f := range []struct {
		family, field string
		want          []byte
	}{
		{"id_verifications", "portrait_image", portrait},
		{"face_matches", "source_image", portrait},
		{"face_matches", "target_image", selfie},
		{"liveness_checks", "reference_image", selfie},
	} {
		link := mediaField(t, dec, f.family, f.field)
		if !strings.HasPrefix(link, w.url+"/v3/media/") {
			t.Fatalf("%s.%s = %q, not a link to this server", f.family, f.field, link)
		}
		code, ct, body := w.getMedia(link, w.x.key)
		if code != 200 || ct != "image/png" || !bytes.Equal(body, f.want) {
			t.Fatalf("%s.%s: %d %q, %d bytes; want the stored image", f.family, f.field, code, ct, len(body))
		}
	}
	link := mediaField(t, dec, "id_verifications", "front_image")
	if code, _, _ := w.getMedia(link, w.x.key); code != 200 {
		t.Fatalf("front image: %d", code)
	}

	// No key, another application's key: refused, and that one not told it exists.
	if code, _, _ := w.getMedia(link, ""); code != 401 {
		t.Errorf("without a key: %d, want 401", code)
	}
	if code, _, _ := w.getMedia(link, w.y.key); code != 404 {
		t.Errorf("another application's key: %d, want 404", code)
	}
	// Altered: a character of the tag, or a token that is not one.
	token := strings.TrimPrefix(link, w.url+"/v3/media/")
	i := len(token) - 10
	swap := byte('A')
	if token[i] == 'A' {
		swap = 'B'
	}
	for _, bad := range []string{token[:i] + string(swap) + token[i+1:], "not-a-token", token[:len(token)-20]} {
		r := w.getMediaDetail(w.url+"/v3/media/"+bad, w.x.key)
		expectDetail(t, r, 403, "altered link "+bad)
	}
	// Expired: minted with a past expiry, and a fresh link 16 minutes on.
	past, err := w.svc.MintMediaToken(ctx, w.x.id, src.ID, domain.MediaPortrait, time.Now().Add(-time.Second))
	if err != nil {
		t.Fatal(err)
	}
	expectDetail(t, w.getMediaDetail(w.url+"/v3/media/"+past, w.x.key), 403, "expired link")
	w.skew.Store(int64((review.MediaLinkLifetime + time.Minute) / time.Second))
	expectDetail(t, w.getMediaDetail(link, w.x.key), 403, "link past 15 minutes")
	w.skew.Store(0)
	// A valid link of Y's own to X's session finds nothing in Y.
	cross, err := w.svc.MintMediaToken(ctx, w.y.id, src.ID, domain.MediaPortrait, time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	expectDetail(t, w.getMediaDetail(w.url+"/v3/media/"+cross, w.y.key), 404, "Y's link to X's session")

	// A clone's links are the importer's, to the copied images.
	imp := w.importAs(w.y, map[string]any{"share_token": w.mint(w.x, src.ID, w.y.id), "workflow_id": "wf_partner_kyc"})
	expect(t, imp, 201, "import")
	clone := w.do("GET", "/v3/session/"+imp.str("session_id")+"/decision/", w.y.key, nil)
	yLink := mediaField(t, clone, "id_verifications", "portrait_image")
	if code, _, body := w.getMedia(yLink, w.y.key); code != 200 || !bytes.Equal(body, portrait) {
		t.Fatalf("the clone's portrait: %d", code)
	}
	if code, _, _ := w.getMedia(yLink, w.x.key); code != 404 {
		t.Errorf("the issuer with the importer's link: %d, want 404", code)
	}

	// Erased: the link dies with the session.
	expect(t, w.do("DELETE", "/v3/session/"+src.ID.String()+"/delete/", w.x.key, nil), 204, "delete")
	expectDetail(t, w.getMediaDetail(link, w.x.key), 404, "an erased session's link")
}

// getMediaDetail fetches a link expected to fail with a JSON detail.
func (w *world) getMediaDetail(link, key string) response {
	w.t.Helper()
	return w.do("GET", strings.TrimPrefix(link, w.url), key, nil)
}

// mediaFields are the check fields the decision answers as media links.
var mediaFields = map[string]bool{"portrait_image": true, "front_image": true, "back_image": true, "full_front_image": true, domain.RegistryExtractField: true,
	"reference_image": true, "source_image": true, "target_image": true}

// withoutMedia is a decoded body with every media field's value blanked:
// links are minted per reader and per reading.
func withoutMedia(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if _, ok := e.(string); ok && mediaFields[k] {
				out[k] = "<media>"
			} else {
				out[k] = withoutMedia(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = withoutMedia(e)
		}
		return out
	}
	return v
}
