package catalog

// The text of bookings that need attention (issue 16): the dashboard's
// "Behöver åtgärd", the booking page's replacements, and the confirm step of
// a change that would leave bookings without their supervisor.
func init() {
	add(map[string][2]string{
		"attention.title": {"Behöver åtgärd", "Needs attention"},
		"attention.count": {"behöver åtgärd", "need attention"},
		"attention.intro": {"Den bokade handledaren kan inte längre ta de här passen. Ge dem till någon annan eller avboka dem.",
			"The booked supervisor can no longer take these sessions. Give them to someone else or cancel them."},
		"attention.others": {"Samordnaren har fått besked och ger passet till en annan handledare eller avbokar det. Du får ett mejl när det är gjort.",
			"The coordinator has been told and will give the session to another supervisor or cancel it. You get an e-mail when it is done."},
		"attention.none":    {"Inga bokningar behöver åtgärd.", "No bookings need attention."},
		"attention.replace": {"Ge passet till någon annan", "Give the session to someone else"},
		"attention.replace_intro": {"De här handledarna talar språket, arbetar inom området och är lediga hela passet. Den som är minst bokad den veckan står först.",
			"These supervisors speak the language, work in the area and are free for the whole session. The one booked least that week comes first."},
		"attention.give":         {"Ge till %s", "Give to %s"},
		"attention.week_minutes": {"(bokad %s den veckan)", "(booked %s that week)"},
		"attention.week_free":    {"(inget bokat den veckan)", "(nothing booked that week)"},
		"attention.no_replacement": {"Ingen annan handledare som talar språket är ledig då. Avboka passet, så får verksamheten besked.",
			"No other supervisor who speaks the language is free then. Cancel the session, and the workplace is told."},
		"attention.cancel":        {"Avboka: handledaren kan inte", "Cancel: the supervisor cannot come"},
		"attention.cancel_reason": {"Handledaren kan inte komma.", "The supervisor cannot come."},
		"booking.done.reassigned": {"Passet har fått en ny handledare. Alla berörda får en uppdaterad kalenderinbjudan.",
			"The session has a new supervisor. Everyone concerned gets an updated calendar invitation."},
		"booking.done.reassign_failed": {"Den handledaren hann bli upptagen. Välj någon annan.",
			"That supervisor has just become busy. Choose someone else."},
		"impact.title": {"Bokade pass som blir utan handledare: %d", "Booked sessions that will have no supervisor: %d"},
		"impact.intro": {"Om du sparar behöver de här passen en ny handledare, och samordnarna får ett mejl om dem. Spara ändå, eller ändra och spara igen.",
			"If you save, these sessions need a new supervisor, and the coordinators get an e-mail about them. Save anyway, or change and save again."},
		"impact.confirm": {"Spara ändå", "Save anyway"},
	})
}
