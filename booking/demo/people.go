package demo

import "fmt"

// demoPresentations are a few supervisors' presentations and language notes
// (issue 16), by name: what a manager reads when choosing a supervisor.
func demoPresentations() map[string]struct {
	presentation string
	notes        map[string]string
} {
	type p = struct {
		presentation string
		notes        map[string]string
	}
	return map[string]p{
		"Amina Yusuf": {"Barnskötare i grunden, i poolen sedan 2019. Vana vid föräldramöten och inskolning.",
			map[string]string{"so": "nordsomaliska", "ar": "syrisk dialekt"}},
		"Ahmad Karimi":     {"Kock med erfarenhet av storkök; handleder gärna i hygien- och säkerhetsrutiner.", map[string]string{"prs": "kabulidari"}},
		"Fatima Al-Hassan": {"Undersköterska, har arbetat på äldreboende i tio år.", map[string]string{"ar": "irakisk dialekt"}},
		"Rezan Mahmoud":    {"", map[string]string{"ckb": "sulaymani"}},
		"Semhar Tesfay":    {"Förskollärare från Asmara, i Sverige sedan 2014.", nil},
	}
}

// demoContact is a workplace's contact person on site (not its manager, who
// is a contact of every booking anyway) and phone, numbered in the range PTS
// keeps for fiction (070-174 06 05–99) after the supervisors'.
func demoContact(i int) (name, phone string) {
	names := []string{"Lena Ahlgren", "Ulf Berglund", "Mona Dahl", "Tove Ekström", "Jenny Falk", "Hassan Omar",
		"Birgitta Gran", "Kristina Hed", "Ali Rahimi", "Stefan Isaksson", "Malin Jonsson", "Oskar Kvist"}
	return names[i%len(names)], fmt.Sprintf("070-174 06 %02d", 30+i)
}
