package catalog

// The login with the municipality's account (OpenID Connect) and the
// messages of a refused one.
func init() {
	add(map[string][2]string{
		"login.oidc":             {"Logga in med kommunens konto", "Sign in with the municipality's account"},
		"login.password_heading": {"Eller med lösenord", "Or with a password"},
		"login.oidc.failed": {"Inloggningen med kommunens konto kunde inte slutföras. Försök igen från början.",
			"The sign-in with the municipality's account could not be completed. Please start again."},
		"login.oidc.cancelled": {"Inloggningen avbröts hos kommunens inloggningstjänst.",
			"The sign-in was cancelled at the municipality's login service."},
		"login.oidc.unavailable": {"Kommunens inloggningstjänst svarar inte just nu. Försök igen om en stund.",
			"The municipality's login service does not answer right now. Please try again shortly."},
		"login.oidc.unverified": {"Kommunens konto har ingen bekräftad e-postadress, så vi vet inte vem du är i Språkpoolen. Kontakta samordnaren.",
			"Your municipality account has no verified e-mail address, so Språkpool cannot tell who you are. Please contact the coordinator."},
		"login.oidc.unknown": {"Du har inget aktivt konto i Språkpoolen med din e-postadress. Kontakta samordnaren om du behöver ett.",
			"You have no active account in Språkpool with your e-mail address. Please contact the coordinator if you need one."},
	})
}
