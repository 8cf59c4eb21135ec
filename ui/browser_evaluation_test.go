package ui_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestBrowserEvaluationCharts: the reports page, the evaluation page and the
// coordinator's dashboard each show charts drawn by the server, every one as
// an image Chromium decodes (so the CSP lets it through) with a text
// alternative and its table in the same figure; no sideways scrolling at
// 375 px; axe clean at 1280 and 375 px, in Swedish and English; and on paper
// the evaluation drops the page's navigation.
func TestBrowserEvaluationCharts(t *testing.T) {
	p := newEvaluationPool(t)
	for i, id := range p.held {
		p.must(200, "POST", fmt.Sprintf("/api/v1/bookings/%d/followup", id), p.admin_(), map[string]any{"persons_supervised": 3 + i,
			"rating": 4, "reasons": []string{"substitutes", "parents"}[i%2:], "would_book_again": i != 1,
			"comment": "Det gick bra för personalen"}, nil)
	}
	ctx := context.Background()
	tb := newTab(t, p.srv.URL)
	pages := []struct{ path, name string }{
		{"/reports?from=2026-01-01&to=2026-03-31&by=supervisor", "reports"},
		{"/reports/evaluation?from=2026-01-01&to=2026-03-31", "evaluation"},
		{"/", "dashboard"},
	}
	for _, lang := range []string{"sv", "en"} {
		u, err := p.svc.UserByEmail(ctx, p.admin)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.svc.SetLocale(ctx, u, lang); err != nil {
			t.Fatal(err)
		}
		tb.do(chromedp.EmulateViewport(1280, 900))
		tb.login(p.admin, "secret-password", map[string]string{"sv": "Logga ut", "en": "Log out"}[lang])
		for _, pg := range pages {
			for _, w := range [][2]int64{{1280, 900}, {375, 740}} {
				label := fmt.Sprintf("%s %s %dpx", pg.path, lang, w[0])
				tb.do(chromedp.EmulateViewport(w[0], w[1]))
				tb.open(pg.path)
				tb.waitJS(`[...document.querySelectorAll("figure.chart img")].every(i => i.complete)`)
				type figure struct {
					Charts, Decoded, WithAlt, WithTable int
					Overflow                            bool
				}
				got := eval[figure](tb, `(() => { const figs = [...document.querySelectorAll("figure.chart")];
					return {charts: figs.length,
						decoded: figs.filter(f => { const i = f.querySelector("img"); return i && i.naturalWidth > 0 }).length,
						withAlt: figs.filter(f => { const i = f.querySelector("img"); return i && i.alt.length > 20 }).length,
						withTable: figs.filter(f => f.querySelector("table tbody tr th[scope=row]")).length,
						overflow: document.documentElement.scrollWidth > window.innerWidth} })()`)
				if got.Charts == 0 || got.Decoded != got.Charts || got.WithAlt != got.Charts || got.WithTable != got.Charts {
					t.Errorf("%s: charts %+v", label, got)
				}
				if got.Overflow {
					t.Errorf("%s: the page scrolls sideways", label)
				}
				tb.checkAxe(label)
				tb.shot(fmt.Sprintf("evaluation-%s-%s-%d", pg.name, lang, w[0]))
			}
		}
	}
	// The follow-ups and demand pages, with their charts, in Swedish.
	u, err := p.svc.UserByEmail(ctx, p.admin)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.svc.SetLocale(ctx, u, "sv"); err != nil {
		t.Fatal(err)
	}
	tb.login(p.admin, "secret-password", "Logga ut")
	for _, path := range []string{"/reports/followups?from=2026-02-01&to=2026-02-28", "/reports/demand?from=2026-01-01&to=2026-03-31&by=language"} {
		for _, w := range [][2]int64{{1280, 900}, {375, 740}} {
			tb.do(chromedp.EmulateViewport(w[0], w[1]))
			tb.open(path)
			tb.waitJS(`document.querySelector("figure.chart img") !== null && document.querySelector("figure.chart img").naturalWidth > 0`)
			tb.checkAxe(fmt.Sprintf("%s %dpx", path, w[0]))
			tb.shot(fmt.Sprintf("evaluation-%s-%d", strings.Split(strings.TrimPrefix(path, "/reports/"), "?")[0], w[0]))
		}
	}
	// In print, the evaluation is the content alone.
	tb.do(chromedp.EmulateViewport(1280, 900), chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}))
	tb.open("/reports/evaluation?from=2026-01-01&to=2026-03-31")
	if hidden := eval[bool](tb, `getComputedStyle(document.querySelector("header.site")).display === "none" &&
		getComputedStyle(document.querySelector("form.noprint")).display === "none"`); !hidden {
		t.Error("printing the evaluation keeps the navigation or the form")
	}
	if !strings.Contains(eval[string](tb, `document.body.innerText`), "Utvärdering") {
		t.Error("the printed evaluation lost its heading")
	}
}
