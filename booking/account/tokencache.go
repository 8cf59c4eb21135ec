package account

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/internal/sqldb"
)

// accountsChannel is the PostgreSQL channel that triggers raise at every change
// to who may use which API token (migration 00020): a revoked token, a user
// changed, deactivated or given other workplaces.
const accountsChannel = "sprakpool_accounts"

// tokenCache keeps the users of API tokens lately used, so that a script's
// requests do not each read their token's user again (on PostgreSQL that read
// was one round trip in eight of a booking's). An entry holds while the watch
// of accountsChannel stays live at the generation it was read at, and for
// tokenCacheTTL at most: a revocation, or any change to a user or their
// workplaces, ends every entry on every instance as soon as it commits. On
// SQLite the watch is never live (the CLI, another process, revokes tokens
// without a word), so nothing is kept.
type tokenCache struct {
	watch   *sqldb.Watch
	mu      sync.Mutex
	entries map[string]tokenEntry // by token hash
	hits    atomic.Int64          // for tests
}

type tokenEntry struct {
	user  booking.User
	token apiToken
	gen   uint64
	at    time.Time // when read (monotonic)
}

const (
	// tokenCacheTTL bounds an entry's life whatever the watch says.
	tokenCacheTTL = time.Minute
	// tokenCacheSize bounds the entries (only valid tokens get one); a full
	// cache starts again empty.
	tokenCacheSize = 10000
)

func newTokenCache(db *sqldb.DB) *tokenCache {
	return &tokenCache{watch: db.Watch(accountsChannel, "api_tokens", "users", "user_workplaces"), entries: map[string]tokenEntry{}}
}

// user returns the active user of the token hash and its token row, from the
// cache or else from read (nil, nil when the token is unknown or revoked).
func (c *tokenCache) user(hash string, read func() (*booking.User, *apiToken, error)) (*booking.User, *apiToken, error) {
	gen, live := c.watch.Generation()
	if live {
		c.mu.Lock()
		e, ok := c.entries[hash]
		c.mu.Unlock()
		if ok && e.gen == gen && c.watch.Holds(gen) && time.Since(e.at) < tokenCacheTTL {
			c.hits.Add(1)
			return e.copy()
		}
	}
	// The generation is read before the row: a change committed after the
	// read moves it, and the entry does not hold.
	u, t, err := read()
	if err != nil || u == nil || !u.Active || !live {
		return u, t, err
	}
	e := tokenEntry{user: *u, token: *t, gen: gen, at: time.Now()}
	e.user.WorkplaceIDs = slices.Clone(u.WorkplaceIDs)
	c.mu.Lock()
	if len(c.entries) >= tokenCacheSize {
		clear(c.entries)
	}
	c.entries[hash] = e
	c.mu.Unlock()
	return u, t, nil
}

// used notes in the cache that the token's use was recorded at.
func (c *tokenCache) used(hash string, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[hash]; ok {
		e.token.LastUsedAt = &at
		c.entries[hash] = e
	}
}

// copy returns copies the caller may change.
func (e tokenEntry) copy() (*booking.User, *apiToken, error) {
	u, t := e.user, e.token
	u.WorkplaceIDs = slices.Clone(e.user.WorkplaceIDs)
	return &u, &t, nil
}
