// Package demo fills an empty database with made-up data: the demo pool, a
// fictional municipality (Sjöviks kommun) with its language support pool, for
// `sprakpool serve --demo` and the browser tests; and the large generated pool of
// the benchmarks and load tests (Generate). Neither belongs to the domain: both
// only call the booking service, apart from the generator's bulk load.
//
// The demo pool has workplaces, supervisors with their weeks and absences, one
// account per person, and half a year of bookings around today. It is loaded
// through the service's public methods only, so every rule holds for it exactly
// as for real data.
package demo

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/outbox"
	"github.com/sprakpool/sprakpool/booking/report"
	"github.com/sprakpool/sprakpool/booking/vocab"
)

// Login is one demo account, printed by `serve --demo` as "EMAIL PASSWORD ROLE".
type Login struct{ Email, Password, Role string }

// Password is the password of every demo account. It is public by design:
// a demo database must never hold real people's data.
const Password = "sprakpool-demo"

// ErrNotEmpty is returned by Load when the database already holds a
// workplace, a supervisor or a demo account; the demo never mixes with real data.
var ErrNotEmpty = errors.New("the database is not empty; the demo pool is loaded only into an empty database")

// demoDomain is the e-mail domain of every demo account: an example domain, so no
// mail from a demo ever reaches anyone.
const demoDomain = "sprakpool.example.se"

// The shape of the demo's bookings: the days before and after today they cover,
// how many are attempted (conflicts are skipped), and the fixed seed that makes
// the same clock give the same pool.
const (
	demoDaysBack     = 91
	demoDaysAhead    = 91
	demoAttempts     = 520
	demoSeed1        = 1
	demoSeed2        = 2
	demoCancelShare  = 0.10
	demoFollowShare  = 0.70
	demoManagerShare = 0.75 // of bookings made by the workplace's manager rather than the coordinator
)

type demoWorkplace struct {
	slug, name, kind, address, costCenter, manager string
}

// demoWorkplaces are Sjöviks kommun's units that book the pool, each with its manager.
func demoWorkplaces() []demoWorkplace {
	return []demoWorkplace{
		{"solrosen", "Förskolan Solrosen", "childcare", "Solrosvägen 4, 745 31 Sjövik", "1130-212", "Karin Lindqvist"},
		{"regnbagen", "Förskolan Regnbågen", "childcare", "Regnbågsgatan 12, 745 33 Sjövik", "1130-214", "Annika Berg"},
		{"ekorren", "Förskolan Ekorren", "childcare", "Ekorrstigen 2, 745 40 Norrby", "1130-221", "Jonas Sandberg"},
		{"tallbacken", "Förskolan Tallbacken", "childcare", "Tallbacksvägen 18, 745 42 Norrby", "1130-223", "Maria Engström"},
		{"glantan", "Förskolan Gläntan", "childcare", "Gläntvägen 7, 745 51 Ekeby", "1130-231", "Sara Håkansson"},
		{"linden", "Vårdboendet Linden", "elderly_care", "Lindallén 3, 745 34 Sjövik", "1240-311", "Eva Nyström"},
		{"almgarden", "Vårdboendet Almgården", "elderly_care", "Almvägen 21, 745 44 Norrby", "1240-315", "Peter Lundgren"},
		{"sjoangen", "Äldreboendet Sjöängen", "elderly_care", "Strandvägen 40, 745 36 Sjövik", "1240-322", "Helena Forsberg"},
		{"hemtjansten", "Hemtjänsten Centrum", "elderly_care", "Storgatan 15, 745 30 Sjövik", "1240-340", "Lars Holmberg"},
		{"centralkoket", "Kostenheten Centralköket", "kitchen", "Industrivägen 9, 745 38 Sjövik", "1350-410", "Camilla Ek"},
		{"bergaskolan", "Tillagningsköket Bergaskolan", "kitchen", "Skolvägen 5, 745 45 Norrby", "1350-421", "Mikael Strand"},
		{"ekebyskola", "Mottagningsköket Ekeby skola", "kitchen", "Ekebyvägen 30, 745 52 Ekeby", "1350-425", "Linda Björk"},
	}
}

type demoSupervisor struct {
	name, mailbox, phone string // mailbox: the part of the e-mail address before the @
	languages, areas     []string
	windows              []booking.Window
	weight               int // how often the supervisor is booked, relative to the others
}

// demoSupervisors are the pool's supervisors. Their phone numbers lie in the
// range the Swedish telecom regulator (PTS) keeps for fiction, 070-174 06 05–99.
func demoSupervisors() []demoSupervisor {
	monFri := []int{1, 2, 3, 4, 5}
	return []demoSupervisor{
		{"Amina Yusuf", "amina.yusuf", "070-174 06 05", []string{"so", "ar"}, []string{"childcare", "elderly_care", "other"},
			demoWeek(monFri, "08:00", "16:30"), 3},
		{"Ahmad Karimi", "ahmad.karimi", "070-174 06 06", []string{"fa", "prs"}, []string{"childcare", "kitchen"},
			demoWeek(monFri, "07:30", "16:00"), 3},
		{"Fatima Al-Hassan", "fatima.alhassan", "070-174 06 07", []string{"ar"}, []string{"childcare", "elderly_care", "kitchen"},
			demoWeek([]int{1, 2, 3, 4}, "08:00", "17:00"), 3},
		{"Semhar Tesfay", "semhar.tesfay", "070-174 06 08", []string{"ti"}, []string{"childcare", "elderly_care"},
			demoWeek(monFri, "08:00", "16:00"), 2},
		{"Rezan Mahmoud", "rezan.mahmoud", "070-174 06 09", []string{"ckb", "ar"}, []string{"elderly_care", "other"},
			append(demoWeek([]int{1, 2, 3}, "08:00", "16:30"), demoWeek([]int{4}, "08:00", "12:00")...), 2},
		{"Olena Kovalenko", "olena.kovalenko", "070-174 06 10", []string{"uk", "ru"}, []string{"childcare", "kitchen"},
			append(demoWeek(monFri, "08:00", "11:30"), demoWeek(monFri, "12:30", "16:30")...), 2},
		{"Agnieszka Nowak", "agnieszka.nowak", "070-174 06 11", []string{"pl"}, []string{"elderly_care", "kitchen"},
			demoWeek(monFri, "06:30", "15:00"), 2},
		{"Emir Hodžić", "emir.hodzic", "070-174 06 12", []string{"bs"}, []string{"elderly_care", "kitchen"},
			demoWeek([]int{2, 3, 4, 5}, "07:00", "15:30"), 1},
		{"Arta Krasniqi", "arta.krasniqi", "070-174 06 13", []string{"sq"}, []string{"childcare"},
			demoWeek([]int{1, 3, 5}, "08:00", "16:30"), 1},
		{"Elif Yılmaz", "elif.yilmaz", "070-174 06 14", []string{"tr"}, []string{"childcare", "elderly_care"},
			demoWeek(monFri, "09:00", "15:00"), 1},
		{"Natalia Ivanova", "natalia.ivanova", "070-174 06 15", []string{"ru", "uk"}, []string{"elderly_care", "other"},
			demoWeek([]int{2, 3, 4}, "08:00", "16:30"), 1},
		{"Siriporn Chaiyasit", "siriporn.chaiyasit", "070-174 06 16", []string{"th"}, []string{"kitchen", "elderly_care"},
			demoWeek(monFri, "06:30", "14:30"), 1},
		{"Johanna Lindén", "johanna.linden", "070-174 06 17", []string{"swl"}, []string{"childcare", "elderly_care"},
			append(demoWeek([]int{1, 2, 4}, "08:30", "16:00"), demoWeek([]int{3}, "12:00", "18:30")...), 1},
	}
}

// demoAbsence is an absence in whole local days, or in hours on one day when
// from and to are set; week counts from the Monday of the current week.
type demoAbsence struct {
	supervisor    int // index into demoSupervisors
	week, weekday int
	days          int
	from, to      string
	reason        string
}

func demoAbsences() []demoAbsence {
	return []demoAbsence{
		{supervisor: 0, week: -9, weekday: 5, days: 1, reason: "Kompetensutvecklingsdag"},
		{supervisor: 3, week: -6, weekday: 1, days: 5, reason: "Semester"},
		{supervisor: 5, week: -3, weekday: 2, days: 2, reason: "Sjukfrånvaro"},
		{supervisor: 7, week: 1, weekday: 3, from: "12:00", to: "15:30", reason: "Läkarbesök"},
		{supervisor: 1, week: 2, weekday: 4, days: 1, reason: "Utbildning: språkutvecklande arbetssätt"},
		{supervisor: 6, week: 5, weekday: 1, days: 5, reason: "Semester"},
	}
}

func demoAdminEmail() string              { return "samordnare@" + demoDomain }
func demoManagerEmail(slug string) string { return "chef." + slug + "@" + demoDomain }
func demoSupervisorEmail(local string) string {
	return local + "@" + demoDomain
}

// Logins lists the demo accounts (admin first, then managers, then
// supervisors), whether or not they were loaded now.
func Logins() []Login {
	out := []Login{{demoAdminEmail(), Password, booking.RoleAdmin}}
	for _, w := range demoWorkplaces() {
		out = append(out, Login{demoManagerEmail(w.slug), Password, booking.RoleManager})
	}
	for _, sv := range demoSupervisors() {
		out = append(out, Login{demoSupervisorEmail(sv.mailbox), Password, booking.RoleSupervisor})
	}
	return out
}

// Load fills an empty database with a demo pool that looks like a real
// Swedish municipality's: 12 workplaces, 13 supervisors speaking 14 languages,
// their accounts, and a few hundred bookings from three months before today to
// three months after it (so the demo always looks current), some cancelled, most
// held ones followed up. The same clock gives the same pool.
//
// It returns ErrNotEmpty if a workplace, a supervisor or a user exists.
// The history is written as it would have happened: each change is made with
// the service's clock set to a plausible moment no later than now (a booking a
// few weeks before its start, a follow-up a day or two after it), so created,
// cancelled and follow-up times, and late cancellations, look real. Load is
// not one transaction: if it fails halfway, start again from an empty database.
func Load(ctx context.Context, svc *booking.Service) error {
	if err := checkEmpty(ctx, svc, ErrNotEmpty); err != nil {
		return err
	}
	now := svc.Clock()
	// sim is the same pool with a clock of its own, so that svc's clock is never
	// changed under anyone else's feet.
	clock := now
	sim := svc.WithClock(func() time.Time { return clock })
	d := &demoLoader{ctx: ctx, s: sim, now: now, loc: svc.Config().Location, rng: rand.New(rand.NewPCG(demoSeed1, demoSeed2)),
		setClock: func(t time.Time) { clock = demoEarlier(t, now) }}
	if err := d.setup(); err != nil {
		return fmt.Errorf("load demo: %w", err)
	}
	if err := d.book(d.plan()); err != nil {
		return fmt.Errorf("load demo: %w", err)
	}
	if err := d.rates(); err != nil {
		return fmt.Errorf("load demo: %w", err)
	}
	// The demo's bookings are history, not news: no mail is planned for them.
	return outbox.New(svc).MarkEventsPlanned(ctx)
}

// rates sets the pool's funding: free to the workplaces while a coordination
// association pays (until the end of last month), 350 kr an hour from then on.
func (d *demoLoader) rates() error {
	first := d.today().AddDate(0, 0, 1-d.today().Day())
	start, switchOver := first.AddDate(0, -6, 0).Format(time.DateOnly), first.Format(time.DateOnly)
	end := first.AddDate(0, 0, -1).Format(time.DateOnly)
	free, paid := 0.0, 350.0
	funder, municipality := "Samordningsförbundet", "Sjöviks kommun"
	note := "Projektfinansiering: ingen kostnad för verksamheterna"
	rates := report.New(d.s)
	for _, in := range []report.RateInput{
		{From: &start, To: &end, HourlyRate: &free, Funder: &funder, Note: &note},
		{From: &switchOver, HourlyRate: &paid, Funder: &municipality},
	} {
		if _, err := rates.CreateRate(d.ctx, d.admin, in); err != nil {
			return err
		}
	}
	return nil
}

// checkEmpty returns notEmpty if any workplace, supervisor or user exists:
// made-up data never mixes with real data.
func checkEmpty(ctx context.Context, svc *booking.Service, notEmpty error) error {
	for _, model := range []any{&booking.Workplace{}, &booking.Supervisor{}, &booking.User{}} {
		var n int64
		if err := svc.DB().Read(ctx).Model(model).Limit(1).Count(&n).Error; err != nil {
			return fmt.Errorf("check for an empty database: %w", err)
		}
		if n > 0 {
			return notEmpty
		}
	}
	return nil
}

// demoLoader holds what loading the demo needs between its steps.
type demoLoader struct {
	ctx      context.Context
	s        *booking.Service // the pool with the loader's clock
	setClock func(time.Time)
	now      time.Time
	loc      *time.Location
	rng      *rand.Rand

	admin       *booking.User
	workplaces  []*booking.Workplace
	wpData      []demoWorkplace
	managers    map[int64]*booking.User // by workplace id
	supervisors []*booking.Supervisor
	// supervisorUsers are the supervisors' accounts, by supervisor id.
	supervisorUsers map[int64]*booking.User
	svData          []demoSupervisor
}

// today is local midnight of the real now.
func (d *demoLoader) today() time.Time { return startOfDay(d.now, d.loc) }

// setup creates the coordinator, the workplaces and their managers, and the
// supervisors with their weeks, absences and accounts, as of four months ago.
func (d *demoLoader) setup() error {
	ctx, s := d.ctx, d.s
	d.setClock(d.today().AddDate(0, -4, 0).Add(9 * time.Hour))
	admin, err := s.CreateUser(ctx, booking.UserInput{Email: demoAdminEmail(), Name: "Maria Lind",
		Role: booking.RoleAdmin, Password: Password})
	if booking.ErrorCode(err) == booking.CodeConflict {
		return ErrNotEmpty // another Load got there first
	}
	if err != nil {
		return err
	}
	d.admin = admin
	d.wpData = demoWorkplaces()
	d.managers = map[int64]*booking.User{}
	for i, dw := range d.wpData {
		contact, phone := demoContact(i)
		w, err := s.CreateWorkplace(ctx, admin, booking.WorkplaceInput{Name: &dw.name, Kind: &dw.kind,
			Address: &dw.address, CostCenter: &dw.costCenter, ContactName: &contact, ContactPhone: &phone})
		if err != nil {
			return fmt.Errorf("create workplace %s: %w", dw.name, err)
		}
		d.workplaces = append(d.workplaces, w)
		m, err := s.CreateUser(ctx, booking.UserInput{Email: demoManagerEmail(dw.slug), Name: dw.manager,
			Role: booking.RoleManager, WorkplaceIDs: []int64{w.ID}, Password: Password})
		if err != nil {
			return fmt.Errorf("create manager of %s: %w", dw.name, err)
		}
		d.managers[w.ID] = m
	}
	d.svData = demoSupervisors()
	d.supervisorUsers = map[int64]*booking.User{}
	for _, ds := range d.svData {
		email := demoSupervisorEmail(ds.mailbox)
		about := demoPresentations()[ds.name]
		sv, err := s.CreateSupervisor(ctx, admin, booking.SupervisorInput{Name: &ds.name, Email: &email, Phone: &ds.phone,
			Languages: &ds.languages, Areas: &ds.areas, Presentation: &about.presentation, LanguageNotes: &about.notes})
		if err != nil {
			return fmt.Errorf("create supervisor %s: %w", ds.name, err)
		}
		if _, err := s.SetAvailability(ctx, admin, sv.ID, ds.windows); err != nil {
			return fmt.Errorf("set availability of %s: %w", ds.name, err)
		}
		u, err := s.CreateUser(ctx, booking.UserInput{Email: email, Name: ds.name, Role: booking.RoleSupervisor,
			SupervisorID: &sv.ID, Password: Password})
		if err != nil {
			return fmt.Errorf("create user of %s: %w", ds.name, err)
		}
		d.supervisorUsers[sv.ID] = u
		d.supervisors = append(d.supervisors, sv)
	}
	monday := startOfWeek(d.now, d.loc)
	for _, a := range demoAbsences() {
		y, m, dd := monday.Date()
		day := time.Date(y, m, dd+7*a.week+a.weekday-1, 0, 0, 0, 0, d.loc)
		start, end := day, time.Date(y, m, dd+7*a.week+a.weekday-1+a.days, 0, 0, 0, 0, d.loc)
		if a.from != "" {
			start = day.Add(time.Duration(demoMinutes(a.from)) * time.Minute)
			end = day.Add(time.Duration(demoMinutes(a.to)) * time.Minute)
		}
		sv := d.supervisors[a.supervisor]
		if _, err := s.CreateAbsence(ctx, admin, sv.ID, booking.AbsenceInput{Start: start.Format(time.RFC3339),
			End: end.Format(time.RFC3339), Reason: a.reason}); err != nil {
			return fmt.Errorf("create absence of %s: %w", sv.Name, err)
		}
	}
	return nil
}

// demoPlan is one booking the demo tries to make, and what later happens to it.
type demoPlan struct {
	actor      *booking.User
	in         booking.BookingInput
	start, end time.Time
	created    time.Time
	cancel     *demoCancel
	followup   *demoFollowup
	booking    *booking.Booking // nil until made, and when it collided
}

type demoCancel struct {
	at           time.Time
	actor        *booking.User
	code, reason string
}

type demoFollowup struct {
	at    time.Time
	actor *booking.User
	in    booking.FollowupInput
}

// plan draws the demo's bookings, deterministically from the seed and the clock.
func (d *demoLoader) plan() []*demoPlan {
	r := d.rng
	first := d.today().AddDate(0, 0, -demoDaysBack)
	weights := make([]int, len(d.svData))
	for i, ds := range d.svData {
		weights[i] = ds.weight
	}
	var plans []*demoPlan
	for range demoAttempts {
		i := demoWeighted(r, weights)
		ds, sv := d.svData[i], d.supervisors[i]
		var day time.Time
		var windows []booking.Window
		for try := 0; try < 7 && len(windows) == 0; try++ {
			day = first.AddDate(0, 0, r.IntN(demoDaysBack+demoDaysAhead+1))
			windows = demoWindowsOn(ds.windows, booking.ISOWeekday(day))
		}
		if len(windows) == 0 {
			continue
		}
		win := windows[r.IntN(len(windows))]
		var wps []int
		for j, w := range d.workplaces {
			if sv.Covers(w.Kind) {
				wps = append(wps, j)
			}
		}
		if len(wps) == 0 {
			continue
		}
		wp := d.workplaces[wps[r.IntN(len(wps))]]
		lang := ds.languages[0]
		if len(ds.languages) > 1 && r.Float64() < 0.25 {
			lang = ds.languages[1+r.IntN(len(ds.languages)-1)]
		}
		purpose := demoPurpose(r, wp.Kind)
		mode := demoMode(r, purpose)
		minutes := min(demoDuration(r, purpose, mode), (win.End-win.Start)/30*30)
		if minutes < 30 {
			continue
		}
		startMin := win.Start + 30*r.IntN((win.End-win.Start-minutes)/30+1)
		y, m, dd := day.Date()
		start := time.Date(y, m, dd, 0, startMin, 0, 0, d.loc)
		end := time.Date(y, m, dd, 0, startMin+minutes, 0, 0, d.loc)
		p := &demoPlan{start: start, end: end, created: d.createdAt(start), actor: d.admin}
		if r.Float64() < demoManagerShare {
			p.actor = d.managers[wp.ID]
		}
		svID := sv.ID
		p.in = booking.BookingInput{SupervisorID: &svID, WorkplaceID: wp.ID, Language: lang, Mode: mode,
			Start: start.Format(time.RFC3339), End: end.Format(time.RFC3339), Purpose: purpose,
			ParticipantsExpected: demoParticipants(r, purpose), Notes: demoNote(r, purpose, wp.Kind)}
		if mode == "video" {
			url := fmt.Sprintf("https://meet.example.se/sjovik-%04d", r.IntN(10000))
			p.in.MeetingURL = &url
		}
		if r.Float64() < demoCancelShare {
			p.cancel = d.cancellation(p, wp)
		} else if !end.After(d.now) && r.Float64() < demoFollowShare {
			p.followup = d.followup(p, wp, lang)
		}
		plans = append(plans, p)
	}
	return plans
}

// createdAt is when a booking starting at start was made: one to five weeks
// before, in office hours, but never after now.
func (d *demoLoader) createdAt(start time.Time) time.Time {
	r := d.rng
	y, m, dd := startOfDay(start, d.loc).Date()
	t := time.Date(y, m, dd-7-r.IntN(29), 7, 30+r.IntN(9*60), 0, 0, d.loc)
	if t.After(d.now) {
		t = d.now.Add(-time.Duration(r.IntN(14*24*60)) * time.Minute)
	}
	return t
}

func (d *demoLoader) cancellation(p *demoPlan, wp *booking.Workplace) *demoCancel {
	r := d.rng
	codes := []string{"illness", "workplace_closed", "no_participants", "supervisor_unavailable", "other"}
	code := codes[demoWeighted(r, []int{30, 15, 25, 15, 15})]
	texts := demoCancelReasons(code, wp.Kind)
	c := &demoCancel{code: code, reason: texts[r.IntN(len(texts))], actor: d.managers[wp.ID]}
	if code == "supervisor_unavailable" || (code == "illness" && c.reason == texts[0]) {
		c.actor = d.admin // the coordinator cancels when the supervisor cannot come
	}
	// Most cancellations come days ahead; one in four is late, within hours.
	notice := time.Duration(2*24+r.IntN(8*24)) * time.Hour
	if r.IntN(4) == 0 {
		if p.in.Mode == "on_site" {
			notice = time.Duration(60+r.IntN(20*60)) * time.Minute
		} else {
			notice = time.Duration(30+r.IntN(200)) * time.Minute
		}
	}
	lo := p.created.Add(5 * time.Minute)
	c.at = p.start.Add(-notice)
	if c.at.After(d.now) { // a future booking: cancelled some time since it was made
		c.at = lo.Add(time.Duration(r.Int64N(int64(max(d.now.Sub(lo), 0)) + 1)))
	}
	if c.at.Before(lo) {
		c.at = lo
	}
	c.at = demoEarlier(c.at, d.now)
	return c
}

func (d *demoLoader) followup(p *demoPlan, wp *booking.Workplace, lang string) *demoFollowup {
	r := d.rng
	f := &demoFollowup{actor: d.managers[wp.ID],
		at: demoEarlier(p.end.Add(time.Duration(30+r.IntN(3*24*60))*time.Minute), d.now)}
	if r.IntN(7) == 0 {
		f.actor = d.admin
	}
	persons := p.in.ParticipantsExpected - r.IntN(3)
	if p.in.ParticipantsExpected == 0 {
		persons = 1 + r.IntN(3)
	}
	rating := 5 - demoWeighted(r, []int{45, 35, 14, 5, 1})
	comments := demoComments(rating)
	comment := ""
	if r.IntN(10) != 0 {
		comment = comments[r.IntN(len(comments))]
	}
	whys := demoWhyBooked(p.in.Purpose, wp.Kind, lang)
	again := rating >= 3
	f.in = booking.FollowupInput{PersonsSupervised: max(persons, 1), Rating: rating, Comment: comment,
		WhyBooked: whys[r.IntN(len(whys))], Reasons: demoReasons(p.in.Purpose, wp.Kind, max(persons, 1)), WouldBookAgain: &again}
	return f
}

// demoReasons are the ticked reasons of a demo follow-up: the one its purpose
// suggests, and now and then new staff or (in elderly care and kitchens)
// safety routines. They follow from the plan, so the demo's random sequence
// stays as it was.
func demoReasons(purpose, kind string, persons int) []string {
	first := map[string]string{"workplace_support": "language_barrier", "substitute_intro": "substitutes",
		"parent_information": "parents", "information_meeting": "meeting"}[purpose]
	if first == "" {
		first = "other"
	}
	out := []string{first}
	if persons%3 == 0 && first != "substitutes" {
		out = append(out, "new_staff")
	}
	if persons%2 == 0 && (kind == "elderly_care" || kind == "kitchen") {
		out = append(out, "safety_routines")
	}
	return out
}

// book makes, cancels and follows up the planned bookings in the order of the
// clock, skipping those that collide with an earlier one.
func (d *demoLoader) book(plans []*demoPlan) error {
	type step struct {
		at   time.Time
		kind int // 0 create, 1 cancel, 2 follow up
		plan int
	}
	var steps []step
	for i, p := range plans {
		steps = append(steps, step{p.created, 0, i})
		if p.cancel != nil {
			steps = append(steps, step{p.cancel.at, 1, i})
		}
		if p.followup != nil {
			steps = append(steps, step{p.followup.at, 2, i})
		}
	}
	slices.SortStableFunc(steps, func(a, b step) int {
		return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.kind, b.kind), cmp.Compare(a.plan, b.plan))
	})
	ctx, s := d.ctx, d.s
	for _, st := range steps {
		p := plans[st.plan]
		if st.kind != 0 && p.booking == nil {
			continue
		}
		d.setClock(st.at)
		var err error
		switch st.kind {
		case 0:
			p.booking, err = s.CreateBooking(ctx, p.actor, p.in)
			if booking.ErrorCode(err) == booking.CodeConflict {
				p.booking, err = nil, nil
			}
		case 1:
			_, err = s.CancelBooking(ctx, p.cancel.actor, p.booking.ID, p.cancel.code, p.cancel.reason)
		case 2:
			_, err = s.RecordFollowup(ctx, p.followup.actor, p.booking.ID, p.followup.in)
		}
		if err != nil {
			return fmt.Errorf("booking %d of the plan (%s): %w", st.plan, p.in.Start, err)
		}
	}
	d.setClock(d.now)
	return d.confirm(plans)
}

// confirm has the supervisors confirm most of their held sessions a couple of
// hours after the end: nearly all as booked, a few shorter, no-shows or not held.
func (d *demoLoader) confirm(plans []*demoPlan) error {
	for _, p := range plans {
		b := p.booking
		if b == nil || p.cancel != nil || b.End.After(d.now) || d.rng.IntN(100) >= 85 {
			continue
		}
		in := booking.ConfirmationInput{Outcome: "held"}
		switch r := d.rng.IntN(100); {
		case r < 5:
			in.Outcome = "no_show"
		case r < 8:
			in.Outcome, in.Note = "not_held", "Personalen var upptagen med en akut situation."
		case r < 20 && b.End.Sub(b.Start) > 30*time.Minute:
			in.ActualStart = b.Start.Format(time.RFC3339)
			in.ActualEnd = b.End.Add(-15 * time.Minute).Format(time.RFC3339)
			in.Note = "Avslutade en kvart tidigare."
		}
		d.setClock(b.End.Add(2 * time.Hour))
		if _, err := d.s.ConfirmBooking(d.ctx, d.supervisorUsers[b.SupervisorID], b.ID, in); err != nil {
			return fmt.Errorf("confirm booking %d: %w", b.ID, err)
		}
	}
	d.setClock(d.now)
	return nil
}

// startOfDay returns local midnight of t's local date.
func startOfDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// startOfWeek returns local midnight of the Monday of t's ISO week.
func startOfWeek(t time.Time, loc *time.Location) time.Time {
	day := startOfDay(t, loc)
	y, m, d := day.Date()
	return time.Date(y, m, d-(booking.ISOWeekday(day)-1), 0, 0, 0, 0, loc)
}

func demoEarlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// demoWeek is the same window on each of the weekdays.
func demoWeek(weekdays []int, from, to string) []booking.Window {
	out := make([]booking.Window, 0, len(weekdays))
	for _, wd := range weekdays {
		out = append(out, booking.Window{Weekday: wd, Start: demoMinutes(from), End: demoMinutes(to)})
	}
	return out
}

// demoMinutes reads "HH:MM" as minutes after midnight; the demo's tables are fixed, so a typo panics.
func demoMinutes(hm string) int {
	t, err := time.Parse("15:04", hm)
	if err != nil {
		panic(fmt.Sprintf("demo: bad time %q", hm))
	}
	return t.Hour()*60 + t.Minute()
}

func demoWindowsOn(ws []booking.Window, weekday int) []booking.Window {
	var out []booking.Window
	for _, w := range ws {
		if w.Weekday == weekday {
			out = append(out, w)
		}
	}
	return out
}

// demoWeighted returns an index into weights, each chosen in proportion to its weight.
func demoWeighted(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

func demoPurpose(r *rand.Rand, kind string) string {
	switch kind {
	case "childcare":
		return booking.Purposes[demoWeighted(r, []int{45, 10, 30, 10, 5})]
	case "elderly_care":
		return booking.Purposes[demoWeighted(r, []int{55, 20, 0, 15, 10})]
	default:
		return booking.Purposes[demoWeighted(r, []int{60, 25, 0, 15, 0})]
	}
}

// demoMode: mostly at the workplace; parents' meetings always are.
func demoMode(r *rand.Rand, purpose string) string {
	if purpose == "parent_information" {
		return "on_site"
	}
	return booking.Modes[demoWeighted(r, []int{76, 16, 8})]
}

func demoDuration(r *rand.Rand, purpose, mode string) int {
	switch {
	case mode == "phone":
		return []int{30, 60}[r.IntN(2)]
	case mode == "video":
		return []int{60, 90}[r.IntN(2)]
	case purpose == "workplace_support":
		return []int{90, 120, 180, 180, 240}[r.IntN(5)]
	case purpose == "parent_information":
		return []int{60, 90}[r.IntN(2)]
	default:
		return []int{60, 90, 120}[r.IntN(3)]
	}
}

func demoParticipants(r *rand.Rand, purpose string) int {
	switch purpose {
	case "workplace_support":
		return 2 + r.IntN(7)
	case "substitute_intro":
		return 1 + r.IntN(4)
	case "parent_information":
		return 5 + r.IntN(21)
	case "information_meeting":
		return 8 + r.IntN(23)
	default:
		return 1 + r.IntN(10)
	}
}

// demoNote gives about half the bookings a note, as managers write them.
func demoNote(r *rand.Rand, purpose, kind string) string {
	if r.IntN(2) == 0 {
		return ""
	}
	var notes []string
	switch {
	case purpose == "workplace_support" && kind == "childcare":
		notes = []string{"Stöd vid måltiderna och i samtal med barnen.", "Språkstöd i morgonrutinerna och vid lämning.",
			"Stöd i dokumentationen av barnens lärande."}
	case purpose == "workplace_support" && kind == "elderly_care":
		notes = []string{"Stöd i överlämningen mellan dag- och kvällspersonal.", "Språkstöd i omvårdnaden och i samtal med de boende.",
			"Genomgång av ord och begrepp i genomförandeplanerna."}
	case purpose == "workplace_support":
		notes = []string{"Ord och begrepp kring specialkost och allergier.", "Stöd i egenkontrollen och temperaturloggen.",
			"Genomgång av nya menyn med arbetslaget."}
	case purpose == "substitute_intro":
		notes = []string{"Introduktion av nya timvikarier.", "Basala hygienrutiner och arbetsmiljö för nya vikarier.",
			"Sommarvikarier börjar, genomgång av rutiner."}
	case purpose == "parent_information":
		notes = []string{"Föräldramöte inför inskolningen.", "Information om förskolans rutiner och sjukanmälan.",
			"Föräldraträff om språkutveckling och flerspråkighet."}
	case purpose == "information_meeting":
		notes = []string{"Arbetsplatsträff med nya rutiner.", "Information om brandskydd och utrymning.",
			"Informationsträff om kommunens nya schemarutiner."}
	default:
		notes = []string{"Anhörigträff på boendet.", "Studiebesök med nyanställda medarbetare.", "Samtal med anhöriga om kost och måltider."}
	}
	return notes[r.IntN(len(notes))]
}

// demoCancelReasons are the reason texts for a code; for illness the first is
// the supervisor's own.
func demoCancelReasons(code, kind string) []string {
	switch code {
	case "illness":
		return []string{"Handledaren är sjuk.", "Stor sjukfrånvaro i arbetslaget, vi ställer in.", "Magsjuka på avdelningen."}
	case "workplace_closed":
		switch kind {
		case "childcare":
			return []string{"Förskolan har planeringsdag.", "Förskolan stängd på grund av vattenläcka."}
		case "kitchen":
			return []string{"Köket stängt för renovering.", "Köket stängt efter strömavbrott."}
		default:
			return []string{"Avdelningen stängd för besök på grund av smittspridning."}
		}
	case "no_participants":
		return []string{"För få anmälda deltagare.", "Inga vikarier inbokade den dagen.", "Personalen behövs i verksamheten."}
	case "supervisor_unavailable":
		return []string{"Handledaren behövs på ett annat uppdrag.", "Handledaren är på utbildning."}
	default:
		return []string{"Mötet flyttas till nästa månad.", "Krockar med arbetsplatsträff.", "Bokades av misstag."}
	}
}

func demoComments(rating int) []string {
	switch rating {
	case 5:
		return []string{"Mycket bra, personalen fick konkreta verktyg.", "Tydligt och engagerat, vi bokar igen.",
			"Deltagarna uppskattade att få informationen på sitt eget språk."}
	case 4:
		return []string{"Bra träff, men tiden räckte inte riktigt.", "Bra stöd, några frågor följer vi upp nästa gång."}
	case 3:
		return []string{"Okej, men gruppen var för stor.", "Kom igång sent, men innehållet var bra."}
	case 2:
		return []string{"Svårt att få ihop det med verksamheten den dagen.", "Lokalen passade inte för samtalen."}
	default:
		return []string{"Vi och handledaren hade olika bild av uppdraget; behöver stämmas av."}
	}
}

func demoWhyBooked(purpose, kind, lang string) []string {
	name := lang
	if l, ok := vocab.LanguageByCode(lang); ok {
		name = l.NameSV
	}
	switch purpose {
	case "workplace_support":
		return []string{"Flera medarbetare behöver stöd i svenska i det dagliga arbetet.",
			fmt.Sprintf("Nya medarbetare med %s som modersmål i arbetslaget.", name)}
	case "substitute_intro":
		return []string{"Många nya vikarier inför sommaren.", fmt.Sprintf("Nya timvikarier som talar %s.", name)}
	case "parent_information":
		return []string{fmt.Sprintf("Flera föräldrar talar %s och behövde informationen på sitt språk.", name),
			"Inskolning av nya barn vars föräldrar är nya i Sverige."}
	case "information_meeting":
		return []string{"Nya rutiner som alla i personalgruppen måste förstå.", "Viktig information från förvaltningen."}
	default:
		if kind == "elderly_care" {
			return []string{fmt.Sprintf("Anhöriga önskade ett möte på %s.", name)}
		}
		return []string{"Önskemål från arbetslaget."}
	}
}
