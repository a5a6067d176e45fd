package conf

import (
	"os"
	"slices"
)

// Names of the environment variables that override the secrets.
const (
	// EnvXMPPSecret overrides xmpp.secret when set and non-empty.
	EnvXMPPSecret = "MPIMIS_XMPP_SECRET"
	// EnvSMPPPassword overrides smpp.password when set and non-empty.
	EnvSMPPPassword = "MPIMIS_SMPP_PASSWORD"
)

// redactedSecret replaces a secret in [Config.Redacted].
const redactedSecret = "***"

// secretKeys are the dotted keys whose values are never shown.
var secretKeys = []string{"xmpp.secret", "smpp.password"}

// ApplyEnv overrides the secrets from the environment: MPIMIS_XMPP_SECRET
// replaces xmpp.secret and MPIMIS_SMPP_PASSWORD replaces smpp.password,
// each only when the variable is non-empty. getenv is usually [os.Getenv];
// nil means os.Getenv.
func (c *Config) ApplyEnv(getenv func(string) string) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if v := getenv(EnvXMPPSecret); v != "" {
		c.XMPP.Secret = v
	}
	if v := getenv(EnvSMPPPassword); v != "" {
		c.SMPP.Password = v
	}
}

// Redacted returns a deep copy of c that is safe to log: each secret that
// is set is replaced by "***" (an empty one stays empty, so the copy still
// shows that it is missing).
func (c *Config) Redacted() *Config {
	r := *c
	r.XMPP.Admins = slices.Clone(c.XMPP.Admins)
	r.Gateway.AllowedDomains = slices.Clone(c.Gateway.AllowedDomains)
	if r.XMPP.Secret != "" {
		r.XMPP.Secret = redactedSecret
	}
	if r.SMPP.Password != "" {
		r.SMPP.Password = redactedSecret
	}
	return &r
}
