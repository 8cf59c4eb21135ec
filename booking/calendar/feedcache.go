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

// feedCache keeps rendered feeds by feed ("supervisors:17"), each with the
// version it was rendered from.
type feedCache struct {
	mu      sync.Mutex
	entries map[string]feedCacheEntry
	bytes   int
	// people counts this process's committed changes to supervisors, workplaces,
	// users and their links: a test clock may stamp two versions of a name with
	// one updated_at, which the database's part of the version cannot tell apart.
	people atomic.Int64
}

type feedCacheEntry struct {
	version string
	feed    *Feed
}

func newFeedCache() *feedCache { return &feedCache{entries: map[string]feedCacheEntry{}} }

func (c *feedCache) get(key, version string) *Feed {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok && e.version == version {
		return e.feed
	}
	return nil
}

func (c *feedCache) put(key, version string, f *Feed) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.entries[key]; ok {
		c.bytes -= len(old.feed.Body)
		delete(c.entries, key)
	}
	if len(f.Body) > feedCacheBytes/4 {
		return // the pool's feed of a big pool: not worth the memory
	}
	for k, e := range c.entries { // map order: an arbitrary victim is good enough
		if c.bytes+len(f.Body) <= feedCacheBytes {
			break
		}
		c.bytes -= len(e.feed.Body)
		delete(c.entries, k)
	}
	c.entries[key] = feedCacheEntry{version: version, feed: f}
	c.bytes += len(f.Body)
}

// peopleTables are the tables whose rows a feed's events show besides bookings.
var peopleTables = map[string]bool{"supervisors": true, "workplaces": true, "users": true, "user_workplaces": true}

// watchPeople counts the changes to peopleTables made through gorm in this
// process (rows are never changed by raw SQL outside migrations). The callbacks
// are named after the cache: gorm runs one callback per name, and every
// calendar.Service built on the database keeps a cache of its own.
func (c *feedCache) watchPeople(db *gorm.DB) {
	bump := func(tx *gorm.DB) {
		if tx.Error == nil && tx.Statement != nil && peopleTables[tx.Statement.Table] {
			c.people.Add(1)
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
		fmt.Sprintf("%s/%s/%s/%d/%d", sv.String, wp.String, us.String, links, s.feeds.people.Load()), nil
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
	if f := s.feeds.get(key, version); f != nil {
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

// eventCache keeps rendered events by booking id.
type eventCache struct {
	mu      sync.Mutex
	entries map[int64]renderedEvent
	bytes   int
}

type renderedEvent struct {
	key  string
	body []byte
	// changed is the latest change of the booking, its supervisor, workplace
	// and managers: the feed's Last-Modified.
	changed time.Time
}

func newEventCache() *eventCache { return &eventCache{entries: map[int64]renderedEvent{}} }

// eventKey is what a booking's event is rendered from, besides the people.
func eventKey(b *booking.Booking, people string) string {
	return fmt.Sprintf("%d/%s/%s/%s", b.Sequence, b.Status, b.UpdatedAt.UTC().Format(time.RFC3339Nano), people)
}

func (c *eventCache) get(id int64, key string) (renderedEvent, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[id]
	return e, ok && e.key == key
}

func (c *eventCache) put(id int64, e renderedEvent) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.entries[id]; ok {
		c.bytes -= len(old.body)
		delete(c.entries, id)
	}
	for k, old := range c.entries { // map order: an arbitrary victim is good enough
		if c.bytes+len(e.body) <= eventCacheBytes {
			break
		}
		c.bytes -= len(old.body)
		delete(c.entries, k)
	}
	c.entries[id] = e
	c.bytes += len(e.body)
}
