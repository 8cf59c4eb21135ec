// Package privacy is a supervisor's personal data: it can be exported (the
// right of access) and erased (the right to erasure). Erasure anonymises instead
// of deleting: the supervisor row, their bookings, hours, languages and statuses
// stay, so every report still adds up; what identifies or describes the person
// (name, contact, free text, their login) is replaced or emptied. Both are
// recorded in the audit log, in the same transaction as the read or the change,
// with the user who did it. Nothing else in the pool writes the audit log.
package privacy

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/internal/feedtoken"
	"github.com/sprakpool/sprakpool/booking/internal/sqldb"
)

// Service exports and erases a supervisor's personal data and keeps the audit
// log, on the pool's database and clock.
type Service struct {
	svc *booking.Service
	db  *sqldb.DB
}

// New is the privacy service of the pool svc.
func New(svc *booking.Service) *Service { return &Service{svc: svc, db: svc.DB()} }

func (s *Service) now() time.Time { return s.svc.Clock() }

func (s *Service) local(t time.Time) time.Time { return t.In(s.svc.Config().Location) }

func forbidden(msg string) error { return &booking.Error{Code: booking.CodeForbidden, Message: msg} }

// Audit actions and subject kinds.
const (
	AuditExport       = "supervisor.export"
	AuditErase        = "supervisor.erase"
	SubjectSupervisor = "supervisor"
)

// Rules an erasure can be refused for (a conflict whose details name each).
const (
	// RuleSupervisorActive: an active supervisor can still be booked; the
	// coordinator deactivates them first, deliberately.
	RuleSupervisorActive = "supervisor_active"
	// RuleFutureBooking: a confirmed booking that has not ended would be held by
	// someone no one can reach; the coordinator reassigns or cancels it first.
	RuleFutureBooking = "future_booking"
)

// AuditEntry is one row of the audit log: who did what to whose data, when.
// Detail is a JSON object that never repeats the personal data itself.
type AuditEntry struct {
	ID          int64
	At          time.Time
	ActorUserID *int64
	Action      string
	SubjectKind string
	SubjectID   int64
	Detail      string
}

// TableName keeps gorm on the schema's name.
func (AuditEntry) TableName() string { return "audit_log" }

// ErasedSupervisorName is the name an erased supervisor is shown with.
func ErasedSupervisorName(id int64) string { return fmt.Sprintf("Raderad handledare #%d", id) }

// erasedAddress is an address that can never receive mail (.invalid, RFC 2606)
// and stays unique per user, as users.email must.
func erasedAddress(kind string, id int64) string {
	return fmt.Sprintf("raderad-%s-%d@sprakpool.invalid", kind, id)
}

// SupervisorExport is everything personal the pool holds about one supervisor.
type SupervisorExport struct {
	ExportedAt   time.Time          `json:"exported_at"`
	Supervisor   ExportedSupervisor `json:"supervisor"`
	Availability []ExportedWindow   `json:"availability"`
	Absences     []ExportedAbsence  `json:"absences"`
	Users        []ExportedUser     `json:"users"`
	Bookings     []ExportedBooking  `json:"bookings"`
	Mail         []ExportedMail     `json:"mail"`
	Audit        []ExportedAudit    `json:"audit"`
}

// ExportedSupervisor is the supervisor's profile. The feed secret is left out:
// it is a credential, not information about the person.
type ExportedSupervisor struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Email     string     `json:"email"`
	Phone     string     `json:"phone"`
	Active    bool       `json:"active"`
	Languages []string   `json:"languages"`
	Areas     []string   `json:"areas"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	ErasedAt  *time.Time `json:"erased_at"`

	// Presentation and LanguageNotes (issue 16) say things about the person.
	Presentation  string            `json:"presentation"`
	LanguageNotes map[string]string `json:"language_notes"`
}

// ExportedWindow is one weekly availability window, local wall-clock time.
type ExportedWindow struct {
	Weekday int    `json:"weekday"`
	Start   string `json:"start"`
	End     string `json:"end"`
}

// ExportedAbsence is one absence with its reason.
type ExportedAbsence struct {
	ID        int64     `json:"id"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Reason    string    `json:"reason"`
	SourceUID *string   `json:"source_uid"`
	CreatedAt time.Time `json:"created_at"`
}

// ExportedUser is a login tied to the supervisor, with its credentials' metadata
// (never the secrets or the password hash).
type ExportedUser struct {
	ID        int64             `json:"id"`
	Email     string            `json:"email"`
	Name      string            `json:"name"`
	Role      string            `json:"role"`
	Locale    string            `json:"locale"`
	Active    bool              `json:"active"`
	Phone     string            `json:"phone"`
	SMS       bool              `json:"sms_reminders"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
	APITokens []ExportedToken   `json:"api_tokens"`
	Sessions  int64             `json:"sessions"`
	Links     []ExportedAccLink `json:"account_links"`
}

// ExportedToken is an API token's metadata.
type ExportedToken struct {
	ID         int64      `json:"id"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// ExportedAccLink is an invitation or password-reset link's metadata.
type ExportedAccLink struct {
	Kind      string     `json:"kind"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	UsedAt    *time.Time `json:"used_at"`
}

// ExportedBooking is one of the supervisor's bookings with the free text in and
// about it: the notes, the cancellation reason, their confirmation, the follow-up.
type ExportedBooking struct {
	ID                   int64                 `json:"id"`
	WorkplaceID          int64                 `json:"workplace_id"`
	Workplace            string                `json:"workplace"`
	Language             string                `json:"language"`
	Area                 string                `json:"area"`
	Mode                 string                `json:"mode"`
	MeetingURL           *string               `json:"meeting_url"`
	Start                time.Time             `json:"start"`
	End                  time.Time             `json:"end"`
	Purpose              string                `json:"purpose"`
	ParticipantsExpected int                   `json:"participants_expected"`
	Notes                string                `json:"notes"`
	Status               string                `json:"status"`
	CancelReasonCode     *string               `json:"cancel_reason_code"`
	CancelReason         *string               `json:"cancel_reason"`
	CancelledAt          *time.Time            `json:"cancelled_at"`
	CreatedAt            time.Time             `json:"created_at"`
	Confirmation         *ExportedConfirmation `json:"confirmation"`
	Followup             *ExportedFollowup     `json:"followup"`
}

// ExportedConfirmation is what the supervisor said happened.
type ExportedConfirmation struct {
	Outcome     string    `json:"outcome"`
	ActualStart time.Time `json:"actual_start"`
	ActualEnd   time.Time `json:"actual_end"`
	Note        string    `json:"note"`
	ConfirmedAt time.Time `json:"confirmed_at"`
}

// ExportedFollowup is what the workplace said after the session.
type ExportedFollowup struct {
	PersonsSupervised int       `json:"persons_supervised"`
	Rating            int       `json:"rating"`
	Comment           string    `json:"comment"`
	WhyBooked         string    `json:"why_booked"`
	CreatedAt         time.Time `json:"created_at"`
}

// ExportedMail is a message the pool sent or will send to the supervisor.
type ExportedMail struct {
	ID        int64      `json:"id"`
	Kind      string     `json:"kind"`
	Recipient string     `json:"recipient"`
	BookingID *int64     `json:"booking_id"`
	Status    string     `json:"status"`
	DueAt     time.Time  `json:"due_at"`
	SentAt    *time.Time `json:"sent_at"`
}

// ExportedAudit is one earlier export or erasure of the supervisor's data.
type ExportedAudit struct {
	At          time.Time `json:"at"`
	Action      string    `json:"action"`
	ActorUserID *int64    `json:"actor_user_id"`
}

// ExportSupervisor returns everything personal the pool holds about a
// supervisor, for the coordinator or the supervisor themself. Reading personal
// data is auditable, so the export is logged in the same transaction.
func (s *Service) ExportSupervisor(ctx context.Context, actor *booking.User, id int64) (*SupervisorExport, error) {
	if !actor.IsAdmin() && !actor.Is(id) {
		return nil, forbidden("only coordinators and the supervisor may export the supervisor's personal data")
	}
	var out *SupervisorExport
	err := s.db.Write(ctx, func(tx *gorm.DB) error {
		var err error
		if out, err = s.collectExport(ctx, tx, id); err != nil {
			return err
		}
		return s.audit(tx, actor, AuditExport, id, map[string]any{"bookings": len(out.Bookings), "users": len(out.Users)})
	})
	if err != nil {
		return nil, fmt.Errorf("export supervisor %d: %w", id, err)
	}
	return out, nil
}

func (s *Service) collectExport(ctx context.Context, tx *gorm.DB, id int64) (*SupervisorExport, error) {
	sv, err := s.svc.SupervisorTx(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	out := &SupervisorExport{ExportedAt: s.local(s.now()),
		Supervisor: ExportedSupervisor{ID: sv.ID, Name: sv.Name, Email: sv.Email, Phone: sv.Phone, Active: sv.Active,
			Languages: sv.Languages, Areas: sv.Areas, Presentation: sv.Presentation, LanguageNotes: sv.LanguageNotes,
			CreatedAt: s.local(sv.CreatedAt), UpdatedAt: s.local(sv.UpdatedAt),
			ErasedAt: s.localPtr(sv.ErasedAt)},
		Availability: []ExportedWindow{}, Absences: []ExportedAbsence{}, Users: []ExportedUser{},
		Bookings: []ExportedBooking{}, Mail: []ExportedMail{}, Audit: []ExportedAudit{}}
	windows, err := windowsOf(tx, id)
	if err != nil {
		return nil, err
	}
	for _, w := range windows {
		out.Availability = append(out.Availability, ExportedWindow{Weekday: w.Weekday, Start: clock(w.Start), End: clock(w.End)})
	}
	var absences []booking.Absence
	if err := tx.Where("supervisor_id = ?", id).Order("start_at, id").Find(&absences).Error; err != nil {
		return nil, fmt.Errorf("absences: %w", err)
	}
	for _, a := range absences {
		out.Absences = append(out.Absences, ExportedAbsence{ID: a.ID, Start: s.local(a.Start), End: s.local(a.End),
			Reason: a.Reason, SourceUID: a.SourceUID, CreatedAt: s.local(a.CreatedAt)})
	}
	users, err := supervisorUsers(tx, id)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		eu, err := s.exportUser(tx, u)
		if err != nil {
			return nil, err
		}
		out.Users = append(out.Users, eu)
	}
	if out.Bookings, err = s.exportBookings(tx, id); err != nil {
		return nil, err
	}
	mails, err := mailTo(tx, users, sv)
	if err != nil {
		return nil, err
	}
	for _, m := range mails {
		out.Mail = append(out.Mail, ExportedMail{ID: m.ID, Kind: m.Kind, Recipient: m.Recipient, BookingID: m.BookingID,
			Status: m.Status, DueAt: s.local(m.DueAt), SentAt: s.localPtr(m.SentAt)})
	}
	var audits []AuditEntry
	if err := tx.Where("subject_kind = ? AND subject_id = ?", SubjectSupervisor, id).Order("id").Find(&audits).Error; err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	for _, a := range audits {
		out.Audit = append(out.Audit, ExportedAudit{At: s.local(a.At), Action: a.Action, ActorUserID: a.ActorUserID})
	}
	return out, nil
}

// tokenRow, sessionRow, linkRow and failureRow are the parts of a login's API
// tokens, sessions, account links and failed sign-ins that the export reads
// (metadata, never the secrets) or the erasure ends.
type tokenRow struct {
	ID         int64
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

func (tokenRow) TableName() string { return "api_tokens" }

type sessionRow struct{ UserID *int64 }

func (sessionRow) TableName() string { return "sessions" }

type linkRow struct {
	Kind      string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

func (linkRow) TableName() string { return "account_tokens" }

type failureRow struct{ Key string }

func (failureRow) TableName() string { return "auth_failures" }

func (s *Service) exportUser(tx *gorm.DB, u booking.User) (ExportedUser, error) {
	eu := ExportedUser{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, Locale: u.Locale, Active: u.Active, Phone: u.Phone, SMS: u.SMSReminders,
		CreatedAt: s.local(u.CreatedAt), UpdatedAt: s.local(u.UpdatedAt), APITokens: []ExportedToken{}, Links: []ExportedAccLink{}}
	var tokens []tokenRow
	if err := tx.Where("user_id = ?", u.ID).Order("id").Find(&tokens).Error; err != nil {
		return eu, fmt.Errorf("api tokens of user %d: %w", u.ID, err)
	}
	for _, t := range tokens {
		eu.APITokens = append(eu.APITokens, ExportedToken{ID: t.ID, CreatedAt: s.local(t.CreatedAt),
			LastUsedAt: s.localPtr(t.LastUsedAt), RevokedAt: s.localPtr(t.RevokedAt)})
	}
	if err := tx.Model(&sessionRow{}).Where("user_id = ?", u.ID).Count(&eu.Sessions).Error; err != nil {
		return eu, fmt.Errorf("sessions of user %d: %w", u.ID, err)
	}
	var links []linkRow
	if err := tx.Where("user_id = ?", u.ID).Order("id").Find(&links).Error; err != nil {
		return eu, fmt.Errorf("account links of user %d: %w", u.ID, err)
	}
	for _, l := range links {
		eu.Links = append(eu.Links, ExportedAccLink{Kind: l.Kind, CreatedAt: s.local(l.CreatedAt),
			ExpiresAt: s.local(l.ExpiresAt), UsedAt: s.localPtr(l.UsedAt)})
	}
	return eu, nil
}

func (s *Service) exportBookings(tx *gorm.DB, id int64) ([]ExportedBooking, error) {
	var list []booking.Booking
	if err := tx.Where("supervisor_id = ?", id).Order("start_at, id").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("bookings: %w", err)
	}
	theirs := tx.Table("bookings").Select("id").Where("supervisor_id = ?", id)
	var confirmations []booking.Confirmation
	if err := tx.Where("booking_id IN (?)", theirs).Find(&confirmations).Error; err != nil {
		return nil, fmt.Errorf("confirmations: %w", err)
	}
	confirmed := map[int64]*booking.Confirmation{}
	for i := range confirmations {
		confirmed[confirmations[i].BookingID] = &confirmations[i]
	}
	var followups []booking.Followup
	if err := tx.Where("booking_id IN (?)", theirs).Find(&followups).Error; err != nil {
		return nil, fmt.Errorf("follow-ups: %w", err)
	}
	followedUp := map[int64]*booking.Followup{}
	for i := range followups {
		followedUp[followups[i].BookingID] = &followups[i]
	}
	names, err := workplaceNames(tx)
	if err != nil {
		return nil, err
	}
	out := make([]ExportedBooking, 0, len(list))
	for _, b := range list {
		eb := ExportedBooking{ID: b.ID, WorkplaceID: b.WorkplaceID, Workplace: names[b.WorkplaceID],
			Language: b.Language, Area: b.Area, Mode: b.Mode, MeetingURL: b.MeetingURL, Start: s.local(b.Start),
			End: s.local(b.End), Purpose: b.Purpose, ParticipantsExpected: b.ParticipantsExpected, Notes: b.Notes,
			Status: b.Status, CancelReasonCode: b.CancelReasonCode, CancelReason: b.CancelReason,
			CancelledAt: s.localPtr(b.CancelledAt), CreatedAt: s.local(b.CreatedAt)}
		if c := confirmed[b.ID]; c != nil {
			eb.Confirmation = &ExportedConfirmation{Outcome: c.Outcome, ActualStart: s.local(c.ActualStart),
				ActualEnd: s.local(c.ActualEnd), Note: c.Note, ConfirmedAt: s.local(c.ConfirmedAt)}
		}
		if f := followedUp[b.ID]; f != nil {
			eb.Followup = &ExportedFollowup{PersonsSupervised: f.PersonsSupervised, Rating: f.Rating,
				Comment: f.Comment, WhyBooked: f.WhyBooked, CreatedAt: s.local(f.CreatedAt)}
		}
		out = append(out, eb)
	}
	return out, nil
}

// windowsOf is the supervisor's weekly availability, in order.
func windowsOf(tx *gorm.DB, id int64) ([]booking.Window, error) {
	var rows []struct{ Weekday, StartMinute, EndMinute int }
	if err := tx.Table("availability").Select("weekday, start_minute, end_minute").Where("supervisor_id = ?", id).
		Order("weekday, start_minute").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("availability of supervisor %d: %w", id, err)
	}
	out := make([]booking.Window, len(rows))
	for i, r := range rows {
		out[i] = booking.Window{Weekday: r.Weekday, Start: r.StartMinute, End: r.EndMinute}
	}
	return out, nil
}

// workplaceNames maps each workplace's id to its name.
func workplaceNames(tx *gorm.DB) (map[int64]string, error) {
	var list []booking.Workplace
	if err := tx.Select("id, name").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("workplaces: %w", err)
	}
	out := make(map[int64]string, len(list))
	for _, w := range list {
		out[w.ID] = w.Name
	}
	return out, nil
}

// supervisorUsers are the logins tied to the supervisor.
func supervisorUsers(tx *gorm.DB, id int64) ([]booking.User, error) {
	var users []booking.User
	if err := tx.Where("supervisor_id = ?", id).Order("id").Find(&users).Error; err != nil {
		return nil, fmt.Errorf("users of supervisor %d: %w", id, err)
	}
	return users, nil
}

// addressesOf maps each e-mail address of the supervisor and their users
// (lower case) to what it becomes on erasure: a user's address to that user's
// placeholder, the supervisor's own to the supervisor's.
func addressesOf(users []booking.User, sv *booking.Supervisor) map[string]string {
	out := map[string]string{}
	for _, u := range users {
		if e := strings.ToLower(strings.TrimSpace(u.Email)); e != "" {
			out[e] = erasedAddress("anvandare", u.ID)
		}
	}
	if e := strings.ToLower(strings.TrimSpace(sv.Email)); e != "" {
		if _, ok := out[e]; !ok {
			out[e] = erasedAddress("handledare", sv.ID)
		}
	}
	return out
}

// mailTo lists the outbox rows addressed to the supervisor or their users.
func mailTo(tx *gorm.DB, users []booking.User, sv *booking.Supervisor) ([]booking.Message, error) {
	ids := []int64{0}
	for _, u := range users {
		ids = append(ids, u.ID)
	}
	addrs := []string{""}
	for a := range addressesOf(users, sv) {
		addrs = append(addrs, a)
	}
	var list []booking.Message
	if err := tx.Where("user_id IN ? OR lower(recipient) IN ?", ids, addrs).Order("id").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("mail to supervisor %d: %w", sv.ID, err)
	}
	return list, nil
}

// CheckErase reports whether the supervisor's data may be erased now: nil, or
// the conflict EraseSupervisor would refuse with, listing every reason.
func (s *Service) CheckErase(ctx context.Context, actor *booking.User, id int64) error {
	if !actor.IsAdmin() {
		return forbidden("only coordinators may erase a supervisor's personal data")
	}
	db := s.db.Read(ctx)
	sv, err := s.svc.SupervisorTx(ctx, db, id)
	if err != nil {
		return err
	}
	return s.eraseBlocked(db, sv)
}

// eraseBlocked refuses an erasure that would leave a bookable supervisor no one
// can reach: the supervisor must be inactive and have no confirmed booking that
// has not ended. It lists every reason at once, so the coordinator can act.
func (s *Service) eraseBlocked(db *gorm.DB, sv *booking.Supervisor) error {
	var vs []booking.Violation
	if sv.Active {
		vs = append(vs, booking.Violation{Rule: RuleSupervisorActive})
	}
	var coming []booking.Booking
	if err := db.Where("supervisor_id = ? AND status = ? AND end_at > ?", sv.ID, booking.StatusConfirmed, s.now()).
		Order("start_at, id").Find(&coming).Error; err != nil {
		return fmt.Errorf("coming bookings of supervisor %d: %w", sv.ID, err)
	}
	for _, b := range coming {
		start, end := s.local(b.Start), s.local(b.End)
		vs = append(vs, booking.Violation{Rule: RuleFutureBooking, BookingID: b.ID, Start: &start, End: &end})
	}
	if len(vs) == 0 {
		return nil
	}
	return &booking.Error{Code: booking.CodeConflict, Details: vs, Message: "the personal data cannot be erased yet: " +
		"deactivate the supervisor and reassign or cancel their coming bookings first"}
}

// EraseSupervisor anonymises a supervisor's personal data (coordinators only):
// the name becomes ErasedSupervisorName, e-mail and phone are emptied, every
// free text in their absences and bookings (notes, cancellation reasons,
// confirmation notes, follow-up comments, also in the booking event log) is
// emptied, their logins are deactivated and anonymised with every API token,
// session and account link ended, their calendar feed URL stops working, and
// their mail in the outbox is readdressed (what was not sent is skipped).
// Bookings, times, languages, areas and statuses stay, so reports still add up.
// Erasing again is harmless and logged again.
func (s *Service) EraseSupervisor(ctx context.Context, actor *booking.User, id int64) (*booking.Supervisor, error) {
	if !actor.IsAdmin() {
		return nil, forbidden("only coordinators may erase a supervisor's personal data")
	}
	var sv *booking.Supervisor
	err := s.db.Write(ctx, func(tx *gorm.DB) error {
		cur, err := s.svc.SupervisorTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.eraseBlocked(tx, cur); err != nil {
			return err
		}
		detail, err := s.erase(tx, cur)
		if err != nil {
			return err
		}
		if err := s.audit(tx, actor, AuditErase, id, detail); err != nil {
			return err
		}
		sv, err = s.svc.SupervisorTx(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("erase supervisor %d: %w", id, err)
	}
	return sv, nil
}

// erase does the anonymisation inside the caller's transaction and returns what
// it touched, by count and id only, for the audit log.
func (s *Service) erase(tx *gorm.DB, sv *booking.Supervisor) (map[string]any, error) {
	now := s.now()
	users, err := supervisorUsers(tx, sv.ID)
	if err != nil {
		return nil, err
	}
	mails, err := mailTo(tx, users, sv)
	if err != nil {
		return nil, err
	}
	if err := s.eraseMail(tx, mails, users, sv); err != nil {
		return nil, err
	}
	userIDs := []int64{}
	for _, u := range users {
		if err := eraseUser(tx, u, sv.ID, now); err != nil {
			return nil, err
		}
		userIDs = append(userIDs, u.ID)
	}
	nonce, hash, err := feedtoken.NewNonceTx(tx, booking.FeedSupervisor)
	if err != nil {
		return nil, err
	}
	erasedAt := now
	if sv.ErasedAt != nil {
		erasedAt = *sv.ErasedAt
	}
	if err := tx.Table("supervisors").Where("id = ?", sv.ID).Updates(map[string]any{
		"name": ErasedSupervisorName(sv.ID), "email": "", "phone": "", "presentation": "", "feed_nonce": nonce,
		"feed_token_hash": hash, "erased_at": erasedAt, "updated_at": now}).Error; err != nil {
		return nil, fmt.Errorf("anonymise supervisor: %w", err)
	}
	// A language note may say where the supervisor comes from: personal too.
	if err := tx.Table("supervisor_languages").Where("supervisor_id = ?", sv.ID).Update("note", "").Error; err != nil {
		return nil, fmt.Errorf("erase language notes: %w", err)
	}
	res := tx.Table("absences").Where("supervisor_id = ?", sv.ID).Update("reason", "")
	if res.Error != nil {
		return nil, fmt.Errorf("erase absence reasons: %w", res.Error)
	}
	absences := res.RowsAffected
	bookings, err := eraseBookingTexts(tx, sv.ID, now)
	if err != nil {
		return nil, err
	}
	return map[string]any{"users": userIDs, "bookings": bookings, "absences": absences, "mail": len(mails)}, nil
}

// eraseUser deactivates and anonymises one login and ends every way in: API
// tokens, sessions, unused invitation and reset links. The password hash goes
// too, so no password can ever match again.
func eraseUser(tx *gorm.DB, u booking.User, supervisorID int64, now time.Time) error {
	if err := tx.Table("users").Where("id = ?", u.ID).Updates(map[string]any{
		"name": ErasedSupervisorName(supervisorID), "email": erasedAddress("anvandare", u.ID),
		"password_hash": "", "active": false, "phone": "", "sms_reminders": false, "updated_at": now}).Error; err != nil {
		return fmt.Errorf("anonymise user %d: %w", u.ID, err)
	}
	if err := tx.Table("api_tokens").Where("user_id = ? AND revoked_at IS NULL", u.ID).Update("revoked_at", now).Error; err != nil {
		return fmt.Errorf("revoke tokens of user %d: %w", u.ID, err)
	}
	if err := tx.Where("user_id = ?", u.ID).Delete(&sessionRow{}).Error; err != nil {
		return fmt.Errorf("end sessions of user %d: %w", u.ID, err)
	}
	if err := tx.Table("account_tokens").Where("user_id = ? AND used_at IS NULL", u.ID).Update("used_at", now).Error; err != nil {
		return fmt.Errorf("end account links of user %d: %w", u.ID, err)
	}
	// Failed sign-ins are counted under the address (booking's sign-in limit,
	// user.go); the count would keep it.
	if err := tx.Where("key = ?", "account:"+strings.ToLower(u.Email)).Delete(&failureRow{}).Error; err != nil {
		return fmt.Errorf("forget sign-in failures of user %d: %w", u.ID, err)
	}
	return nil
}

// eraseMail readdresses the outbox rows to the supervisor: the address leaves
// the recipient and the unique key (which may hold it), the payload (which may
// hold a name or a link) is emptied, and what was not sent yet is skipped.
func (s *Service) eraseMail(tx *gorm.DB, mails []booking.Message, users []booking.User, sv *booking.Supervisor) error {
	if len(mails) == 0 {
		return nil
	}
	addrs := addressesOf(users, sv)
	byUser := map[int64]string{}
	for _, u := range users {
		byUser[u.ID] = erasedAddress("anvandare", u.ID)
	}
	for _, m := range mails {
		to, ok := addrs[strings.ToLower(strings.TrimSpace(m.Recipient))]
		if m.UserID != nil && byUser[*m.UserID] != "" {
			to, ok = byUser[*m.UserID], true
		}
		if !ok {
			to = erasedAddress("handledare", sv.ID)
		}
		key := m.Key
		for from, repl := range addrs {
			key = strings.ReplaceAll(key, from, repl)
		}
		// The Message-ID is a hash of the key, so it follows the key.
		change := map[string]any{"recipient": to, "key": key, "message_id": s.svc.MessageID(key), "payload": "{}"}
		if m.Status == booking.MessagePending || m.Status == booking.MessageFailed {
			change["status"], change["last_error"] = booking.MessageSkipped, "recipient's personal data erased"
		}
		if err := tx.Table("outbox").Where("id = ?", m.ID).Updates(change).Error; err != nil {
			return fmt.Errorf("readdress mail %d: %w", m.ID, err)
		}
	}
	return nil
}

// eventTextKeys are the free-text fields the booking event log copies from
// cancellations ("reason"), confirmations ("Note") and follow-ups.
var eventTextKeys = []string{"reason", "Note", "Comment", "WhyBooked"}

// eraseBookingTexts empties every free text of the supervisor's bookings, in
// the bookings and their confirmations, follow-ups and event log, and returns
// how many bookings there are. Numbers, codes, times and statuses stay.
func eraseBookingTexts(tx *gorm.DB, supervisorID int64, now time.Time) (int64, error) {
	var n int64
	if err := tx.Table("bookings").Where("supervisor_id = ?", supervisorID).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count bookings: %w", err)
	}
	// Calendar events show the notes and the reason: updated_at (their DTSTAMP)
	// moves, so subscribed calendars replace the text too. The sequence stays:
	// nothing about the session changed.
	if err := tx.Table("bookings").
		Where("supervisor_id = ? AND (notes <> '' OR (cancel_reason IS NOT NULL AND cancel_reason <> ''))", supervisorID).
		Updates(map[string]any{"notes": "", "updated_at": now,
			"cancel_reason": gorm.Expr("CASE WHEN cancel_reason IS NULL THEN NULL ELSE '' END")}).Error; err != nil {
		return 0, fmt.Errorf("erase booking notes and cancellation reasons: %w", err)
	}
	theirs := tx.Table("bookings").Select("id").Where("supervisor_id = ?", supervisorID)
	if err := tx.Table("booking_confirmations").Where("booking_id IN (?)", theirs).Update("note", "").Error; err != nil {
		return 0, fmt.Errorf("erase confirmation notes: %w", err)
	}
	if err := tx.Table("booking_followups").Where("booking_id IN (?)", theirs).
		Updates(map[string]any{"comment": "", "why_booked": ""}).Error; err != nil {
		return 0, fmt.Errorf("erase follow-up comments: %w", err)
	}
	var events []booking.Event
	if err := tx.Where("booking_id IN (?)", theirs).Find(&events).Error; err != nil {
		return 0, fmt.Errorf("read booking events: %w", err)
	}
	for _, e := range events {
		data, changed := blankJSONText(e.Data, eventTextKeys)
		if !changed {
			continue
		}
		if err := tx.Table("booking_events").Where("id = ?", e.ID).Update("data", data).Error; err != nil {
			return 0, fmt.Errorf("erase text of booking event %d: %w", e.ID, err)
		}
	}
	return n, nil
}

// blankJSONText empties the non-empty string values under keys of a JSON object
// (at any depth) and reports whether anything changed.
func blankJSONText(raw string, keys []string) (string, bool) {
	var v any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		return raw, false
	}
	changed := false
	var walk func(any)
	walk = func(x any) {
		switch t := x.(type) {
		case map[string]any:
			for k, val := range t {
				if str, ok := val.(string); ok && str != "" && slices.Contains(keys, k) {
					t[k] = ""
					changed = true
					continue
				}
				walk(val)
			}
		case []any:
			for _, val := range t {
				walk(val)
			}
		}
	}
	walk(v)
	if !changed {
		return raw, false
	}
	out, err := json.Marshal(v)
	if err != nil {
		return raw, false
	}
	return string(out), true
}

// audit writes one audit log row inside the caller's transaction.
func (s *Service) audit(tx *gorm.DB, actor *booking.User, action string, subjectID int64, detail any) error {
	raw, err := json.Marshal(detail)
	if err != nil {
		return err
	}
	var actorID *int64
	if actor != nil && actor.ID != 0 {
		actorID = &actor.ID
	}
	e := &AuditEntry{At: s.now(), ActorUserID: actorID, Action: action, SubjectKind: SubjectSupervisor,
		SubjectID: subjectID, Detail: string(raw)}
	if err := tx.Create(e).Error; err != nil {
		return fmt.Errorf("write audit log: %w", err)
	}
	return nil
}

// MaxAuditRows is the most rows AuditLog returns at once.
const MaxAuditRows = 1000

// AuditLog returns the newest audit rows, newest first (coordinators only).
func (s *Service) AuditLog(ctx context.Context, actor *booking.User, limit int) ([]AuditEntry, error) {
	if !actor.IsAdmin() {
		return nil, forbidden("only coordinators may read the audit log")
	}
	if limit < 1 || limit > MaxAuditRows {
		return nil, (&booking.Problems{{Field: "limit", Key: "limit", Message: fmt.Sprintf("must be 1 to %d", MaxAuditRows)}}).Err()
	}
	list := []AuditEntry{}
	if err := s.db.Read(ctx).Order("id DESC").Limit(limit).Find(&list).Error; err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	for i := range list {
		list[i].At = s.local(list[i].At)
	}
	return list, nil
}

func (s *Service) localPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := s.local(*t)
	return &v
}

// clock formats minutes after local midnight as "08:30" ("24:00" for 1440).
func clock(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }
