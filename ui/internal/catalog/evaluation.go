package catalog

// The text of the evaluation: the follow-up form's reasons and
// would-book-again, the evaluation and demand pages, and the charts.
func init() {
	add(map[string][2]string{
		"f.reasons":            {"Varför bokade ni? (välj en eller flera)", "Why did you book? (choose one or more)"},
		"f.would_book_again":   {"Skulle ni boka igen?", "Would you book again?"},
		"followup.again.true":  {"Ja", "Yes"},
		"followup.again.false": {"Nej", "No"},
		"err.followup_reason":  {"Välj bland orsakerna i listan.", "Choose among the reasons listed."},

		"reports.evaluation": {"Utvärdering", "Evaluation"},
		"reports.demand":     {"Efterfrågan", "Demand"},
		"dashboard.charts":   {"Det senaste halvåret", "The last six months"},

		"evaluation.period":        {"Perioden %s – %s.", "The period %s – %s."},
		"evaluation.summary":       {"I korthet", "In brief"},
		"evaluation.bookings":      {"bokade pass", "sessions booked"},
		"evaluation.workplaces":    {"verksamheter bokade", "workplaces booked"},
		"evaluation.persons":       {"personer fick handledning", "persons supervised"},
		"evaluation.response_rate": {"svarade på uppföljningen (%d av %d pass)", "answered the follow-up (%d of %d sessions)"},
		"evaluation.rating":        {"medelbetyg av 5", "average rating of 5"},
		"evaluation.again":         {"skulle boka igen (%d ja, %d nej)", "would book again (%d yes, %d no)"},
		"evaluation.utilization":   {"beläggning", "utilization"},
		"evaluation.cancelled":     {"avbokade pass", "sessions cancelled"},
		"evaluation.charts":        {"Diagram och tabeller", "Charts and tables"},
		"evaluation.quotes":        {"Vad verksamheterna skrev", "What the workplaces wrote"},

		"chart.count":         {"Antal", "Number"},
		"chart.reason":        {"Orsak", "Reason"},
		"chart.utilization":   {"Beläggning per månad", "Utilization by month"},
		"chart.purpose":       {"Bokningar per syfte", "Bookings by purpose"},
		"chart.area":          {"Bokningar per område", "Bookings by area"},
		"chart.why":           {"Varför verksamheterna bokade", "Why the workplaces booked"},
		"chart.demand":        {"Efterfrågan mot bokningar per språk", "Demand against bookings by language"},
		"chart.booked":        {"Bokade", "Booked"},
		"chart.unmet":         {"Ej tillgodosedda", "Unmet"},
		"chart.cancellations": {"Avbokningar per orsak", "Cancellations by reason"},

		"followups.why":      {"Varför verksamheterna bokade", "Why the workplaces booked"},
		"followups.again":    {"Skulle boka igen: %d ja, %d nej.", "Would book again: %d yes, %d no."},
		"followups.comments": {"Kommentarer", "Comments"},
		"followups.rate":     {"Svarsfrekvens: %s.", "Response rate: %s."},
	})
}
