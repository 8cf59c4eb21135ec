package booking

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Message is one message in the outbox: to one address on one channel, of one
// kind, unique by its key on its channel (a second plan of the same message is
// a no-op). The Message-ID is derived from the key, so a retry is recognisably
// the same message, and the status moves pending → sending (claimed with a
// lease) → sent, failed or skipped.
//
// booking/outbox plans, claims, records and lists messages. The row type and
// InsertMessage are here, in the core, because the core writes the mail of an
// account link in the same transaction as the link (booking/outbox imports
// booking, so the core cannot call it).
type Message struct {
	ID      int64
	Key     string
	Channel string
	Kind    string
	// BookingID and Sequence name the booking, and its version, the message is about.
	BookingID *int64
	Sequence  *int
	UserID    *int64
	// Recipient is the address on the channel: an e-mail address for e-mail.
	Recipient     string
	Payload       string
	DueAt         time.Time
	Status        string
	Attempts      int
	NextAttemptAt time.Time
	ClaimedUntil  *time.Time
	MessageID     string
	SentAt        *time.Time
	LastError     string
	CreatedAt     time.Time
	// RecipientName and Locale come from the recipient's user, when there is
	// one; booking/outbox fills them in when it hands a message to its sender.
	RecipientName string `gorm:"-"`
	Locale        string `gorm:"-"`
}

// TableName keeps gorm on the schema's name.
func (Message) TableName() string { return "outbox" }

// ChannelEmail is e-mail, the outbox's channel unless a message names another.
const ChannelEmail = "email"

// ChannelSMS is a text message to a user's own phone (Recipient is the number
// in E.164); its key is the key of the e-mail it goes beside.
const ChannelSMS = "sms"

// Statuses of a message.
const (
	MessagePending = "pending"
	MessageSending = "sending"
	MessageSent    = "sent"
	MessageFailed  = "failed"
	MessageSkipped = "skipped"
)

// InsertMessage adds m to the outbox inside tx unless a message with its key
// is there on its channel already, and reports whether it added it. It fills
// in what every new message starts with: pending, by e-mail unless m names a
// channel, due now unless m says when, first tried when due unless m says
// otherwise, with the Message-ID of its key.
func (s *Service) InsertMessage(tx *gorm.DB, m *Message) (bool, error) {
	now := s.now()
	if m.Channel == "" {
		m.Channel = ChannelEmail
	}
	if m.DueAt.IsZero() {
		m.DueAt = now
	}
	if m.NextAttemptAt.IsZero() {
		m.NextAttemptAt = m.DueAt
	}
	if m.Payload == "" {
		m.Payload = "{}"
	}
	m.DueAt, m.NextAttemptAt = m.DueAt.UTC(), m.NextAttemptAt.UTC()
	m.Status, m.MessageID, m.CreatedAt = MessagePending, s.messageID(m.Key), now
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(m)
	return res.RowsAffected > 0, res.Error
}

// messageID is stable for a key: a retried or re-planned message keeps it, so a
// receiver can drop a duplicate if a send is ever repeated after a crash. It
// ends in the sender's domain, which the sender vouches for (RFC 5322 §3.6.4).
func (s *Service) messageID(key string) string {
	sum := sha256.Sum256([]byte(key))
	host := "sprakpool.localhost"
	if i := strings.LastIndex(s.cfg.MailFrom, "@"); i >= 0 && i < len(s.cfg.MailFrom)-1 {
		host = strings.Trim(s.cfg.MailFrom[i+1:], "<> ")
	} else if u, err := url.Parse(s.cfg.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return hex.EncodeToString(sum[:16]) + "@" + host
}

// MessageID is the Message-ID of the outbox's message with that key, for the
// privacy erasure, which rewrites keys that hold an address.
func (s *Service) MessageID(key string) string { return s.messageID(key) }
