// Command sprakload drives a running Språkpool server over HTTP with N
// concurrent clients — booking creation (free and colliding requests),
// free-supervisor searches, calendar feed fetches (200 and 304) and page views —
// and prints throughput and p50/p99 latency per operation. At the end it checks
// in the database that no two confirmed bookings of a supervisor overlap, and it
// measures the ceiling: the same check-then-insert done directly with
// database/sql, no HTTP, on the same database, with the ratio of the two.
//
//	sprakload --url http://127.0.0.1:8080 --token sp_... --db sprakpool.db [--clients 16] [--duration 30s]
//	sprakload --fresh [--db postgres://server/postgres] [--clients 16] [--supervisors 20] [--bookings 4000] [--writers 8]
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	_ "time/tzdata"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "github.com/mattn/go-sqlite3"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "sprakload:", err)
		os.Exit(1)
	}
}

// config is the load to drive.
type config struct {
	base, token, db string
	clients         int
	duration        time.Duration
	writers         int     // the ceiling's concurrent writers
	collide         float64 // share of booking requests aimed at a slot already asked for
	seed            uint64
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("sprakload", flag.ContinueOnError)
	var c config
	fs.StringVar(&c.base, "url", "http://127.0.0.1:8080", "the server's base URL")
	fs.StringVar(&c.token, "token", os.Getenv("SPRAKLOAD_TOKEN"), "a coordinator's API token (or SPRAKLOAD_TOKEN)")
	fs.StringVar(&c.db, "db", "", "the server's database (SQLite file or postgres:// URL), for the overlap check and the ceiling")
	fs.IntVar(&c.clients, "clients", 16, "concurrent clients")
	fs.DurationVar(&c.duration, "duration", 30*time.Second, "how long each phase runs")
	fs.IntVar(&c.writers, "writers", 8, "concurrent writers of the ceiling")
	fs.Float64Var(&c.collide, "collide", 0.3, "share of booking requests for a slot already requested")
	fs.Uint64Var(&c.seed, "seed", 1, "random seed")
	var f fresh
	freshMode := fs.Bool("fresh", false, "measure booking creation on a new, empty pool served in this process (see fresh.go); --db may name a PostgreSQL server to make it on")
	fs.IntVar(&f.bookings, "bookings", 4000, "with --fresh: bookings to create")
	fs.StringVar(&f.cpuprofile, "cpuprofile", "", "with --fresh: write the CPU profile of the HTTP phase (server and clients) to this file")
	fs.IntVar(&f.supervisors, "supervisors", 20, "with --fresh: supervisors in the pool")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.clients < 1 || c.writers < 1 {
		return fmt.Errorf("--clients and --writers must be at least 1")
	}
	if *freshMode {
		if f.supervisors < 1 || f.bookings < 1 {
			return fmt.Errorf("--supervisors and --bookings must be at least 1")
		}
		f.clients, f.writers = c.clients, c.writers
		if c.db != "" {
			if !isPostgres(c.db) {
				return fmt.Errorf("with --fresh, --db names a PostgreSQL server (the SQLite file is made anew)")
			}
			f.server = c.db
		}
		return runFresh(ctx, f, out)
	}
	if c.token == "" || c.db == "" {
		return fmt.Errorf("--token and --db are required")
	}
	db, err := openDB(c.db)
	if err != nil {
		return err
	}
	defer db.Close()
	l := &load{cfg: c, client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c.clients * 2}}, db: db}
	if err := l.prepare(ctx); err != nil {
		return err
	}
	fmt.Fprintf(out, "sprakload: %d clients for %s against %s (%d supervisors, %d workplaces)\n",
		c.clients, c.duration, c.base, len(l.supervisors), len(l.workplaces))
	fmt.Fprintln(out, "mixed load:")
	l.drive(ctx, false).print(out, c.duration)
	fmt.Fprintln(out, "booking creation only (free slots):")
	only := l.drive(ctx, true)
	only.print(out, c.duration)
	ceiling, err := l.ceiling(ctx, c.writers, 0, c.duration)
	if err != nil {
		return fmt.Errorf("ceiling: %w", err)
	}
	created := 0.0
	if s := only.ops["booking"]; s != nil {
		created = float64(s.status[http.StatusCreated]) / c.duration.Seconds()
	}
	fmt.Fprintf(out, "ceiling (database/sql check-then-insert, %d writers): %.0f bookings/s; HTTP booking creation: %.0f/s; ratio %.2f\n",
		c.writers, ceiling, created, created/ceiling)
	return l.reportOverlaps(ctx, out)
}

// reportOverlaps prints how many confirmed bookings overlap another of their
// supervisor, and fails the run unless none do.
func (l *load) reportOverlaps(ctx context.Context, out io.Writer) error {
	pairs, err := l.overlaps(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "confirmed bookings overlapping another of their supervisor: %d\n", pairs)
	if pairs != 0 {
		return fmt.Errorf("%d confirmed bookings overlap another", pairs)
	}
	return nil
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

func openDB(dsn string) (*sql.DB, error) {
	if isPostgres(dsn) {
		return sql.Open("pgx", dsn)
	}
	// The server's settings (booking/internal/sqldb), so the ceiling is its own.
	return sql.Open("sqlite3", dsn+"?_txlock=immediate&_journal_mode=WAL&_busy_timeout=15000&_foreign_keys=on&_synchronous=NORMAL")
}

type supervisor struct {
	ID        int64    `json:"id"`
	Languages []string `json:"languages"`
	Areas     []string `json:"areas"`
	FeedURL   string   `json:"feed_url"`
	Active    bool     `json:"active"`
}

type workplace struct {
	ID     int64 `json:"id"`
	Active bool  `json:"active"`
}

type load struct {
	cfg         config
	client      *http.Client
	db          *sql.DB
	loc         *time.Location
	supervisors []supervisor
	workplaces  []workplace
	days        []time.Time // future working days to book on
	mu          sync.Mutex
	asked       []map[string]any // booking requests sent, for colliding ones
}

func (l *load) prepare(ctx context.Context) error {
	var err error
	if l.loc, err = time.LoadLocation("Europe/Stockholm"); err != nil {
		return err
	}
	if err := l.get(ctx, "/api/v1/supervisors", &l.supervisors); err != nil {
		return err
	}
	if err := l.get(ctx, "/api/v1/workplaces", &l.workplaces); err != nil {
		return err
	}
	l.supervisors = slices.DeleteFunc(l.supervisors, func(s supervisor) bool { return !s.Active || len(s.Languages) == 0 })
	// Feed URLs are absolute under the server's public base URL; fetch them here.
	for i := range l.supervisors {
		if u, err := url.Parse(l.supervisors[i].FeedURL); err == nil && l.supervisors[i].FeedURL != "" {
			l.supervisors[i].FeedURL = l.cfg.base + u.RequestURI()
		}
	}
	l.workplaces = slices.DeleteFunc(l.workplaces, func(w workplace) bool { return !w.Active })
	if len(l.supervisors) == 0 || len(l.workplaces) == 0 {
		return fmt.Errorf("the pool needs active supervisors and workplaces (generate one first)")
	}
	// Working days from a month ahead for a year; closed days answer 409 too,
	// which is a realistic part of the mix.
	for d := time.Now().In(l.loc).AddDate(0, 1, 0); len(l.days) < 250; d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			l.days = append(l.days, time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, l.loc))
		}
	}
	return nil
}

func (l *load) get(ctx context.Context, path string, out any) error {
	req, _ := http.NewRequestWithContext(ctx, "GET", l.cfg.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+l.cfg.token)
	resp, err := l.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// opStats are one operation's latencies and statuses.
type opStats struct {
	latencies []time.Duration
	status    map[int]int
}

type results struct {
	mu  sync.Mutex
	ops map[string]*opStats
}

func (r *results) add(op string, d time.Duration, status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.ops[op]
	if s == nil {
		s = &opStats{status: map[int]int{}}
		r.ops[op] = s
	}
	s.latencies = append(s.latencies, d)
	s.status[status]++
}

func (r *results) print(out io.Writer, d time.Duration) {
	names := []string{"booking", "search", "feed", "feed-304", "page"}
	fmt.Fprintf(out, "%-10s %8s %10s %10s %10s  %s\n", "operation", "count", "per sec", "p50", "p99", "statuses")
	for _, n := range names {
		s := r.ops[n]
		if s == nil {
			continue
		}
		slices.Sort(s.latencies)
		fmt.Fprintf(out, "%-10s %8d %10.0f %10s %10s  %v\n", n, len(s.latencies), float64(len(s.latencies))/d.Seconds(),
			pct(s.latencies, 0.50), pct(s.latencies, 0.99), s.status)
	}
}

func pct(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(float64(len(sorted))*p))].Round(10 * time.Microsecond)
}

// drive runs the clients for the duration: each picks an operation by weight,
// or, with onlyBooking, asks for free slots only.
func (l *load) drive(ctx context.Context, onlyBooking bool) *results {
	res := &results{ops: map[string]*opStats{}}
	ctx, cancel := context.WithTimeout(ctx, l.cfg.duration)
	defer cancel()
	var wg sync.WaitGroup
	var seq atomic.Uint64
	for i := range l.cfg.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(l.cfg.seed, uint64(i)))
			etags := map[string]string{}
			for ctx.Err() == nil {
				switch r := rng.IntN(100); {
				case onlyBooking:
					l.book(ctx, rng, res, seq.Add(1), false)
				case r < 50:
					l.book(ctx, rng, res, seq.Add(1), true)
				case r < 70:
					l.search(ctx, rng, res)
				case r < 90:
					l.feed(ctx, rng, res, etags)
				default:
					l.timed(ctx, res, "page", "GET", "/", nil, nil)
				}
			}
		}()
	}
	wg.Wait()
	return res
}

// timed sends one request and records it, unless the run ended meanwhile.
func (l *load) timed(ctx context.Context, res *results, op, method, path string, body io.Reader, hdr map[string]string) *http.Response {
	target := path
	if !strings.HasPrefix(path, "http") {
		target = l.cfg.base + path
	}
	req, _ := http.NewRequestWithContext(ctx, method, target, body)
	if strings.HasPrefix(path, "/api/") {
		req.Header.Set("Authorization", "Bearer "+l.cfg.token)
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	start := time.Now()
	resp, err := l.client.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			res.add(op, time.Since(start), 0)
		}
		return nil
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	res.add(op, time.Since(start), resp.StatusCode)
	return resp
}

func (l *load) book(ctx context.Context, rng *rand.Rand, res *results, n uint64, collide bool) {
	var body map[string]any
	l.mu.Lock()
	if collide && len(l.asked) > 0 && rng.Float64() < l.cfg.collide {
		body = l.asked[rng.IntN(len(l.asked))]
	}
	l.mu.Unlock()
	if body == nil {
		sv := l.supervisors[rng.IntN(len(l.supervisors))]
		d := l.days[rng.IntN(len(l.days))]
		start := d.Add(time.Duration(8+rng.IntN(7)) * time.Hour)
		body = map[string]any{"supervisor_id": sv.ID, "workplace_id": l.workplaces[rng.IntN(len(l.workplaces))].ID,
			// An area the supervisor covers, so that no request is refused as invalid.
			"language": sv.Languages[0], "area": sv.Areas[0], "purpose": "workplace_support", "override": []string{"outside_availability", "travel_buffer", "daily_limit"},
			"start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339), "notes": fmt.Sprintf("sprakload %d", n)}
		l.mu.Lock()
		if len(l.asked) < 10000 {
			l.asked = append(l.asked, body)
		} else {
			l.asked[rng.IntN(len(l.asked))] = body
		}
		l.mu.Unlock()
	}
	raw, _ := json.Marshal(body)
	l.timed(ctx, res, "booking", "POST", "/api/v1/bookings", strings.NewReader(string(raw)), nil)
}

func (l *load) search(ctx context.Context, rng *rand.Rand, res *results) {
	sv := l.supervisors[rng.IntN(len(l.supervisors))]
	start := l.days[rng.IntN(len(l.days))].Add(time.Duration(8+rng.IntN(6)) * time.Hour)
	q := url.Values{"language": {sv.Languages[0]}, "start": {start.Format(time.RFC3339)},
		"end": {start.Add(2 * time.Hour).Format(time.RFC3339)}}
	l.timed(ctx, res, "search", "GET", "/api/v1/availability?"+q.Encode(), nil, nil)
}

func (l *load) feed(ctx context.Context, rng *rand.Rand, res *results, etags map[string]string) {
	sv := l.supervisors[rng.IntN(len(l.supervisors))]
	if sv.FeedURL == "" {
		return
	}
	if tag, ok := etags[sv.FeedURL]; ok && rng.IntN(2) == 0 {
		l.timed(ctx, res, "feed-304", "GET", sv.FeedURL, nil, map[string]string{"If-None-Match": tag})
		return
	}
	if resp := l.timed(ctx, res, "feed", "GET", sv.FeedURL, nil, nil); resp != nil {
		etags[sv.FeedURL] = resp.Header.Get("ETag")
	}
}

// ceiling runs the bare check-then-insert the service does for a booking, with
// writers concurrent writers, n times (n > 0) or for d, on the same database:
// one write transaction that counts the supervisor's overlapping confirmed
// bookings and inserts one, with both statements prepared once. It is the best
// such a writer can do, so the ratio is not flattered: on SQLite the writers take
// turns on a mutex of this process before BEGIN IMMEDIATE, as the server's do
// (SQLite's busy handler would make them sleep); on PostgreSQL each takes only its
// supervisor's advisory lock. Its rows lie far in the future (2090 on) and are
// removed afterwards.
func (l *load) ceiling(ctx context.Context, writers, n int, d time.Duration) (float64, error) {
	pg := isPostgres(l.cfg.db)
	ph := func(q string) string { // $n placeholders for PostgreSQL
		if !pg {
			return q
		}
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
	l.db.SetMaxOpenConns(writers)
	l.db.SetMaxIdleConns(writers)
	var stmts [3]*sql.Stmt
	for i, q := range []string{
		`SELECT pg_advisory_xact_lock(?)`,
		// The service's bounds: a booking lasts at most 25 hours.
		`SELECT COUNT(*) FROM bookings WHERE supervisor_id = ? AND start_at >= ? AND start_at < ? AND status = 'confirmed' AND end_at > ?`,
		`INSERT INTO bookings (uid, supervisor_id, workplace_id, language, area, mode, start_at, end_at, purpose,
		participants_expected, notes, status, sequence, created_at, updated_at)
		VALUES (?, ?, ?, ?, 'other', 'on_site', ?, ?, 'other', 0, 'sprakload ceiling', 'confirmed', 0, ?, ?)`,
	} {
		if i == 0 && !pg {
			continue
		}
		stmt, err := l.db.PrepareContext(ctx, ph(q))
		if err != nil {
			return 0, err
		}
		defer stmt.Close()
		stmts[i] = stmt
	}
	lock, check, insert := stmts[0], stmts[1], stmts[2]
	begin := time.Now()
	deadline := begin.Add(d)
	more := func(i int64) bool {
		if n > 0 {
			return i <= int64(n)
		}
		return time.Now().Before(deadline)
	}
	var done, failed, next atomic.Int64
	var mu sync.Mutex // SQLite: one writer at a time in this process
	first := time.Date(2090, 1, 1, 0, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1); more(i); i = next.Add(1) {
				sv := l.supervisors[int(i)%len(l.supervisors)]
				start := first.Add(time.Duration(i/int64(len(l.supervisors))) * time.Hour)
				if !pg {
					mu.Lock()
				}
				err := func() error {
					tx, err := l.db.BeginTx(ctx, nil)
					if err != nil {
						return err
					}
					defer tx.Rollback()
					if pg {
						if _, err := tx.StmtContext(ctx, lock).ExecContext(ctx, int64(0x5376)<<48|sv.ID); err != nil {
							return err
						}
					}
					var n int
					if err := tx.StmtContext(ctx, check).QueryRowContext(ctx, sv.ID, start.Add(-25*time.Hour), start.Add(time.Hour), start).Scan(&n); err != nil {
						return err
					}
					if n > 0 {
						return fmt.Errorf("slot taken")
					}
					now := time.Now().UTC()
					if _, err := tx.StmtContext(ctx, insert).ExecContext(ctx, fmt.Sprintf("sprakload-ceiling-%d-%d@sprakpool", now.UnixNano(), i),
						sv.ID, l.workplaces[0].ID, sv.Languages[0], start, start.Add(time.Hour), now, now); err != nil {
						return err
					}
					return tx.Commit()
				}()
				if !pg {
					mu.Unlock()
				}
				if err != nil {
					failed.Add(1)
					continue
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	took := time.Since(begin)
	if failed.Load() > 0 {
		return 0, fmt.Errorf("%d of the ceiling's inserts failed", failed.Load())
	}
	if _, err := l.db.ExecContext(ctx, "DELETE FROM bookings WHERE notes = 'sprakload ceiling'"); err != nil {
		return 0, err
	}
	return float64(done.Load()) / took.Seconds(), nil
}

// overlaps counts the confirmed bookings that start before an earlier-starting
// booking of the same supervisor has ended (zero exactly when no two overlap),
// comparing instants, in one pass over each supervisor's bookings in time order.
func (l *load) overlaps(ctx context.Context) (int, error) {
	start, end := "julianday(start_at)", "julianday(end_at)"
	if isPostgres(l.cfg.db) {
		start, end = "start_at", "end_at"
	}
	var n int
	err := l.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT `+start+` AS s, MAX(`+end+`) OVER (
		PARTITION BY supervisor_id ORDER BY start_at, id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS latest_end
		FROM bookings WHERE status = 'confirmed') AS ordered WHERE latest_end > s`).Scan(&n)
	return n, err
}
