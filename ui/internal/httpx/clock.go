package httpx

import (
	"fmt"
	"time"
)

// Clock times: the API's availability windows and the pages' forms write a
// time of day as "HH:MM", in minutes after midnight inside.

// ParseClock reads "HH:MM" (24-hour; "24:00" is the midnight that ends a day).
func ParseClock(v string) (int, bool) {
	if len(v) != 5 || v[2] != ':' {
		return 0, false
	}
	if v == "24:00" {
		return 1440, true
	}
	t, err := time.Parse("15:04", v)
	if err != nil {
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

// FormatClock writes minute (after midnight) as "HH:MM".
func FormatClock(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }

// WallTime is the instant a clock in loc shows minute (after midnight; 1440
// is the midnight that ends the day) on day's date. ok is false when that
// clock time does not exist that day, in the hour skipped when summer time
// begins: time.Date would quietly move it an hour on. An hour that happens
// twice in autumn is taken as time.Date takes it.
func WallTime(day time.Time, minute int, loc *time.Location) (t time.Time, ok bool) {
	t = time.Date(day.Year(), day.Month(), day.Day(), 0, minute, 0, 0, loc)
	return t, minute == 1440 || t.Hour()*60+t.Minute() == minute
}
