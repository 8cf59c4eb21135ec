package feed

import "github.com/sprakpool/sprakpool/ui/internal/httpx"

// Routes registers the feeds: GET and HEAD of each kind.
func (s *Server) Routes(r httpx.Routes) {
	r.GET("/ical/supervisors/:file", s.supervisorFeed)
	r.HEAD("/ical/supervisors/:file", s.supervisorFeed)
	r.GET("/ical/workplaces/:file", s.workplaceFeed)
	r.HEAD("/ical/workplaces/:file", s.workplaceFeed)
	r.GET("/ical/pool/:file", s.poolFeed)
	r.HEAD("/ical/pool/:file", s.poolFeed)
}
