package booking

import (
	"net/mail"
	"strings"
	"unicode/utf8"
)

// CheckText validates free text: valid UTF-8, no control characters but line
// breaks and tabs, at most max characters, and present when required. Every
// package under booking/ checks its free text with it.
func CheckText(p *Problems, field, v string, max int, required bool) {
	switch {
	case !utf8.ValidString(v):
		p.Add(field, "utf8", "is not valid UTF-8 text")
	case strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\r' && r != '\t' || r == 0x7f }):
		p.Add(field, "control_characters", "contains control characters")
	case required && strings.TrimSpace(v) == "":
		p.Add(field, "required", "is required")
	case utf8.RuneCountInString(v) > max:
		p.Add(field, "too_long", "is longer than %d characters", max)
	}
}

// checkLine validates text that must stay on one line: names, e-mail
// addresses and phone numbers end up in mail headers, subjects and calendar
// properties, where a line break would start a header or property of its own.
// It checks the value as sent, before any trimming, so a break anywhere counts.
func checkLine(p *Problems, field, v string, max int, required bool) {
	if oneLine(p, field, v) {
		CheckText(p, field, v, max, required)
	}
}

// oneLine reports whether v holds no line break, and adds the problem if it does.
func oneLine(p *Problems, field, v string) bool {
	if strings.ContainsAny(v, "\r\n\u0085\u2028\u2029") {
		p.Add(field, "one_line", "must be one line, without line breaks")
		return false
	}
	return true
}

func validEmail(v string) bool {
	v = strings.TrimSpace(v)
	a, err := mail.ParseAddress(v)
	return err == nil && strings.EqualFold(a.Address, v) && len(v) <= 254
}
