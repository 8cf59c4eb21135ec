// Package notify runs Språkpool's scheduled jobs and sends its messages. The
// jobs ask booking/outbox to plan messages (reminders, day plans, …); the
// outbox job claims due messages with a lease, renders each for its channel
// (plain text and HTML in the recipient's language, with the iTIP invitation
// for booking changes) and hands it to that channel's sender (notify/email
// over SMTP), recording each result, so that every message arrives once even
// when a server is down for a while or several processes run the jobs. The
// scheduler ticks in UTC; wall-clock times (07:00 day plans, 06:00 on the 1st)
// are computed in the pool's zone by the outbox, so DST days neither skip nor
// repeat a job.
package notify
