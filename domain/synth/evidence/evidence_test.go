package evidence

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"strings"
	"testing"

	"handoff/domain"
	"handoff/domain/synth"
)

// readText reads n characters back from the pixels at a printed line's
// place, matching each cell against the font: what a document says is
// what its pixels show, not only what the drawer meant.
func readText(t *testing.T, img image.Image, x, y, scale, n int) string {
	t.Helper()
	ink := func(px, py int) bool {
		r, g, b, _ := img.At(px, py).RGBA()
		return r>>8 < 110 && g>>8 < 110 && b>>8 < 120 || r>>8 > 250 && g>>8 > 250 && b>>8 > 250 && scale > 1
	}
	var out []rune
	for i := 0; i < n; i++ {
		var cell [7]byte
		for row := 0; row < glyphH; row++ {
			for bit := 0; bit < glyphW; bit++ {
				if ink(x+(i*advance+bit)*scale, y+row*scale) {
					cell[row] |= 1 << (glyphW - 1 - bit)
				}
			}
		}
		got := '?'
		for r, g := range glyphs {
			if g == cell {
				got = r
				break
			}
		}
		out = append(out, got)
	}
	return string(out)
}

func decode(t *testing.T, d Drawn) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(d.Data))
	if err != nil || d.ContentType != "image/png" {
		t.Fatalf("%s: %v", d.Name, err)
	}
	return img
}

func TestDocumentSaysWhatTheChecksSay(t *testing.T) {
	for seed := uint64(0); seed < 40; seed++ {
		_, c, err := synth.New(seed).Outcome(domain.KindUser, "Approved")
		if err != nil {
			t.Fatal(err)
		}
		var ids []ID
		if err := json.Unmarshal(c["id_verifications"], &ids); err != nil {
			t.Fatal(err)
		}
		id := ids[0]
		drawn := Draw(domain.KindUser, c)
		if len(drawn) != 4 || drawn[0].Name != domain.MediaFront || drawn[3].Name != domain.MediaSelfie {
			t.Fatalf("seed %d: drew %d images", seed, len(drawn))
		}
		img := decode(t, drawn[0])
		var printed []string
		for _, tx := range drawn[0].Texts {
			if tx.Scale == 1 {
				if got := readText(t, img, tx.X, tx.Y, tx.Scale, len([]rune(tx.S))); got != tx.S {
					t.Fatalf("seed %d: pixels at (%d,%d) read %q, drawn as %q", seed, tx.X, tx.Y, got, tx.S)
				}
			}
			printed = append(printed, tx.S)
		}
		all := strings.Join(printed, "\n")
		for _, want := range []string{id.LastName, id.FirstName, id.DocumentNumber, id.DateOfBirth, id.ExpirationDate,
			id.DateOfIssue, id.Nationality, id.IssuingStateName} {
			if !strings.Contains(all, printable(want)) {
				t.Fatalf("seed %d: the front does not print %q:\n%s", seed, want, all)
			}
		}
		if id.DocumentType == "Passport" {
			l1, l2 := MRZ(id)
			if len(l1) != 44 || len(l2) != 44 || !strings.Contains(all, l1) || !strings.Contains(all, l2) ||
				!strings.HasPrefix(l1, "P<"+id.IssuingState) || !strings.HasPrefix(l2, pad(id.DocumentNumber, 9)) {
				t.Fatalf("seed %d: MRZ %q %q for %+v", seed, l1, l2, id)
			}
		}
		if again := Draw(domain.KindUser, c); !bytes.Equal(again[0].Data, drawn[0].Data) || !bytes.Equal(again[3].Data, drawn[3].Data) {
			t.Fatalf("seed %d: the same checks drew different pictures", seed)
		}
	}
}

// The ICAO 9303 specimen: L898902C3, born 1974-08-12, expiring 2012-04-15.
func TestMRZCheckDigits(t *testing.T) {
	_, l2 := MRZ(ID{DocumentNumber: "L898902C3", Nationality: "UTO", DateOfBirth: "1974-08-12", Gender: "F",
		ExpirationDate: "2012-04-15", PersonalNumber: "ZE184226B", IssuingState: "UTO", LastName: "Eriksson", FirstName: "Anna Maria"})
	if want := "L898902C36UTO7408122F1204159ZE184226B<<<<<10"; l2 != want {
		t.Fatalf("MRZ line 2\n got %s\nwant %s", l2, want)
	}
}

func TestPeopleDifferAndAFaceMismatchShowsSomeoneElse(t *testing.T) {
	_, a, _ := synth.New(1).Outcome(domain.KindUser, "Approved")
	_, b, _ := synth.New(2).Outcome(domain.KindUser, "Approved")
	if bytes.Equal(Draw(domain.KindUser, a)[2].Data, Draw(domain.KindUser, b)[2].Data) {
		t.Fatal("two people have the same portrait")
	}
	_, m, err := synth.New(3).Outcome(domain.KindUser, "face_mismatch")
	if err != nil {
		t.Fatal(err)
	}
	mismatch := Draw(domain.KindUser, m)
	// The same checks with the face match passing: the selfie is the
	// document's person again.
	var fms []map[string]any
	json.Unmarshal(m["face_matches"], &fms)
	fms[0]["status"] = "Approved"
	m["face_matches"], _ = json.Marshal(fms)
	match := Draw(domain.KindUser, m)
	if bytes.Equal(mismatch[3].Data, match[3].Data) || !bytes.Equal(mismatch[2].Data, match[2].Data) {
		t.Fatal("a declined face match should show another person in the selfie, and the same portrait")
	}
	if newFace(seedOf("A", "B", "C")) == newFace(seedOf("A", "B", "D")) {
		t.Fatal("two seeds drew the same face")
	}
}

func TestRegistryExtractNamesTheCompany(t *testing.T) {
	_, c, _ := synth.New(4).Outcome(domain.KindBusiness, "Approved")
	var regs []Registry
	json.Unmarshal(c["registry_checks"], &regs)
	d := Draw(domain.KindBusiness, c)
	if len(d) != 1 || d[0].Name != domain.MediaRegistry {
		t.Fatalf("%d images", len(d))
	}
	img := decode(t, d[0])
	var all []string
	for _, tx := range d[0].Texts {
		if tx.Scale == 1 && readText(t, img, tx.X, tx.Y, 1, len([]rune(tx.S))) != tx.S {
			t.Fatalf("pixels do not read %q", tx.S)
		}
		all = append(all, tx.S)
	}
	joined := strings.Join(all, " ")
	for _, want := range []string{regs[0].RegistrationNumber, regs[0].IncorporationDate, regs[0].CompanyStatus} {
		if !strings.Contains(joined, printable(want)) {
			t.Fatalf("extract lacks %q: %s", want, joined)
		}
	}
	if Draw(domain.KindUser, domain.Checks{}) != nil || Draw(domain.KindBusiness, domain.Checks{}) != nil {
		t.Fatal("a payload without documents drew something")
	}
}
