package booking_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLayout keeps the dependency rules of the house (DESIGN.md, issue 13):
// the domain and everything under it reach neither the web (ui, echo, net/http)
// nor the notifier, and notify never reaches ui, however indirectly. A channel's
// sender (notify/email) gets rendered messages only: it reaches no domain package.
func TestLayout(t *testing.T) {
	for _, tc := range []struct {
		pkgs      string
		forbidden []string
	}{
		{"./booking/...", []string{"github.com/sprakpool/sprakpool/ui", "github.com/sprakpool/sprakpool/notify",
			"github.com/labstack/echo", "net/http"}},
		{"./notify/...", []string{"github.com/sprakpool/sprakpool/ui", "github.com/labstack/echo"}},
		{"./notify/email/...", []string{"github.com/sprakpool/sprakpool/booking", "github.com/sprakpool/sprakpool/ui"}},
	} {
		out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", "../"+strings.TrimPrefix(tc.pkgs, "./")).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", tc.pkgs, err, out)
		}
		deps := strings.Fields(string(out))
		if len(deps) < 10 {
			t.Fatalf("go list %s listed only %v", tc.pkgs, deps)
		}
		for _, dep := range deps {
			for _, f := range tc.forbidden {
				if dep == f || strings.HasPrefix(dep, f+"/") {
					t.Errorf("%s depends on %s", tc.pkgs, dep)
				}
			}
		}
	}
}
