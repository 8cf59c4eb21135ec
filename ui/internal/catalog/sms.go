package catalog

// The account page's SMS reminders (issue 18).
func init() {
	add(map[string][2]string{
		"sms.title": {"SMS-påminnelser", "SMS reminders"},
		"sms.hint": {"Få varje påminnelse även som SMS till din egen mobil. Är du handledare får du också ett SMS när ett pass inom det närmaste dygnet bokas, flyttas eller avbokas.",
			"Get each reminder also as a text message to your own mobile. Supervisors also get a text when a session within the next 24 hours is booked, moved or cancelled."},
		"f.mobile":            {"Mobilnummer", "Mobile number"},
		"f.mobile_hint":       {"Till exempel 070-123 45 67. Lämna tomt för att ta bort numret.", "For example +46 70 123 45 67. Leave empty to remove the number."},
		"f.sms_reminders":     {"SMS-påminnelser", "SMS reminders"},
		"sms.save":            {"Spara", "Save"},
		"account.done.sms":    {"Ditt mobilnummer och ditt val om SMS är sparade.", "Your mobile number and your SMS choice are saved."},
		"err.phone":           {"Skriv ett mobilnummer, till exempel 070-123 45 67 eller +46 70 123 45 67.", "Enter a mobile number, for example +46 70 123 45 67."},
		"err.sms_needs_phone": {"SMS-påminnelser kräver ett mobilnummer.", "SMS reminders need a mobile number."},
	})
}
