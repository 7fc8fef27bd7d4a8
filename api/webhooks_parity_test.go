package api_test

import "testing"

func TestDestinationParity(t *testing.T) {
	w := newWorld(t)
	ok := []string{"status.updated"}
	// Left out, subscribed_events subscribes to nothing, as Didit.
	none := w.do("POST", destinations, w.y.key, map[string]any{"url": public})
	expect(t, none, 201, "no events")
	if evs := none.body["subscribed_events"].([]any); len(evs) != 0 || none.str("webhook_version") != "v3" {
		t.Fatalf("created without events: %s", none.raw)
	}
	sum := none.body["summary"].(map[string]any)
	if sum["total_deliveries"].(float64) != 0 || sum["avg_response_time_ms"] != nil || sum["last_delivery_at"] != nil {
		t.Fatalf("a new destination's summary %v", sum)
	}
	// The same URL twice in one application is a 400; another application may use it.
	expectField(t, w.do("POST", destinations, w.y.key, map[string]any{"url": public, "subscribed_events": ok}), "url", "duplicate URL")
	expect(t, w.do("POST", destinations, w.x.key, map[string]any{"url": public, "subscribed_events": ok}), 201, "same URL elsewhere")
	v1 := w.do("POST", destinations, w.y.key, map[string]any{"url": public + "/v1", "subscribed_events": ok, "webhook_version": "v1"})
	expect(t, v1, 201, "v1")
	if v1.str("webhook_version") != "v1" {
		t.Fatalf("webhook_version %s", v1.raw)
	}
	expectField(t, w.do("POST", destinations, w.y.key, map[string]any{"url": public + "/v4", "webhook_version": "v4"}), "webhook_version", "unknown version")
	expectField(t, w.do("PATCH", destinations+v1.str("uuid")+"/", w.y.key, map[string]any{"url": public}), "url", "PATCH onto a taken URL")
	expectField(t, w.do("PATCH", destinations+none.str("uuid")+"/", w.y.key, map[string]any{"subscribed_events": []string{}}), "subscribed_events", "explicit []")
	p := w.do("PATCH", destinations+none.str("uuid")+"/", w.y.key, map[string]any{"subscribed_events": ok, "webhook_version": "v2"})
	if p.status != 200 || p.str("webhook_version") != "v2" || len(p.body["subscribed_events"].([]any)) != 1 {
		t.Fatalf("PATCH %d %s", p.status, p.raw)
	}
	// Deleting frees the URL.
	expect(t, w.do("DELETE", destinations+none.str("uuid")+"/", w.y.key, nil), 204, "delete")
	expect(t, w.do("POST", destinations, w.y.key, map[string]any{"url": public, "subscribed_events": ok}), 201, "URL free again")

	code, list := w.doList(destinations, w.y.key)
	if code != 200 || len(list) != 2 {
		t.Fatalf("list %d %v", code, list)
	}
	for _, d := range list {
		if _, ok := d["summary"].(map[string]any); !ok || d["deliveries_count"] == nil || d["subscribed_events_count"] == nil {
			t.Fatalf("list item %v", d)
		}
	}
}
