package catalog

// The booking's first screen: what it can check before any supervisor is
// shown, each message naming its field and saying what to do.
func init() {
	add(map[string][2]string{
		"err.date_past": {"Datumet har redan passerat. Välj ett datum från i dag och framåt.",
			"The date has passed. Choose a date from today on."},
		"err.start_past": {"Starttiden har redan passerat i dag. Välj en senare starttid eller ett senare datum.",
			"The start time has already passed today. Choose a later start time or a later date."},
		"err.date_closed": {"Datumet är %s, då poolen har stängt. Välj ett annat datum.",
			"The date is %s, when the pool is closed. Choose another date."},
		"err.date_weekend": {"Datumet är en lördag eller söndag, då ingen i poolen arbetar. Välj en vardag.",
			"The date falls on a weekend, when nobody in the pool works. Choose a weekday."},
		"err.language_nobody": {"Ingen i poolen talar språket just nu, så ingen tid passar. Skicka en förfrågan, så försöker samordnaren hitta någon.",
			"Nobody in the pool speaks the language at the moment, so no time fits. Send a request and the coordinator will try to find someone."},
		"err.end_too_long": {"Passet är längre än handledarna arbetar en dag. Välj en tidigare sluttid.",
			"The session is longer than the supervisors work in a day. Choose an earlier end time."},
		"book.none_free_try": {"Ingen handledare som talar språket är ledig just då. Välj en av de närmaste lediga tiderna, se alla lediga tider eller skicka en förfrågan.",
			"No supervisor who speaks the language is free then. Choose one of the next free times, see all free times or send a request."},
		"book.see_times":    {"Se alla lediga tider för språket", "See every free time for the language"},
		"book.send_request": {"Skicka en förfrågan", "Send a request"},
		"book.summary":      {"Sammanfattning", "Summary"},
		"times.never":       {"Ingen tid kan passa just nu", "No time can fit at the moment"},
		"times.never_request": {"En förfrågan är ändå värd att skicka: samordnaren ser den och kanske kan någon ny rekryteras.",
			"A request is still worth sending: the coordinator sees it, and perhaps someone new can be recruited."},
		"f.this_field": {"fältet", "the field"},
	})
}
