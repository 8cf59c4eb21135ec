package web

import (
	"net/url"
	"slices"
	"strings"
)

// languagePick is what the supervisor form's language picker sent: every
// chosen language is a row of its own (a hidden "languages" value, a note
// field "note_<code>" and a "remove" checkbox), and one "language_add" select
// with its "note_add" adds a language. Nothing is lost by one plain click: a
// language leaves only when its own remove box is ticked and the form saved.
type languagePick struct {
	Languages []string          // the rows shown: the chosen ones plus the added one
	Kept      []string          // what is saved: Languages without the removed ones
	Removed   []string          // the rows ticked for removal
	Notes     map[string]string // code → note, for the kept languages
}

// languagePickFrom reads the picker's fields from a posted form.
func languagePickFrom(form url.Values) languagePick {
	p := languagePick{Notes: map[string]string{}}
	for _, code := range form["languages"] {
		if code != "" && !slices.Contains(p.Languages, code) {
			p.Languages = append(p.Languages, code)
		}
	}
	if add := strings.TrimSpace(form.Get("language_add")); add != "" && !slices.Contains(p.Languages, add) {
		p.Languages = append(p.Languages, add)
		p.Notes[add] = strings.TrimSpace(form.Get("note_add"))
	}
	for _, code := range p.Languages {
		if slices.Contains(form["remove"], code) {
			p.Removed = append(p.Removed, code)
			continue
		}
		p.Kept = append(p.Kept, code)
		if _, added := p.Notes[code]; !added {
			p.Notes[code] = strings.TrimSpace(form.Get("note_" + code))
		}
	}
	if p.Kept == nil {
		p.Kept = []string{}
	}
	return p
}

// noteFields maps the service's "language_notes.<code>" field errors onto the
// picker's "note_<code>" inputs.
func noteFields(notes map[string]string) map[string]string {
	out := map[string]string{}
	for code := range notes {
		out["language_notes."+code] = "note_" + code
	}
	return out
}
