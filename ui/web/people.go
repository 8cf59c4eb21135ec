package web

import (
	"html/template"
	"strings"

	"github.com/sprakpool/sprakpool/booking"
)

// The template functions of the people-as-people parts (templates/_people.html):
// a supervisor with the page's language, a page with a list query, and a
// phone number as a tel: URI.
func init() {
	templateFuncs["svl"] = func(l Lang, sv booking.Supervisor) map[string]any { return map[string]any{"L": l, "S": sv} }
	templateFuncs["map2"] = func(d pageData, q listQuery) map[string]any { return map[string]any{"D": d, "Q": q} }
	templateFuncs["tel"] = telURI
}

// telURI is a tel: link to the number: only digits and a leading + are kept,
// so the link is safe to mark as a URL (html/template would refuse "tel:").
func telURI(phone string) template.URL {
	var b strings.Builder
	for i, r := range strings.TrimSpace(phone) {
		if (r >= '0' && r <= '9') || (r == '+' && i == 0) {
			b.WriteRune(r)
		}
	}
	return template.URL("tel:" + b.String())
}
