package vocab

import (
	"slices"
	"strings"
	"unicode"
)

// Language is an ISO 639 language a supervisor can speak, with its Swedish and English names.
type Language struct {
	Code   string `json:"code"`
	NameSV string `json:"name_sv"`
	NameEN string `json:"name_en"`
}

// languageTable is the built-in list, in no particular order. Codes are ISO 639-1
// where one exists, else ISO 639-3. It is never modified; Languages returns a
// sorted copy.
var languageTable = [...]Language{
	// The most spoken first languages among people born abroad living in Sweden.
	{"ar", "arabiska", "Arabic"},
	{"so", "somaliska", "Somali"},
	{"ti", "tigrinja", "Tigrinya"},
	{"fa", "persiska", "Persian"},
	{"prs", "dari", "Dari"},
	{"ku", "kurdiska", "Kurdish"},
	{"ckb", "kurdiska (sorani)", "Central Kurdish (Sorani)"},
	{"kmr", "kurdiska (kurmanji)", "Northern Kurdish (Kurmanji)"},
	{"uk", "ukrainska", "Ukrainian"},
	{"ru", "ryska", "Russian"},
	{"pl", "polska", "Polish"},
	{"bs", "bosniska", "Bosnian"},
	{"hr", "kroatiska", "Croatian"},
	{"sr", "serbiska", "Serbian"},
	{"sq", "albanska", "Albanian"},
	{"tr", "turkiska", "Turkish"},
	{"en", "engelska", "English"},
	{"es", "spanska", "Spanish"},
	{"de", "tyska", "German"},
	{"fi", "finska", "Finnish"},
	{"et", "estniska", "Estonian"},
	{"lv", "lettiska", "Latvian"},
	{"lt", "litauiska", "Lithuanian"},
	{"ro", "rumänska", "Romanian"},
	{"bg", "bulgariska", "Bulgarian"},
	{"hu", "ungerska", "Hungarian"},
	{"el", "grekiska", "Greek"},
	{"it", "italienska", "Italian"},
	{"fr", "franska", "French"},
	{"pt", "portugisiska", "Portuguese"},
	{"th", "thailändska", "Thai"},
	{"vi", "vietnamesiska", "Vietnamese"},
	{"zh", "kinesiska (mandarin)", "Chinese (Mandarin)"},
	{"yue", "kantonesiska", "Cantonese"},
	{"tl", "tagalog", "Tagalog"},
	{"hi", "hindi", "Hindi"},
	{"ur", "urdu", "Urdu"},
	{"pa", "punjabi", "Punjabi"},
	{"bn", "bengali", "Bengali"},
	{"ta", "tamil", "Tamil"},
	{"ps", "pashto", "Pashto"},
	{"am", "amhariska", "Amharic"},
	{"om", "oromo", "Oromo"},
	{"sw", "swahili", "Swahili"},
	{"aii", "assyriska (nyarameiska)", "Assyrian Neo-Aramaic"},
	{"mn", "mongoliska", "Mongolian"},
	{"uz", "uzbekiska", "Uzbek"},
	{"ne", "nepali", "Nepali"},
	{"my", "burmesiska", "Burmese"},
	{"ko", "koreanska", "Korean"},
	{"ja", "japanska", "Japanese"},
	{"da", "danska", "Danish"},
	{"no", "norska", "Norwegian"},
	{"nl", "nederländska", "Dutch"},
	{"is", "isländska", "Icelandic"},
	{"cs", "tjeckiska", "Czech"},
	{"sk", "slovakiska", "Slovak"},
	{"sl", "slovenska", "Slovenian"},
	{"mk", "makedonska", "Macedonian"},
	{"hy", "armeniska", "Armenian"},
	{"ka", "georgiska", "Georgian"},
	{"az", "azerbajdzjanska", "Azerbaijani"},
	{"he", "hebreiska", "Hebrew"},
	{"haz", "hazaragi", "Hazaragi"},
	{"tig", "tigré", "Tigre"},
	{"rw", "kinyarwanda", "Kinyarwanda"},
	{"rn", "kirundi", "Kirundi"},
	{"ln", "lingala", "Lingala"},
	{"wo", "wolof", "Wolof"},
	{"ff", "fula", "Fula"},
	{"yo", "yoruba", "Yoruba"},
	{"id", "indonesiska", "Indonesian"},
	{"ms", "malajiska", "Malay"},
	{"km", "khmer", "Khmer"},
	// Swedish, Swedish Sign Language and the national minority languages.
	{"sv", "svenska", "Swedish"},
	{"swl", "svenskt teckenspråk", "Swedish Sign Language"},
	{"rom", "romani", "Romani"},
	{"fit", "meänkieli", "Meänkieli"},
	{"se", "nordsamiska", "Northern Sami"},
	{"yi", "jiddisch", "Yiddish"},
}

// languagesSorted is languageTable sorted by Swedish name; languageIndex maps a
// code to its position in it. Both are built once and only read afterwards.
var languagesSorted, languageIndex = buildLanguages()

func buildLanguages() ([]Language, map[string]int) {
	sorted := slices.Clone(languageTable[:])
	slices.SortStableFunc(sorted, func(a, b Language) int {
		if c := CompareSwedish(a.NameSV, b.NameSV); c != 0 {
			return c
		}
		return strings.Compare(a.Code, b.Code)
	})
	index := make(map[string]int, len(sorted))
	for i, l := range sorted {
		index[l.Code] = i
	}
	return sorted, index
}

// Languages returns the built-in list, sorted by Swedish name (å, ä and ö after z,
// as Swedish sorts). The caller owns the returned slice.
func Languages() []Language {
	return slices.Clone(languagesSorted)
}

// LanguageByCode finds a language by its code (exact, lower case).
func LanguageByCode(code string) (Language, bool) {
	i, ok := languageIndex[code]
	if !ok {
		return Language{}, false
	}
	return languagesSorted[i], true
}

// CompareSwedish orders two strings the way a Swedish dictionary does, case
// insensitively: a–z, then å, ä, ö (æ with ä, ø with ö); é and the like with
// their base letter, ü with y. Strings equal under that order are compared
// byte-wise so the result is total.
func CompareSwedish(a, b string) int {
	ar, br := []rune(a), []rune(b)
	for i := 0; i < len(ar) && i < len(br); i++ {
		ka, kb := swedishSortKey(ar[i]), swedishSortKey(br[i])
		if ka != kb {
			if ka < kb {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(ar) < len(br):
		return -1
	case len(ar) > len(br):
		return 1
	}
	return strings.Compare(a, b)
}

// swedishSortKey maps a rune to a key whose natural order is the Swedish
// alphabetical order of the letter.
func swedishSortKey(r rune) rune {
	r = unicode.ToLower(r)
	switch r {
	case 'å':
		return 'z' + 1
	case 'ä', 'æ':
		return 'z' + 2
	case 'ö', 'ø':
		return 'z' + 3
	case 'à', 'á', 'â', 'ã':
		return 'a'
	case 'ç':
		return 'c'
	case 'è', 'é', 'ê', 'ë':
		return 'e'
	case 'ì', 'í', 'î', 'ï':
		return 'i'
	case 'ñ':
		return 'n'
	case 'ò', 'ó', 'ô', 'õ':
		return 'o'
	case 'ù', 'ú', 'û':
		return 'u'
	case 'ü', 'ý', 'ÿ':
		return 'y'
	}
	return r
}
