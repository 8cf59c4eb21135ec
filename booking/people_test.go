package booking

import (
	"errors"
	"maps"
	"strings"
	"testing"
	"time"
)

// problemFields is the fields of an invalid-input error, nil for any other.
func problemFields(err error) []string {
	var be *Error
	if !errors.As(err, &be) || be.Code != CodeInvalid {
		return nil
	}
	fes, _ := be.Details.([]FieldError)
	var out []string
	for _, fe := range fes {
		out = append(out, fe.Field)
	}
	return out
}

// TestSupervisorPresentationAndLanguageNotes: a supervisor's presentation and
// a note per language are kept and read back (on SQLite, and on PostgreSQL
// with SPRAKPOOL_TEST_POSTGRES); a note for a language the supervisor no
// longer speaks goes with it; changing the notes alone keeps the languages;
// a note with a newline or too long is refused on its field.
func TestSupervisorPresentationAndLanguageNotes(t *testing.T) {
	f := newFixture(t, time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
	name, pres := "Amina Yusuf", "Förskollärare, arbetat i poolen sedan 2019."
	langs, areas := []string{"ar", "so"}, []string{"childcare"}
	notes := map[string]string{"ar": " syrisk dialekt ", "so": ""}
	sv, err := f.s.CreateSupervisor(f.ctx, f.admin, SupervisorInput{Name: &name, Languages: &langs, Areas: &areas,
		Presentation: &pres, LanguageNotes: &notes})
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.s.Supervisor(f.ctx, f.admin, sv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Presentation != pres || !maps.Equal(got.LanguageNotes, map[string]string{"ar": "syrisk dialekt"}) {
		t.Fatalf("read back: presentation %q, notes %v", got.Presentation, got.LanguageNotes)
	}
	// Only the notes change: the languages stay.
	notes = map[string]string{"ar": "syrisk dialekt", "so": "nordsomaliska"}
	if _, err := f.s.UpdateSupervisor(f.ctx, f.admin, sv.ID, SupervisorInput{LanguageNotes: &notes}); err != nil {
		t.Fatal(err)
	}
	list, err := f.s.ListSupervisors(f.ctx, f.admin)
	if err != nil || len(list) != 1 || len(list[0].Languages) != 2 || list[0].LanguageNotes["so"] != "nordsomaliska" {
		t.Fatalf("after the notes alone: %+v %v", list, err)
	}
	// Somali is dropped: its note goes too, Arabic's stays.
	langs = []string{"ar"}
	if _, err := f.s.UpdateSupervisor(f.ctx, f.admin, sv.ID, SupervisorInput{Languages: &langs}); err != nil {
		t.Fatal(err)
	}
	if got, _ = f.s.Supervisor(f.ctx, f.admin, sv.ID); !maps.Equal(got.LanguageNotes, map[string]string{"ar": "syrisk dialekt"}) || got.Presentation != pres {
		t.Fatalf("after dropping Somali: %v %q", got.LanguageNotes, got.Presentation)
	}
	bad := map[string]string{"ar": "två\nrader"}
	_, err = f.s.UpdateSupervisor(f.ctx, f.admin, sv.ID, SupervisorInput{LanguageNotes: &bad})
	if fields := problemFields(err); len(fields) != 1 || fields[0] != "language_notes.ar" {
		t.Errorf("a note with a newline: %v", err)
	}
	longText := strings.Repeat("a", MaxPresentation+1)
	_, err = f.s.UpdateSupervisor(f.ctx, f.admin, sv.ID, SupervisorInput{Presentation: &longText})
	if fields := problemFields(err); len(fields) != 1 || fields[0] != "presentation" {
		t.Errorf("a presentation too long: %v", err)
	}
}

// TestWorkplaceContact: a workplace's contact person and phone are kept and
// read back; a name with a newline is refused.
func TestWorkplaceContact(t *testing.T) {
	f := newFixture(t, time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
	name, phone := "Eva Ek", "070-123 45 67"
	if _, err := f.s.UpdateWorkplace(f.ctx, f.admin, f.wpA.ID, WorkplaceInput{ContactName: &name, ContactPhone: &phone}); err != nil {
		t.Fatal(err)
	}
	w, err := f.s.Workplace(f.ctx, f.admin, f.wpA.ID)
	if err != nil || w.ContactName != name || w.ContactPhone != phone || w.Name != "Förskolan Solrosen" {
		t.Fatalf("read back: %+v %v", w, err)
	}
	bad := "Eva\nEk"
	_, err = f.s.UpdateWorkplace(f.ctx, f.admin, f.wpA.ID, WorkplaceInput{ContactName: &bad})
	if fields := problemFields(err); len(fields) != 1 || fields[0] != "contact_name" {
		t.Errorf("a contact name with a newline: %v", err)
	}
}
