package ui_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLayout keeps the parts of ui apart (issue 13): ui mounts them, and what
// they share is in ui/internal/httpx. The API reaches no page (it may name a
// feed's URL), the pages and the feeds reach no API, the feeds no page, and
// the shared pieces no part. Nothing under ui imports ui itself: the compiler
// would refuse the cycle.
func TestLayout(t *testing.T) {
	const ui = "github.com/sprakpool/sprakpool/ui/"
	for _, tc := range []struct {
		pkg       string
		forbidden []string
	}{
		{"./api", []string{ui + "web"}},
		{"./web", []string{ui + "api", ui + "feed"}},
		{"./feed", []string{ui + "api", ui + "web"}},
		{"./internal/...", []string{ui + "api", ui + "web", ui + "feed"}},
	} {
		out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", tc.pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", tc.pkg, err, out)
		}
		deps := strings.Fields(string(out))
		if len(deps) < 10 {
			t.Fatalf("go list %s listed only %v", tc.pkg, deps)
		}
		for _, dep := range deps {
			for _, f := range tc.forbidden {
				if dep == f || strings.HasPrefix(dep, f+"/") {
					t.Errorf("ui/%s depends on %s", strings.TrimPrefix(tc.pkg, "./"), dep)
				}
			}
		}
	}
}
