package account

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/sprakpool/sprakpool/booking"
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
	if token == "" {
		// No credentials at all is not a guess: only bad tokens count towards the limit.
		return nil, &booking.Error{Code: booking.CodeUnauthorized, Message: errMsgUnauthenticated}
	}
	hash := hashToken(token)
	u, t, err := s.tokenUserCached(hash, func() (*booking.User, *apiToken, error) { return s.tokenUser(ctx, hash) })
	if err != nil {
		return nil, err
	}
	if u != nil && u.Active {
		at, err := s.noteTokenUse(ctx, t)
		if !at.IsZero() {
			s.tokens.Update(hash, func(e *tokenEntry) { e.token.LastUsedAt = &at })
		}
		return u, err
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

// tokenUser reads the user of a token that is not revoked, with the user's
// workplaces, in one query on the unique index of token_hash: every API request
// runs it. Nil when no such token exists.
func (s *Service) tokenUser(ctx context.Context, hash string) (*booking.User, *apiToken, error) {
	workplaces := "group_concat(workplace_id)"
	if !s.db.SQLite {
		workplaces = "string_agg(workplace_id::text, ',')"
	}
	rows, err := s.db.Read(ctx).Raw(`SELECT t.id, t.last_used_at, u.id, u.email, u.name, u.role, u.password_hash, u.supervisor_id,
		u.locale, u.active, u.phone, u.sms_reminders, u.created_at, u.updated_at,
		(SELECT `+workplaces+` FROM user_workplaces WHERE user_id = u.id)
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? AND t.revoked_at IS NULL`, hash).Rows()
	if err != nil {
		return nil, nil, fmt.Errorf("authenticate: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, nil, rows.Err()
	}
	var u booking.User
	t := apiToken{TokenHash: hash}
	var ids sql.NullString
	if err := rows.Scan(&t.ID, &t.LastUsedAt, &u.ID, &u.Email, &u.Name, &u.Role, &u.PasswordHash, &u.SupervisorID,
		&u.Locale, &u.Active, &u.Phone, &u.SMSReminders, &u.CreatedAt, &u.UpdatedAt, &ids); err != nil {
		return nil, nil, fmt.Errorf("authenticate: %w", err)
	}
	t.UserID = u.ID
	u.WorkplaceIDs = []int64{}
	for _, f := range strings.Split(ids.String, ",") {
		if id, err := strconv.ParseInt(f, 10, 64); err == nil {
			u.WorkplaceIDs = append(u.WorkplaceIDs, id)
		}
	}
	slices.Sort(u.WorkplaceIDs)
	return &u, &t, nil
}

// noteTokenUse records when a token was last used (the account page shows
// it), at most once per tokenUseResolution, and returns when it noted it (zero
// when it did not). It needs no pool-wide lock: it touches one row, and only
// moves the time forward.
func (s *Service) noteTokenUse(ctx context.Context, t *apiToken) (time.Time, error) {
	now := s.now()
	if t.LastUsedAt != nil && now.Sub(*t.LastUsedAt) < tokenUseResolution {
		return time.Time{}, nil
	}
	err := s.db.WriteRows(ctx, func(tx *gorm.DB) error {
		// Raw, so the token cache's watch does not take it for a change of
		// who may use the token (nor does the trigger of migration 00020).
		return tx.Exec("UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
			now, t.ID, now).Error
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("note use of API token %d: %w", t.ID, err)
	}
	return now, nil
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
