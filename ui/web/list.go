package web

import (
	"cmp"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
)

// listQuery is the search, filters and sort of a coordinator's list, read from
// the query string so that the forms work without script and every view has
// its own address. Empty means "all"; the default sort is by name.
type listQuery struct {
	Q        string // words that must all occur in the row's text
	Language string // a language code
	Area     string // an area (kind, for workplaces)
	Role     string // users: a role
	Status   string // "active", "inactive" or "" for both
	Sort     string // one of the list's sort keys; "" is "name"
}

func listQueryFrom(c echo.Context) listQuery {
	return listQuery{Q: strings.TrimSpace(c.QueryParam("q")), Language: c.QueryParam("language"), Area: c.QueryParam("area"),
		Role: c.QueryParam("role"), Status: c.QueryParam("status"), Sort: c.QueryParam("sort")}
}

// Filtered reports whether anything narrows the list (the page then offers
// to show all).
func (q listQuery) Filtered() bool {
	return q.Q != "" || q.Language != "" || q.Area != "" || q.Role != "" || q.Status != ""
}

// matches reports whether every word of the search occurs in one of the texts,
// ignoring case.
func (q listQuery) matches(texts ...string) bool {
	hay := strings.ToLower(strings.Join(texts, " "))
	for _, w := range strings.Fields(strings.ToLower(q.Q)) {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

func (q listQuery) statusOK(active bool) bool {
	return q.Status == "" || (q.Status == "active") == active
}

// supervisorsList is the supervisors page: the rows shown and how many there are in all.
type supervisorsList struct {
	Q     listQuery
	List  []booking.Supervisor
	All   int
	Saved string // the name of the supervisor just saved, for the notice
}

// filterSupervisors keeps the supervisors the query asks for, sorted by name
// (default), first language or status (active first).
func filterSupervisors(list []booking.Supervisor, q listQuery, l Lang) []booking.Supervisor {
	out := []booking.Supervisor{}
	for _, sv := range list {
		langs := make([]string, 0, len(sv.Languages)*2)
		for _, code := range sv.Languages {
			langs = append(langs, code, langName(l, code), sv.LanguageNotes[code])
		}
		if !q.matches(append(langs, sv.Name, sv.Email, sv.Phone)...) || !q.statusOK(sv.Active) ||
			(q.Language != "" && !sv.Speaks(q.Language)) || (q.Area != "" && !sv.Covers(q.Area)) {
			continue
		}
		out = append(out, sv)
	}
	first := func(sv booking.Supervisor) string {
		if len(sv.Languages) == 0 {
			return ""
		}
		return langName(l, sv.Languages[0])
	}
	byName := nameOrder()
	slices.SortStableFunc(out, func(a, b booking.Supervisor) int {
		switch q.Sort {
		case "language":
			return cmp.Or(byName(first(a), first(b)), byName(a.Name, b.Name))
		case "status":
			return cmp.Or(cmpActive(a.Active, b.Active), byName(a.Name, b.Name))
		}
		return cmp.Or(byName(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// workplacesList is the workplaces page.
type workplacesList struct {
	Q     listQuery
	List  []booking.Workplace
	All   int
	Saved string
}

// filterWorkplaces keeps the workplaces the query asks for, sorted by name
// (default), kind or cost center.
func filterWorkplaces(list []booking.Workplace, q listQuery, l Lang) []booking.Workplace {
	out := []booking.Workplace{}
	for _, w := range list {
		if !q.matches(w.Name, w.Address, w.CostCenter, w.ContactName, w.ContactPhone, l.T("area."+w.Kind)) ||
			!q.statusOK(w.Active) || (q.Area != "" && w.Kind != q.Area) {
			continue
		}
		out = append(out, w)
	}
	byName := nameOrder()
	slices.SortStableFunc(out, func(a, b booking.Workplace) int {
		switch q.Sort {
		case "kind":
			return cmp.Or(byName(l.T("area."+a.Kind), l.T("area."+b.Kind)), byName(a.Name, b.Name))
		case "cost_center":
			return cmp.Or(cmp.Compare(a.CostCenter, b.CostCenter), byName(a.Name, b.Name))
		}
		return cmp.Or(byName(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// filterUsers keeps the users the query asks for, sorted by name (default),
// e-mail or role.
func filterUsers(list []booking.User, q listQuery) []booking.User {
	out := []booking.User{}
	for _, u := range list {
		if !q.matches(u.Name, u.Email) || !q.statusOK(u.Active) || (q.Role != "" && u.Role != q.Role) {
			continue
		}
		out = append(out, u)
	}
	byName := nameOrder()
	slices.SortStableFunc(out, func(a, b booking.User) int {
		switch q.Sort {
		case "email":
			return cmp.Compare(a.Email, b.Email)
		case "role":
			return cmp.Or(cmp.Compare(a.Role, b.Role), byName(a.Name, b.Name))
		}
		return cmp.Or(byName(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// nameOrder compares names the Swedish way (… Z, Å, Ä, Ö; case and accents
// second), as a pool's people and places are named: byte order would put
// "Älvsjö" before "Åsa". A collator is not safe for concurrent use, so each
// sort makes its own.
func nameOrder() func(a, b string) int {
	c := collate.New(language.Swedish)
	return c.CompareString
}

func cmpActive(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}

// savedName is the name of the row whose id ?saved= names, for the notice
// that says it was saved after the redirect; "" when none.
func savedName[T any](c echo.Context, list []T, key func(T) (int64, string)) string {
	id, err := strconv.ParseInt(c.QueryParam("saved"), 10, 64)
	if err != nil {
		return ""
	}
	for _, v := range list {
		if k, name := key(v); k == id {
			return name
		}
	}
	return ""
}

// langName is the language's name in the page's language (the template
// function of the same name).
func langName(l Lang, code string) string {
	return templateFuncs["langName"].(func(Lang, string) string)(l, code)
}
