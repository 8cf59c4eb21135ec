package sqldb

import (
	"sync"
	"sync/atomic"
	"time"
)

// A Memo keeps values read from the database for as long as a watch holds the
// generation they were read at, and ttl at most: on PostgreSQL, until a change
// to their rows commits anywhere (the watch's notice) or is made by this
// process (the watch's tables); on SQLite, where a watch is never live, not at
// all. A full memo starts again empty.
type Memo[K comparable, V any] struct {
	watch   *Watch
	ttl     time.Duration
	size    int
	mu      sync.Mutex
	entries map[K]memoEntry[V]
	hits    atomic.Int64
}

type memoEntry[V any] struct {
	value V
	gen   uint64
	at    time.Time // when read (monotonic)
}

// NewMemo makes a memo of at most size values that watch w's channel vouches for.
func NewMemo[K comparable, V any](w *Watch, ttl time.Duration, size int) *Memo[K, V] {
	return &Memo[K, V]{watch: w, ttl: ttl, size: size, entries: map[K]memoEntry[V]{}}
}

// Get returns the value of key: the one kept, if it holds, or else what read
// returns, which is kept if read says so (a value not found, say, is not).
func (m *Memo[K, V]) Get(key K, read func() (v V, keep bool, err error)) (V, error) {
	gen, live := m.watch.Generation()
	if live {
		m.mu.Lock()
		e, ok := m.entries[key]
		m.mu.Unlock()
		if ok && e.gen == gen && m.watch.Holds(gen) && time.Since(e.at) < m.ttl {
			m.hits.Add(1)
			return e.value, nil
		}
	}
	// The generation is read before the rows: a change committed after they
	// were read moves it, and the value does not hold.
	v, keep, err := read()
	if err != nil || !keep || !live {
		return v, err
	}
	m.mu.Lock()
	if len(m.entries) >= m.size {
		clear(m.entries)
	}
	m.entries[key] = memoEntry[V]{value: v, gen: gen, at: time.Now()}
	m.mu.Unlock()
	return v, nil
}

// Update changes the kept value of key, if there is one, with fn.
func (m *Memo[K, V]) Update(key K, fn func(v *V)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.entries[key]; ok {
		fn(&e.value)
		m.entries[key] = e
	}
}

// Hits counts the values served from the memo, for tests.
func (m *Memo[K, V]) Hits() int64 { return m.hits.Load() }
