package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/account"
	"github.com/sprakpool/sprakpool/booking/calendar"
	"github.com/sprakpool/sprakpool/booking/demo"
	"github.com/sprakpool/sprakpool/booking/outbox"
	"github.com/sprakpool/sprakpool/booking/privacy"
	"github.com/sprakpool/sprakpool/booking/report"
	"github.com/sprakpool/sprakpool/booking/vocab"
	"github.com/sprakpool/sprakpool/ui"
)

// The fresh mode measures the write path near its limit on an empty pool: it
// makes a new database (a SQLite file in a temporary directory, or a new
// database on the PostgreSQL server --db names, dropped at the end), adds
// --supervisors supervisors and a few workplaces, serves Språkpool on loopback
// as `sprakpool serve` wires it, and has --clients clients create --bookings
// bookings over HTTP, each for a free hour of its own. Then, on the same
// database, --writers writers do the bare check-then-insert of as many bookings
// with database/sql (the ceiling), and the ratio of the two is printed.
type fresh struct {
	clients, supervisors, bookings, writers int
	server                                  string // PostgreSQL server URL, or "" for SQLite
	cpuprofile                              string // a file for the CPU profile of the HTTP phase
}

func runFresh(ctx context.Context, f fresh, out io.Writer) error {
	dsn, drop, err := f.database()
	if err != nil {
		return err
	}
	defer drop()
	svc, err := booking.Open(ctx, dsn, booking.DefaultConfig())
	if err != nil {
		return err
	}
	defer svc.Close()
	if err := svc.Migrate(ctx); err != nil {
		return err
	}
	if err := demo.Generate(ctx, svc, demo.GenerateSpec{Supervisors: f.supervisors, Workplaces: 5, Years: 1, Seed: 1}); err != nil {
		return err
	}
	const email = "sprakload@sprakpool.example.se"
	if _, err := svc.CreateUser(ctx, booking.UserInput{Email: email, Name: "Sprakload", Role: booking.RoleAdmin, Password: rand.Text()}); err != nil {
		return err
	}
	token, err := account.New(svc).CreateToken(ctx, email)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	reports, cal, messages := report.New(svc), calendar.New(svc), outbox.New(svc)
	srv := &http.Server{Handler: ui.New(svc, ui.Config{BaseURL: base, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Reports: reports, Privacy: privacy.New(svc), Calendar: cal, Outbox: messages, Account: account.New(svc)}),
		ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()

	db, err := openDB(dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	l := &load{cfg: config{base: base, token: token, db: dsn, clients: f.clients},
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: f.clients * 2}}, db: db}
	if err := l.prepare(ctx); err != nil {
		return err
	}
	kind := "SQLite"
	if f.server != "" {
		kind = "PostgreSQL"
	}
	fmt.Fprintf(out, "sprakload --fresh: %d clients create %d bookings over HTTP for %d supervisors on an empty %s pool\n",
		f.clients, f.bookings, len(l.supervisors), kind)
	slots, err := l.freeHours(f.bookings)
	if err != nil {
		return err
	}
	res := &results{ops: map[string]*opStats{}}
	var next atomic.Int64
	var wg sync.WaitGroup
	if f.cpuprofile != "" {
		pf, err := os.Create(f.cpuprofile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
	}
	begin := time.Now()
	for range f.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1) - 1; i < int64(len(slots)); i = next.Add(1) - 1 {
				l.timed(ctx, res, "booking", "POST", "/api/v1/bookings", strings.NewReader(slots[i]), nil)
			}
		}()
	}
	wg.Wait()
	took := time.Since(begin)
	pprof.StopCPUProfile()
	res.print(out, took)
	s := res.ops["booking"]
	created := float64(s.status[http.StatusCreated]) / took.Seconds()
	if s.status[http.StatusCreated] != f.bookings {
		return fmt.Errorf("%d of %d bookings were created: %v", s.status[http.StatusCreated], f.bookings, s.status)
	}
	ceiling, err := l.ceiling(ctx, f.writers, f.bookings, 0)
	if err != nil {
		return fmt.Errorf("ceiling: %w", err)
	}
	fmt.Fprintf(out, "ceiling (database/sql check-then-insert, %d writers): %.0f bookings/s; HTTP booking creation: %.0f/s, p99 %s; ratio %.2f\n",
		f.writers, ceiling, created, pct(s.latencies, 0.99), created/ceiling)
	return l.reportOverlaps(ctx, out)
}

// freeHours are n booking requests, each for an hour no other one asks for:
// the supervisors in turn, 08:00 to 15:00 on the working days ahead, each
// supervisor always at the same workplace. So every rule is checked (no
// override) and every booking keeps them: seven hours a day are within the
// daily limit, and one workplace needs no travel buffer.
func (l *load) freeHours(n int) ([]string, error) {
	var days []time.Time
	for _, d := range l.days {
		if _, closed := vocab.ClosedDayOn(d); !closed {
			days = append(days, d)
		}
	}
	if capacity := len(days) * 7 * len(l.supervisors); n > capacity {
		return nil, fmt.Errorf("--bookings %d do not fit: %d supervisors have %d free hours on the next %d working days; add --supervisors",
			n, len(l.supervisors), capacity, len(days))
	}
	out := make([]string, 0, n)
	for i := range n {
		sv := l.supervisors[i%len(l.supervisors)]
		hour := i / len(l.supervisors)
		start := days[hour/7].Add(time.Duration(8+hour%7) * time.Hour)
		out = append(out, fmt.Sprintf(`{"supervisor_id":%d,"workplace_id":%d,"language":%q,"area":%q,"purpose":"workplace_support",`+
			`"start":%q,"end":%q,"notes":"sprakload %d"}`, sv.ID, l.workplaces[i%len(l.supervisors)%len(l.workplaces)].ID, sv.Languages[0], sv.Areas[0],
			start.Format(time.RFC3339), start.Add(time.Hour).Format(time.RFC3339), i))
	}
	return out, nil
}

// database makes the new database and returns its address and how to remove it.
func (f fresh) database() (string, func(), error) {
	if f.server == "" {
		dir, err := os.MkdirTemp("", "sprakload-")
		if err != nil {
			return "", nil, err
		}
		return filepath.Join(dir, "sprakpool.db"), func() { os.RemoveAll(dir) }, nil
	}
	u, err := url.Parse(f.server)
	if err != nil {
		return "", nil, err
	}
	admin, err := sql.Open("pgx", f.server)
	if err != nil {
		return "", nil, err
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "sprakload_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create database: %w", err)
	}
	u.Path = "/" + name
	return u.String(), func() {
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		admin.Close()
	}, nil
}
