package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/labstack/echo/v4"
	"golang.org/x/oauth2"

	"github.com/sprakpool/sprakpool/booking"
)

// OIDC is the municipality's OpenID Provider, with Språkpool registered at it
// as a confidential client (SPRAKPOOL_OIDC_*). An empty Issuer: no such login.
type OIDC struct {
	Issuer       string // used exactly as given, http:// too
	ClientID     string
	ClientSecret string
	Label        string // the button's text; empty: "Logga in med kommunens konto"
}

// oidcFlowLifetime is how long a visitor may stay at the provider's login
// page before the callback is refused; the flow is started again from the
// login page.
const oidcFlowLifetime = 10 * time.Minute

// oidcFlow is what the callback must match: kept in the visitor's
// server-side session (never in the browser) and taken from it at the
// callback, so each start serves one callback only.
type oidcFlow struct {
	State    string    `json:"state"`
	Nonce    string    `json:"nonce"`
	Verifier string    `json:"verifier"` // PKCE code verifier; S256 of it went to the provider
	Next     string    `json:"next"`
	Until    time.Time `json:"until"`
}

// oidcLogin is the way in through the provider: the authorization-code flow
// with PKCE, state and nonce, and go-oidc's check of the ID token. It is the
// second provider beside the password form (login.go); sessions are
// session.Manager's as for a password login.
type oidcLogin struct {
	cfg         OIDC
	redirectURL string
	client      *http.Client // to the provider: discovery, keys, token, userinfo

	mu       sync.Mutex
	provider *oidc.Provider // found at the first login, so the pool starts while the provider is down
}

func newOIDCLogin(cfg OIDC, baseURL string) *oidcLogin {
	if cfg.Issuer == "" {
		return nil
	}
	return &oidcLogin{cfg: cfg, redirectURL: strings.TrimRight(baseURL, "/") + "/auth/oidc/callback",
		client: &http.Client{Timeout: 15 * time.Second}}
}

// discover reads the provider's configuration once it answers.
func (o *oidcLogin) discover() (*oidc.Provider, *oauth2.Config, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.provider == nil {
		// Background: the provider keeps the context for fetching its keys later.
		p, err := oidc.NewProvider(o.ctx(context.Background()), o.cfg.Issuer)
		if err != nil {
			return nil, nil, fmt.Errorf("discover OpenID provider %s: %w", o.cfg.Issuer, err)
		}
		o.provider = p
	}
	return o.provider, &oauth2.Config{ClientID: o.cfg.ClientID, ClientSecret: o.cfg.ClientSecret,
		Endpoint: o.provider.Endpoint(), RedirectURL: o.redirectURL,
		Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}, nil
}

// ctx makes go-oidc and oauth2 reach the provider through o.client.
func (o *oidcLogin) ctx(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, o.client)
}

// start makes a new flow and the provider's URL that begins it.
func (o *oidcLogin) start(next string) (*oidcFlow, string, error) {
	_, cfg, err := o.discover()
	if err != nil {
		return nil, "", err
	}
	f := &oidcFlow{State: randomText(), Nonce: randomText(), Verifier: oauth2.GenerateVerifier(),
		Next: safeNext(next), Until: time.Now().Add(oidcFlowLifetime)}
	return f, cfg.AuthCodeURL(f.State, oidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier)), nil
}

// refusal is a callback that signs nobody in: the login page shows the
// message of Key with Status.
type refusal struct {
	Status int
	Key    string
	Err    error // for the log
}

func (r *refusal) Error() string {
	return fmt.Sprintf("OpenID Connect login refused (%s): %v", r.Key, r.Err)
}

func refuse(status int, key string, format string, args ...any) *refusal {
	return &refusal{Status: status, Key: key, Err: fmt.Errorf(format, args...)}
}

// verifiedEmail finishes the flow kept as raw with the callback's query: the
// state must be the flow's, the code is exchanged with the PKCE verifier, the
// ID token must pass go-oidc's checks (signature by a key of the issuer's
// JWKS, issuer, audience = our client, expiry) and carry the flow's nonce.
// The e-mail is the token's, or else the userinfo endpoint's for the same
// subject, and must be marked verified.
func (o *oidcLogin) verifiedEmail(ctx context.Context, raw []byte, q func(string) string) (email, next string, err error) {
	var f oidcFlow
	if raw == nil || json.Unmarshal(raw, &f) != nil {
		return "", "", refuse(http.StatusBadRequest, "login.oidc.failed", "no flow in this session")
	}
	if time.Now().After(f.Until) {
		return "", "", refuse(http.StatusBadRequest, "login.oidc.failed", "the flow expired at %s", f.Until)
	}
	if subtle.ConstantTimeCompare([]byte(q("state")), []byte(f.State)) != 1 {
		return "", "", refuse(http.StatusBadRequest, "login.oidc.failed", "state does not match")
	}
	if e := q("error"); e != "" {
		return "", "", refuse(http.StatusForbidden, "login.oidc.cancelled", "the provider answered %s", e)
	}
	p, cfg, err := o.discover()
	if err != nil {
		return "", "", &refusal{Status: http.StatusBadGateway, Key: "login.oidc.unavailable", Err: err}
	}
	ctx = o.ctx(ctx)
	tok, err := cfg.Exchange(ctx, q("code"), oauth2.VerifierOption(f.Verifier))
	if err != nil {
		// The provider refusing the code (4xx: spent, forged, a PKCE verifier
		// that does not match) is the browser's request gone wrong; anything
		// else is the provider's.
		status := http.StatusBadGateway
		if re := (*oauth2.RetrieveError)(nil); errors.As(err, &re) && re.Response != nil && re.Response.StatusCode < 500 {
			status = http.StatusBadRequest
		}
		return "", "", &refusal{Status: status, Key: "login.oidc.failed", Err: fmt.Errorf("exchange code: %w", err)}
	}
	rawID, _ := tok.Extra("id_token").(string)
	if rawID == "" {
		return "", "", refuse(http.StatusBadGateway, "login.oidc.failed", "the token answer has no id_token")
	}
	id, err := p.Verifier(&oidc.Config{ClientID: o.cfg.ClientID}).Verify(ctx, rawID)
	if err != nil {
		return "", "", &refusal{Status: http.StatusBadRequest, Key: "login.oidc.failed", Err: fmt.Errorf("verify ID token: %w", err)}
	}
	if subtle.ConstantTimeCompare([]byte(id.Nonce), []byte(f.Nonce)) != 1 {
		return "", "", refuse(http.StatusBadRequest, "login.oidc.failed", "nonce does not match")
	}
	var c emailClaims
	if err := id.Claims(&c); err != nil {
		return "", "", &refusal{Status: http.StatusBadRequest, Key: "login.oidc.failed", Err: err}
	}
	if c.Email == "" {
		// Claims of the email scope may come from the userinfo endpoint only
		// (OpenID Connect Core 5.4); its subject must be the token's (5.3.2).
		info, err := p.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			return "", "", &refusal{Status: http.StatusBadGateway, Key: "login.oidc.failed", Err: fmt.Errorf("userinfo: %w", err)}
		}
		if info.Subject != id.Subject {
			return "", "", refuse(http.StatusBadRequest, "login.oidc.failed", "userinfo is about %q, the token about %q", info.Subject, id.Subject)
		}
		if err := info.Claims(&c); err != nil {
			return "", "", &refusal{Status: http.StatusBadGateway, Key: "login.oidc.failed", Err: err}
		}
	}
	if c.Email == "" || !c.verified() {
		return "", "", refuse(http.StatusForbidden, "login.oidc.unverified", "no verified e-mail (subject %q)", id.Subject)
	}
	return c.Email, f.Next, nil
}

// emailClaims are the claims that name the user. email_verified is a JSON
// boolean in the standard, a string at some providers; Microsoft Entra ID
// sends none, but with the optional claim xms_edov says the e-mail's domain
// is verified by its owner, the tenant.
type emailClaims struct {
	Email         string `json:"email"`
	EmailVerified any    `json:"email_verified"`
	EntraVerified any    `json:"xms_edov"`
}

func (c emailClaims) verified() bool {
	yes := func(v any) bool { return v == true || v == "true" }
	return yes(c.EmailVerified) || yes(c.EntraVerified)
}

func randomText() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// oidcStart is GET /auth/oidc/login: off to the municipality's login page.
func (s *Server) oidcStart(c echo.Context) error {
	if s.oidc == nil {
		return &booking.Error{Code: booking.CodeNotFound, Message: "no municipality login is configured"}
	}
	f, to, err := s.oidc.start(c.QueryParam("next"))
	if err != nil {
		s.log.Error("OpenID Connect login", "err", err)
		return s.renderLogin(c, http.StatusBadGateway, newForm(), "login.oidc.unavailable")
	}
	raw, err := json.Marshal(f)
	if err != nil {
		return err
	}
	s.sessions.PutFlow(c, "oidc", raw)
	return c.Redirect(http.StatusSeeOther, to)
}

// oidcCallback is GET /auth/oidc/callback: the provider sends the browser
// back; the active user with the verified e-mail is signed in, anyone else
// sees the login page again with no session.
func (s *Server) oidcCallback(c echo.Context) error {
	if s.oidc == nil {
		return &booking.Error{Code: booking.CodeNotFound, Message: "no municipality login is configured"}
	}
	ctx := c.Request().Context()
	email, next, err := s.oidc.verifiedEmail(ctx, s.sessions.PopFlow(c, "oidc"), c.QueryParam)
	var u *booking.User
	if err == nil {
		u, err = s.account.SignInVerified(ctx, email)
		if booking.ErrorCode(err) == booking.CodeUnauthorized {
			err = &refusal{Status: http.StatusForbidden, Key: "login.oidc.unknown", Err: err}
		}
	}
	var r *refusal
	if errors.As(err, &r) {
		s.log.Info("OpenID Connect login refused", "reason", r.Key, "err", r.Err, "ip", c.RealIP())
		if err := s.sessions.End(c); err != nil {
			return err
		}
		return s.renderLogin(c, r.Status, newForm(), r.Key)
	}
	if err != nil {
		return err
	}
	if err := s.sessions.Start(c, u); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, next)
}
