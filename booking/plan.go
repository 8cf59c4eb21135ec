package booking

import (
	"fmt"
	"sync"
	"time"

	"gorm.io/gorm"
)

// Which index a query of many supervisors' bookings in a few days reads on
// SQLite (a search: everyone who speaks a language). Seeking each supervisor in
// bookings_supervisor_rules costs a few pages each, found or not; reading the
// days' bookings of the whole pool in bookings_start_rules costs a row each. So
// the pool's bookings in time order when that week holds fewer than seekRows per
// asked supervisor, else a seek each. SQLite's planner, without statistics,
// would always seek. On the pool of a million bookings (issue 19) a week far
// ahead holds a few hundred bookings and a search there took half the time in
// time order; a full week (4,000) is searched faster by seeking. The count is
// only a plan: both give the same rows, so a count a minute old does no harm.

// timeFirst is the fewest supervisors for which reading in time order can pay.
const timeFirst = 16

// seekRows is how many rows of the time index cost as much as one seek.
const seekRows = 8

// weekCountAge is how long a week's count is used; weekCountsMax bounds how many
// are kept.
const (
	weekCountAge  = time.Minute
	weekCountsMax = 1024
)

// weekCounts keeps the number of bookings of each week lately searched.
type weekCounts struct {
	mu sync.Mutex
	m  map[int64]weekCount // by the week's first instant (Unix seconds)
}

type weekCount struct {
	n    int
	read time.Time
}

// bookingsOf is the bookings table, with the index to read it through, for a
// query of the bookings of ids in the days around at.
func (s *Service) bookingsOf(db *gorm.DB, ids []int64, at time.Time) (string, error) {
	hint := s.store.IndexedBy("bookings_start_rules")
	if len(ids) < timeFirst || hint == "" {
		return "bookings", nil
	}
	n, err := s.weekCount(db, at)
	if err != nil {
		return "", err
	}
	if n >= seekRows*len(ids) {
		return "bookings", nil
	}
	return "bookings" + hint, nil
}

// weekCount is the number of bookings that start in the week of at, read at most
// weekCountAge ago.
func (s *Service) weekCount(db *gorm.DB, at time.Time) (int, error) {
	from := startOfWeek(at, s.cfg.Location)
	key := from.Unix()
	c := s.weeks
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok && time.Since(e.read) < weekCountAge {
		return e.n, nil
	}
	var n int64
	if err := db.Table("bookings"+s.store.IndexedBy("bookings_start_rules")).
		Where("start_at >= ? AND start_at < ?", from.UTC(), startOfWeek(from.AddDate(0, 0, 7), s.cfg.Location).UTC()).
		Count(&n).Error; err != nil {
		return 0, fmt.Errorf("bookings of the week: %w", err)
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= weekCountsMax {
		c.m = map[int64]weekCount{}
	}
	c.m[key] = weekCount{n: int(n), read: time.Now()}
	c.mu.Unlock()
	return int(n), nil
}
