package demo

import (
	"context"
	crand "crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/vocab"
)

// GenerateSpec describes a synthetic pool for benchmarks: how many supervisors,
// workplaces and bookings over how many years, from a seed, so the same spec
// always gives the same pool.
type GenerateSpec struct {
	Supervisors int
	Workplaces  int
	Bookings    int
	Years       int
	Seed        uint64
	// First is the first day of the bookings (YYYY-MM-DD); empty: 2022-01-03.
	First string
}

// The generated pool's shape: share of bookings cancelled, share of held
// sessions followed up, and rows per INSERT statement.
const (
	genCancelShare   = 0.08
	genFollowupShare = 0.6
	genBatch         = 500
	genSlots         = 4 // two-hour slots a day, 08:00 to 16:00
)

// ErrGenerateNotEmpty is returned by Generate on a database that has data:
// generated bookings must never mix with real ones.
var ErrGenerateNotEmpty = errors.New("generate: the database is not empty")

// Generate fills an empty database with a synthetic pool for benchmarks and load
// tests. Workplaces, supervisors and their weeks go through the service, so
// they are valid; bookings, absences and follow-ups are bulk-inserted in one
// transaction with batched INSERTs, since a million bookings through
// CreateBooking would take hours. The bookings keep every rule by construction
// (never two of one supervisor at once, inside the weekly windows, never on a
// closed day); the overlap triggers and the indexes of bookings are dropped for
// the load and recreated from their own SQL in the same transaction (read from
// sqlite_master: a PostgreSQL store needs its own way, e.g. COPY). No booking
// events or outbox rows are written: the generated pool is for reading. A
// million bookings take about two minutes on two cores.
func Generate(ctx context.Context, svc *booking.Service, spec GenerateSpec) error {
	if spec.Supervisors < 1 || spec.Workplaces < 1 || spec.Years < 1 || spec.Bookings < 0 {
		return fmt.Errorf("generate: supervisors, workplaces and years must be at least 1")
	}
	if err := checkEmpty(ctx, svc, ErrGenerateNotEmpty); err != nil {
		return err
	}
	if spec.First == "" {
		spec.First = "2022-01-03"
	}
	first, err := time.ParseInLocation(time.DateOnly, spec.First, svc.Config().Location)
	if err != nil {
		return fmt.Errorf("generate: first day: %w", err)
	}
	g := &generator{s: svc, spec: spec, rng: rand.New(rand.NewPCG(spec.Seed, 0x5350524b)), now: svc.Clock()}
	if err := g.people(ctx); err != nil {
		return err
	}
	var days []time.Time
	last := time.Date(first.Year()+spec.Years, first.Month(), first.Day(), 0, 0, 0, 0, svc.Config().Location)
	for d := first; d.Before(last); d = nextDay(d) {
		if _, closed := vocab.ClosedDayOn(d); !closed && booking.ISOWeekday(d) <= 5 {
			days = append(days, d)
		}
	}
	if capacity := len(days) * genSlots * spec.Supervisors; spec.Bookings > capacity {
		return fmt.Errorf("generate: %d bookings do not fit; at most %d", spec.Bookings, capacity)
	}
	err = svc.DB().Write(ctx, func(tx *gorm.DB) error {
		return withoutBookingIndexes(ctx, tx, func(db sqlConn) error { return g.load(ctx, db, days) })
	})
	if err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	return nil
}

type generator struct {
	s          *booking.Service
	spec       GenerateSpec
	rng        *rand.Rand
	now        time.Time
	admin      *booking.User
	workplaces []*booking.Workplace
	supervisor []*booking.Supervisor
}

var genLanguages = []string{"ar", "so", "ti", "fa", "prs", "ckb", "uk", "ru", "pl", "bs", "tr", "es"}

// people adds the coordinator, the workplaces and the supervisors through the service.
func (g *generator) people(ctx context.Context) error {
	u, err := g.s.CreateUser(ctx, booking.UserInput{Email: "generator@sprakpool.example.se", Name: "Generator",
		Role: booking.RoleAdmin, Password: crand.Text()})
	if err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	g.admin = u
	for i := range g.spec.Workplaces {
		name, kind, cc := fmt.Sprintf("Verksamhet %04d", i+1), booking.Areas[i%len(booking.Areas)], fmt.Sprintf("%d-%03d", 1100+i%7*110, i%1000)
		w, err := g.s.CreateWorkplace(ctx, u, booking.WorkplaceInput{Name: &name, Kind: &kind, CostCenter: &cc})
		if err != nil {
			return fmt.Errorf("generate: %w", err)
		}
		g.workplaces = append(g.workplaces, w)
	}
	var week []booking.Window
	for wd := 1; wd <= 5; wd++ {
		week = append(week, booking.Window{Weekday: wd, Start: 8 * 60, End: 16 * 60})
	}
	areas := append([]string(nil), booking.Areas...)
	for i := range g.spec.Supervisors {
		name := fmt.Sprintf("Handledare %04d", i+1)
		langs := []string{genLanguages[i%len(genLanguages)]}
		if i%3 == 0 {
			langs = append(langs, genLanguages[(i/3+5)%len(genLanguages)])
		}
		slices.Sort(langs)
		langs = slices.Compact(langs)
		sv, err := g.s.CreateSupervisor(ctx, u, booking.SupervisorInput{Name: &name, Languages: &langs, Areas: &areas})
		if err != nil {
			return fmt.Errorf("generate: %w", err)
		}
		if _, err := g.s.SetAvailability(ctx, u, sv.ID, week); err != nil {
			return fmt.Errorf("generate: %w", err)
		}
		g.supervisor = append(g.supervisor, sv)
	}
	return nil
}

// load inserts the absences, bookings and follow-ups. Bookings are chosen by
// selection sampling over every (day, slot, supervisor), so exactly
// spec.Bookings are made, spread evenly, at most one per slot.
func (g *generator) load(ctx context.Context, db sqlConn, days []time.Time) error {
	absences := newBulk(db, "absences", "supervisor_id", "start_at", "end_at", "reason", "created_at")
	for _, sv := range g.supervisor {
		for range 3 * g.spec.Years {
			d := days[g.rng.IntN(len(days))]
			start := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, d.Location())
			end := time.Date(d.Year(), d.Month(), d.Day()+1+g.rng.IntN(4), 0, 0, 0, 0, d.Location())
			if err := absences.add(ctx, sv.ID, start.UTC(), end.UTC(), "semester", g.now); err != nil {
				return err
			}
		}
	}
	if err := absences.flush(ctx); err != nil {
		return err
	}
	var nextID int64
	if err := db.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM bookings").Scan(&nextID); err != nil {
		return err
	}
	bookings := newBulk(db, "bookings", "id", "uid", "supervisor_id", "workplace_id", "language", "area", "mode",
		"meeting_url", "start_at", "end_at", "purpose", "participants_expected", "notes", "status", "sequence",
		"cancel_reason_code", "cancel_reason", "cancelled_at", "cancelled_by", "created_by", "created_at", "updated_at")
	followups := newBulk(db, "booking_followups", "booking_id", "persons_supervised", "rating", "comment",
		"why_booked", "would_book_again", "created_by", "created_at")
	followups.after = bookings
	reasons := newBulk(db, "booking_followup_reasons", "booking_id", "reason")
	reasons.after = followups
	need, left := g.spec.Bookings, len(days)*genSlots*len(g.supervisor)
	meeting := "https://meet.example.se/sprakpool"
	for _, d := range days {
		for slot := range genSlots {
			for _, sv := range g.supervisor {
				left--
				if need == 0 || g.rng.IntN(left+1) >= need {
					continue
				}
				need--
				id := nextID
				nextID++
				start := time.Date(d.Year(), d.Month(), d.Day(), 8+2*slot, 0, 0, 0, d.Location()).UTC()
				end := start.Add(time.Duration(60+30*g.rng.IntN(3)) * time.Minute)
				w := g.workplaces[g.rng.IntN(len(g.workplaces))]
				mode, url := "on_site", (*string)(nil)
				switch r := g.rng.IntN(10); {
				case r == 8:
					mode = "phone"
				case r == 9:
					mode, url = "video", &meeting
				}
				status, seq := booking.StatusConfirmed, 0
				var code, reason *string
				var cancelledAt *time.Time
				var cancelledBy *int64
				created := start.Add(-time.Duration(1+g.rng.IntN(30)) * 24 * time.Hour)
				if g.rng.Float64() < genCancelShare {
					status, seq, reason = booking.StatusCancelled, 1, new("")
					code = &booking.CancelReasons[g.rng.IntN(len(booking.CancelReasons))]
					at := start.Add(-time.Duration(g.rng.IntN(96*60)) * time.Minute)
					cancelledAt, cancelledBy = &at, &g.admin.ID
				}
				err := bookings.add(ctx, id, fmt.Sprintf("gen-%d-%d@sprakpool", g.spec.Seed, id), sv.ID, w.ID,
					sv.Languages[g.rng.IntN(len(sv.Languages))], w.Kind, mode, url, start, end,
					booking.Purposes[g.rng.IntN(len(booking.Purposes))], g.rng.IntN(20), "", status, seq, code, reason,
					cancelledAt, cancelledBy, g.admin.ID, created, created)
				if err != nil {
					return err
				}
				if status == booking.StatusConfirmed && !end.After(g.now) && g.rng.Float64() < genFollowupShare {
					// Reasons and would-book-again follow from the id, so the
					// random sequence (and every other figure) stays as it was.
					if err := followups.add(ctx, id, 1+g.rng.IntN(15), 1+g.rng.IntN(5), "", "", id%5 != 0, g.admin.ID, end); err != nil {
						return err
					}
					for _, r := range generatedReasons(id) {
						if err := reasons.add(ctx, id, r); err != nil {
							return err
						}
					}
				}
			}
		}
	}
	if err := bookings.flush(ctx); err != nil {
		return err
	}
	if err := followups.flush(ctx); err != nil {
		return err
	}
	return reasons.flush(ctx)
}

// generatedReasons are one or two reasons a generated follow-up gives.
func generatedReasons(id int64) []string {
	rs, n := booking.FollowupReasons, int64(len(booking.FollowupReasons))
	if id%3 != 0 {
		return []string{rs[id%n]}
	}
	return []string{rs[id%n], rs[(id%n+1+(id/3)%(n-1))%n]} // never the first again

}

// sqlConn is the transaction's connection, used directly for bulk loads: gorm's
// statement building costs more than the insert itself at this size.
type sqlConn interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// nextDay returns local midnight of the day after the local midnight day; DST-safe.
func nextDay(day time.Time) time.Time {
	y, m, d := day.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, day.Location())
}

// withoutBookingIndexes drops the triggers and indexes of bookings, runs fn,
// and recreates them from the SQL the schema stored, within tx.
func withoutBookingIndexes(ctx context.Context, tx *gorm.DB, fn func(sqlConn) error) error {
	db, ok := tx.Statement.ConnPool.(sqlConn)
	if !ok {
		return fmt.Errorf("bulk load needs a database/sql transaction")
	}
	if tx.Dialector.Name() == "postgres" {
		// PostgreSQL keeps its indexes and exclusion constraint during the load;
		// it numbers placeholders, and the given booking ids must move the
		// identity sequence past them.
		if err := fn(numberedConn{db}); err != nil {
			return err
		}
		_, err := db.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('bookings', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM bookings`)
		return err
	}
	rows, err := db.QueryContext(ctx, `SELECT type, name, sql FROM sqlite_master
		WHERE tbl_name = 'bookings' AND type IN ('index', 'trigger') AND sql IS NOT NULL`)
	if err != nil {
		return err
	}
	type object struct{ kind, name, sql string }
	var objects []object
	for rows.Next() {
		var o object
		if err := rows.Scan(&o.kind, &o.name, &o.sql); err != nil {
			rows.Close()
			return err
		}
		objects = append(objects, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, o := range objects {
		if _, err := db.ExecContext(ctx, fmt.Sprintf("DROP %s %q", strings.ToUpper(o.kind), o.name)); err != nil {
			return err
		}
	}
	if err := fn(db); err != nil {
		return err
	}
	for _, o := range objects {
		if _, err := db.ExecContext(ctx, o.sql); err != nil {
			return fmt.Errorf("recreate %s: %w", o.name, err)
		}
	}
	return nil
}

// numberedConn rewrites the ? placeholders of the bulk load's statements to
// PostgreSQL's $1, $2, ... (the statements hold no literal question marks).
type numberedConn struct{ sqlConn }

func numberPlaceholders(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (c numberedConn) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return c.sqlConn.ExecContext(ctx, numberPlaceholders(q), args...)
}

func (c numberedConn) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return c.sqlConn.QueryRowContext(ctx, numberPlaceholders(q), args...)
}

func (c numberedConn) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return c.sqlConn.QueryContext(ctx, numberPlaceholders(q), args...)
}

// bulk collects rows of one table and inserts them genBatch at a time.
type bulk struct {
	after  *bulk // flushed first: the rows it holds are referenced by these
	db     sqlConn
	prefix string
	row    string
	cols   int
	args   []any
}

func newBulk(db sqlConn, table string, cols ...string) *bulk {
	return &bulk{db: db, cols: len(cols),
		prefix: "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ",
		row:    "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"}
}

func (b *bulk) add(ctx context.Context, values ...any) error {
	b.args = append(b.args, values...)
	if len(b.args) >= genBatch*b.cols {
		return b.flush(ctx)
	}
	return nil
}

func (b *bulk) flush(ctx context.Context) error {
	n := len(b.args) / b.cols
	if n == 0 {
		return nil
	}
	if b.after != nil {
		if err := b.after.flush(ctx); err != nil {
			return err
		}
	}
	q := b.prefix + strings.TrimSuffix(strings.Repeat(b.row+", ", n), ", ")
	if _, err := b.db.ExecContext(ctx, q, b.args...); err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	b.args = b.args[:0]
	return nil
}
