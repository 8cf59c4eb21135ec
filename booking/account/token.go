package account

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/internal/sqldb"
)

type apiToken struct {
	ID         int64
	UserID     int64
	TokenHash  string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// CreateToken makes a new API token for the user with that e-mail. The secret is
// returned once; only its hash is kept.
func (s *Service) CreateToken(ctx context.Context, email string) (string, error) {
	u, err := s.svc.UserByEmail(ctx, email)
	if err != nil {
		return "", err
	}
	return s.createToken(ctx, u)
}

func (s *Service) createToken(ctx context.Context, u *booking.User) (string, error) {
	if !u.Active {
		return "", &booking.Error{Code: booking.CodeInvalid, Message: "the user is deactivated"}
	}
	token := "sp_" + randomToken(32)
	err := s.db.Write(ctx, func(tx *gorm.DB) error {
		return tx.Create(&apiToken{UserID: u.ID, TokenHash: hashToken(token), CreatedAt: s.now()}).Error
	})
	if err != nil {
		return "", fmt.Errorf("create token for user %d: %w", u.ID, err)
	}
	return token, nil
}

// RevokeToken ends one API token at once, e.g. the one a script was given
// when the script is retired or the token has leaked. The row stays, so the
// audit of who held which token survives.
func (s *Service) RevokeToken(ctx context.Context, token string) error {
	var n int64
	err := s.db.Write(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&apiToken{}).Where("token_hash = ? AND revoked_at IS NULL", hashToken(token)).Update("revoked_at", s.now())
		n = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	if n == 0 {
		return notFound("token")
	}
	return nil
}

// RevokeTokens ends every API token of the user with that e-mail (the user
// stays active and can sign in) and returns how many were still valid.
func (s *Service) RevokeTokens(ctx context.Context, email string) (int64, error) {
	u, err := s.svc.UserByEmail(ctx, email)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.db.Write(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&apiToken{}).Where("user_id = ? AND revoked_at IS NULL", u.ID).Update("revoked_at", s.now())
		n = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return 0, fmt.Errorf("revoke tokens of user %d: %w", u.ID, err)
	}
	return n, nil
}

// Authenticate finds the user of an API token. A valid token is never limited;
// bad tokens are counted per address.
func (s *Service) Authenticate(ctx context.Context, token, addr string) (*booking.User, error) {
	if token != "" {
		var t apiToken
		err := s.db.Read(ctx).Where("token_hash = ? AND revoked_at IS NULL", hashToken(token)).First(&t).Error
		if err != nil && !sqldb.IsNotFound(err) {
			return nil, fmt.Errorf("authenticate: %w", err)
		}
		if err == nil {
			u, err := s.svc.UserByID(ctx, t.UserID)
			if err != nil {
				return nil, err
			}
			if u.Active {
				return u, s.noteTokenUse(ctx, &t)
			}
		}
	}
	if token == "" {
		// No credentials at all is not a guess: only bad tokens count towards the limit.
		return nil, &booking.Error{Code: booking.CodeUnauthorized, Message: errMsgUnauthenticated}
	}
	n, err := s.recordFailure(ctx, "addr:"+addr)
	if err != nil {
		return nil, err
	}
	if n > maxBadTokensPerAddr {
		return nil, &booking.Error{Code: booking.CodeRateLimited, Message: errMsgRateLimited}
	}
	return nil, &booking.Error{Code: booking.CodeUnauthorized, Message: errMsgUnauthenticated}
}

// noteTokenUse records when a token was last used (the account page shows
// it), at most once per tokenUseResolution. It needs no pool-wide lock: it
// touches one row, and only moves the time forward.
func (s *Service) noteTokenUse(ctx context.Context, t *apiToken) error {
	now := s.now()
	if t.LastUsedAt != nil && now.Sub(*t.LastUsedAt) < tokenUseResolution {
		return nil
	}
	err := s.db.WriteRows(ctx, func(tx *gorm.DB) error {
		return tx.Model(&apiToken{}).Where("id = ? AND (last_used_at IS NULL OR last_used_at < ?)", t.ID, now).
			Update("last_used_at", now).Error
	})
	if err != nil {
		return fmt.Errorf("note use of API token %d: %w", t.ID, err)
	}
	return nil
}

// APIToken is one of a user's API tokens as the account page lists it; the
// secret itself is never stored, so it cannot be shown.
type APIToken struct {
	ID         int64
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

// APITokens lists the actor's own API tokens that still work, newest first.
func (s *Service) APITokens(ctx context.Context, actor *booking.User) ([]APIToken, error) {
	var rows []apiToken
	if err := s.db.Read(ctx).Where("user_id = ? AND revoked_at IS NULL", actor.ID).
		Order("created_at DESC, id DESC").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("API tokens of user %d: %w", actor.ID, err)
	}
	out := make([]APIToken, len(rows))
	for i, r := range rows {
		out[i] = APIToken{ID: r.ID, CreatedAt: r.CreatedAt, LastUsedAt: r.LastUsedAt}
	}
	return out, nil
}

// EndAPIToken revokes one of the actor's own API tokens; another user's
// token, or one already ended, is not found.
func (s *Service) EndAPIToken(ctx context.Context, actor *booking.User, id int64) error {
	var n int64
	err := s.db.Write(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&apiToken{}).Where("id = ? AND user_id = ? AND revoked_at IS NULL", id, actor.ID).Update("revoked_at", s.now())
		n = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return fmt.Errorf("end API token %d: %w", id, err)
	}
	if n == 0 {
		return notFound("token")
	}
	return nil
}
