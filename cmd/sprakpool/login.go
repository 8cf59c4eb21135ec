package main

import (
	"errors"
	"fmt"
	"net/url"

	"github.com/sprakpool/sprakpool/booking/account"
	"github.com/sprakpool/sprakpool/ui/web"
)

// defaultOIDCLabel is the contract's default text of the municipality's
// button; left at it, the pages say it in the user's language.
const defaultOIDCLabel = "Logga in med kommunens konto"

// checkLogin checks the ways in: an issuer needs a client, and a pool
// without passwords needs the issuer, or nobody could sign in.
func (c *Config) checkLogin() error {
	if c.PasswordLogin != "on" && c.PasswordLogin != "off" {
		return fmt.Errorf("SPRAKPOOL_PASSWORD_LOGIN: %q must be on or off", c.PasswordLogin)
	}
	if c.OIDCIssuer == "" {
		if c.PasswordLogin == "off" {
			return errors.New("SPRAKPOOL_PASSWORD_LOGIN: off needs SPRAKPOOL_OIDC_ISSUER, or nobody could sign in")
		}
		return nil
	}
	if u, err := url.Parse(c.OIDCIssuer); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("SPRAKPOOL_OIDC_ISSUER: %q is not an http(s) URL", c.OIDCIssuer)
	}
	if c.OIDCClientID == "" {
		return errors.New("SPRAKPOOL_OIDC_CLIENT_ID: must be set with SPRAKPOOL_OIDC_ISSUER")
	}
	return nil
}

// accountOptions are the ways in for the account service.
func (c *Config) accountOptions() account.Options {
	return account.Options{SingleSignOn: c.OIDCIssuer != "", NoPasswords: c.PasswordLogin == "off"}
}

// oidc is the municipality's login for the pages.
func (c *Config) oidc() web.OIDC {
	label := c.OIDCLabel
	if label == defaultOIDCLabel {
		label = ""
	}
	return web.OIDC{Issuer: c.OIDCIssuer, ClientID: c.OIDCClientID, ClientSecret: c.OIDCClientSecret, Label: label}
}
