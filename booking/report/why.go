package report

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/vocab"
)

// YesNo counts the answers to a yes-or-no question; those who did not
// answer are in neither.
type YesNo struct {
	Yes int `json:"yes"`
	No  int `json:"no"`
}

// Share is Yes/(Yes+No) to four decimals, nil without answers.
func (y YesNo) Share() *float64 { return ratio(y.Yes, y.Yes+y.No, 4) }

// followupWhy counts, over the follow-ups of the bookings that start in
// start..end, the reasons ticked (every reason listed, in its order) and the
// answers to would-book-again.
func (s *Service) followupWhy(db *gorm.DB, start, end time.Time) ([]ReasonCount, YesNo, error) {
	var yn YesNo
	type count struct {
		Reason string
		N      int
	}
	var counts []count
	err := db.Raw(`SELECT r.reason, COUNT(*) AS n FROM booking_followup_reasons r JOIN bookings b ON b.id = r.booking_id
		WHERE b.start_at >= ? AND b.start_at < ? GROUP BY r.reason`, start.UTC(), end.UTC()).Scan(&counts).Error
	if err != nil {
		return nil, yn, fmt.Errorf("reasons: %w", err)
	}
	byReason := map[string]int{}
	for _, c := range counts {
		byReason[c.Reason] = c.N
	}
	out := make([]ReasonCount, len(booking.FollowupReasons))
	for i, r := range booking.FollowupReasons {
		out[i] = ReasonCount{Key: r, Label: vocab.Label(vocab.VocabWhy, r, "sv"), Count: byReason[r]}
	}
	row := db.Raw(`SELECT COALESCE(SUM(CASE WHEN f.would_book_again THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN NOT f.would_book_again THEN 1 ELSE 0 END), 0)
		FROM booking_followups f JOIN bookings b ON b.id = f.booking_id
		WHERE b.start_at >= ? AND b.start_at < ? AND f.would_book_again IS NOT NULL`, start.UTC(), end.UTC()).Row()
	if err := row.Scan(&yn.Yes, &yn.No); err != nil {
		return nil, yn, fmt.Errorf("would book again: %w", err)
	}
	return out, yn, nil
}
