package notify

import (
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestSMSTextsFit: every SMS kind in both languages, with long names in other
// scripts and the longest times (a move across days, in the hour that repeats
// when summer time ends), stays within 160 characters of the GSM 7-bit default
// alphabet; the names are cut, the times never.
func TestSMSTextsFit(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatal(err)
	}
	// 31 October 2027 02:30 after the clocks went back: "02:30 CET".
	repeated := time.Date(2027, 10, 31, 1, 30, 0, 0, time.UTC).In(loc)
	long := strings.Repeat("Förskolan Łódź Ñandú 🌻 Гимназия «Solrosen» – ", 6)
	cases := []smsBooking{
		{When: smsWhen(repeated, repeated.Add(time.Hour), "sv"), Before: smsWhen(repeated.AddDate(0, 0, -3), repeated.AddDate(0, 0, -3).Add(time.Hour), "sv"),
			Workplace: long, Place: strings.Repeat("Storgatan 1, €uro [plan 2] ", 8)},
		{When: smsWhen(repeated, repeated.Add(time.Hour), "en"), Before: "09:00-10:00", Workplace: "Förskolan Solrosen", Place: long},
		{When: "ons 30 september 09:00-10:00", Before: "", Workplace: "", Place: ""},
	}
	for kind, forms := range smsTexts {
		for li, lang := range []string{"sv", "en"} {
			bare := regexp.MustCompile(`%\[\d\]s`).ReplaceAllString(forms[li], "")
			if strings.ContainsFunc(bare, func(r rune) bool { return !strings.ContainsRune(gsm7Basic, r) }) {
				t.Errorf("%s %s: the form itself is not GSM 7-bit: %q", kind, lang, forms[li])
			}
			for _, c := range cases {
				text, err := smsText(kind, lang, c)
				if err != nil {
					t.Fatalf("%s %s: %v", kind, lang, err)
				}
				if n := utf8.RuneCountInString(text); n > SMSLength {
					t.Errorf("%s %s: %d characters: %q", kind, lang, n, text)
				}
				for _, r := range text {
					if !strings.ContainsRune(gsm7Basic, r) {
						t.Errorf("%s %s: %q is not GSM 7-bit: %q", kind, lang, r, text)
					}
				}
				if !strings.Contains(text, gsm7(c.When)) {
					t.Errorf("%s %s: the time %q was cut: %q", kind, lang, c.When, text)
				}
				if strings.Contains(forms[li], "%[2]s") && !strings.Contains(text, c.Before) {
					t.Errorf("%s %s: the earlier time %q was cut: %q", kind, lang, c.Before, text)
				}
				if c.Workplace != "" && !strings.Contains(text, gsm7(c.Workplace)[:8]) {
					t.Errorf("%s %s: the workplace is gone: %q", kind, lang, text)
				}
			}
		}
	}
	if got := smsWhen(repeated, repeated.Add(30*time.Minute), "sv"); got != "sön 31 oktober 02:30 CET-03:00" {
		t.Errorf("a time in the repeated hour: %q", got)
	}
	if got := gsm7("Łódź – Ærø «Çiğdem» 😀"); got != "Lodz - Ærø \"Çigdem\" ?" {
		t.Errorf("gsm7: %q", got)
	}
}
