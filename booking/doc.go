// Package booking is the domain of Språkpool: supervisors, workplaces, users,
// availability, absences and bookings, the rules a booking must keep, and the
// storage behind them. It speaks the domain only: no HTTP, no mail. Where a
// change must carry its message in the same transaction (an account link), it
// writes an outbox row (Message); booking/outbox plans every other message and
// notify sends them. Every rule that speaks of days, weekdays or hours is
// evaluated in the pool's time zone.
package booking
