package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/emersion/go-ical"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/migrations/testdb"
	"github.com/sprakpool/sprakpool/notify/channel"
	"github.com/sprakpool/sprakpool/notify/email"
)

// received is one message as the SMTP server got it, parsed back with the
// standard library's parsers.
type received struct {
	From      string
	To        []string
	Header    netmail.Header
	Parts     []part
	MessageID string
	Kind      string
	Subject   string
	AuthUser  string
	At        int // the test's step counter when it arrived
	Raw       []byte
}

// part is one leaf MIME part, decoded; Encoding is its Content-Transfer-Encoding.
type part struct {
	Type     string
	Params   map[string]string
	Body     []byte
	Name     string
	Encoding string
}

// text returns the decoded body of the first part of that media type.
func (r received) text(mediaType string) string {
	for _, p := range r.Parts {
		if p.Type == mediaType {
			return string(p.Body)
		}
	}
	return ""
}

// calendar parses the text/calendar part with go-ical.
func (r received) calendar(t *testing.T) (*ical.Calendar, part) {
	t.Helper()
	for _, p := range r.Parts {
		if p.Type == "text/calendar" {
			cal, err := ical.NewDecoder(bytes.NewReader(p.Body)).Decode()
			if err != nil {
				t.Fatalf("parse text/calendar of %s: %v\n%s", r.Subject, err, p.Body)
			}
			return cal, p
		}
	}
	t.Fatalf("message %q to %v has no text/calendar part", r.Subject, r.To)
	return nil, part{}
}

func parseMessage(t testing.TB, data []byte) received {
	m, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Errorf("parse message: %v\n%s", err, data)
		return received{}
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Errorf("decode subject: %v", err)
	}
	r := received{Header: m.Header, Subject: subject, MessageID: m.Header.Get("Message-Id"), Kind: m.Header.Get("X-Sprakpool-Kind"), Raw: data}
	r.Parts = readParts(t, m.Header.Get("Content-Type"), m.Header.Get("Content-Transfer-Encoding"), "", m.Body)
	return r
}

func readParts(t testing.TB, ctype, cte, disposition string, body io.Reader) []part {
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		t.Errorf("content type %q: %v", ctype, err)
		return nil
	}
	if strings.HasPrefix(mt, "multipart/") {
		var out []part
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return out
			}
			if err != nil {
				t.Errorf("multipart: %v", err)
				return out
			}
			out = append(out, readParts(t, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"),
				p.Header.Get("Content-Disposition"), p)...)
		}
	}
	switch strings.ToLower(cte) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	data, err := io.ReadAll(body)
	if err != nil {
		t.Errorf("read part %s: %v", mt, err)
	}
	if mt == "text/plain" || mt == "text/html" { // SMTP line ends; attachments keep theirs
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	}
	name := ""
	if _, dp, err := mime.ParseMediaType(disposition); err == nil {
		name = dp["filename"]
	}
	return []part{{Type: mt, Params: params, Body: data, Name: name, Encoding: strings.ToLower(cte)}}
}

// mailServer is a real SMTP server (emersion/go-smtp) on loopback that keeps
// every message it accepts. It can be stopped and started again on its address.
type mailServer struct {
	t    testing.TB
	addr string
	mu   sync.Mutex
	msgs []received
	step int
	srv  *smtp.Server
	ln   net.Listener
	// user and pass, when set, are required (AUTH PLAIN and LOGIN).
	user, pass string
	tls        *tls.Config
	implicit   bool
	// rcptErr, when set, answers every RCPT TO.
	rcptErr error
}

func newMailServer(t testing.TB) *mailServer {
	m := &mailServer{t: t, addr: "127.0.0.1:0"}
	m.start()
	t.Cleanup(m.stop)
	return m
}

func (m *mailServer) start() {
	m.t.Helper()
	s := smtp.NewServer(m)
	s.Domain = "localhost"
	s.AllowInsecureAuth = m.tls == nil
	s.TLSConfig = m.tls
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	var ln net.Listener
	var err error
	for range 50 { // the address of a stopped server can take a moment to be free again
		if ln, err = net.Listen("tcp", m.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		m.t.Fatalf("listen: %v", err)
	}
	if m.implicit {
		ln = tls.NewListener(ln, m.tls)
	}
	m.addr = ln.Addr().String()
	m.mu.Lock()
	m.srv, m.ln = s, ln
	m.mu.Unlock()
	go s.Serve(ln)
}

func (m *mailServer) stop() {
	m.mu.Lock()
	s, ln := m.srv, m.ln
	m.srv, m.ln = nil, nil
	m.mu.Unlock()
	if s != nil {
		// Closing the listener too: Serve may not have registered it with s yet.
		ln.Close()
		s.Close()
	}
}

func (m *mailServer) url() string { return "smtp://" + m.addr + "?tls=none" }

// messages returns a copy of what arrived so far.
func (m *mailServer) messages() []received {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]received(nil), m.msgs...)
}

func (m *mailServer) reset() {
	m.mu.Lock()
	m.msgs = nil
	m.mu.Unlock()
}

// setStep labels the messages that arrive from now on.
func (m *mailServer) setStep(s int) {
	m.mu.Lock()
	m.step = s
	m.mu.Unlock()
}

// NewSession implements smtp.Backend.
func (m *mailServer) NewSession(c *smtp.Conn) (smtp.Session, error) { return &session{srv: m}, nil }

type session struct {
	srv      *mailServer
	from     string
	to       []string
	authUser string
}

func (s *session) AuthMechanisms() []string {
	if s.srv.user == "" {
		return nil
	}
	return []string{sasl.Plain, sasl.Login}
}

func (s *session) Auth(mech string) (sasl.Server, error) {
	check := func(user, pass string) error {
		if user != s.srv.user || pass != s.srv.pass {
			return smtp.ErrAuthFailed
		}
		s.authUser = user + " (" + mech + ")"
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, user, pass string) error { return check(user, pass) }), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.srv.user != "" && s.authUser == "" {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.srv.rcptErr != nil {
		return s.srv.rcptErr
	}
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	msg := parseMessage(s.srv.t, data)
	msg.From, msg.To, msg.AuthUser = s.from, s.to, s.authUser
	s.srv.mu.Lock()
	msg.At = s.srv.step
	s.srv.msgs = append(s.srv.msgs, msg)
	s.srv.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }

// clock is the test's time, shared by the service and the jobs.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// pool is a small pool in a fresh SQLite file with the real migrations: a
// coordinator, a preschool with its manager, and Amina, who speaks Arabic and
// Somali, works Monday to Friday 08:00–16:00 and signs in as a supervisor.
type pool struct {
	t       testing.TB
	ctx     context.Context
	svc     *booking.Service
	dsn     string
	clock   *clock
	loc     *time.Location
	admin   *booking.User
	manager *booking.User
	svUser  *booking.User
	sv      *booking.Supervisor
	wp      *booking.Workplace
}

func newPool(t testing.TB, now time.Time) *pool {
	t.Helper()
	ctx := context.Background()
	p := &pool{t: t, ctx: ctx, dsn: testdb.DSN(t, "pool.db"), clock: &clock{now: now}}
	p.svc = p.open()
	p.loc = p.svc.Config().Location
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var err error
	p.admin, err = p.svc.CreateUser(ctx, booking.UserInput{Email: "samordnare@kommun.example", Name: "Sam Ordnare", Role: booking.RoleAdmin, Password: "secret-password"})
	must(err)
	name, kind, addr := "Förskolan Solrosen", "childcare", "Solrosvägen 1, Kommunen"
	p.wp, err = p.svc.CreateWorkplace(ctx, p.admin, booking.WorkplaceInput{Name: &name, Kind: &kind, Address: &addr})
	must(err)
	svName, svEmail := "Amina Yusuf", "amina.privat@example.org"
	langs, areas := []string{"ar", "so"}, append([]string(nil), booking.Areas...)
	p.sv, err = p.svc.CreateSupervisor(ctx, p.admin, booking.SupervisorInput{Name: &svName, Email: &svEmail, Languages: &langs, Areas: &areas})
	must(err)
	var windows []booking.Window
	for wd := 1; wd <= 5; wd++ {
		windows = append(windows, booking.Window{Weekday: wd, Start: 8 * 60, End: 16 * 60})
	}
	_, err = p.svc.SetAvailability(ctx, p.admin, p.sv.ID, windows)
	must(err)
	p.svUser, err = p.svc.CreateUser(ctx, booking.UserInput{Email: "amina@kommun.example", Name: "Amina Yusuf", Role: booking.RoleSupervisor, SupervisorID: &p.sv.ID, Password: "secret-password"})
	must(err)
	p.manager, err = p.svc.CreateUser(ctx, booking.UserInput{Email: "chef.solrosen@kommun.example", Name: "Maria Chef", Role: booking.RoleManager, WorkplaceIDs: []int64{p.wp.ID}, Password: "secret-password"})
	must(err)
	return p
}

// open opens the pool's database as another process would: its own connections
// and locks, the same file.
func (p *pool) open() *booking.Service {
	p.t.Helper()
	cfg := booking.DefaultConfig()
	cfg.BaseURL = "https://sprakpool.example.se"
	cfg.MailFrom = "sprakpool@kommun.example"
	svc, err := booking.Open(p.ctx, p.dsn, cfg)
	if err != nil {
		p.t.Fatal(err)
	}
	p.t.Cleanup(func() { svc.Close() })
	if err := svc.Migrate(p.ctx); err != nil {
		p.t.Fatal(err)
	}
	svc.Now = p.clock.Now
	return svc
}

// at is a Stockholm wall time "2006-01-02 15:04".
func (p *pool) at(local string) time.Time {
	p.t.Helper()
	t, err := time.ParseInLocation("2006-01-02 15:04", local, p.loc)
	if err != nil {
		p.t.Fatal(err)
	}
	return t
}

// book books Amina at the preschool, as the coordinator, for local wall times.
func (p *pool) book(start, end string) *booking.Booking {
	p.t.Helper()
	b, err := p.svc.CreateBooking(p.ctx, p.admin, booking.BookingInput{SupervisorID: &p.sv.ID, WorkplaceID: p.wp.ID,
		Language: "ar", Purpose: "parent_information", ParticipantsExpected: 12,
		Start: p.at(start).Format(time.RFC3339), End: p.at(end).Format(time.RFC3339)})
	if err != nil {
		p.t.Fatalf("book %s–%s: %v", start, end, err)
	}
	return b
}

// notifier makes a Notifier of svc that sends to the server.
func (p *pool) notifier(svc *booking.Service, srv *mailServer, lead time.Duration) *Notifier {
	p.t.Helper()
	smtp, err := email.NewSMTP(srv.url(), "sprakpool@kommun.example")
	if err != nil {
		p.t.Fatal(err)
	}
	n, err := New(svc, Config{Senders: map[string]channel.Sender{booking.ChannelEmail: smtp}, From: "sprakpool@kommun.example",
		BaseURL: "https://sprakpool.example.se", ReminderLead: lead})
	if err != nil {
		p.t.Fatal(err)
	}
	return n
}

// run runs a job as of at (the service's clock says at too) and fails the test on error.
func run(t testing.TB, n *Notifier, job string, at time.Time) string {
	t.Helper()
	msg, err := n.Run(context.Background(), job, at)
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

// byKind counts messages of a kind.
func byKind(msgs []received, kind string) []received {
	var out []received
	for _, m := range msgs {
		if m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

// recipients lists the RCPT TO addresses of msgs, in order.
func recipients(msgs []received) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, strings.Join(m.To, ","))
	}
	return out
}

// noDuplicates fails when any Message-ID arrived twice.
func noDuplicates(t testing.TB, msgs []received) {
	t.Helper()
	seen := map[string]int{}
	for _, m := range msgs {
		seen[m.MessageID]++
	}
	for id, k := range seen {
		if k > 1 || id == "" {
			t.Errorf("Message-ID %q arrived %d times", id, k)
		}
	}
}

func prop(c *ical.Component, name string) string {
	if p := c.Props.Get(name); p != nil {
		return p.Value
	}
	return ""
}

// loginServer is the server side of AUTH LOGIN, which go-sasl only has as a client.
type loginServer struct {
	check      func(user, pass string) error
	step       int
	user, pass string
}

func (l *loginServer) Next(response []byte) ([]byte, bool, error) {
	l.step++
	switch l.step {
	case 1:
		if response != nil {
			l.user, l.step = string(response), 2
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 2:
		l.user = string(response)
		return []byte("Password:"), false, nil
	default:
		l.pass = string(response)
		return nil, true, l.check(l.user, l.pass)
	}
}

var _ = fmt.Sprintf

// bookingAt is a one-hour booking of Amina at start, past every rule (as a coordinator may).
func bookingAt(p *pool, start time.Time) booking.BookingInput {
	return booking.BookingInput{SupervisorID: &p.sv.ID, WorkplaceID: p.wp.ID, Language: "ar", Purpose: "other",
		Start: start.Format(time.RFC3339), End: start.Add(time.Hour).Format(time.RFC3339),
		Override: booking.OverridableRules, Overriding: true}
}
