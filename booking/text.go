package booking

import (
	"net/mail"
	"strings"
	"unicode/utf8"
)

// CheckText is checkText for the packages under booking/, so that every free
// text of the pool follows the same rules.
func CheckText(p *Problems, field, v string, max int, required bool) {
	checkText(p, field, v, max, required)
}

// checkText validates free text: valid UTF-8, no control characters but line
// breaks and tabs, at most max characters, and present when required.
func checkText(p *Problems, field, v string, max int, required bool) {
	switch {
	case !utf8.ValidString(v):
		p.Add(field, "is not valid UTF-8 text")
	case strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\r' && r != '\t' || r == 0x7f }):
		p.Add(field, "contains control characters")
	case required && strings.TrimSpace(v) == "":
		p.Add(field, "is required")
	case utf8.RuneCountInString(v) > max:
		p.Add(field, "is longer than %d characters", max)
	}
}

func validEmail(v string) bool {
	v = strings.TrimSpace(v)
	a, err := mail.ParseAddress(v)
	return err == nil && strings.EqualFold(a.Address, v) && len(v) <= 254
}
