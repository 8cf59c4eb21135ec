package notify

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/outbox"
	"github.com/sprakpool/sprakpool/notify/channel"
	"github.com/sprakpool/sprakpool/notify/email"
	"github.com/sprakpool/sprakpool/notify/sms"
)

// elksServer is an SMS gateway on loopback that answers as 46elks documents
// POST /a1/sms (https://46elks.com/docs/send-sms): HTTP Basic auth, a
// form-encoded from, to and message, 200 with the JSON of the created SMS;
// 401 on bad credentials, 400 on a number it cannot send to. It can be told
// to answer 503, or to answer late, for a while.
type elksServer struct {
	t           testing.TB
	srv         *httptest.Server
	mu          sync.Mutex
	got         []elksSMS
	unavailable int           // answer this many requests 503
	slow        time.Duration // answer this late (the client gives up first)
	refused     int           // requests answered 4xx
}

// elksSMS is one SMS the gateway accepted.
type elksSMS struct {
	From, To, Message, IdempotencyKey string
}

const elksUser, elksPassword = "u2f5c0a5b", "7D1C5E0F"

func newElksServer(t testing.TB) *elksServer {
	e := &elksServer{t: t}
	e.srv = httptest.NewServer(http.HandlerFunc(e.serve))
	t.Cleanup(e.srv.Close)
	return e
}

// url is the gateway's URL with the account's credentials, as SPRAKPOOL_SMS_URL takes it.
func (e *elksServer) url(password string) string {
	return strings.Replace(e.srv.URL, "http://", "http://"+elksUser+":"+password+"@", 1) + "/a1/sms"
}

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{7,14}$`)

func (e *elksServer) serve(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	slow, unavailable := e.slow, e.unavailable > 0
	if unavailable {
		e.unavailable--
	}
	e.mu.Unlock()
	if slow > 0 {
		select {
		case <-time.After(slow):
		case <-r.Context().Done():
			return
		}
	}
	refuse := func(status int, msg string) {
		e.mu.Lock()
		e.refused++
		e.mu.Unlock()
		http.Error(w, msg, status)
	}
	user, pass, ok := r.BasicAuth()
	switch {
	case r.Method != http.MethodPost || r.URL.Path != "/a1/sms":
		refuse(http.StatusNotFound, "Not found")
		return
	case !ok || user != elksUser || pass != elksPassword:
		refuse(http.StatusUnauthorized, "Invalid API credentials")
		return
	case unavailable:
		http.Error(w, "Service temporarily unavailable", http.StatusServiceUnavailable)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		refuse(http.StatusBadRequest, "Content-Type must be application/x-www-form-urlencoded")
		return
	}
	if err := r.ParseForm(); err != nil {
		refuse(http.StatusBadRequest, "Bad form")
		return
	}
	m := elksSMS{From: r.PostForm.Get("from"), To: r.PostForm.Get("to"), Message: r.PostForm.Get("message"),
		IdempotencyKey: r.Header.Get("Idempotency-Key")}
	switch {
	case m.From == "" || m.Message == "":
		refuse(http.StatusBadRequest, "Missing key from or message")
		return
	case !e164.MatchString(m.To) || strings.HasPrefix(m.To, "+4670000000"):
		// +4670000000… stands for a number the operator will not deliver to.
		refuse(http.StatusBadRequest, "Invalid to number")
		return
	}
	e.mu.Lock()
	e.got = append(e.got, m)
	n := len(e.got)
	e.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"status": "created", "direction": "outgoing", "from": m.From, "to": m.To,
		"message": m.Message, "created": time.Now().UTC().Format("2006-01-02T15:04:05.000000"), "parts": 1, "cost": 5200,
		"id": fmt.Sprintf("s%032x", n)})
}

func (e *elksServer) received() []elksSMS {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]elksSMS(nil), e.got...)
}

func (e *elksServer) set(f func(e *elksServer)) {
	e.mu.Lock()
	f(e)
	e.mu.Unlock()
}

// smsNotifier is a Notifier of the pool that mails to srv and texts through gw.
func (p *pool) smsNotifier(srv *mailServer, gw *sms.Gateway, lead time.Duration) *Notifier {
	p.t.Helper()
	smtp, err := email.NewSMTP(srv.url(), "sprakpool@kommun.example")
	if err != nil {
		p.t.Fatal(err)
	}
	n, err := New(p.svc, Config{Senders: map[string]channel.Sender{booking.ChannelEmail: smtp, booking.ChannelSMS: gw},
		From: "sprakpool@kommun.example", BaseURL: "https://sprakpool.example.se", ReminderLead: lead})
	if err != nil {
		p.t.Fatal(err)
	}
	return n
}

func (p *pool) gateway(e *elksServer, password string) *sms.Gateway {
	p.t.Helper()
	gw, err := sms.NewGateway(e.url(password), "")
	if err != nil {
		p.t.Fatal(err)
	}
	return gw
}

// smsRows lists the outbox's SMS rows.
func smsRows(t testing.TB, p *pool) []booking.Message {
	t.Helper()
	all, err := outbox.New(p.svc).List(p.ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var out []booking.Message
	for _, m := range all {
		if m.Channel == booking.ChannelSMS {
			out = append(out, m)
		}
	}
	return out
}

// TestSMSReachesGateway: with SMS reminders on, a user gets each reminder also
// by SMS, and a supervisor a booking made, moved or cancelled within 24 hours,
// through a gateway that answers as 46elks: Basic auth, from/to/message, the
// user's own number, Swedish or English, time, place and workplace in 160
// characters; exactly once however often the jobs run; nothing for bookings
// further ahead, for users without SMS, or without a gateway.
func TestSMSReachesGateway(t *testing.T) {
	p := newPool(t, time.Date(2026, 3, 23, 7, 0, 0, 0, time.UTC)) // Monday 08:00 in Stockholm
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	on := true
	svPhone, mgrPhone := "070-123 45 67", "+46 73 765 43 21"
	must(p.svc.SetContact(p.ctx, p.svUser, booking.ContactPatch{Phone: &svPhone, SMSReminders: &on}))
	must(p.svc.SetContact(p.ctx, p.manager, booking.ContactPatch{Phone: &mgrPhone, SMSReminders: &on}))
	must(p.svc.SetLocale(p.ctx, p.manager, "en"))
	srv, elks := newMailServer(t), newElksServer(t)
	n := p.smsNotifier(srv, p.gateway(elks, elksPassword), 2*time.Hour)

	// A booking this afternoon: the supervisor hears of it by SMS (the manager,
	// who made it, by mail alone); one next week: mail alone.
	soon := p.book("2026-03-23 13:00", "2026-03-23 14:30")
	later := p.book("2026-03-30 09:00", "2026-03-30 10:00")
	run(t, n, "outbox", p.clock.Now())
	got := elks.received()
	if len(got) != 1 {
		t.Fatalf("after two bookings the gateway got %d SMS, want 1: %+v", len(got), got)
	}
	want := elksSMS{From: sms.DefaultFrom, To: "+46701234567",
		Message: "Språkpool: ny bokning mån 23 mars 13:00-14:30, Förskolan Solrosen, Solrosvägen 1, Kommunen."}
	if got[0].From != want.From || got[0].To != want.To || got[0].Message != want.Message {
		t.Fatalf("SMS\n%+v, want\n%+v", got[0], want)
	}
	rows := smsRows(t, p)
	if len(rows) != 1 || rows[0].Status != booking.MessageSent || rows[0].BookingID == nil || *rows[0].BookingID != soon.ID ||
		got[0].IdempotencyKey != rows[0].MessageID {
		t.Fatalf("SMS rows %+v (Idempotency-Key %q)", rows, got[0].IdempotencyKey)
	}
	if mails := srv.messages(); len(mails) != 4 {
		t.Fatalf("%d mails for two bookings, want 4 (supervisor and manager each)", len(mails))
	}

	// Moved within the day, then the far one cancelled: one SMS for the move, none for the far one.
	p.clock.set(p.clock.Now().Add(10 * time.Minute))
	start, end := p.at("2026-03-23 14:00").Format(time.RFC3339), p.at("2026-03-23 15:30").Format(time.RFC3339)
	if _, err := p.svc.UpdateBooking(p.ctx, p.admin, soon.ID, booking.BookingPatch{Start: &start, End: &end}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.svc.CancelBooking(p.ctx, p.admin, later.ID, "illness", ""); err != nil {
		t.Fatal(err)
	}
	run(t, n, "outbox", p.clock.Now())
	got = elks.received()
	if len(got) != 2 || got[1].Message != "Språkpool: bokningen är nu mån 23 mars 14:00-15:30 (var 13:00-14:30), Förskolan Solrosen, Solrosvägen 1, Kommunen." {
		t.Fatalf("after the move and the far cancellation: %+v", got)
	}

	// The reminder, two hours ahead: by mail and by SMS to both, the manager in English.
	for _, at := range []string{"2026-03-23 11:30", "2026-03-23 12:00", "2026-03-23 12:01"} {
		p.clock.set(p.at(at))
		run(t, n, "reminders", p.at(at))
		run(t, n, "outbox", p.at(at))
	}
	got = elks.received()
	if len(got) != 4 {
		t.Fatalf("after the reminders the gateway has %d SMS, want 4: %+v", len(got), got)
	}
	reminders := map[string]string{}
	for _, m := range got[2:] {
		reminders[m.To] = m.Message
	}
	if want := "Påminnelse från Språkpool: mån 23 mars 14:00-15:30, Förskolan Solrosen, Solrosvägen 1, Kommunen."; reminders["+46701234567"] != want {
		t.Errorf("the supervisor's reminder %q, want %q", reminders["+46701234567"], want)
	}
	if want := "Reminder from Språkpool: Mon 23 March 14:00-15:30, Förskolan Solrosen, Solrosvägen 1, Kommunen."; reminders["+46737654321"] != want {
		t.Errorf("the manager's reminder %q, want %q", reminders["+46737654321"], want)
	}
	if r := byKind(srv.messages(), outbox.KindReminder); len(r) != 2 {
		t.Errorf("%d reminder mails, want 2", len(r))
	}
	// Exactly once: the jobs again, and a second process, change nothing.
	p.clock.set(p.at("2026-03-23 12:05"))
	other := p.open()
	n2, err := New(other, Config{Senders: map[string]channel.Sender{booking.ChannelSMS: p.gateway(elks, elksPassword)}, ReminderLead: 2 * time.Hour})
	must(err)
	for _, nn := range []*Notifier{n, n2, n} {
		run(t, nn, "reminders", p.clock.Now())
		run(t, nn, "outbox", p.clock.Now())
	}
	if got := elks.received(); len(got) != 4 {
		t.Fatalf("running the jobs again sent more SMS: %+v", got[4:])
	}
	for _, m := range elks.received() {
		if len([]rune(m.Message)) > SMSLength || gsm7(m.Message) != m.Message {
			t.Errorf("SMS %q is longer than %d or not GSM 7-bit", m.Message, SMSLength)
		}
	}

	// Without a gateway no SMS is planned at all.
	p.clock.set(p.at("2026-03-24 08:00"))
	before := len(smsRows(t, p))
	n3 := p.notifier(p.svc, srv, 2*time.Hour)
	p.book("2026-03-24 13:00", "2026-03-24 14:00")
	run(t, n3, "outbox", p.clock.Now())
	run(t, n3, "reminders", p.at("2026-03-24 11:30"))
	if after := len(smsRows(t, p)); after != before {
		t.Errorf("without a gateway %d SMS were planned", after-before)
	}
}

// TestSMSGatewayFailures: the SMS has mail's promise. A 5xx or no answer in
// time is retried after outbox.RetryDelay and then goes out once; a 4xx (a
// number the gateway refuses, bad credentials) fails the SMS at once, with the
// status in its last error and never the text; the mail beside it is untouched.
func TestSMSGatewayFailures(t *testing.T) {
	p := newPool(t, time.Date(2026, 3, 23, 7, 0, 0, 0, time.UTC))
	on := true
	phone := "0701234567"
	if err := p.svc.SetContact(p.ctx, p.svUser, booking.ContactPatch{Phone: &phone, SMSReminders: &on}); err != nil {
		t.Fatal(err)
	}
	srv, elks := newMailServer(t), newElksServer(t)
	gw := p.gateway(elks, elksPassword)
	gw.SetTimeout(300 * time.Millisecond)
	n := p.smsNotifier(srv, gw, 24*time.Hour)
	status := func(id int64) booking.Message {
		t.Helper()
		for _, m := range smsRows(t, p) {
			if *m.BookingID == id {
				return m
			}
		}
		t.Fatalf("no SMS for booking %d", id)
		return booking.Message{}
	}

	// 503 twice: retried after one minute, then two, then sent once.
	elks.set(func(e *elksServer) { e.unavailable = 2 })
	b := p.book("2026-03-23 13:00", "2026-03-23 14:00")
	run(t, n, "outbox", p.clock.Now())
	if m := status(b.ID); m.Status != booking.MessagePending || m.Attempts != 1 || !strings.Contains(m.LastError, "503") {
		t.Fatalf("after a 503: %+v", m)
	}
	run(t, n, "outbox", p.clock.Now().Add(30*time.Second)) // not due yet
	if m := status(b.ID); m.Attempts != 1 {
		t.Fatalf("retried before its delay: %+v", m)
	}
	run(t, n, "outbox", p.clock.Now().Add(outbox.RetryDelay(1)))
	run(t, n, "outbox", p.clock.Now().Add(outbox.RetryDelay(1)+outbox.RetryDelay(2)))
	if m := status(b.ID); m.Status != booking.MessageSent || m.Attempts != 3 || len(elks.received()) != 1 {
		t.Fatalf("after two 503s: %+v, %d received", m, len(elks.received()))
	}

	// No answer within the timeout: retried, then sent.
	p.clock.set(p.at("2026-03-23 09:00"))
	elks.set(func(e *elksServer) { e.slow = 2 * time.Second })
	b2 := p.book("2026-03-23 14:30", "2026-03-23 15:00")
	run(t, n, "outbox", p.clock.Now())
	if m := status(b2.ID); m.Status != booking.MessagePending || m.Attempts != 1 || !strings.Contains(m.LastError, "Timeout") {
		t.Fatalf("after a timeout: %+v", m)
	}
	elks.set(func(e *elksServer) { e.slow = 0 })
	run(t, n, "outbox", p.clock.Now().Add(outbox.RetryDelay(1)))
	if m := status(b2.ID); m.Status != booking.MessageSent || m.Attempts != 2 {
		t.Fatalf("after the timeout and a retry: %+v", m)
	}

	// A number the gateway refuses (400): failed at once, never retried.
	p.clock.set(p.at("2026-03-23 09:10"))
	bad := "+46 70 000 00 01"
	if err := p.svc.SetContact(p.ctx, p.svUser, booking.ContactPatch{Phone: &bad}); err != nil {
		t.Fatal(err)
	}
	b3 := p.book("2026-03-23 15:00", "2026-03-23 15:30")
	run(t, n, "outbox", p.clock.Now())
	m := status(b3.ID)
	if m.Status != booking.MessageFailed || m.Attempts != 1 || !strings.Contains(m.LastError, "400") || strings.Contains(m.LastError, "Förskolan") {
		t.Fatalf("after a 400: %+v", m)
	}
	run(t, n, "outbox", p.clock.Now().Add(3*time.Hour))
	if m := status(b3.ID); m.Attempts != 1 {
		t.Fatalf("a refused SMS was tried again: %+v", m)
	}

	// Bad credentials (401): failed at once as well; the mail went out all the same.
	if err := p.svc.SetContact(p.ctx, p.svUser, booking.ContactPatch{Phone: &phone}); err != nil {
		t.Fatal(err)
	}
	wrong := p.smsNotifier(srv, p.gateway(elks, "wrong"), 24*time.Hour)
	p.clock.set(p.at("2026-03-23 09:20"))
	srv.reset()
	b4 := p.book("2026-03-23 15:30", "2026-03-23 16:00")
	run(t, wrong, "outbox", p.clock.Now())
	if m := status(b4.ID); m.Status != booking.MessageFailed || m.Attempts != 1 || !strings.Contains(m.LastError, "401") {
		t.Fatalf("after a 401: %+v", m)
	}
	if mails := byKind(srv.messages(), outbox.KindBookingConfirmed); len(mails) != 2 {
		t.Fatalf("the mail beside the refused SMS: %d sent, want 2", len(mails))
	}
	if got := len(elks.received()); got != 2 {
		t.Fatalf("the gateway accepted %d SMS, want 2", got)
	}
}

// TestSMSReminderFollowsTheUser: an SMS reminder planned ahead is checked
// against the user when it is sent, not against an e-mail address: it goes
// to a number changed since, is skipped when the user turned SMS reminders
// off, and when the booking was given to another supervisor; the mail beside
// it is judged as before.
func TestSMSReminderFollowsTheUser(t *testing.T) {
	p := newPool(t, time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC))
	on, off := true, false
	phone, newPhone := "0701234567", "0709876543"
	if err := p.svc.SetContact(p.ctx, p.svUser, booking.ContactPatch{Phone: &phone, SMSReminders: &on}); err != nil {
		t.Fatal(err)
	}
	srv, elks := newMailServer(t), newElksServer(t)
	n := p.smsNotifier(srv, p.gateway(elks, elksPassword), 24*time.Hour)
	moved := p.book("2026-03-24 09:00", "2026-03-24 10:00")
	silenced := p.book("2026-03-24 11:00", "2026-03-24 12:00")
	given := p.book("2026-03-24 13:00", "2026-03-24 14:00")
	run(t, n, "outbox", p.clock.Now())
	// Plan the reminders an hour ahead of their time (Monday 08:00–12:00 for Tuesday).
	run(t, n, "reminders", p.at("2026-03-23 08:30"))
	run(t, n, "reminders", p.at("2026-03-23 10:30"))
	run(t, n, "reminders", p.at("2026-03-23 12:30"))
	if rows := smsRows(t, p); len(rows) != 3 {
		t.Fatalf("%d SMS reminders planned, want 3", len(rows))
	}

	if err := p.svc.SetContact(p.ctx, p.svUser, booking.ContactPatch{Phone: &newPhone}); err != nil {
		t.Fatal(err)
	}
	run(t, n, "outbox", p.at("2026-03-23 09:00"))
	if got := elks.received(); len(got) != 1 || got[0].To != "+46709876543" {
		t.Fatalf("the first reminder after the number changed: %+v", got)
	}

	if err := p.svc.SetContact(p.ctx, p.svUser, booking.ContactPatch{SMSReminders: &off}); err != nil {
		t.Fatal(err)
	}
	run(t, n, "outbox", p.at("2026-03-23 11:00"))
	if err := p.svc.SetContact(p.ctx, p.svUser, booking.ContactPatch{SMSReminders: &on}); err != nil {
		t.Fatal(err)
	}
	svName, svEmail := "Omar Ali", "omar@example.org"
	langs, areas := []string{"ar"}, append([]string(nil), booking.Areas...)
	other, err := p.svc.CreateSupervisor(p.ctx, p.admin, booking.SupervisorInput{Name: &svName, Email: &svEmail, Languages: &langs, Areas: &areas})
	if err != nil {
		t.Fatal(err)
	}
	p.clock.set(p.at("2026-03-23 12:40"))
	if _, err := p.svc.UpdateBooking(p.ctx, p.admin, given.ID, booking.BookingPatch{SupervisorID: &other.ID,
		Override: booking.OverridableRules}); err != nil {
		t.Fatal(err)
	}
	run(t, n, "outbox", p.at("2026-03-23 13:00"))
	if got := elks.received(); len(got) != 1 {
		t.Fatalf("SMS after the user turned them off and the booking was given away: %+v", got[1:])
	}
	for _, m := range smsRows(t, p) {
		want := map[int64]string{moved.ID: booking.MessageSent, silenced.ID: booking.MessageSkipped, given.ID: booking.MessageSkipped}[*m.BookingID]
		if m.Kind == outbox.KindReminder && m.Status != want {
			t.Errorf("SMS reminder of booking %d is %s (%s), want %s", *m.BookingID, m.Status, m.LastError, want)
		}
	}
	// The mail beside the silenced SMS still went out; the one beside the
	// given-away SMS did not.
	toSupervisor := 0
	for _, m := range byKind(srv.messages(), outbox.KindReminder) {
		if strings.Join(m.To, ",") == p.svUser.Email {
			toSupervisor++
		}
	}
	if toSupervisor != 2 {
		t.Errorf("%d reminder mails to the supervisor, want 2", toSupervisor)
	}
}
