package privacy

import (
	"strings"
	"testing"

	"github.com/sprakpool/sprakpool/booking"
)

// TestEraseSupervisorEmptiesPresentationAndNotes: the presentation and the
// language notes of issue 16 are personal too: the export holds them, the
// erasure empties them and leaves Y's untouched.
func TestEraseSupervisorEmptiesPresentationAndNotes(t *testing.T) {
	p := newPrivacyPool(t)
	for _, sv := range []*booking.Supervisor{p.x, p.y} {
		pres, notes := "PRES-"+sv.Name, map[string]string{sv.Languages[0]: "NOTE-" + sv.Name}
		if _, err := p.S.UpdateSupervisor(p.Ctx, p.Admin, sv.ID, booking.SupervisorInput{Presentation: &pres, LanguageNotes: &notes}); err != nil {
			t.Fatal(err)
		}
	}
	exp, err := p.privacy.ExportSupervisor(p.Ctx, p.Admin, p.x.ID)
	if err != nil {
		t.Fatal(err)
	}
	if exp.Supervisor.Presentation != "PRES-"+p.x.Name || exp.Supervisor.LanguageNotes[p.x.Languages[0]] != "NOTE-"+p.x.Name {
		t.Errorf("the export lacks the presentation or the note: %+v", exp.Supervisor)
	}
	p.makeErasable(t)
	if _, err := p.privacy.EraseSupervisor(p.Ctx, p.Admin, p.x.ID); err != nil {
		t.Fatal(err)
	}
	x, err := p.S.Supervisor(p.Ctx, p.Admin, p.x.ID)
	if err != nil {
		t.Fatal(err)
	}
	if x.Presentation != "" || len(x.LanguageNotes) != 0 || len(x.Languages) == 0 {
		t.Errorf("after the erasure X keeps %q %v (languages %v)", x.Presentation, x.LanguageNotes, x.Languages)
	}
	y, err := p.S.Supervisor(p.Ctx, p.Admin, p.y.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(y.Presentation, "PRES-") || !strings.HasPrefix(y.LanguageNotes[y.Languages[0]], "NOTE-") {
		t.Errorf("Y lost the presentation or note: %q %v", y.Presentation, y.LanguageNotes)
	}
}
