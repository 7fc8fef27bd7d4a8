package evidence

import "strings"

// MRZ is the two 44-character lines of a passport's machine-readable zone
// (ICAO 9303 TD3) for id, with its check digits.
func MRZ(id ID) (string, string) {
	names := mrzText(id.LastName) + "<<" + mrzText(id.FirstName)
	l1 := pad("P<"+pad(id.IssuingState, 3)+names, 44)
	num := pad(mrzText(id.DocumentNumber), 9)
	dob, exp := mrzDate(id.DateOfBirth), mrzDate(id.ExpirationDate)
	sex := id.Gender
	if sex != "M" && sex != "F" {
		sex = "<"
	}
	personal := pad(mrzText(id.PersonalNumber), 14)
	l2 := num + check(num) + pad(id.Nationality, 3) + dob + check(dob) + sex + exp + check(exp) + personal + check(personal)
	composite := num + check(num) + dob + check(dob) + exp + check(exp) + personal + check(personal)
	return l1, l2 + check(composite)
}

// mrzText is s transliterated, with spaces and hyphens as filler.
func mrzText(s string) string {
	s = printable(s)
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '<'
	}, s)
}

// mrzDate is YYMMDD for a YYYY-MM-DD date.
func mrzDate(d string) string {
	if len(d) != 10 {
		return "<<<<<<"
	}
	return d[2:4] + d[5:7] + d[8:10]
}

func pad(s string, n int) string {
	if len(s) >= n {
		return s[:n]
	}
	return s + strings.Repeat("<", n-len(s))
}

// check is the ICAO 9303 check digit of s: weights 7, 3, 1.
func check(s string) string {
	sum := 0
	for i, r := range s {
		v := 0
		switch {
		case r >= '0' && r <= '9':
			v = int(r - '0')
		case r >= 'A' && r <= 'Z':
			v = int(r-'A') + 10
		}
		sum += v * []int{7, 3, 1}[i%3]
	}
	return string(rune('0' + sum%10))
}
