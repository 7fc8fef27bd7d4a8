package domain

import "testing"

func TestCountryAlpha3(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"GR", "GRC", true}, {"grc", "GRC", true}, {" xk ", "XKX", true}, {"ZW", "ZWE", true}, {"AD", "AND", true},
		{"ZZ", "", false}, {"", "", false}, {"GR GRC", "", false}, {"G", "", false},
	} {
		if got, ok := CountryAlpha3(c.in); got != c.want || ok != c.ok {
			t.Errorf("CountryAlpha3(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
