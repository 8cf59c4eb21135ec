// Package notify sends Språkpool's mail and runs its scheduled jobs. It reads the
// outbox that the booking service fills in the same transaction as each change,
// claims due messages with a lease, renders them (plain text and HTML in the
// recipient's language, with the iTIP invitation for booking changes) and sends
// them over SMTP, recording each send, so that every message arrives once even
// when the mail server is down for a while or several processes run the jobs.
// The scheduler ticks in UTC; wall-clock times (07:00 day plans, 06:00 on the
// 1st) are computed in the pool's zone by the booking service, so DST days
// neither skip nor repeat a job.
package notify
