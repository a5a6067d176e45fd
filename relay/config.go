package relay

import (
	"fmt"
	"strings"
	"time"

	"github.com/mpimis/mpimis/conf"
	"github.com/mpimis/mpimis/ident"
)

// Loop protection defaults (see Config.LoopRepeats).
const (
	DefaultLoopRepeats = 5
	DefaultLoopWindow  = 10 * time.Minute
)

// Config is the relay policy. The app fills it from the configuration file
// with [ConfigFrom]; the zero values of the optional fields say what
// happens when a key is left out.
type Config struct {
	// GatewayDomain is xmpp.gateway_domain: an SMS user's JID is
	// <imid>@GatewayDomain. Required.
	GatewayDomain string
	// Admins are the bare JIDs of xmpp.admins ([Core.IsAdmin]).
	Admins []string
	// AllowedDomains is gateway.allowed_domains: the XMPP domains whose
	// users may text SMS users (others get KindForbidden). Compared
	// exactly, case-insensitively (a subdomain is a different domain).
	// When empty, the allowed domains are the parent domain of
	// GatewayDomain ("sms.example.org" -> "example.org"; a one-label
	// domain such as "localhost" is its own parent) plus the domain of
	// every admin. Presence and probes are answered for everyone; SMS
	// users may text any domain.
	AllowedDomains []string
	// AutoRegister is gateway.auto_register: an unbound phone that sends
	// a message (anything but HELP, STOP, START and UNREG) is bound on
	// first use and told its JID once, in a separate first SMS.
	AutoRegister bool
	// IMIDDigits is gateway.imid_digits, the length of new imids; 0 means
	// ident.DefaultIMIDDigits.
	IMIDDigits int
	// StickyWindow is gateway.sticky_window: how long a text without an
	// address goes to the user's last correspondent; 0 disables it.
	StickyWindow time.Duration
	// SMSPerMinute and SMSPerDay are limits.sms_per_minute and
	// limits.sms_per_day, per sender: an XMPP sender by bare JID, an SMS
	// user by imid (every SMS a user texts counts, commands included,
	// except STOP and START). The daily count is stored, so it survives a
	// restart; the minute window is kept in memory. <= 0 means no limit.
	SMSPerMinute, SMSPerDay int
	// MaxSegments is limits.max_segments: the most SMS segments a relayed
	// message may take, counting the final body with its "<sender>: "
	// prefix. <= 0 means no limit.
	MaxSegments int
	// LoopRepeats and LoopWindow stop two auto-responders (or a bot and an
	// auto-responder) from texting each other forever. A message from A to
	// B is refused when, within LoopWindow, A has already sent B the same
	// text (compared case-insensitively, white space collapsed)
	// LoopRepeats times AND B has sent A anything: a loop always has
	// traffic both ways, a person repeating themselves to someone who does
	// not answer is left to the rate limits. Applies to every relayed
	// message (SMS -> SMS, SMS -> XMPP, XMPP -> SMS). 0 means
	// DefaultLoopRepeats and DefaultLoopWindow.
	LoopRepeats int
	// LoopWindow is the window of the loop rule; see LoopRepeats.
	LoopWindow time.Duration
}

// ConfigFrom takes the relay's settings from the configuration file.
func ConfigFrom(c *conf.Config) Config {
	return Config{
		GatewayDomain:  c.XMPP.GatewayDomain,
		Admins:         append([]string(nil), c.XMPP.Admins...),
		AllowedDomains: append([]string(nil), c.Gateway.AllowedDomains...),
		AutoRegister:   c.Gateway.AutoRegister,
		IMIDDigits:     c.Gateway.IMIDDigits,
		StickyWindow:   c.Gateway.StickyWindow.Duration,
		SMSPerMinute:   c.Limits.SMSPerMinute,
		SMSPerDay:      c.Limits.SMSPerDay,
		MaxSegments:    c.Limits.MaxSegments,
	}
}

// withDefaults validates c and fills the zero optional fields.
func (c Config) withDefaults() (Config, error) {
	c.GatewayDomain = strings.ToLower(strings.TrimSpace(c.GatewayDomain))
	if c.GatewayDomain == "" || strings.ContainsAny(c.GatewayDomain, "@/ ") {
		return c, fmt.Errorf("%w: gateway domain must be a domain name", ErrConfig)
	}
	if c.IMIDDigits == 0 {
		c.IMIDDigits = ident.DefaultIMIDDigits
	}
	if c.IMIDDigits < ident.MinIMIDDigits || c.IMIDDigits > ident.MaxIMIDDigits {
		return c, fmt.Errorf("%w: imid digits %d not between %d and %d",
			ErrConfig, c.IMIDDigits, ident.MinIMIDDigits, ident.MaxIMIDDigits)
	}
	if c.StickyWindow < 0 || c.LoopWindow < 0 || c.LoopRepeats < 0 {
		return c, fmt.Errorf("%w: negative sticky window or loop setting", ErrConfig)
	}
	if c.LoopRepeats == 0 {
		c.LoopRepeats = DefaultLoopRepeats
	}
	if c.LoopWindow == 0 {
		c.LoopWindow = DefaultLoopWindow
	}
	return c, nil
}

// allowedDomains returns the set of domains whose users may text SMS users.
func (c Config) allowedDomains() map[string]bool {
	set := map[string]bool{}
	for _, d := range c.AllowedDomains {
		if d = strings.ToLower(strings.TrimSpace(d)); d != "" {
			set[d] = true
		}
	}
	if len(set) > 0 {
		return set
	}
	parent := c.GatewayDomain
	if i := strings.IndexByte(parent, '.'); i >= 0 && i < len(parent)-1 {
		parent = parent[i+1:]
	}
	set[parent] = true
	for _, a := range c.Admins {
		if bare, ok := bareJID(a); ok {
			set[jidDomain(bare)] = true
		}
	}
	return set
}
