package catalog

// The manager's bookings (issue 14): history and upcoming with filters, and
// moving a booking.
func init() {
	add(map[string][2]string{
		"nav.mybookings":              {"Mina bokningar", "My bookings"},
		"mybookings.all":              {"Alla bokningar, tidigare och avbokade", "All bookings, past and cancelled"},
		"mybookings.title":            {"Mina bokningar", "My bookings"},
		"mybookings.filter":           {"Sök bland bokningarna", "Search the bookings"},
		"mybookings.from":             {"Från och med", "From"},
		"mybookings.to":               {"Till och med", "To"},
		"mybookings.all_languages":    {"Alla språk", "All languages"},
		"mybookings.all_statuses":     {"Alla", "All"},
		"mybookings.status_upcoming":  {"Kommande", "Upcoming"},
		"mybookings.status_held":      {"Genomförda", "Held"},
		"mybookings.status_cancelled": {"Avbokade", "Cancelled"},
		"mybookings.search":           {"Sök", "Search"},
		"mybookings.search_hint":      {"Handledare, verksamhet, språk, syfte eller anteckning.", "Supervisor, workplace, language, purpose or notes."},
		"mybookings.show":             {"Visa", "Show"},
		"mybookings.count":            {"%d bokningar visas.", "%d bookings shown."},
		"mybookings.history":          {"Tidigare bokningar", "Past bookings"},
		"mybookings.cancelled":        {"Avbokade", "Cancelled"},
		"mybookings.move":             {"Flytta", "Move"},
		"mybookings.again":            {"Boka igen", "Book again"},
		"move.title":                  {"Flytta bokningen", "Move the booking"},
		"move.now":                    {"Nu", "Now"},
		"move.intro": {"Välj en ny tid med samma handledare. Alla regler prövas igen. Du kan flytta fram till %s före start.",
			"Choose a new time with the same supervisor. Every rule is checked again. You can move it until %s before the start."},
		"move.late": {"Det är mindre än %s kvar till start, så bokningen kan inte flyttas här.",
			"There is less than %s left before the start, so the booking cannot be moved here."},
		"move.call":          {"Ring handledaren %s:", "Call the supervisor %s:"},
		"move.conflict":      {"Den nya tiden går inte", "The new time does not work"},
		"move.times":         {"Se lediga tider för språket", "See the free times for the language"},
		"move.submit":        {"Flytta bokningen", "Move the booking"},
		"move.back":          {"Tillbaka till bokningen", "Back to the booking"},
		"booking.done.moved": {"Klart! Bokningen är flyttad.", "Done! The booking has been moved."},
	})
}
