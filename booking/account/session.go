package account

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/sprakpool/sprakpool/booking/internal/sqldb"
)

// sessionRow is one browser session. The token itself is never stored, only its hash.
type sessionRow struct {
	TokenHash string `gorm:"primaryKey"`
	Data      []byte
	Expiry    time.Time
	UserID    *int64
}

func (sessionRow) TableName() string { return "sessions" }

// SessionStore keeps browser sessions in the database so they survive restarts,
// are shared by every process, and can be revoked per user. It satisfies the
// Store and CtxStore interfaces of github.com/alexedwards/scs/v2 without this
// package importing it.
type SessionStore struct{ s *Service }

// Sessions returns the service's session store.
func (s *Service) Sessions() *SessionStore { return &SessionStore{s: s} }

// Find returns the data of a session; an unknown token is simply not found.
// The session library checks the deadline inside the data itself.
func (st *SessionStore) Find(token string) ([]byte, bool, error) {
	return st.FindCtx(context.Background(), token)
}

// FindCtx is Find with the request's context.
func (st *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var row sessionRow
	err := st.s.db.Read(ctx).Where("token_hash = ?", hashToken(token)).First(&row).Error
	if sqldb.IsNotFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("find session: %w", err)
	}
	return row.Data, true, nil
}

// Commit writes a session's data, keeping the user it is bound to, and drops
// sessions that have expired.
func (st *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return st.CommitCtx(context.Background(), token, b, expiry)
}

// CommitCtx is Commit with the request's context.
func (st *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	row := sessionRow{TokenHash: hashToken(token), Data: b, Expiry: expiry.UTC()}
	err := st.s.db.Write(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("expiry < ?", st.s.now().Add(-time.Hour)).Delete(&sessionRow{}).Error; err != nil {
			return err
		}
		return tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "token_hash"}},
			DoUpdates: clause.AssignmentColumns([]string{"data", "expiry"})}).Create(&row).Error
	})
	if err != nil {
		return fmt.Errorf("commit session: %w", err)
	}
	return nil
}

// Delete ends a session; an unknown token is not an error.
func (st *SessionStore) Delete(token string) error {
	return st.DeleteCtx(context.Background(), token)
}

// DeleteCtx is Delete with the request's context.
func (st *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	err := st.s.db.Write(ctx, func(tx *gorm.DB) error {
		return tx.Where("token_hash = ?", hashToken(token)).Delete(&sessionRow{}).Error
	})
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// Bind ties a committed session to its user, so that revoking the user's
// sessions reaches it.
func (st *SessionStore) Bind(ctx context.Context, token string, userID int64) error {
	err := st.s.db.Write(ctx, func(tx *gorm.DB) error {
		return tx.Model(&sessionRow{}).Where("token_hash = ?", hashToken(token)).Update("user_id", userID).Error
	})
	if err != nil {
		return fmt.Errorf("bind session to user %d: %w", userID, err)
	}
	return nil
}

// SessionCount reports how many sessions a user has; for tests and the users page.
func (st *SessionStore) SessionCount(ctx context.Context, userID int64) (int64, error) {
	var n int64
	if err := st.s.db.Read(ctx).Model(&sessionRow{}).Where("user_id = ?", userID).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count sessions of user %d: %w", userID, err)
	}
	return n, nil
}
