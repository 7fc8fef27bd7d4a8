package domain

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"
)

func TestParseDestinationURL(t *testing.T) {
	for _, tc := range []struct {
		url     string
		private bool   // allowPrivate
		want    string // "" for valid, else a substring of the url error
	}{
		{"https://hooks.partner.example/didit", false, ""},
		{"http://93.184.215.14:8080/x?y=1", false, ""},
		{"https://[2606:4700::1111]/hook", false, ""},
		{"https://xn--bcher-kva.example/h", false, ""},
		{"", false, "blank"},
		{"   ", false, "blank"},
		{"ftp://files.example/x", false, "http:// or https://"},
		{"javascript:alert(1)", false, "http:// or https://"},
		{"mailto:ops@example.com", false, "http:// or https://"},
		{"http:opaque", false, "valid URL"},
		{"/relative/path", false, "valid URL"},
		{"https://", false, "name a host"},
		{"https://:443/x", false, "name a host"},
		{"https://host.example:99999/", false, "port"},
		{"https://host.example:0/", false, "port"},
		{"https://bad_host!.example/", false, "not a valid host"},
		{"http://2130706433/", false, "not a valid host"}, // 127.0.0.1 in decimal
		{"http://127.1/", false, "not a valid host"},
		{"http://0x7f.0.0.1/", false, "not a valid host"},
		{"https://" + strings.Repeat("a", MaxDestinationURL) + ".example/", false, "no more than"},
		// Private, loopback, link-local and special addresses.
		{"http://127.0.0.1:8080/hook", false, "private"},
		{"http://localhost:8080/hook", false, "private"},
		{"http://LOCALHOST./hook", false, "private"},
		{"http://api.localhost/hook", false, "private"},
		{"http://10.1.2.3/", false, "private"},
		{"http://172.16.0.1/", false, "private"},
		{"http://192.168.1.1/", false, "private"},
		{"http://169.254.169.254/latest/meta-data/", false, "private"}, // cloud metadata
		{"http://0.0.0.0/", false, "private"},
		{"http://100.64.0.1/", false, "private"},
		{"http://[::1]/", false, "private"},
		{"http://[::]/", false, "private"},
		{"http://[fe80::1]/", false, "private"},
		{"http://[fd00::1]/", false, "private"},
		{"http://[::ffff:127.0.0.1]/", false, "private"},
		{"http://[::ffff:10.0.0.1]/", false, "private"},
		{"http://[fe80::1%25eth0]/", false, "zone"},
		// ... all allowed when the operator says so.
		{"http://127.0.0.1:8080/hook", true, ""},
		{"http://localhost:8080/hook", true, ""},
		{"http://[::1]/", true, ""},
		{"http://169.254.169.254/", true, ""},
	} {
		u, err := ParseDestinationURL(tc.url, tc.private)
		if tc.want == "" {
			if err != nil || u == nil {
				t.Errorf("%q (private %v): %v", tc.url, tc.private, err)
			}
			continue
		}
		var msgs []string
		if e, ok := err.(*Error); ok && e.Code == CodeInvalid {
			msgs = e.Fields["url"]
		}
		if len(msgs) != 1 || !strings.Contains(msgs[0], tc.want) {
			t.Errorf("%q (private %v): got %v, want a url error containing %q", tc.url, tc.private, err, tc.want)
		}
	}
}

func TestPublicAddr(t *testing.T) {
	for _, tc := range []struct {
		ip     string
		public bool
	}{
		{"93.184.215.14", true},
		{"8.8.8.8", true},
		{"2606:4700::1111", true},
		{"::ffff:8.8.8.8", true},
		{"127.0.0.1", false},
		{"127.255.255.254", false},
		{"10.0.0.1", false},
		{"172.31.255.255", false},
		{"192.168.0.1", false},
		{"169.254.169.254", false},
		{"0.0.0.0", false},
		{"0.1.2.3", false},
		{"100.64.0.1", false},
		{"192.0.0.8", false},
		{"198.18.0.1", false},
		{"224.0.0.1", false},
		{"255.255.255.255", false},
		{"::1", false},
		{"::", false},
		{"fe80::1", false},
		{"fc00::1", false},
		{"ff02::1", false},
		{"::ffff:169.254.169.254", false},
		{"64:ff9b::a00:1", false},
		{"2002:a00:1::", false},
		{"2001:db8::1", false},
	} {
		if got := PublicAddr(netip.MustParseAddr(tc.ip)); got != tc.public {
			t.Errorf("PublicAddr(%s) = %v, want %v", tc.ip, got, tc.public)
		}
	}
	if PublicAddr(netip.Addr{}) {
		t.Error("the zero Addr is public")
	}
}

func TestValidateEvents(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want []string
		err  string
	}{
		{[]string{"status.updated"}, []string{"status.updated"}, ""},
		{[]string{"data.updated", "status.updated", "data.updated"}, []string{"data.updated", "status.updated"}, ""},
		{nil, nil, "at least one"},
		{[]string{}, nil, "at least one"},
		{[]string{"status.updated", "session.created"}, nil, `"session.created" is not a known event`},
		{[]string{"*"}, nil, "not a known event"},
		{[]string{""}, nil, "not a known event"},
	} {
		got, err := ValidateEvents(tc.in)
		if tc.err == "" {
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%q: got %q, %v; want %q", tc.in, got, err, tc.want)
			}
			continue
		}
		e, ok := err.(*Error)
		if !ok || len(e.Fields["subscribed_events"]) != 1 || !strings.Contains(e.Fields["subscribed_events"][0], tc.err) {
			t.Errorf("%q: got %v, want a subscribed_events error containing %q", tc.in, err, tc.err)
		}
	}
}

func TestValidateLabel(t *testing.T) {
	for _, tc := range []struct {
		label string
		ok    bool
	}{
		{"", true},
		{"Production session webhooks", true},
		{"Zürich ☂ hooks", true},
		{strings.Repeat("é", MaxDestinationLabel), true},
		{strings.Repeat("é", MaxDestinationLabel+1), false},
		{"tab\there", false},
		{"bad\xffutf8", false},
	} {
		if err := ValidateLabel(tc.label); (err == nil) != tc.ok {
			t.Errorf("ValidateLabel(%q) = %v, want ok %v", tc.label, err, tc.ok)
		}
	}
}

func TestMergeErrors(t *testing.T) {
	if MergeErrors(nil, nil) != nil {
		t.Fatal("merging no errors is not nil")
	}
	err := MergeErrors(FieldError("url", "a"), nil, FieldError("label", "b"), FieldError("url", "c"))
	e, ok := err.(*Error)
	if !ok || e.Code != CodeInvalid || !reflect.DeepEqual(e.Fields, map[string][]string{"url": {"a", "c"}, "label": {"b"}}) {
		t.Fatalf("merged %#v", err)
	}
	other := Forbiddenf("no")
	if MergeErrors(FieldError("url", "a"), other) != other {
		t.Fatal("an error that is not a field error must win")
	}
}
