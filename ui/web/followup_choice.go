package web

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
)

// The follow-up form's checkboxes need a list of codes and a test of whether
// one was ticked; they join the template functions before the templates are
// parsed (at New), so page.go's table stays as it is.
func init() {
	templateFuncs["whyCodes"] = func() []string { return booking.FollowupReasons }
	templateFuncs["has"] = func(words, w string) bool { return slices.Contains(strings.Fields(words), w) }
}

// followupChoices reads the follow-up form's ticked reasons (kept in f as
// words, so a refused form shows them ticked again) and its would-book-again
// answer (nil when neither was chosen).
func followupChoices(c echo.Context, f *form) ([]string, *bool) {
	var reasons []string
	if form, err := c.FormParams(); err == nil {
		reasons = form["reasons"]
	}
	f.Values["reasons"] = strings.Join(reasons, " ")
	again, err := strconv.ParseBool(f.V("would_book_again"))
	if err != nil {
		return reasons, nil
	}
	return reasons, &again
}

// The evaluation's templates write dates the way the other pages do and
// decimals with a comma.
func init() {
	templateFuncs["day"] = func(date string) time.Time {
		t, _ := time.Parse(time.DateOnly, date)
		return t
	}
	templateFuncs["hrs"] = hoursIn
	templateFuncs["dec"] = func(v *float64) string {
		if v == nil {
			return "–"
		}
		return strings.Replace(strconv.FormatFloat(*v, 'f', -1, 64), ".", ",", 1)
	}
}
