package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/sprakpool/sprakpool/booking/account"
	"github.com/sprakpool/sprakpool/booking/calendar"
	"github.com/sprakpool/sprakpool/booking/demo"
	"github.com/sprakpool/sprakpool/booking/outbox"
	"github.com/sprakpool/sprakpool/booking/privacy"
	"github.com/sprakpool/sprakpool/booking/report"
	"github.com/sprakpool/sprakpool/notify"
	"github.com/sprakpool/sprakpool/ui"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newCommand("serve", stderr)
	withDemo := c.fs.Bool("demo", false, "load the demo pool first if the database is empty, and print the demo logins")
	if err := c.parse(args, stderr); err != nil {
		return err
	}
	// The address to open comes first, before the migrations' and the demo's
	// lines, so whoever starts Språkpool for the first time sees where to go.
	open := strings.TrimRight(c.cfg.BaseURL, "/") + "/"
	if c.cfg.Log == "json" {
		c.log.Info("open Språkpool in a browser", "url", open)
	} else {
		fmt.Fprintf(stderr, "Språkpool: öppna %s i webbläsaren (open it in a browser)\n", open)
	}
	svc, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()
	if *withDemo {
		switch err := demo.Load(ctx, svc); {
		case err == nil:
			c.log.Info("demo pool loaded")
		case errors.Is(err, demo.ErrNotEmpty):
			c.log.Info("database is not empty; demo pool not loaded again")
		default:
			return fmt.Errorf("load demo: %w", err)
		}
		printDemoLogins(stdout)
	}
	reports, cal, messages := report.New(svc), calendar.New(svc), outbox.New(svc)
	handler := ui.New(svc, ui.Config{BaseURL: c.cfg.BaseURL, Logger: c.log, Reports: reports,
		Privacy: privacy.New(svc), Calendar: cal, Outbox: messages, Account: account.NewWith(svc, c.cfg.accountOptions()),
		TrustedProxies: c.cfg.trustedProxies, OIDC: c.cfg.oidc(), Demo: *withDemo})
	srv := newHTTPServer(handler, defaultTimeouts)
	ln, err := net.Listen("tcp", c.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.cfg.Addr, err)
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if c.cfg.Scheduler != "off" {
		ncfg := c.cfg.notifyConfig()
		ncfg.Logger, ncfg.Reports, ncfg.Calendar, ncfg.Outbox = c.log, reports, cal, messages
		if ncfg.Senders, err = c.cfg.senders(); err != nil {
			return usageError{err.Error()}
		}
		n, err := notify.New(svc, ncfg)
		if err != nil {
			return usageError{err.Error()}
		}
		stopJobs := n.Start(ctx)
		defer stopJobs()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	c.log.Info("serving", "addr", ln.Addr().String(), "base_url", c.cfg.BaseURL, "db", c.cfg.DB)
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	c.log.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}

// timeouts bound how long one connection may hold the server: a client that
// sends its headers or body slowly, or idles, is cut off.
type timeouts struct {
	ReadHeader, Read, Write, Idle time.Duration
}

var defaultTimeouts = timeouts{ReadHeader: 10 * time.Second, Read: 30 * time.Second, Write: 60 * time.Second, Idle: 120 * time.Second}

// newHTTPServer is the server serve runs; tests build it with short timeouts.
func newHTTPServer(handler http.Handler, t timeouts) *http.Server {
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Read,
		WriteTimeout:      t.Write,
		IdleTimeout:       t.Idle,
		MaxHeaderBytes:    64 << 10,
	}
}
