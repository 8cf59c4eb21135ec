// Package booking is the domain of Språkpool: supervisors, workplaces, users,
// availability, absences and bookings, the rules a booking must keep, and the
// storage behind them. It speaks the domain only: no HTTP, no mail. Every rule
// that speaks of days, weekdays or hours is evaluated in the pool's time zone.
package booking
