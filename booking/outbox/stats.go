package outbox

import (
	"context"
	"fmt"
)

// Stats are the pool's counts for monitoring (/metrics), read from the database
// so every instance of a cluster reports the same figures.
type Stats struct {
	Bookings map[string]int64 // by status
	Outbox   map[string]int64 // messages by status: pending and sending are the backlog
	JobRuns  map[string]int64 // periods run, by job
}

// Stats counts bookings, outbox messages and job runs.
func (s *Service) Stats(ctx context.Context) (*Stats, error) {
	st := &Stats{}
	db := s.store.Read(ctx)
	for _, q := range []struct {
		sql string
		out *map[string]int64
	}{
		{"SELECT status, COUNT(*) FROM bookings GROUP BY status", &st.Bookings},
		{"SELECT status, COUNT(*) FROM outbox GROUP BY status", &st.Outbox},
		{"SELECT job, COUNT(*) FROM job_runs GROUP BY job", &st.JobRuns},
	} {
		rows, err := db.Raw(q.sql).Rows()
		if err != nil {
			return nil, fmt.Errorf("stats: %w", err)
		}
		m := map[string]int64{}
		for rows.Next() {
			var k string
			var n int64
			if err := rows.Scan(&k, &n); err != nil {
				rows.Close()
				return nil, fmt.Errorf("stats: %w", err)
			}
			m[k] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("stats: %w", err)
		}
		*q.out = m
	}
	return st, nil
}
