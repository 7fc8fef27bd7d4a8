package domain

import (
	"encoding/json"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
)

func TestNormalizeEntry(t *testing.T) {
	ok := []struct {
		typ       EntryType
		in, canon string
	}{
		{EntryDocument, "GRC passport EK0412352", "GRC:passport:EK0412352"},
		{EntryDocument, " gr  Passport ek-0412352 ", "GRC:passport:EK0412352"}, // spaced numbers need the colon form
		{EntryDocument, "GR:Identity Card:ab 12.34/5", "GRC:identity_card:AB12345"},
		{EntryDocument, "deu IDENTITY_CARD l01x00t47", "DEU:identity_card:L01X00T47"},
		{EntryDocument, "esp identity-card X1234567", "ESP:identity_card:X1234567"},
		{EntryFace, "  Face-ABC123 ", "face-abc123"},
		{EntryPhone, "+1 (555) 555-0123", "+15555550123"},
		{EntryPhone, "0030 210.123.4567", "+302101234567"},
		{EntryPhone, "+44/20 7946 0958", "+442079460958"},
		{EntryEmail, " Maria.Papadopoulou@Example.COM ", "maria.papadopoulou@example.com"},
		{EntryEmail, "m.a.r.i.a+shop@GoogleMail.com", "maria@gmail.com"},
		{EntryEmail, "maria+shop@example.org", "maria+shop@example.org"}, // other domains keep tags and dots
		{EntryUser, " Harbor-User-0103 ", "harbor-user-0103"},
		{EntryBusiness, "gb 0123 4567", "GBR:01234567"},
		{EntryBusiness, "GBR:01-234-567", "GBR:01234567"},
		{EntryCountry, "gr", "GRC"},
		{EntryCountry, "grc", "GRC"},
		{EntryCountry, "XK", "XKX"},
		{EntryIPAddress, "192.0.2.10", "192.0.2.10"},
		{EntryIPAddress, "::ffff:192.0.2.10", "192.0.2.10"},
		{EntryIPAddress, "2001:DB8:0:0::1", "2001:db8::1"},
		{EntryIPAddress, "10.1.2.3/8", "10.0.0.0/8"},
		{EntryIPAddress, "192.0.2.10/32", "192.0.2.10"},
	}
	for _, c := range ok {
		got, err := NormalizeEntry(c.typ, c.in)
		if err != nil || got != c.canon {
			t.Errorf("NormalizeEntry(%s, %q) = %q, %v; want %q", c.typ, c.in, got, err, c.canon)
		}
	}
	bad := []struct {
		typ  EntryType
		in   string
		want string
	}{
		{EntryDocument, "", "blank"},
		{EntryDocument, "EK0412352", "COUNTRY TYPE NUMBER"},
		{EntryDocument, "ZZZ passport EK0412352", "issuing country"},
		{EntryDocument, "GRC : : ", "type and a number"},
		{EntryPhone, "5555550123", "international"},
		{EntryPhone, "+1 555 CALL NOW", "only digits"},
		{EntryPhone, "+123", "8 to 15"},
		{EntryPhone, "+0123456789", "country code"},
		{EntryEmail, "maria", "not a valid e-mail"},
		{EntryEmail, "maria@localhost", "not a valid e-mail"},
		{EntryEmail, "a@b@example.com", "not a valid e-mail"},
		{EntryEmail, "+tag@gmail.com", "not a valid e-mail"},
		{EntryBusiness, "01234567", "COUNTRY REGISTRATION_NUMBER"},
		{EntryCountry, "Greece", "ISO 3166-1"},
		{EntryIPAddress, "300.1.1.1", "IP address"},
		{EntryIPAddress, "10.0.0.0/33", "CIDR"},
		{EntryUser, "bad\x01user", "control"},
		{EntryUser, strings.Repeat("x", MaxListName+1), "at most"},
		{EntryType("wallet_address"), "0xabc", "entry type"},
	}
	for _, c := range bad {
		_, err := NormalizeEntry(c.typ, c.in)
		e, _ := err.(*Error)
		if e == nil || e.Code != CodeInvalid || !strings.Contains(strings.Join(append(e.Fields["value"], e.Fields["entry_type"]...), " "), c.want) {
			t.Errorf("NormalizeEntry(%s, %q) = %v; want a field error with %q", c.typ, c.in, err, c.want)
		}
	}
}

func TestIPMatchKeysCoverRanges(t *testing.T) {
	keys := IPMatchKeys("10.1.2.3")
	if len(keys) != 33 || keys[0] != "10.1.2.3" || keys[24] != "10.0.0.0/8" || keys[32] != "0.0.0.0/0" {
		t.Fatalf("keys = %v", keys)
	}
	canon, _ := NormalizeEntry(EntryIPAddress, "10.9.9.9/8")
	found := false
	for _, k := range keys {
		found = found || k == canon
	}
	if !found {
		t.Fatalf("%s is not among the keys of 10.1.2.3", canon)
	}
	// Each key as netip writes it, for both families.
	for _, addr := range []string{"10.1.2.3", "::ffff:192.0.2.1", "2001:db8:0:1:0:0:0:5%eth0", "::1"} {
		a := netip.MustParseAddr(addr).Unmap().WithZone("")
		want := []string{a.String()}
		for bits := a.BitLen() - 1; bits >= 0; bits-- {
			want = append(want, netip.PrefixFrom(a, bits).Masked().String())
		}
		if got := IPMatchKeys(addr); !slices.Equal(got, want) {
			t.Errorf("IPMatchKeys(%q) =\n%v\nwant\n%v", addr, got, want)
		}
	}
}

func TestValidateEntryReason(t *testing.T) {
	key := uuid.New()
	analyst, partner, operator := Caller{Analyst: "alice"}, Caller{KeyID: &key}, Caller{Operator: "ops"}
	for _, c := range []struct {
		name    string
		caller  Caller
		comment string
		ok      bool
	}{
		{"analyst with a reason", analyst, "reported stolen", true},
		{"analyst without one", analyst, "", false},
		{"analyst with blanks only", analyst, " \t\n", false},
		{"API key without one", partner, "", true},
		{"operator without one", operator, "", true},
		{"API key, too long", partner, strings.Repeat("x", MaxListText+1), false},
		{"analyst, a control character", analyst, "stolen\x00", false},
	} {
		err := ValidateEntryReason(c.caller, c.comment)
		if (err == nil) != c.ok {
			t.Errorf("%s: %v; want ok=%v", c.name, err, c.ok)
		}
		if err != nil && (!IsCode(err, CodeInvalid) || len(err.(*Error).Fields["comment"]) == 0) {
			t.Errorf("%s: %v is not an invalid comment", c.name, err)
		}
	}
}

func TestMaskValue(t *testing.T) {
	for _, c := range []struct {
		typ        EntryType
		canon, out string
	}{
		{EntryDocument, "GRC:passport:EK0412352", "GRC passport EK04…52"},
		{EntryPhone, "+15555550123", "+1555…23"},
		{EntryEmail, "maria@example.com", "ma…@example.com"},
		{EntryCountry, "GRC", "GRC"},
		{EntryIPAddress, "203.0.113.9", "203.0.113.…"},
		{EntryIPAddress, "2001:db8::1", "2001:db8::…"},
		{EntryIPAddress, "10.0.0.0/8", "10.0.0.0/8"},
	} {
		if got := MaskValue(c.typ, c.canon); got != c.out {
			t.Errorf("MaskValue(%s, %q) = %q; want %q", c.typ, c.canon, got, c.out)
		}
	}
}

func TestSessionIdentifiers(t *testing.T) {
	kyc := Session{Kind: KindUser, VendorData: "Harbor-User-0103", Checks: Checks{
		"id_verifications":    json.RawMessage(`[{"document_type":"Passport","document_number":"EK0412352","issuing_state":"GRC","portrait_image":"https://m/face-1.jpg"}]`),
		"phone_verifications": json.RawMessage(`[{"full_number":"+1 555 555 0123"}]`),
		"email_verifications": json.RawMessage(`[{"email":"Maria@Example.com"},{"email":"maria@example.com"}]`),
		"location_checks":     json.RawMessage(`[{"ip_address":"192.0.2.10"}]`),
	}}
	got := map[string]string{}
	for _, id := range SessionIdentifiers(kyc) {
		got[string(id.Type)] += id.Value + " "
	}
	want := map[string]string{"user": "harbor-user-0103 ", "document": "GRC:passport:EK0412352 ", "face": "https://m/face-1.jpg ",
		"phone": "+15555550123 ", "email": "maria@example.com ", "ip_address": "192.0.2.10 "}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %q, want %q", k, got[k], v)
		}
	}
	kyb := Session{Kind: KindBusiness, Checks: Checks{
		"registry_checks":   json.RawMessage(`[{"registration_number":"0123 4567","country_code":"GB"}]`),
		"key_people_checks": json.RawMessage(`[{"name":"Eleni Nikolaou","kyc":{"id_verification":{"document_type":"passport","document_number":"AB123","nationality":"GRC"}}}]`),
	}}
	ids := SessionIdentifiers(kyb)
	if len(ids) != 2 || ids[0].Value != "GBR:01234567" || ids[1].Value != "GRC:passport:AB123" ||
		ids[1].Check != "key_people_checks[0].kyc.id_verification" || ids[1].Describe() != "Eleni Nikolaou's document GRC passport AB123" {
		t.Fatalf("KYB identifiers = %+v", ids)
	}
}
