package booking

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"
)

// attentionRules are the rules of a booking's attention as read back.
func (f *fixture) attentionRules(id int64) []string {
	f.t.Helper()
	b, err := f.s.Booking(f.ctx, f.admin, id)
	if err != nil {
		f.t.Fatal(err)
	}
	out := []string{}
	for _, v := range b.Attention {
		out = append(out, v.Rule)
	}
	return out
}

// attentionMail returns the booking ids of each message to the coordinators
// about bookings left without their supervisor, oldest first.
func (f *fixture) attentionMail() [][]int64 {
	f.t.Helper()
	var msgs []Message
	if err := f.s.store.Read(f.ctx).Where("kind = ?", KindAttention).Order("id").Find(&msgs).Error; err != nil {
		f.t.Fatal(err)
	}
	var out [][]int64
	for _, m := range msgs {
		var p struct {
			IDs []int64 `json:"booking_ids"`
		}
		if err := json.Unmarshal([]byte(m.Payload), &p); err != nil || m.Recipient != "admin@example.se" {
			f.t.Fatalf("message %+v: %v", m, err)
		}
		out = append(out, p.IDs)
	}
	return out
}

// Issue 16: an availability change and a deactivation that leave bookings are
// saved, the bookings then carry outside_availability and supervisor_inactive,
// and each change writes one message to the coordinators, none when it
// leaves nothing new. The Sunday window is that of 29 March 2026, when summer
// time begins: wall-clock minutes, not hours since midnight, decide.
func TestAttentionAfterAvailabilityAndDeactivation(t *testing.T) {
	f := newFixture(t, time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC))
	var week []Window
	for wd := 1; wd <= 7; wd++ {
		week = append(week, Window{Weekday: wd, Start: 8 * 60, End: 16 * 60})
	}
	sv := f.supervisor("Amina", []string{"ar"}, week...)
	book := func(start, end string) int64 {
		b, err := f.book(sv, f.wpA, start, end)
		if err != nil {
			t.Fatalf("book %s: %v", start, err)
		}
		return b.ID
	}
	sun, mon := book("2026-03-29 15:00", "2026-03-29 16:00"), book("2026-03-30 09:00", "2026-03-30 10:00")
	gone := book("2026-03-31 09:00", "2026-03-31 10:00")
	if _, err := f.s.CancelBooking(f.ctx, f.admin, gone, "illness", ""); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{sun, mon, gone} {
		if got := f.attentionRules(id); len(got) != 0 {
			t.Errorf("booking %d needs %v before anything changed", id, got)
		}
	}

	// Sunday's window ends at 15:00 now: the 15:00–16:00 session is outside.
	shorter := slices.Clone(week)
	shorter[6].End = 15 * 60
	impact, err := f.s.AvailabilityImpact(f.ctx, f.admin, sv.ID, shorter)
	if err != nil || len(impact) != 1 || impact[0].ID != sun {
		t.Fatalf("availability impact %+v %v, want booking %d", impact, err, sun)
	}
	if len(f.attentionMail()) != 0 {
		t.Fatal("the impact alone wrote a message")
	}
	if _, err := f.s.SetAvailability(f.ctx, f.admin, sv.ID, shorter); err != nil {
		t.Fatal(err)
	}
	if got := f.attentionRules(sun); !slices.Equal(got, []string{RuleOutsideAvailability}) {
		t.Errorf("Sunday's booking needs %v, want outside_availability", got)
	}
	// Saving the same again leaves nothing new: no second message.
	if _, err := f.s.SetAvailability(f.ctx, f.admin, sv.ID, shorter); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(f.attentionMail()); got != fmt.Sprint([][]int64{{sun}}) {
		t.Errorf("messages after the availability change: %s", got)
	}

	// Deactivated: both upcoming bookings are left, the cancelled one is not.
	impact, err = f.s.DeactivationImpact(f.ctx, f.admin, sv.ID)
	if err != nil || len(impact) != 2 {
		t.Fatalf("deactivation impact %+v %v", impact, err)
	}
	inactive := false
	if _, err := f.s.UpdateSupervisor(f.ctx, f.admin, sv.ID, SupervisorInput{Active: &inactive}); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(f.attentionMail()); got != fmt.Sprint([][]int64{{sun}, {sun, mon}}) {
		t.Errorf("messages after the deactivation: %s", got)
	}
	if got := f.attentionRules(sun); !slices.Equal(got, []string{RuleOutsideAvailability, RuleSupervisorInactive}) {
		t.Errorf("Sunday's booking needs %v", got)
	}
	if got := f.attentionRules(gone); len(got) != 0 {
		t.Errorf("a cancelled booking needs %v", got)
	}
	list, err := f.s.ListBookings(f.ctx, f.admin, BookingFilter{From: "2026-03-01", To: "2026-03-31", Attention: true})
	if err != nil || len(list) != 2 || list[0].ID != sun || list[1].ID != mon {
		t.Errorf("?attention=true: %+v %v", list, err)
	}

	// Once over, nothing needs doing.
	f.s.Now = func() time.Time { return time.Date(2026, 3, 30, 12, 0, 0, 0, time.UTC) }
	if got := f.attentionRules(mon); len(got) != 0 {
		t.Errorf("a booking that is over needs %v", got)
	}
}

// BenchmarkAttention1000 measures the coordinator's list of a week of 1,000
// bookings (50 supervisors, four a day, Monday to Friday; ten supervisors
// away all week) with attention on every row, and the attention alone: three
// queries for the whole list, not a rule check per row.
func BenchmarkAttention1000(b *testing.B) {
	f := newFixture(b, time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	var sups []*Supervisor
	for i := range 50 {
		sups = append(sups, f.supervisor(fmt.Sprintf("Handledare %02d", i+1), []string{"ar"}))
	}
	for day := 2; day <= 6; day++ {
		for slot := range 4 {
			for _, sv := range sups {
				start := fmt.Sprintf("2026-03-%02d %02d:00", day, 8+2*slot)
				end := fmt.Sprintf("2026-03-%02d %02d:00", day, 10+2*slot)
				if _, err := f.book(sv, f.wpA, start, end); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	for _, sv := range sups[:10] {
		if _, err := f.s.CreateAbsence(f.ctx, f.admin, sv.ID, AbsenceInput{Start: f.at("2026-03-02 00:00"), End: f.at("2026-03-07 00:00")}); err != nil {
			b.Fatal(err)
		}
	}
	filter := BookingFilter{From: "2026-03-02", To: "2026-03-08"}
	list, err := f.s.ListBookings(f.ctx, f.admin, filter)
	if err != nil || len(list) != 1000 {
		b.Fatalf("%d bookings, %v", len(list), err)
	}
	b.Run("list", func(b *testing.B) {
		for range b.N {
			if _, err := f.s.ListBookings(f.ctx, f.admin, filter); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("attention-only", func(b *testing.B) {
		ptrs := make([]*Booking, len(list))
		for i := range list {
			ptrs[i] = &list[i]
		}
		for range b.N {
			if err := f.s.fillAttention(f.s.store.Read(f.ctx), ptrs); err != nil {
				b.Fatal(err)
			}
		}
		n := 0
		for _, p := range ptrs {
			if len(p.Attention) > 0 {
				n++
			}
		}
		if n != 200 {
			b.Fatalf("%d bookings need attention, want 200", n)
		}
	})
}
