package booking

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/sprakpool/sprakpool/booking/internal/feedtoken"
	"github.com/sprakpool/sprakpool/booking/internal/sqldb"
)

// Config holds the pool's rules and settings; it is built in cmd and passed down.
type Config struct {
	Location         *time.Location
	BaseURL          string
	TravelBuffer     time.Duration
	DailyLimit       time.Duration
	LateCancel       time.Duration
	LateCancelRemote time.Duration
	// MailFrom is the sender address; the Message-IDs of mail end in its
	// domain (the base URL's host when it is empty).
	MailFrom string
	// ContactEmail is where people report a problem with the service (the
	// accessibility statement names it); MailFrom when empty.
	ContactEmail string
}

// DefaultConfig is the contract's defaults, in Europe/Stockholm.
func DefaultConfig() Config {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		panic(err) // time/tzdata is linked in by cmd; tests load it from the system
	}
	return Config{
		Location:         loc,
		BaseURL:          "http://127.0.0.1:8080",
		TravelBuffer:     15 * time.Minute,
		DailyLimit:       8 * time.Hour,
		LateCancel:       24 * time.Hour,
		LateCancelRemote: 4 * time.Hour,
	}
}

// Service is the pool: every read and change goes through it. It never reads the
// wall clock itself; Now is its clock, replaceable in tests.
type Service struct {
	store *store
	cfg   Config
	Now   func() time.Time
	// rosters keeps the last roster read (roster.go).
	rosters *rosterCache
	// briefs keeps the briefs of bookings lately checked (brief.go), made at
	// first use (a command that checks no booking listens to nothing).
	briefs func() *briefMemo
	// weeks keeps how many bookings lately searched weeks hold (plan.go).
	weeks *weekCounts
}

// Open connects to the database at dsn (a SQLite file path, or a postgres:// URL)
// without migrating it.
func Open(ctx context.Context, dsn string, cfg Config) (*Service, error) {
	s := &Service{cfg: cfg, Now: time.Now, rosters: &rosterCache{}, weeks: &weekCounts{}}
	// gorm stamps updated_at itself on every update; with the service's clock, so
	// a booking's last change (the DTSTAMP of its calendar event) is what the
	// service decided, also under a test's clock.
	st, err := openStore(ctx, dsn, s.now)
	if err != nil {
		return nil, err
	}
	s.store = st
	s.briefs = sync.OnceValue(func() *briefMemo { return newBriefMemo(st.DB) })
	return s, nil
}

// Config returns the pool's settings.
func (s *Service) Config() Config { return s.cfg }

// Migrate applies every pending schema migration, then issues a calendar feed
// token to every supervisor and workplace without one (their hashes need the
// feed key, which SQL cannot compute).
func (s *Service) Migrate(ctx context.Context) error {
	if err := s.store.Migrate(ctx); err != nil {
		return err
	}
	return s.store.write(ctx, feedtoken.IssueMissing)
}

// Close releases the database.
func (s *Service) Close() error { return s.store.Close() }

// Ping reports whether the database answers.
func (s *Service) Ping(ctx context.Context) error { return s.store.Ping(ctx) }

func (s *Service) now() time.Time { return s.Now().UTC() }

// WithClock returns a service that reads its time from now and shares all else
// (the database, its caches) with s: for writing history as of other moments,
// as the demo pool does, without changing s's clock under anyone else's feet.
func (s *Service) WithClock(now func() time.Time) *Service {
	c := *s
	c.Now = now
	return &c
}

// randomToken returns n random bytes as hex.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never fails on supported platforms
	}
	return hex.EncodeToString(b)
}

// DB is the database handle, for the packages under booking/ that keep their
// own SQL (reports, calendars, the outbox, privacy, the demo). Its type is
// internal: outside booking/ nothing can use it but pass it on.
func (s *Service) DB() *sqldb.DB { return s.store.DB }

// Clock is the service's current time, in UTC: the packages under booking/
// read the time only through it, so a test's clock reaches them too.
func (s *Service) Clock() time.Time { return s.now() }

// ErrBackupPostgres is Backup's answer on PostgreSQL, whose own tool makes a
// consistent copy of a running database.
var ErrBackupPostgres = sqldb.ErrBackupPostgres

// Backup writes a consistent copy of the SQLite database to the new file path
// while the pool keeps serving (sqldb.DB.Backup).
func (s *Service) Backup(ctx context.Context, path string) error { return s.store.Backup(ctx, path) }
