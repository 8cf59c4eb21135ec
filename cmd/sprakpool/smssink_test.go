package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// smsSink is an SMS gateway on loopback that answers as 46elks does (Basic
// auth, a form-encoded from, to and message; 200 with JSON) and keeps every
// SMS it accepted with the Idempotency-Key it came with. Once told to hold, it
// leaves every request unanswered until released, then answers it 503: a
// sender stuck waiting for the gateway.
type smsSink struct {
	mu       sync.Mutex
	got      []sunkSMS
	holding  bool
	held     int
	released chan struct{}
	once     sync.Once
	srv      *httptest.Server
}

// sunkSMS is one accepted SMS.
type sunkSMS struct{ key, to, message string }

const smsSinkUser, smsSinkPassword = "u0123", "secret"

func newSMSSink(t *testing.T) *smsSink {
	k := &smsSink{released: make(chan struct{})}
	k.srv = httptest.NewServer(http.HandlerFunc(k.serve))
	t.Cleanup(func() { k.release(); k.srv.Close() })
	return k
}

// url is SPRAKPOOL_SMS_URL for the sink.
func (k *smsSink) url() string {
	return strings.Replace(k.srv.URL, "http://", "http://"+smsSinkUser+":"+smsSinkPassword+"@", 1) + "/a1/sms"
}

func (k *smsSink) serve(w http.ResponseWriter, r *http.Request) {
	if u, p, ok := r.BasicAuth(); !ok || u != smsSinkUser || p != smsSinkPassword {
		http.Error(w, "Invalid API credentials", http.StatusUnauthorized)
		return
	}
	if r.ParseForm() != nil || r.PostForm.Get("from") == "" || r.PostForm.Get("to") == "" || r.PostForm.Get("message") == "" {
		http.Error(w, "Missing key from, to or message", http.StatusBadRequest)
		return
	}
	k.mu.Lock()
	if k.holding {
		k.held++
		k.mu.Unlock()
		<-k.released
		http.Error(w, "held until the sender was gone", http.StatusServiceUnavailable)
		return
	}
	k.got = append(k.got, sunkSMS{key: r.Header.Get("Idempotency-Key"), to: r.PostForm.Get("to"), message: r.PostForm.Get("message")})
	k.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"status": "created", "direction": "outgoing", "parts": 1}`))
}

func (k *smsSink) hold() { k.mu.Lock(); k.holding = true; k.mu.Unlock() }

func (k *smsSink) release() {
	k.mu.Lock()
	k.holding = false
	k.mu.Unlock()
	k.once.Do(func() { close(k.released) })
}

func (k *smsSink) received() []sunkSMS {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]sunkSMS(nil), k.got...)
}
