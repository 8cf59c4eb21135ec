package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/notify/sms"
)

// Config is the whole configuration, read from SPRAKPOOL_* variables; a flag
// named after the variable's suffix wins over the variable.
type Config struct {
	Addr             string
	DB               string
	BaseURL          string
	TZ               string
	SMTPURL          string
	MailFrom         string
	SMSURL           string
	SMSFrom          string
	Scheduler        string
	ReminderLead     time.Duration
	MailLease        time.Duration
	TravelBuffer     time.Duration
	DailyLimit       time.Duration
	LateCancel       time.Duration
	LateCancelRemote time.Duration
	Log              string
	TrustedProxies   string
	OIDCIssuer       string
	OIDCClientID     string
	OIDCClientSecret string
	OIDCLabel        string
	PasswordLogin    string
	ContactEmail     string

	location       *time.Location
	trustedProxies []*net.IPNet
	// baseURLGiven is whether SPRAKPOOL_BASE_URL (or --base-url) was set, not
	// defaulted from the listen address.
	baseURLGiven bool
}

// setting is one configuration value: its variable, flag, default and target.
type setting struct {
	name, def, help string
	str             *string
	dur             *time.Duration
}

func (c *Config) settings() []setting {
	return []setting{
		{name: "addr", def: "127.0.0.1:8080", help: "listen address", str: &c.Addr},
		{name: "db", def: "sprakpool.db", help: "SQLite file path (or postgres://…)", str: &c.DB},
		{name: "base-url", def: "", help: "absolute URL for links in mail and feeds (default http:// + addr)", str: &c.BaseURL},
		{name: "tz", def: "Europe/Stockholm", help: "the pool's time zone", str: &c.TZ},
		{name: "smtp-url", def: "", help: "smtp://user:pass@host:port?tls=starttls|implicit|none; empty logs mail", str: &c.SMTPURL},
		{name: "mail-from", def: "sprakpool@localhost", help: "sender address", str: &c.MailFrom},
		{name: "sms-url", def: "", help: "https://user:password@gateway/path taking POSTs of from, to, message as 46elks does; empty: no SMS", str: &c.SMSURL},
		{name: "sms-from", def: "Sprakpool", help: "the SMS sender shown on the phone", str: &c.SMSFrom},
		{name: "scheduler", def: "on", help: "on or off: run scheduled jobs in this process", str: &c.Scheduler},
		{name: "reminder-lead", def: "24h", help: "how long before the start a reminder goes out", dur: &c.ReminderLead},
		{name: "mail-lease", def: "5m", help: "how long a message being sent is held before another process, or this one after a crash, sends it again", dur: &c.MailLease},
		{name: "travel-buffer", def: "15m", help: "least gap between bookings at different workplaces", dur: &c.TravelBuffer},
		{name: "daily-limit", def: "8h", help: "most booked time of one supervisor on one day", dur: &c.DailyLimit},
		{name: "late-cancel", def: "24h", help: "notice below which an on-site cancellation is late", dur: &c.LateCancel},
		{name: "late-cancel-remote", def: "4h", help: "the same for phone and video", dur: &c.LateCancelRemote},
		{name: "log", def: "text", help: "text or json log lines", str: &c.Log},
		{name: "contact-email", def: "", help: "the coordinators' address for reports of problems, named by the accessibility statement (default: mail-from)", str: &c.ContactEmail},
		{name: "trusted-proxies", def: "", help: "comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-For names the client", str: &c.TrustedProxies},
		{name: "oidc-issuer", def: "", help: "OpenID Connect issuer URL of the municipality's login, used as given; empty: none", str: &c.OIDCIssuer},
		{name: "oidc-client-id", def: "", help: "the client registered at the issuer (redirect URI: base URL + /auth/oidc/callback)", str: &c.OIDCClientID},
		{name: "oidc-client-secret", def: "", help: "the client's secret", str: &c.OIDCClientSecret},
		{name: "oidc-label", def: defaultOIDCLabel, help: "the text of the login page's button", str: &c.OIDCLabel},
		{name: "password-login", def: "on", help: "on or off: off hides the password form and refuses password logins", str: &c.PasswordLogin},
	}
}

func envName(flagName string) string {
	return "SPRAKPOOL_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// registerConfig adds every setting as a flag whose default is the variable's
// value, else the built-in default. Durations are parsed in validate, so a bad
// variable gets the same one-line error as a bad flag.
func registerConfig(fs *flag.FlagSet, c *Config, raw map[string]*string) {
	for _, st := range c.settings() {
		v := st.def
		if env, ok := os.LookupEnv(envName(st.name)); ok {
			v = env
		}
		p := new(string)
		raw[st.name] = p
		fs.StringVar(p, st.name, v, st.help+" ($"+envName(st.name)+")")
	}
}

// finish parses and checks the raw values; every problem is bad configuration.
func (c *Config) finish(raw map[string]*string) error {
	for _, st := range c.settings() {
		v := strings.TrimSpace(*raw[st.name])
		if st.str != nil {
			*st.str = v
			continue
		}
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return fmt.Errorf("%s: %q is not a duration such as 15m or 24h", envName(st.name), v)
		}
		*st.dur = d
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("SPRAKPOOL_ADDR: %q is not host:port", c.Addr)
	}
	if c.DB == "" {
		return errors.New("SPRAKPOOL_DB: must not be empty")
	}
	loc, err := time.LoadLocation(c.TZ)
	if err != nil || c.TZ == "" || c.TZ == "Local" {
		return fmt.Errorf("SPRAKPOOL_TZ: %q is not a time zone such as Europe/Stockholm", c.TZ)
	}
	c.location = loc
	c.baseURLGiven = c.BaseURL != ""
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("SPRAKPOOL_BASE_URL: %q is not an http(s) URL", c.BaseURL)
	}
	if c.SMTPURL != "" {
		u, err := url.Parse(c.SMTPURL)
		if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Host == "" {
			return fmt.Errorf("SPRAKPOOL_SMTP_URL: %q is not smtp://user:pass@host:port", c.SMTPURL)
		}
		if tls := u.Query().Get("tls"); tls != "" && tls != "starttls" && tls != "implicit" && tls != "none" {
			return fmt.Errorf("SPRAKPOOL_SMTP_URL: tls=%q must be starttls, implicit or none", tls)
		}
	}
	if c.ContactEmail != "" && !validAddress(c.ContactEmail) {
		return fmt.Errorf("SPRAKPOOL_CONTACT_EMAIL: %q is not an e-mail address", c.ContactEmail)
	}
	if !validAddress(c.MailFrom) {
		return fmt.Errorf("SPRAKPOOL_MAIL_FROM: %q is not an e-mail address", c.MailFrom)
	}
	if err := sms.CheckFrom(c.SMSFrom); err != nil {
		return fmt.Errorf("SPRAKPOOL_SMS_FROM: %w", err)
	}
	if c.SMSURL != "" {
		if _, err := sms.NewGateway(c.SMSURL, c.SMSFrom); err != nil {
			return fmt.Errorf("SPRAKPOOL_SMS_URL: %w", err)
		}
	}
	if c.Scheduler != "on" && c.Scheduler != "off" {
		return fmt.Errorf("SPRAKPOOL_SCHEDULER: %q must be on or off", c.Scheduler)
	}
	if c.Log != "text" && c.Log != "json" {
		return fmt.Errorf("SPRAKPOOL_LOG: %q must be text or json", c.Log)
	}
	if c.trustedProxies, err = parseProxies(c.TrustedProxies); err != nil {
		return err
	}
	if err := c.checkLogin(); err != nil {
		return err
	}
	if c.MailLease < 2*time.Second {
		// Half the lease is the time allowed for one SMTP batch.
		return fmt.Errorf("SPRAKPOOL_MAIL_LEASE: %s must be at least 2s", c.MailLease)
	}
	if c.DailyLimit <= 0 || c.DailyLimit > 24*time.Hour {
		return fmt.Errorf("SPRAKPOOL_DAILY_LIMIT: %s must be more than 0 and at most 24h", c.DailyLimit)
	}
	return nil
}

// parseProxies reads SPRAKPOOL_TRUSTED_PROXIES: addresses (one host each) and
// CIDR ranges, separated by commas.
func parseProxies(v string) ([]*net.IPNet, error) {
	var nets []*net.IPNet
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if _, n, err := net.ParseCIDR(part); err == nil {
			nets = append(nets, n)
			continue
		}
		ip := net.ParseIP(part)
		if ip == nil {
			return nil, fmt.Errorf("SPRAKPOOL_TRUSTED_PROXIES: %q is not an address or CIDR range such as 10.0.0.5 or 10.0.0.0/24", part)
		}
		bits := 8 * net.IPv6len
		if v4 := ip.To4(); v4 != nil {
			ip, bits = v4, 8*net.IPv4len
		}
		nets = append(nets, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
	}
	return nets, nil
}

func validAddress(v string) bool {
	at := strings.LastIndex(v, "@")
	return at > 0 && at < len(v)-1 && !strings.ContainsAny(v, " <>\r\n")
}

// bookingConfig is the domain's part of the configuration.
func (c *Config) bookingConfig() booking.Config {
	return booking.Config{Location: c.location, BaseURL: c.BaseURL, MailFrom: c.MailFrom, ContactEmail: c.ContactEmail, TravelBuffer: c.TravelBuffer,
		DailyLimit: c.DailyLimit, LateCancel: c.LateCancel, LateCancelRemote: c.LateCancelRemote}
}
