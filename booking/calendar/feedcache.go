package calendar

import (
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"github.com/sprakpool/sprakpool/booking"
)

// Calendar clients poll feeds every hour, and rendering a feed of 2,000 events
// takes tens of milliseconds. So a rendered feed is kept, with the version of
// the data it was rendered from, and served again (or answered 304) while a few
// aggregate queries still give that version.

// feedCacheBytes bounds the memory the kept feeds take (a 2,000-event feed is
// about 2 MB).
const feedCacheBytes = 32 << 20

// kept holds values by key, each with the version of the data it was made from,
// within a bound on their bytes: a value larger than a quarter of the bound is
// not kept, and arbitrary others make room for a new one.
type kept[K comparable, V any] struct {
	mu      sync.Mutex
	entries map[K]keptValue[V]
	bytes   int
	max     int
	size    func(V) int
}

type keptValue[V any] struct {
	version string
	value   V
}

func newKept[K comparable, V any](max int, size func(V) int) *kept[K, V] {
	return &kept[K, V]{entries: map[K]keptValue[V]{}, max: max, size: size}
}

// get returns the value kept for key if it was made from version.
func (c *kept[K, V]) get(key K, version string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || e.version != version {
		var zero V
		return zero, false
	}
	return e.value, true
}

func (c *kept[K, V]) put(key K, version string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.entries[key]; ok {
		c.bytes -= c.size(old.value)
		delete(c.entries, key)
	}
	n := c.size(v)
	if n > c.max/4 {
		return // the pool's feed of a big pool: not worth the memory
	}
	for k, e := range c.entries { // map order: an arbitrary victim is good enough
		if c.bytes+n <= c.max {
			break
		}
		c.bytes -= c.size(e.value)
		delete(c.entries, k)
	}
	c.entries[key] = keptValue[V]{version: version, value: v}
	c.bytes += n
}

// people counts this process's committed changes to supervisors, workplaces,
// users and their links: a test clock may stamp two versions of a name with one
// updated_at, which the database's part of a feed's version cannot tell apart.
type people struct{ atomic.Int64 }

// peopleTables are the tables whose rows a feed's events show besides bookings.
var peopleTables = map[string]bool{"supervisors": true, "workplaces": true, "users": true, "user_workplaces": true}

// watch counts the changes to peopleTables made through gorm in this process
// (rows are never changed by raw SQL outside migrations). The callbacks are named
// after the counter: gorm runs one callback per name, and every calendar.Service
// built on the database keeps caches, and a counter, of its own.
func (c *people) watch(db *gorm.DB) {
	bump := func(tx *gorm.DB) {
		if tx.Error == nil && tx.Statement != nil && peopleTables[tx.Statement.Table] {
			c.Add(1)
		}
	}
	name := fmt.Sprintf("sprakpool:feed_people_%p_", c)
	db.Callback().Create().After("gorm:create").Register(name+"create", bump)
	db.Callback().Update().After("gorm:update").Register(name+"update", bump)
	db.Callback().Delete().After("gorm:delete").Register(name+"delete", bump)
}

// feedVersion sums up everything a feed shows: its bookings in the window (how
// many, which, their sequences, which every change but a follow-up raises, and
// their last change), and the latest change to any supervisor, workplace or user
// and the number of manager links. Equal versions mean an equal feed: a booking
// that leaves the window changes the count and the sum of ids.
// It comes in two parts: the bookings', and the people's, which also keys the
// rendered events (eventCache).
func (s *Service) feedVersion(db *gorm.DB, scope func(*gorm.DB) *gorm.DB) (bookings, people string, err error) {
	cutoff := s.now().Add(-FeedWindow)
	var n, ids, seqs int64
	var last sql.NullString
	row := scope(db.Model(&booking.Booking{})).
		Select("COUNT(*), COALESCE(SUM(id), 0), COALESCE(SUM(sequence), 0), MAX(updated_at)").
		Where("end_at > ? AND (status = ? OR cancelled_at > ?)", cutoff, booking.StatusConfirmed, cutoff).Row()
	if err := row.Scan(&n, &ids, &seqs, &last); err != nil {
		return "", "", fmt.Errorf("feed version: %w", err)
	}
	var sv, wp, us sql.NullString
	var links int64
	if err := db.Raw(`SELECT (SELECT MAX(updated_at) FROM supervisors), (SELECT MAX(updated_at) FROM workplaces),
		(SELECT MAX(updated_at) FROM users), (SELECT COUNT(*) FROM user_workplaces)`).Row().Scan(&sv, &wp, &us, &links); err != nil {
		return "", "", fmt.Errorf("feed version: %w", err)
	}
	return fmt.Sprintf("%d/%d/%d/%s", n, ids, seqs, last.String),
		fmt.Sprintf("%s/%s/%s/%d/%d", sv.String, wp.String, us.String, links, s.people.Load()), nil
}

// cachedFeed returns the feed key renders, from the cache while its version holds.
// The version is read before rendering, so a change in between leaves an entry
// newer than its version, which the next request's version misses: never stale.
func (s *Service) cachedFeed(db *gorm.DB, key, name string, ownerChanged time.Time, scope func(*gorm.DB) *gorm.DB) (*Feed, error) {
	bookings, people, err := s.feedVersion(db, scope)
	if err != nil {
		return nil, err
	}
	version := bookings + "|" + people + "|" + name + "|" + ownerChanged.UTC().Format(time.RFC3339Nano)
	if f, ok := s.feeds.get(key, version); ok {
		return f, nil
	}
	f, err := s.renderFeed(db, name, ownerChanged, scope, people)
	if err != nil {
		return nil, err
	}
	s.feeds.put(key, version, f)
	return f, nil
}

// A feed that misses the cache (under load, mostly because a booking was added
// to it) differs from its last rendering by an event or two. So each booking's
// event is kept as rendered, keyed by what it shows: the booking's sequence and
// last change, and the people's part of the feed version (names, addresses,
// managers). A feed is then its head, the kept events and the new ones.

// eventCacheBytes bounds the memory the kept events take (an event is about
// 1 kB).
const eventCacheBytes = 32 << 20

// renderedEvent is a booking's event as encoded, kept by booking id with its
// eventKey.
type renderedEvent struct {
	body []byte
	// changed is the latest change of the booking, its supervisor, workplace
	// and managers: the feed's Last-Modified.
	changed time.Time
}

// eventKey is what a booking's event is rendered from: the booking's change and
// the people's.
func eventKey(b *booking.Booking, people string) string {
	return fmt.Sprintf("%d/%s/%s/%s", b.Sequence, b.Status, b.UpdatedAt.UTC().Format(time.RFC3339Nano), people)
}
