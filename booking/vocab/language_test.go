package vocab

import (
	"slices"
	"testing"
)

func TestLanguages(t *testing.T) {
	langs := Languages()
	if len(langs) < 40 {
		t.Fatalf("Languages() has %d entries, want at least 40", len(langs))
	}
	seen := map[string]bool{}
	for _, l := range langs {
		if l.Code == "" || l.NameSV == "" || l.NameEN == "" {
			t.Errorf("incomplete language %+v", l)
		}
		if seen[l.Code] {
			t.Errorf("code %q listed twice", l.Code)
		}
		seen[l.Code] = true
		for _, r := range l.Code {
			if r < 'a' || r > 'z' {
				t.Errorf("code %q is not lower-case ASCII", l.Code)
			}
		}
		if n := len(l.Code); n != 2 && n != 3 {
			t.Errorf("code %q is neither ISO 639-1 nor ISO 639-3", l.Code)
		}
	}
	for _, code := range []string{"ar", "so", "ti", "fa", "prs", "ckb", "kmr", "ku", "uk", "swl", "sv", "aii", "rom", "zh", "yue"} {
		if !seen[code] {
			t.Errorf("Languages() lacks %q", code)
		}
	}
}

func TestLanguagesReturnsCopy(t *testing.T) {
	a := Languages()
	a[0].NameSV = "ändrad"
	if b := Languages(); b[0].NameSV == "ändrad" {
		t.Error("modifying the result of Languages() changed the built-in list")
	}
}

func TestLanguagesSortedSwedish(t *testing.T) {
	langs := Languages()
	if !slices.IsSortedFunc(langs, func(a, b Language) int { return CompareSwedish(a.NameSV, b.NameSV) }) {
		t.Error("Languages() is not sorted by Swedish name")
	}
	pos := map[string]int{}
	for i, l := range langs {
		pos[l.NameSV] = i
	}
	ordered := [][2]string{
		{"ukrainska", "ungerska"},
		{"ungerska", "urdu"},
		{"arabiska", "somaliska"},
		{"kurdiska", "kurdiska (kurmanji)"},
		{"kurdiska (kurmanji)", "kurdiska (sorani)"},
		{"svenska", "svenskt teckenspråk"},
		{"tigré", "tigrinja"}, // é sorts as e
		{"romani", "rumänska"},
	}
	for _, p := range ordered {
		i, ok1 := pos[p[0]]
		j, ok2 := pos[p[1]]
		if !ok1 || !ok2 {
			t.Errorf("missing %q or %q", p[0], p[1])
			continue
		}
		if i >= j {
			t.Errorf("%q (at %d) should come before %q (at %d)", p[0], i, p[1], j)
		}
	}
	// Any name starting with å, ä or ö must come after every name starting with z.
	lastZ, firstÅÄÖ := -1, len(langs)
	for i, l := range langs {
		switch []rune(l.NameSV)[0] {
		case 'z':
			lastZ = i
		case 'å', 'ä', 'ö':
			firstÅÄÖ = min(firstÅÄÖ, i)
		}
	}
	if lastZ >= firstÅÄÖ {
		t.Errorf("a name starting with å/ä/ö (at %d) sorts before one starting with z (at %d)", firstÅÄÖ, lastZ)
	}
}

func TestCompareSwedish(t *testing.T) {
	// Each list is in Swedish alphabetical order.
	tests := [][]string{
		{"a", "b", "z", "å", "ä", "ö"},
		{"zulu", "åländska", "älvdalska", "östfrisiska"},
		{"oromo", "ossetiska", "östarameiska"},
		{"arabiska", "arameiska", "azerbajdzjanska", "ändelse"},
		{"Zebra", "ärm", "Öl"}, // case does not matter
		{"kaka", "kåka", "käka", "köka"},
		{"tigré", "tigrinja"},
		{"mys", "müsli", "myz", "må"}, // ü sorts as y
		{"sv", "sva", "svenska", "svenskt teckenspråk"},
	}
	for _, want := range tests {
		got := slices.Clone(want)
		slices.Reverse(got)
		slices.SortFunc(got, CompareSwedish)
		if !slices.Equal(got, want) {
			t.Errorf("sorted = %q, want %q", got, want)
		}
	}
	if c := CompareSwedish("öl", "öl"); c != 0 {
		t.Errorf("CompareSwedish equal strings = %d, want 0", c)
	}
}

func TestLanguageByCode(t *testing.T) {
	tests := []struct {
		code   string
		ok     bool
		nameSV string
		nameEN string
	}{
		{"ar", true, "arabiska", "Arabic"},
		{"so", true, "somaliska", "Somali"},
		{"ti", true, "tigrinja", "Tigrinya"},
		{"prs", true, "dari", "Dari"},
		{"ckb", true, "kurdiska (sorani)", "Central Kurdish (Sorani)"},
		{"kmr", true, "kurdiska (kurmanji)", "Northern Kurdish (Kurmanji)"},
		{"uk", true, "ukrainska", "Ukrainian"},
		{"swl", true, "svenskt teckenspråk", "Swedish Sign Language"},
		{"sv", true, "svenska", "Swedish"},
		{"rom", true, "romani", "Romani"},
		{"AR", false, "", ""}, // exact, lower case only
		{" ar", false, "", ""},
		{"", false, "", ""},
		{"xx", false, "", ""},
	}
	for _, tt := range tests {
		got, ok := LanguageByCode(tt.code)
		if ok != tt.ok || got.NameSV != tt.nameSV || got.NameEN != tt.nameEN {
			t.Errorf("LanguageByCode(%q) = %+v, %v; want %s/%s, %v", tt.code, got, ok, tt.nameSV, tt.nameEN, tt.ok)
		}
		if ok && got.Code != tt.code {
			t.Errorf("LanguageByCode(%q).Code = %q", tt.code, got.Code)
		}
	}
}
