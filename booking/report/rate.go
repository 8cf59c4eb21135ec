package report

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/internal/sqldb"
)

// Rate is an hourly rate in force for a funding period: what a workplace is
// charged per billable hour from ValidFrom to ValidTo (local dates, both
// included; nil: until further notice), and who pays the pool meanwhile. Rates
// are data the coordinator keeps, because funding changes (a project grant for
// the first months, a price per hour afterwards) and old bills must still add up.
// A rate with a WorkplaceID applies to that workplace only and wins over a
// pool-wide rate (WorkplaceID nil) on the same date.
type Rate struct {
	ID            int64
	WorkplaceID   *int64
	ValidFrom     string  // YYYY-MM-DD
	ValidTo       *string // YYYY-MM-DD, included
	HourlyRateOre int64   `gorm:"column:hourly_rate_ore"` // in öre, so sums are exact
	Funder        string
	Note          string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// HourlyRate is the rate in kronor.
func (r *Rate) HourlyRate() float64 { return float64(r.HourlyRateOre) / 100 }

// covers reports whether the rate is in force on the date (YYYY-MM-DD) for the workplace.
func (r *Rate) covers(date string, workplaceID int64) bool {
	if r.WorkplaceID != nil && *r.WorkplaceID != workplaceID {
		return false
	}
	return r.ValidFrom <= date && (r.ValidTo == nil || date <= *r.ValidTo)
}

// RateInput creates or changes a rate; nil fields are left as they are. An
// empty To means until further notice; HourlyRate is in kronor (öre allowed).
type RateInput struct {
	WorkplaceID *int64
	From        *string
	To          *string
	HourlyRate  *float64
	Funder      *string
	Note        *string
}

// maxHourlyRate bounds a rate in kronor, to catch a rate typed in öre by mistake.
const maxHourlyRate = 100000

func (in *RateInput) apply(p *booking.Problems, r *Rate, loc *time.Location) {
	if in.WorkplaceID != nil {
		r.WorkplaceID = in.WorkplaceID
		if *in.WorkplaceID == 0 {
			r.WorkplaceID = nil
		}
	}
	if in.From != nil {
		if booking.ParseDate(p, "from", *in.From, loc).IsZero() {
			return
		}
		r.ValidFrom = *in.From
	}
	if in.To != nil {
		if *in.To == "" {
			r.ValidTo = nil
		} else if !booking.ParseDate(p, "to", *in.To, loc).IsZero() {
			to := *in.To
			r.ValidTo = &to
		}
	}
	if in.HourlyRate != nil {
		v := *in.HourlyRate
		if math.IsNaN(v) || v < 0 || v > maxHourlyRate {
			p.Add("hourly_rate", "hourly_rate", "must be between 0 and %d kronor", maxHourlyRate)
		} else {
			r.HourlyRateOre = int64(math.Round(v * 100))
		}
	}
	if in.Funder != nil {
		booking.CheckText(p, "funder", *in.Funder, 200, false)
		r.Funder = strings.TrimSpace(*in.Funder)
	}
	if in.Note != nil {
		booking.CheckText(p, "note", *in.Note, 1000, false)
		r.Note = *in.Note
	}
}

// Rates returns every rate, pool-wide ones first, then by workplace and date.
func (s *Service) Rates(ctx context.Context, actor *booking.User) ([]Rate, error) {
	if !actor.IsAdmin() {
		return nil, forbidden("only coordinators may see the rates")
	}
	return ratesOf(s.db.Read(ctx))
}

func ratesOf(db *gorm.DB) ([]Rate, error) {
	list := []Rate{}
	if err := db.Order("workplace_id IS NOT NULL, workplace_id, valid_from, id").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("list rates: %w", err)
	}
	return list, nil
}

// CreateRate records a rate for a funding period.
func (s *Service) CreateRate(ctx context.Context, actor *booking.User, in RateInput) (*Rate, error) {
	if !actor.IsAdmin() {
		return nil, forbidden("only coordinators may set rates")
	}
	var p booking.Problems
	if in.From == nil {
		p.Add("from", "required", "is required (YYYY-MM-DD)")
	}
	if in.HourlyRate == nil {
		p.Add("hourly_rate", "required", "is required (kronor per hour)")
	}
	r := &Rate{}
	now := s.now()
	r.CreatedAt = now
	return r, s.saveRate(ctx, r, in, p, now)
}

// UpdateRate changes a rate.
func (s *Service) UpdateRate(ctx context.Context, actor *booking.User, id int64, in RateInput) (*Rate, error) {
	if !actor.IsAdmin() {
		return nil, forbidden("only coordinators may set rates")
	}
	r, err := rateByID(s.db.Read(ctx), id)
	if err != nil {
		return nil, err
	}
	return r, s.saveRate(ctx, r, in, nil, s.now())
}

// saveRate applies the input and writes the rate, refusing a period that overlaps
// another of the same scope: on any date exactly one rate of a scope is in force.
func (s *Service) saveRate(ctx context.Context, r *Rate, in RateInput, p booking.Problems, now time.Time) error {
	in.apply(&p, r, s.cfg.Location)
	if len(p) == 0 && r.ValidTo != nil && *r.ValidTo < r.ValidFrom {
		p.Add("to", "to_before_from", "must not be before from")
	}
	if err := p.Err(); err != nil {
		return err
	}
	r.UpdatedAt = now
	err := s.db.Write(ctx, func(tx *gorm.DB) error {
		if r.WorkplaceID != nil {
			var n int64
			if err := tx.Model(&booking.Workplace{}).Where("id = ?", *r.WorkplaceID).Count(&n).Error; err != nil {
				return fmt.Errorf("workplace %d: %w", *r.WorkplaceID, err)
			}
			if n == 0 {
				return (&booking.Problems{{Field: "workplace_id", Key: "no_workplace", Message: fmt.Sprintf("there is no workplace %d", *r.WorkplaceID)}}).Err()
			}
		}
		all, err := ratesOf(tx)
		if err != nil {
			return err
		}
		for _, o := range all {
			if o.ID != r.ID && sameScope(o.WorkplaceID, r.WorkplaceID) && periodsOverlap(&o, r) {
				return (&booking.Problems{{Field: "from", Key: "rate_overlap", Message: fmt.Sprintf("the period overlaps rate %d (from %s)", o.ID, o.ValidFrom)}}).Err()
			}
		}
		return tx.Save(r).Error
	})
	if err != nil {
		return fmt.Errorf("save rate: %w", err)
	}
	return nil
}

func sameScope(a, b *int64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

func periodsOverlap(a, b *Rate) bool {
	aEndsBefore := a.ValidTo != nil && *a.ValidTo < b.ValidFrom
	bEndsBefore := b.ValidTo != nil && *b.ValidTo < a.ValidFrom
	return !aEndsBefore && !bEndsBefore
}

// DeleteRate removes a rate; bills computed afterwards no longer see it.
func (s *Service) DeleteRate(ctx context.Context, actor *booking.User, id int64) error {
	if !actor.IsAdmin() {
		return forbidden("only coordinators may remove rates")
	}
	return s.db.Write(ctx, func(tx *gorm.DB) error {
		res := tx.Delete(&Rate{}, id)
		if res.Error != nil {
			return fmt.Errorf("delete rate %d: %w", id, res.Error)
		}
		if res.RowsAffected == 0 {
			return rateNotFound()
		}
		return nil
	})
}

// rateNotFound is the not-found error of the booking vocabulary, for a rate.
func rateNotFound() error {
	return &booking.Error{Code: booking.CodeNotFound, Message: "rate not found"}
}

func rateByID(db *gorm.DB, id int64) (*Rate, error) {
	var r Rate
	err := db.First(&r, id).Error
	if sqldb.IsNotFound(err) {
		return nil, rateNotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("rate %d: %w", id, err)
	}
	return &r, nil
}

// rateOn returns the rate in force on the date for the workplace: the
// workplace's own before the pool-wide one; nil when none is.
func rateOn(rates []Rate, date string, workplaceID int64) *Rate {
	var general *Rate
	for i := range rates {
		r := &rates[i]
		if !r.covers(date, workplaceID) {
			continue
		}
		if r.WorkplaceID != nil {
			return r
		}
		general = r
	}
	return general
}

// rateBoundaries returns the dates strictly after from and up to to (both
// YYYY-MM-DD) on which some rate starts or the day after one ends: within each
// stretch between them, every workplace has one rate.
func rateBoundaries(rates []Rate, from, to string, loc *time.Location) []string {
	var out []string
	add := func(d string) {
		if d > from && d <= to && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	for _, r := range rates {
		add(r.ValidFrom)
		if r.ValidTo != nil {
			if t, err := time.ParseInLocation(time.DateOnly, *r.ValidTo, loc); err == nil {
				add(t.AddDate(0, 0, 1).Format(time.DateOnly))
			}
		}
	}
	slices.Sort(out)
	return out
}
