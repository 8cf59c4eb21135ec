package account

import (
	"slices"
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
// of accountsChannel holds (sqldb.Memo), and a minute at most: a revocation,
// or any change to a user or their workplaces, ends every entry on every
// instance as soon as it commits. On SQLite the watch is never live (the CLI,
// another process, revokes tokens without a word), so nothing is kept.
type tokenCache = sqldb.Memo[string, tokenEntry] // by token hash

type tokenEntry struct {
	user  booking.User
	token apiToken
}

func newTokenCache(db *sqldb.DB) *tokenCache {
	w := db.Watch(accountsChannel, "api_tokens", "users", "user_workplaces")
	return sqldb.NewMemo[string, tokenEntry](w, time.Minute, 10000)
}

// tokenUserCached is tokenUser through the cache; what it returns is the
// caller's to change.
func (s *Service) tokenUserCached(hash string, read func() (*booking.User, *apiToken, error)) (*booking.User, *apiToken, error) {
	e, err := s.tokens.Get(hash, func() (tokenEntry, bool, error) {
		u, t, err := read()
		if err != nil || u == nil {
			return tokenEntry{}, false, err
		}
		return tokenEntry{user: *u, token: *t}, u.Active, nil
	})
	if err != nil || e.user.ID == 0 {
		return nil, nil, err
	}
	u, t := e.user, e.token
	u.WorkplaceIDs = slices.Clone(e.user.WorkplaceIDs)
	return &u, &t, nil
}
