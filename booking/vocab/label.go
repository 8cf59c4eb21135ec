package vocab

import (
	"maps"
	"slices"
	"time"
	"unicode"
	"unicode/utf8"
)

// The vocabularies whose codes have words in Swedish and English: the first
// argument of Label, and the prefix of a page's catalog key ("purpose.other").
const (
	VocabPurpose = "purpose" // booking.Purposes
	VocabReason  = "reason"  // booking.CancelReasons
	VocabMode    = "mode"    // booking.Modes
	VocabArea    = "area"    // booking.Areas
	VocabOutcome = "outcome" // booking.Outcomes
	VocabRule    = "rule"    // booking's Rule* constants
	VocabStatus  = "status"  // a booking's status, and active or inactive
	VocabRole    = "role"    // booking's Role* constants
	VocabEvent   = "event"   // booking's Event* constants of a booking's history
	VocabRating  = "rating"  // a follow-up's rating, 1 to 5
	// VocabWhy is booking.FollowupReasons: why a workplace booked.
	VocabWhy = "why"
)

// labels holds the Swedish and English words for every code, the only place
// pages, mails, calendars, CSV files and reports take them from. Words are
// written as they read inside a sentence, so most start in lower case:
// Capitalize them where they begin a line or a title. A rule is a whole
// sentence, as a refused booking lists them.
var labels = map[string]map[string][2]string{
	VocabPurpose: {
		"workplace_support":   {"språkstöd i arbetet", "language support at work"},
		"substitute_intro":    {"introduktion av vikarier", "introduction of substitutes"},
		"parent_information":  {"föräldrainformation", "information for parents"},
		"information_meeting": {"informationsträff", "information meeting"},
		"other":               {"annat", "other"},
	},
	VocabReason: {
		"illness":                {"sjukdom", "illness"},
		"workplace_closed":       {"verksamheten är stängd", "the workplace is closed"},
		"no_participants":        {"inga deltagare", "no participants"},
		"supervisor_unavailable": {"handledaren kan inte", "the supervisor is unavailable"},
		"other":                  {"annat", "other"},
	},
	VocabMode: {
		"on_site": {"på plats", "on site"},
		"phone":   {"telefon", "phone"},
		"video":   {"video", "video"},
	},
	VocabArea: {
		"childcare":    {"barnomsorg", "childcare"},
		"elderly_care": {"vård och omsorg", "elderly care"},
		"kitchen":      {"kostenheten", "kitchen"},
		"other":        {"annat", "other"},
	},
	VocabOutcome: {
		"held":     {"passet hölls", "the session took place"},
		"no_show":  {"verksamheten kom inte", "the workplace did not turn up"},
		"not_held": {"passet hölls inte", "the session did not take place"},
	},
	VocabRule: {
		"overlap":              {"Handledaren är redan bokad den tiden.", "The supervisor is already booked at that time."},
		"outside_availability": {"Tiden ligger utanför handledarens arbetstid.", "The time is outside the supervisor's working hours."},
		"absence":              {"Handledaren är frånvarande den tiden.", "The supervisor is absent at that time."},
		"closed_day":           {"Språkpoolen har stängt den dagen (helgdag).", "The pool is closed that day (public holiday)."},
		"travel_buffer":        {"Handledaren hinner inte resa mellan verksamheterna.", "The supervisor would not have time to travel between workplaces."},
		"daily_limit":          {"Handledaren skulle bli bokad mer än en arbetsdag.", "The supervisor would be booked for more than a working day."},
		"no_free_supervisor":   {"Ingen handledare som talar språket är ledig den tiden.", "No supervisor who speaks the language is free at that time."},
		// A booking's attention (issue 16): its supervisor was made inactive.
		"supervisor_inactive": {"Handledaren är inte längre aktiv i poolen.", "The supervisor is no longer active in the pool."},
	},
	VocabStatus: {
		"confirmed": {"bokad", "booked"},
		"cancelled": {"avbokad", "cancelled"},
		"active":    {"aktiv", "active"},
		"inactive":  {"inaktiv", "inactive"},
		// A confirmed booking whose supervisor can no longer come (issue 16).
		"attention": {"behöver åtgärd", "needs attention"},
	},
	VocabRole: {
		"admin":      {"samordnare", "coordinator"},
		"manager":    {"chef", "manager"},
		"supervisor": {"handledare", "supervisor"},
	},
	VocabEvent: {
		"created":   {"bokad", "booked"},
		"changed":   {"ändrad", "changed"},
		"cancelled": {"avbokad", "cancelled"},
		"followup":  {"uppföljning", "follow-up"},
		"confirmed": {"utfall bekräftat", "outcome confirmed"},
	},
	VocabWhy: {
		"language_barrier": {"språkförbistring i arbetet", "a language barrier at work"},
		"new_staff":        {"nyanställda", "new staff"},
		"substitutes":      {"vikarier", "substitutes"},
		"parents":          {"kontakt med föräldrar", "contact with parents"},
		"safety_routines":  {"säkerhetsrutiner", "safety routines"},
		"meeting":          {"möte eller information", "a meeting or information"},
		"other":            {"annat", "other"},
	},
	VocabRating: {
		"1": {"1 – inte alls nöjda", "1 – not at all satisfied"},
		"2": {"2", "2"},
		"3": {"3", "3"},
		"4": {"4", "4"},
		"5": {"5 – mycket nöjda", "5 – very satisfied"},
	},
}

// column is the index of lang in a [2]string of words: English for "en",
// Swedish for anything else, as the pool is Swedish unless told otherwise.
func column(lang string) int {
	if lang == "en" {
		return 1
	}
	return 0
}

// Label is the word for code of vocab (one of the Vocab constants) in lang
// ("sv" or "en"; Swedish for anything else). An unknown code is itself, so a
// code added without words still shows something a reader can report.
func Label(vocab, code, lang string) string {
	w, ok := labels[vocab][code]
	if !ok {
		return code
	}
	return w[column(lang)]
}

// Codes are the codes of vocab that have words, sorted: booking's tests check
// them against its own lists of codes.
func Codes(vocab string) []string {
	return slices.Sorted(maps.Keys(labels[vocab]))
}

// Capitalize starts s with a capital letter, for a label that begins a line,
// a heading or a calendar event's title.
func Capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || unicode.IsUpper(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

var (
	monthNames = [2][12]string{
		{"januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"},
		{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	}
	// weekdayNames and weekdayShort are indexed by time.Weekday: Sunday first.
	weekdayNames = [2][7]string{
		{"söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"},
		{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
	}
	weekdayShort = [2][7]string{
		{"sön", "mån", "tis", "ons", "tors", "fre", "lör"},
		{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
	}
)

// MonthName is the name of m in lang: "mars", "March" (Swedish writes it in
// lower case).
func MonthName(m time.Month, lang string) string {
	return monthNames[column(lang)][(m+11)%12]
}

// WeekdayName is the name of d in lang: "måndag", "Monday".
func WeekdayName(d time.Weekday, lang string) string {
	return weekdayNames[column(lang)][(d+7)%7]
}

// WeekdayShort is the short name of d in lang, as pages write dates: "mån", "Mon".
func WeekdayShort(d time.Weekday, lang string) string {
	return weekdayShort[column(lang)][(d+7)%7]
}
