package webhook

import (
	"testing"
	"time"
)

func TestRestamp(t *testing.T) {
	at := time.Unix(1795905000, 0)
	cases := []struct{ in, want string }{
		{`{"event_id":"e","timestamp":1795901234,"created_at":1}`, `{"event_id":"e","timestamp":1795905000,"created_at":1}`},
		// Only the top-level key: a nested one and one inside a string stay.
		{`{"vendor_data":"\"timestamp\":1","meta":{"timestamp":7},"timestamp":5}`,
			`{"vendor_data":"\"timestamp\":1","meta":{"timestamp":7},"timestamp":1795905000}`},
		{`{ "timestamp" : 12 , "x": [1,2] }`, `{ "timestamp" : 1795905000 , "x": [1,2] }`},
		{`{"event_id":"e"}`, `{"event_id":"e"}`},
	}
	for _, c := range cases {
		got, err := restamp([]byte(c.in), at)
		if err != nil || string(got) != c.want {
			t.Errorf("restamp(%s) = %s, %v; want %s", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{`[1]`, `{"timestamp":`, ``} {
		if _, err := restamp([]byte(bad), at); err == nil {
			t.Errorf("restamp(%q): no error", bad)
		}
	}
}
