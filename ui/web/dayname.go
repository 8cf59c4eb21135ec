package web

import "time"

func init() {
	// dayOf writes a date held as text (a closed day's "2026-12-24") the way
	// the pages write dates: "tors 24 december 2026".
	templateFuncs["dayOf"] = func(l Lang, date string) string {
		t, err := time.Parse(time.DateOnly, date)
		if err != nil {
			return date
		}
		return l.Date(t)
	}
}
