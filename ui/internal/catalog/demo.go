package catalog

func init() {
	add(map[string][2]string{
		"demo.title": {"Prova med demokonton", "Try it with the demo accounts"},
		"demo.intro": {"Servern kör med demodata. Välj en roll och logga in med ett klick (lösenordet är sprakpool-demo).",
			"The server runs with demo data. Choose a role and sign in with one click (the password is sprakpool-demo)."},
		"demo.admin":      {"Samordnare", "Coordinator"},
		"demo.manager":    {"Chefer", "Managers"},
		"demo.supervisor": {"Handledare", "Supervisors"},
		"demo.as":         {"Logga in som %s", "Sign in as %s"},
		"demo.gone": {"Demokontot går inte att logga in med längre: lösenordet är ändrat. Logga in med formuläret ovan.",
			"The demo account can no longer sign in: its password was changed. Sign in with the form above."},
	})
}
