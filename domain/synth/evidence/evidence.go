// Package evidence draws the synthetic evidence of a generated session:
// the identity document (front, back, portrait), the selfie and, for a
// business, the registry extract. Everything is drawn procedurally from the
// session's checks, so the document says what the checks say and the same
// checks always give the same pictures; faces are flat shapes, plainly
// synthetic. It does no I/O.
package evidence

import (
	"encoding/json"
	"fmt"
	"image/color"
	"strings"

	"handoff/domain"
)

// ID is what the document prints, read from id_verifications[0].
type ID struct {
	DocumentType     string `json:"document_type"`
	DocumentNumber   string `json:"document_number"`
	PersonalNumber   string `json:"personal_number"`
	FirstName        string `json:"first_name"`
	LastName         string `json:"last_name"`
	DateOfBirth      string `json:"date_of_birth"`
	ExpirationDate   string `json:"expiration_date"`
	DateOfIssue      string `json:"date_of_issue"`
	IssuingState     string `json:"issuing_state"`
	IssuingStateName string `json:"issuing_state_name"`
	Nationality      string `json:"nationality"`
	Gender           string `json:"gender"`
	PlaceOfBirth     string `json:"place_of_birth"`
	Address          string `json:"address"`
}

// Registry is what the registry extract prints, from registry_checks[0].
type Registry struct {
	CompanyName        string `json:"company_name"`
	RegistrationNumber string `json:"registration_number"`
	Jurisdiction       string `json:"jurisdiction"`
	LegalForm          string `json:"legal_form"`
	IncorporationDate  string `json:"incorporation_date"`
	RegisteredAddress  string `json:"registered_address"`
	CompanyStatus      string `json:"company_status"`
	Officers           []struct {
		Name        string `json:"name"`
		Role        string `json:"role"`
		AppointedOn string `json:"appointed_on"`
	} `json:"officers"`
}

// Drawn is one picture with the lines printed on it.
type Drawn struct {
	domain.Media
	Texts []Text
}

// Draw returns the evidence of a session with these checks: for a person
// the document front, back and portrait and the selfie (another person's
// face when the face match was declined); for a business the registry
// extract. A payload without the families it needs draws nothing.
func Draw(kind domain.Kind, c domain.Checks) []Drawn {
	if kind == domain.KindBusiness {
		var regs []Registry
		if json.Unmarshal(c.Family("registry_checks"), &regs) != nil || len(regs) == 0 {
			return nil
		}
		return []Drawn{registry(regs[0])}
	}
	var ids []ID
	if json.Unmarshal(c.Family("id_verifications"), &ids) != nil || len(ids) == 0 {
		return nil
	}
	id := ids[0]
	person := newFace(seedOf(id.FirstName, id.LastName, id.DateOfBirth))
	selfie := person
	var fms []struct {
		Status domain.Status `json:"status"`
	}
	if json.Unmarshal(c.Family("face_matches"), &fms) == nil && len(fms) > 0 && fms[0].Status.Phase() == domain.PhaseDeclined {
		selfie = newFace(seedOf(id.LastName, id.FirstName, "someone else"))
		if selfie.skin == person.skin && selfie.hairStyle == person.hairStyle {
			selfie.hairStyle = (person.hairStyle + 1) % 4
		}
	}
	portrait := newCanvas(96, 120, person.bg)
	portrait.paste(person.draw(96, 120, 0, person.bg), 0, 0)
	sc := newCanvas(120, 150, rgb(120, 130, 140))
	sc.paste(selfie.draw(120, 150, 6, shade(selfie.bg, 0.8)), 0, 0)
	return []Drawn{
		front(id, portrait),
		back(id),
		{domain.Media{Name: domain.MediaPortrait, ContentType: "image/png", Data: portrait.png()}, nil},
		{domain.Media{Name: domain.MediaSelfie, ContentType: "image/png", Data: sc.png()}, nil},
	}
}

// Media is Draw without the text layout, as stored with the session.
func Media(kind domain.Kind, c domain.Checks) []domain.Media {
	d := Draw(kind, c)
	out := make([]domain.Media, len(d))
	for i := range d {
		out[i] = d[i].Media
	}
	return out
}

var (
	ink   = rgb(20, 24, 40)
	muted = rgb(90, 96, 110)
)

// palette colours a document by its issuing state.
func palette(state string) color.RGBA {
	list := []color.RGBA{rgb(214, 226, 240), rgb(226, 238, 218), rgb(244, 230, 214), rgb(236, 220, 236), rgb(222, 236, 236)}
	return list[seedOf(state)%uint64(len(list))]
}

func front(id ID, portrait *canvas) Drawn {
	bg := palette(id.IssuingState)
	c := newCanvas(344, 216, bg)
	c.rect(0, 0, 344, 24, shade(bg, 0.7))
	c.text(8, 6, 2, ink, id.IssuingStateName)
	c.text(8, 30, 1, muted, "SPECIMEN - SYNTHETIC DOCUMENT")
	c.text(190, 30, 1, ink, id.DocumentType)
	c.paste(portrait.img, 10, 44)
	x, y := 116, 46
	field := func(label, value string) {
		c.text(x, y, 1, muted, label)
		c.text(x, y+9, 1, ink, value)
		y += 20
	}
	field("SURNAME", id.LastName)
	field("GIVEN NAMES", id.FirstName)
	field("DATE OF BIRTH", id.DateOfBirth)
	c.text(250, 86, 1, muted, "SEX")
	c.text(250, 95, 1, ink, id.Gender)
	field("NATIONALITY", id.Nationality)
	field("DOCUMENT NO", id.DocumentNumber)
	c.text(250, 106, 1, muted, "ISSUED")
	c.text(250, 115, 1, ink, id.DateOfIssue)
	c.text(250, 126, 1, muted, "EXPIRES")
	c.text(250, 135, 1, ink, id.ExpirationDate)
	if id.DocumentType == "Passport" {
		l1, l2 := MRZ(id)
		c.rect(0, 172, 344, 44, rgb(250, 250, 246))
		c.text(40, 180, 1, ink, l1)
		c.text(40, 196, 1, ink, l2)
	}
	return Drawn{domain.Media{Name: domain.MediaFront, ContentType: "image/png", Data: c.png()}, c.texts}
}

func back(id ID) Drawn {
	bg := palette(id.IssuingState)
	c := newCanvas(344, 216, shade(bg, 0.95))
	c.text(8, 8, 1, muted, "ADDRESS")
	c.text(8, 18, 1, ink, id.Address)
	c.text(8, 34, 1, muted, "PLACE OF BIRTH")
	c.text(8, 44, 1, ink, id.PlaceOfBirth)
	c.text(8, 60, 1, muted, "PERSONAL NO")
	c.text(8, 70, 1, ink, id.PersonalNumber)
	c.text(8, 86, 1, muted, "AUTHORITY")
	c.text(8, 96, 1, ink, id.IssuingStateName)
	// A barcode-like strip from the document number.
	h := seedOf(id.DocumentNumber)
	for i := 0; i < 80; i++ {
		if h>>(i%64)&1 == 1 {
			c.rect(8+i*4, 120, 2+int(h>>(i%61)&1), 40, ink)
		}
	}
	return Drawn{domain.Media{Name: domain.MediaBack, ContentType: "image/png", Data: c.png()}, c.texts}
}

func registry(r Registry) Drawn {
	c := newCanvas(320, 400, rgb(252, 252, 248))
	c.rect(0, 0, 320, 30, rgb(40, 60, 90))
	c.text(10, 8, 2, rgb(255, 255, 255), "REGISTRY EXTRACT")
	c.text(10, 36, 1, muted, "SYNTHETIC - "+r.Jurisdiction)
	y := 54
	field := func(label, value string) {
		c.text(10, y, 1, muted, label)
		for _, line := range wrap(value, 48) {
			c.text(10, y+10, 1, ink, line)
			y += 10
		}
		y += 14
	}
	field("COMPANY NAME", r.CompanyName)
	field("REGISTRATION NUMBER", r.RegistrationNumber)
	field("LEGAL FORM", r.LegalForm)
	field("INCORPORATED", r.IncorporationDate)
	field("STATUS", r.CompanyStatus)
	field("REGISTERED ADDRESS", r.RegisteredAddress)
	c.text(10, y, 1, muted, "OFFICERS")
	y += 10
	for _, o := range r.Officers {
		if y > 380 {
			break
		}
		c.text(10, y, 1, ink, fmt.Sprintf("%s, %s, %s", o.Name, o.Role, o.AppointedOn))
		y += 10
	}
	return Drawn{domain.Media{Name: domain.MediaRegistry, ContentType: "image/png", Data: c.png()}, c.texts}
}

// wrap breaks s into lines of at most n characters at spaces.
func wrap(s string, n int) []string {
	var out []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len(line)+1+len(w) > n {
			out = append(out, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return append(out, line)
}
