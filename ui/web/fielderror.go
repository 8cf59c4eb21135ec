package web

import "strings"

// Every error a form shows names its field, in the summary above the form
// too, where the message stands apart from its input: "Fyll i ”E-post”."
// rather than a bare "Fyll i det här fältet." (issue 14).

// fieldLabels are the labels of the fields whose catalog key is not "f." + name.
var fieldLabels = map[string]string{"participants_expected": "f.participants", "duration_minutes": "f.duration",
	"earliest": "f.earliest", "latest": "f.latest", "new_password": "f.new_password"}

// label is the field's label as its form shows it, for a message that names it.
func (l Lang) label(field string) string {
	if text, ok := l.labelOf(field); ok {
		return text
	}
	return l.T("f.this_field")
}

func (l Lang) labelOf(field string) (string, bool) {
	for _, key := range []string{fieldLabels[field], "f." + field, "f." + strings.TrimSuffix(field, "_id"),
		"f." + strings.TrimSuffix(strings.TrimSuffix(field, "_date"), "_time")} {
		if key == "" {
			continue
		}
		if text, ok := l.text(key); ok {
			return text, true
		}
	}
	return "", false
}

// summaryLine is a form error as the summary above the form lists it, apart
// from its input: led by the field's label unless the message names it.
func summaryLine(l Lang, field, msg string) string {
	label, ok := l.labelOf(field)
	if !ok || strings.Contains(strings.ToLower(msg), strings.ToLower(label)) {
		return msg
	}
	return label + ": " + msg
}

// required is the error of a field left empty, naming it.
func (l Lang) required(field string) string { return l.T("err.required", l.label(field)) }
