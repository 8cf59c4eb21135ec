package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/account"
	"github.com/sprakpool/sprakpool/booking/demo"
	"github.com/sprakpool/sprakpool/migrations/testdb"
	"github.com/sprakpool/sprakpool/ui"
)

// A short run against a real server on a generated pool: every operation is
// measured, the ceiling is taken on the same database, and no bookings overlap.
func TestLoadShortRun(t *testing.T) {
	ctx := context.Background()
	dsn := testdb.DSN(t, "load.db")
	svc, err := booking.Open(ctx, dsn, booking.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	if err := svc.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	first := time.Now().AddDate(0, 0, -60).Format(time.DateOnly)
	if err := demo.Generate(ctx, svc, demo.GenerateSpec{Supervisors: 20, Workplaces: 5, Bookings: 3000, Years: 1, Seed: 3, First: first}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateUser(ctx, booking.UserInput{Email: "load@example.se", Name: "Load", Role: booking.RoleAdmin, Password: "secret-password"}); err != nil {
		t.Fatal(err)
	}
	token, err := account.New(svc).CreateToken(ctx, "load@example.se")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(ui.New(svc, ui.Config{BaseURL: "http://sprakpool.test", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	var out bytes.Buffer
	err = run(ctx, []string{"--url", srv.URL, "--token", token, "--db", dsn, "--clients", "4", "--duration", "1500ms"}, &out)
	t.Logf("\n%s", out.String())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\nbooking ", "\nsearch ", "\nfeed ", "\npage ", "ceiling (database/sql", "overlapping another of their supervisor: 0"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(out.String(), "[0:") || strings.Contains(out.String(), " 0:") {
		t.Errorf("transport errors in the run")
	}
}

// The fresh mode makes its own empty pool (on the run's PostgreSQL server when
// there is one), creates every booking it asks for over HTTP, takes the ceiling
// on the same database and prints the ratio.
func TestLoadFresh(t *testing.T) {
	args := []string{"--fresh", "--clients", "4", "--supervisors", "6", "--bookings", "300", "--writers", "2"}
	if server := testdb.Server(); server != "" {
		args = append(args, "--db", server)
	}
	var out bytes.Buffer
	err := run(context.Background(), args, &out)
	t.Logf("\n%s", out.String())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"for 6 supervisors on an empty", "map[201:300]", "ceiling (database/sql check-then-insert, 2 writers)",
		"; ratio ", "overlapping another of their supervisor: 0"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

// Flags that cannot make a run are refused, naming the flag.
func TestLoadFreshRefusesBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--fresh", "--bookings", "0"}, "--bookings"},
		{[]string{"--fresh", "--supervisors", "-1"}, "--supervisors"},
		{[]string{"--fresh", "--clients", "0"}, "--clients"},
		{[]string{"--fresh", "--writers", "0"}, "--writers"},
		{[]string{"--fresh", "--supervisors", "1", "--bookings", "2000"}, "do not fit"},
	} {
		err := run(context.Background(), tc.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want an error naming %s", tc.args, err, tc.want)
		}
	}
}
