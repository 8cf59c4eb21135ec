package booking

import "slices"

// Roles of users.
const (
	RoleAdmin      = "admin"
	RoleManager    = "manager"
	RoleSupervisor = "supervisor"
)

// Areas are the occupational areas a workplace belongs to and a supervisor covers.
var Areas = []string{"childcare", "elderly_care", "kitchen", "other"}

// Purposes are why a workplace books a supervisor.
var Purposes = []string{"workplace_support", "substitute_intro", "parent_information", "information_meeting", "other"}

// CancelReasons are the reason codes of a cancellation.
var CancelReasons = []string{"illness", "workplace_closed", "no_participants", "supervisor_unavailable", "other"}

// FollowupReasons are why a workplace says it booked, in a follow-up:
// several may be given, and unlike the free text they can be counted.
var FollowupReasons = []string{"language_barrier", "new_staff", "substitutes", "parents", "safety_routines", "meeting", "other"}

// Modes are how a session is given.
var Modes = []string{"on_site", "phone", "video"}

// Booking statuses.
const (
	StatusConfirmed = "confirmed"
	StatusCancelled = "cancelled"
)

// Rules a booking can break, as named in 409 details.
const (
	RuleOverlap             = "overlap"
	RuleOutsideAvailability = "outside_availability"
	RuleAbsence             = "absence"
	RuleClosedDay           = "closed_day"
	RuleTravelBuffer        = "travel_buffer"
	RuleDailyLimit          = "daily_limit"
	RuleNoFreeSupervisor    = "no_free_supervisor"
)

// OverridableRules may be overridden by an admin; overlap never may.
var OverridableRules = []string{RuleOutsideAvailability, RuleAbsence, RuleClosedDay, RuleTravelBuffer, RuleDailyLimit}

func oneOf(v string, set []string) bool { return slices.Contains(set, v) }
