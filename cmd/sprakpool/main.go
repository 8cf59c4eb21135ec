// Command sprakpool runs Språkpool, the booking system of a municipal
// language-support pool: the web server and its scheduled jobs, migrations, demo
// data, users and API tokens. Data goes to standard output, logs to standard error.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	_ "time/tzdata" // the zone database travels inside the binary

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/account"
	"github.com/sprakpool/sprakpool/booking/demo"
	"github.com/sprakpool/sprakpool/booking/report"
)

// Exit statuses of the contract.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// usageError is bad usage or bad configuration: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// usage names the reports from report.Kinds, like the report command itself.
var usage = `usage: sprakpool COMMAND [flags]

commands:
  serve [--demo]           apply migrations, serve the web app and the API
  migrate                  apply pending migrations and exit
  demo                     load the demo pool into an empty database
  user add --email E --name N --role admin|manager|supervisor [--workplace ID]... [--supervisor ID]
                           create a user; the password is read from standard input
  user deactivate --email E
                           end a user's access at once (as PATCH /api/v1/users/{id} {"active": false})
  token create --email E   print a new API token for that user
  token revoke --email E   end every API token of that user at once
  jobs list                print the scheduled jobs and their schedules
  jobs run NAME [--at T]   run one job now, as if the clock said T (RFC 3339)
  report ` + strings.Join(report.Names(), "|") + ` --from DATE --to DATE [--by KEY] [--format text|csv|json]
                           print a report (--by for utilization: ` + strings.Join(report.UtilizationKeys, ", ") + `)
  backup FILE              write a consistent copy of the SQLite database while it serves (PostgreSQL: use pg_dump)

Run "sprakpool COMMAND -h" for the configuration flags.`

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is main without the process: testable, and every path returns an exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	err := dispatch(ctx, args, stdin, stdout, stderr)
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "sprakpool:", ue.msg)
		return exitUsage
	default:
		fmt.Fprintln(stderr, "sprakpool:", err)
		return exitFailure
	}
}

func dispatch(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return usageError{"no command given"}
	}
	cmd, rest := args[0], args[1:]
	if (cmd == "user" || cmd == "token") && len(rest) > 0 {
		cmd, rest = cmd+" "+rest[0], rest[1:]
	}
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, stdout, stderr)
	case "migrate":
		return cmdMigrate(ctx, rest, stderr)
	case "demo":
		return cmdDemo(ctx, rest, stdout, stderr)
	case "user add":
		return cmdUserAdd(ctx, rest, stdin, stdout, stderr)
	case "user deactivate":
		return cmdUserDeactivate(ctx, rest, stderr)
	case "token create":
		return cmdTokenCreate(ctx, rest, stdout, stderr)
	case "token revoke":
		return cmdTokenRevoke(ctx, rest, stderr)
	case "jobs":
		return cmdJobs(ctx, rest, stdout, stderr)
	case "report":
		return cmdReport(ctx, rest, stdout, stderr)
	case "backup":
		return cmdBackup(ctx, rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	fmt.Fprintln(stderr, usage)
	return usageError{fmt.Sprintf("unknown command %q", strings.Join(args[:min(2, len(args))], " "))}
}

// command is one parsed subcommand: its configuration, logger and flags.
type command struct {
	fs  *flag.FlagSet
	cfg Config
	raw map[string]*string
	log *slog.Logger
}

func newCommand(name string, stderr io.Writer) *command {
	c := &command{fs: flag.NewFlagSet("sprakpool "+name, flag.ContinueOnError), raw: map[string]*string{}}
	c.fs.SetOutput(stderr)
	registerConfig(c.fs, &c.cfg, c.raw)
	return c
}

// parse reads the flags and the configuration, and builds the logger.
func (c *command) parse(args []string, stderr io.Writer) error {
	if err := c.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if c.fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", c.fs.Arg(0))}
	}
	if err := c.cfg.finish(c.raw); err != nil {
		return usageError{err.Error()}
	}
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	if c.cfg.Log == "json" {
		c.log = slog.New(slog.NewJSONHandler(stderr, opts))
	} else {
		c.log = slog.New(slog.NewTextHandler(stderr, opts))
	}
	return nil
}

// open connects to the database and applies pending migrations.
func (c *command) open(ctx context.Context) (*booking.Service, error) {
	svc, err := booking.Open(ctx, c.cfg.DB, c.cfg.bookingConfig())
	if err != nil {
		return nil, err
	}
	if err := svc.Migrate(ctx); err != nil {
		svc.Close()
		return nil, err
	}
	return svc, nil
}

func cmdMigrate(ctx context.Context, args []string, stderr io.Writer) error {
	c := newCommand("migrate", stderr)
	if err := c.parse(args, stderr); err != nil {
		return err
	}
	svc, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()
	c.log.Info("database is up to date", "db", c.cfg.DB)
	return nil
}

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newCommand("demo", stderr)
	if err := c.parse(args, stderr); err != nil {
		return err
	}
	svc, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()
	if err := demo.Load(ctx, svc); err != nil {
		return fmt.Errorf("load demo: %w", err)
	}
	printDemoLogins(stdout)
	return nil
}

func printDemoLogins(w io.Writer) {
	for _, l := range demo.Logins() {
		fmt.Fprintf(w, "%s %s %s\n", l.Email, l.Password, l.Role)
	}
}

// idList is a repeatable --workplace flag.
type idList []int64

func (l *idList) String() string { return fmt.Sprint(*l) }

func (l *idList) Set(v string) error {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return fmt.Errorf("%q is not an id", v)
	}
	*l = append(*l, id)
	return nil
}

func cmdUserAdd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	c := newCommand("user add", stderr)
	email := c.fs.String("email", "", "the user's e-mail address")
	name := c.fs.String("name", "", "the user's name")
	role := c.fs.String("role", "", "admin, manager or supervisor")
	var workplaces idList
	c.fs.Var(&workplaces, "workplace", "a workplace the manager books for (repeatable)")
	supervisor := c.fs.Int64("supervisor", 0, "the supervisor this user is")
	if err := c.parse(args, stderr); err != nil {
		return err
	}
	if *email == "" || *name == "" || *role == "" {
		return usageError{"user add needs --email, --name and --role"}
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password: %w", err)
	}
	in := booking.UserInput{Email: *email, Name: *name, Role: *role, WorkplaceIDs: workplaces,
		Password: strings.TrimRight(line, "\r\n")}
	if *supervisor != 0 {
		in.SupervisorID = supervisor
	}
	svc, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()
	u, err := svc.CreateUser(ctx, in)
	if err != nil {
		var be *booking.Error
		if errors.As(err, &be) && be.Code == booking.CodeInvalid {
			return usageError{be.Message}
		}
		return err
	}
	fmt.Fprintln(stdout, u.ID)
	return nil
}

// cmdUserDeactivate does what PATCH /api/v1/users/{id} {"active": false}
// does: the user can no longer sign in, their sessions, API tokens and links
// end, and the calendar feeds they could see get new URLs. It prints nothing
// on standard output; the log says what was done.
func cmdUserDeactivate(ctx context.Context, args []string, stderr io.Writer) error {
	return tokenCommand(ctx, "user deactivate", args, stderr, func(c *command, svc *booking.Service, email string) error {
		u, err := svc.UserByEmail(ctx, email)
		if err != nil {
			return err
		}
		cli := &booking.User{Name: "sprakpool user deactivate", Role: booking.RoleAdmin}
		if err := svc.DeactivateUser(ctx, cli, u.ID); err != nil {
			return err
		}
		c.log.Info("deactivated user", "email", u.Email, "id", u.ID)
		return nil
	})
}

func cmdTokenCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return tokenCommand(ctx, "token create", args, stderr, func(c *command, svc *booking.Service, email string) error {
		token, err := account.New(svc).CreateToken(ctx, email)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, token)
		return nil
	})
}

// cmdTokenRevoke ends every API token of a user, e.g. after a leak; the user
// can still sign in. It prints nothing on standard output; the count goes to the log.
func cmdTokenRevoke(ctx context.Context, args []string, stderr io.Writer) error {
	return tokenCommand(ctx, "token revoke", args, stderr, func(c *command, svc *booking.Service, email string) error {
		n, err := account.New(svc).RevokeTokens(ctx, email)
		if err != nil {
			return err
		}
		c.log.Info("revoked API tokens", "email", email, "count", n)
		return nil
	})
}

// tokenCommand reads the --email of a token or user command, opens the
// database and runs do on that user's address.
func tokenCommand(ctx context.Context, name string, args []string, stderr io.Writer, do func(*command, *booking.Service, string) error) error {
	c := newCommand(name, stderr)
	email := c.fs.String("email", "", "the user's e-mail address")
	if err := c.parse(args, stderr); err != nil {
		return err
	}
	if *email == "" {
		return usageError{name + " needs --email"}
	}
	svc, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()
	return do(c, svc, *email)
}
