package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/demo"
	"github.com/sprakpool/sprakpool/booking/request"
	"github.com/sprakpool/sprakpool/booking/search"
	"github.com/sprakpool/sprakpool/booking/vocab"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
	"github.com/sprakpool/sprakpool/ui/internal/session"
)

//go:embed templates/*.html
var templateFiles embed.FS

// pages holds every page template, parsed once at start: each page file is
// parsed together with the layout and the shared parts.
type pages struct {
	byName map[string]*template.Template
	assets map[string]string // file name → content-hashed URL
}

// pageData is what every page template receives.
type pageData struct {
	L      Lang
	User   *booking.User
	CSRF   string
	Title  string
	Nav    string
	Assets map[string]string
	Now    time.Time
	Loc    *time.Location
	Page   any
	// Demo is the demo logins the login page offers (serve --demo, visitors only).
	Demo []demo.Login
}

var templateFuncs = template.FuncMap{
	"fld": func(f *form, name, label, typ string, extra ...string) field {
		fd := field{Name: name, Label: label, Type: typ, Value: f.V(name), Error: f.E(name)}
		for _, x := range extra {
			switch {
			case x == "required":
				fd.Required = true
			case strings.HasPrefix(x, "ac="):
				fd.Autocomplete = strings.TrimPrefix(x, "ac=")
			case strings.HasPrefix(x, "hint="):
				fd.Hint = strings.TrimPrefix(x, "hint=")
			case strings.HasPrefix(x, "min="):
				fd.Min = strings.TrimPrefix(x, "min=")
			}
		}
		return fd
	},
	"langName": func(l Lang, code string) string {
		if lang, ok := vocab.LanguageByCode(code); ok {
			if l.Code == "en" {
				return lang.NameEN
			}
			return lang.NameSV
		}
		return code
	},
	"languages": vocab.Languages,
	"add":       func(a, b int) int { return a + b },
	"eq64":      func(a, b int64) bool { return a == b },
	"has64": func(list []int64, v int64) bool {
		for _, x := range list {
			if x == v {
				return true
			}
		}
		return false
	},
	"hasStr": func(list []string, v string) bool {
		for _, x := range list {
			if x == v {
				return true
			}
		}
		return false
	},
	"errs":        func(l Lang, f *form) map[string]any { return map[string]any{"L": l, "F": f} },
	"summaryLine": summaryLine,
	"blist": func(d pageData, list []bookingView) map[string]any {
		return map[string]any{"L": d.L, "Loc": d.Loc, "List": list}
	},
	"cstep": func(d pageData, step *impactStep) map[string]any { return map[string]any{"D": d, "Step": step} },
	"attn":  func(l Lang, vs []booking.Violation) map[string]any { return map[string]any{"L": l, "List": vs} },
	"list":  func(v ...string) []string { return v },
	"hours": hoursIn, // minutes as "1,5" (sv) or "1.5" (en) hours
	"wb": func(d pageData, b weekBooking) map[string]any {
		return map[string]any{"L": d.L, "B": b, "CSRF": d.CSRF}
	},
	"whereOf": func(l Lang, v any) map[string]any {
		b, ok := v.(bookingView)
		if wb, isWeek := v.(weekBooking); isWeek {
			b, ok = wb.bookingView, true
		}
		if !ok {
			return map[string]any{"L": l}
		}
		url := ""
		if b.MeetingURL != nil {
			url = *b.MeetingURL
		}
		return map[string]any{"L": l, "Mode": b.Mode, "Name": b.Workplace.Name, "Address": b.Workplace.Address, "URL": url,
			"Phone": b.Workplace.ContactPhone}
	},
	// str is an optional text's value ("" for none): printf would print the pointer.
	"str": func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	},
	"pct": func(f *float64) string {
		if f == nil {
			return "–"
		}
		return fmt.Sprintf("%.0f %%", *f*100)
	},
}

// field is one labelled input with its value and error.
type field struct {
	Name, Label, Type, Value, Error, Autocomplete, Hint, Min string
	Required                                                 bool
}

func loadPages() (*pages, error) {
	p := &pages{byName: map[string]*template.Template{}}
	assets, err := hashAssets()
	if err != nil {
		return nil, err
	}
	p.assets = assets
	shared, err := fs.Glob(templateFiles, "templates/_*.html")
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if strings.HasPrefix(name, "_") {
			continue
		}
		t, err := template.New(name).Funcs(templateFuncs).ParseFS(templateFiles, append(shared, f)...)
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		p.byName[name] = t
	}
	return p, nil
}

// Names lists every page template; the template test renders each one.
func (p *pages) names() []string {
	out := make([]string, 0, len(p.byName))
	for n := range p.byName {
		out = append(out, n)
	}
	return out
}

// render writes a page inside the layout with the given status.
func (s *Server) render(c echo.Context, status int, name, title string, page any) error {
	t, ok := s.pages.byName[name]
	if !ok {
		return fmt.Errorf("render: no template %q", name)
	}
	d := s.pageData(c, title, page)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", d); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// renderPart writes one named block of a page without the layout (for the live search).
func (s *Server) renderPart(c echo.Context, name, block string, page any) error {
	var buf bytes.Buffer
	if err := s.pages.byName[name].ExecuteTemplate(&buf, block, s.pageData(c, "", page)); err != nil {
		return fmt.Errorf("render %s/%s: %w", name, block, err)
	}
	return c.HTMLBlob(http.StatusOK, buf.Bytes())
}

func (s *Server) pageData(c echo.Context, title string, page any) pageData {
	u := httpx.Actor(c)
	d := pageData{L: s.lang(c), User: u, CSRF: s.sessions.CSRFToken(c), Title: title, Nav: c.Path(),
		Assets: s.pages.assets, Now: s.svc.Now().In(s.loc), Loc: s.loc, Page: page}
	if s.cfg.Demo && u == nil {
		d.Demo = demo.Logins()
	}
	return d
}

// lang is the user's language, or for visitors the ?lang= of the page.
func (s *Server) lang(c echo.Context) Lang {
	if u := httpx.Actor(c); u != nil {
		return langOf(u.Locale)
	}
	if q := c.QueryParam("lang"); q != "" {
		return langOf(q)
	}
	if ck, err := c.Cookie("sprakpool_lang"); err == nil {
		return langOf(ck.Value)
	}
	return swedish
}

// form is what a user typed into a form, with an error per field.
type form struct {
	Values map[string]string
	Errors map[string]string
	Order  []string // fields with errors, in the order they were found
}

func newForm() *form { return &form{Values: map[string]string{}, Errors: map[string]string{}} }

// formFrom reads the named fields of a posted form.
func formFrom(c echo.Context, names ...string) *form {
	f := newForm()
	for _, n := range names {
		f.Values[n] = strings.TrimSpace(c.FormValue(n))
	}
	return f
}

// V is the value of a field.
func (f *form) V(name string) string { return f.Values[name] }

// E is the error of a field.
func (f *form) E(name string) string { return f.Errors[name] }

// Fail records an error on a field (the first one wins).
func (f *form) Fail(name, msg string) {
	if _, ok := f.Errors[name]; !ok {
		f.Errors[name] = msg
		f.Order = append(f.Order, name)
	}
}

// OK reports whether no field failed.
func (f *form) OK() bool { return len(f.Errors) == 0 }

// failFrom puts the service's field errors on the form, in the page's language.
// It reports whether err was such an error.
func failFrom(f *form, l Lang, err error, fields map[string]string) bool {
	var be *booking.Error
	if !errors.As(err, &be) {
		return false
	}
	fes, ok := be.Details.([]booking.FieldError)
	if be.Code != booking.CodeInvalid || !ok {
		return false
	}
	for _, fe := range fes {
		name := fe.Field
		if mapped, ok := fields[name]; ok {
			name = mapped
		}
		f.Fail(name, l.fieldMessage(fe))
	}
	return true
}

// fieldMessage says what is wrong with a field in the page's language: the
// catalog's text for the problem's key ("err."+Key), with the figure the text
// names where it names one, or a generic text for a problem without one.
func (l Lang) fieldMessage(fe booking.FieldError) string {
	key := "err." + fe.Key
	if _, ok := l.text(key); fe.Key == "" || !ok {
		return l.T("err.invalid", l.label(fe.Field))
	}
	if fe.Key == "required" {
		return l.required(fe.Field)
	}
	if arg, ok := errorArgs[fe.Key]; ok {
		return l.T(key, arg)
	}
	return l.T(key)
}

// errorArgs are the figures that the texts of some problems name.
var errorArgs = map[string]any{"password_short": booking.MinPasswordLength, "range_too_long": booking.MaxRangeDays,
	"slot_range_too_long": search.MaxSlotDays, "window_long": request.MaxWindowDays}

// ErrorPage answers a page request that failed with a page in the user's
// language; a visitor whose session ended is sent to the login form.
func (s *Server) ErrorPage(c echo.Context, status int, _ httpx.APIError) {
	if status == http.StatusUnauthorized && c.Request().Method == http.MethodGet {
		_ = c.Redirect(http.StatusSeeOther, "/")
		return
	}
	key := map[int]string{http.StatusForbidden: "error.forbidden", http.StatusNotFound: "error.not_found",
		http.StatusUnauthorized: "error.unauthenticated", http.StatusTooManyRequests: "error.rate_limited",
		http.StatusConflict: "error.conflict", http.StatusRequestEntityTooLarge: "error.too_large"}[status]
	if key == "" {
		key = "error.other"
		if status >= 500 {
			key = "error.internal"
		}
	}
	if status == http.StatusForbidden && session.CSRFChecked(c) && c.Request().Method != http.MethodGet && httpx.Actor(c) == nil {
		key = "error.csrf"
	}
	if err := s.render(c, status, "error", s.lang(c).T("error.title"), key); err != nil {
		s.log.Error("render error page", "err", err)
		_ = c.String(status, http.StatusText(status))
	}
}
