package conf

import (
	"errors"
	"fmt"
	"time"
)

// Validate checks every key and returns all problems found, each a
// [*KeyError] naming its key, joined with [errors.Join]; nil when the
// configuration is usable. No message contains a secret.
func (c *Config) Validate() error {
	var p problems
	c.XMPP.validate(&p)
	c.SMPP.validate(&p)
	if c.Store.Path == "" {
		p.add("store.path", "must not be empty")
	}
	p.minDuration("store.lease", c.Store.Lease, time.Second)
	if c.Store.Lease.Duration > 0 && c.Store.Lease.Duration <= c.SMPP.ResponseTimeout.Duration {
		p.add("store.lease", "must exceed smpp.response_timeout (%s), got %s", formatDuration(c.SMPP.ResponseTimeout.Duration), formatDuration(c.Store.Lease.Duration))
	}
	if c.HTTP.Listen != "" {
		p.hostPort("http.listen", c.HTTP.Listen, true)
	}
	c.Limits.validate(&p)
	c.Rooms.validate(&p)
	c.Gateway.validate(&p)
	p.oneOf("log.level", c.Log.Level, "debug", "info", "warn", "error")
	p.oneOf("log.format", c.Log.Format, "text", "json")
	return errors.Join(p...)
}

// validate records the problems of the [xmpp] table.
func (x *XMPP) validate(p *problems) {
	p.hostPort("xmpp.server", x.Server, false)
	if x.Secret == "" {
		p.add("xmpp.secret", "must not be empty (set it in the file or in %s)", EnvXMPPSecret)
	}
	p.domain("xmpp.gateway_domain", x.GatewayDomain)
	if x.RoomsDomain != "" {
		p.domain("xmpp.rooms_domain", x.RoomsDomain)
		if x.RoomsDomain == x.GatewayDomain {
			p.add("xmpp.rooms_domain", "must differ from xmpp.gateway_domain (%q)", x.GatewayDomain)
		}
	}
	for i, a := range x.Admins {
		p.bareJID(fmt.Sprintf("xmpp.admins[%d]", i), a)
	}
	p.minDuration("xmpp.keepalive", x.Keepalive, time.Second)
	p.minDuration("xmpp.keepalive_timeout", x.KeepaliveTimeout, time.Second)
	p.minDuration("xmpp.reconnect_max", x.ReconnectMax, time.Second)
}

// validNPI are the numbering plan indicators SMPP 3.4 defines.
var validNPI = map[int]bool{0: true, 1: true, 3: true, 4: true, 6: true, 8: true, 9: true, 10: true, 14: true, 18: true}

// validate records the problems of the [smpp] table.
func (s *SMPP) validate(p *problems) {
	p.hostPort("smpp.addr", s.Addr, false)
	if s.SystemID == "" {
		p.add("smpp.system_id", "must not be empty")
	}
	p.maxBytes("smpp.system_id", s.SystemID, 15)
	if s.Password == "" {
		p.add("smpp.password", "must not be empty (set it in the file or in %s)", EnvSMPPPassword)
	}
	p.maxBytes("smpp.password", s.Password, 8)
	p.maxBytes("smpp.system_type", s.SystemType, 12)
	if s.SourceAddr == "" {
		p.add("smpp.source_addr", "must not be empty")
	}
	p.maxBytes("smpp.source_addr", s.SourceAddr, 20)
	for _, a := range []struct {
		key      string
		ton, npi int
	}{
		{"smpp.source", s.SourceTON, s.SourceNPI},
		{"smpp.dest", s.DestTON, s.DestNPI},
		{"smpp.bind", s.BindTON, s.BindNPI},
	} {
		p.between(a.key+"_ton", a.ton, 0, 6)
		if !validNPI[a.npi] {
			p.add(a.key+"_npi", "must be one of 0, 1, 3, 4, 6, 8, 9, 10, 14 or 18, got %d", a.npi)
		}
	}
	p.between("smpp.tps", s.TPS, 1, 100000)
	p.between("smpp.window", s.Window, 1, 1000)
	p.minDuration("smpp.enquire_link", s.EnquireLink, time.Second)
	p.minDuration("smpp.response_timeout", s.ResponseTimeout, time.Second)
	p.minDuration("smpp.retry_min", s.RetryMin, 10*time.Millisecond)
	if s.RetryMax.Duration < s.RetryMin.Duration {
		p.add("smpp.retry_max", "must be at least smpp.retry_min (%s), got %s", formatDuration(s.RetryMin.Duration), formatDuration(s.RetryMax.Duration))
	}
	p.oneOf("smpp.long_messages", s.LongMessages, "udh8", "udh16", "sar", "payload")
	p.oneOf("smpp.mo_default_charset", s.MODefaultCharset, "gsm", "latin1", "ascii")
}

// validate records the problems of the [limits] table.
func (l *Limits) validate(p *problems) {
	p.atLeast("limits.sms_per_minute", l.SMSPerMinute, 1)
	p.atLeast("limits.sms_per_day", l.SMSPerDay, 1)
	if l.SMSPerDay >= 1 && l.SMSPerDay < l.SMSPerMinute {
		p.add("limits.sms_per_day", "must be at least limits.sms_per_minute (%d), got %d", l.SMSPerMinute, l.SMSPerDay)
	}
	p.between("limits.max_segments", l.MaxSegments, 1, 255)
}

// validate records the problems of the [rooms] table.
func (r *Rooms) validate(p *problems) {
	p.atLeast("rooms.max_occupants", r.MaxOccupants, 1)
	p.atLeast("rooms.broadcast_limit", r.BroadcastLimit, 1)
	p.between("rooms.history", r.History, 0, 1000)
	p.atLeast("rooms.max_messages_per_minute", r.MaxMessagesPerMinute, 1)
	p.minDuration("rooms.note_retention", r.NoteRetention, 0)
}

// validate records the problems of the [gateway] table.
func (g *Gateway) validate(p *problems) {
	p.between("gateway.imid_digits", g.IMIDDigits, 6, 18)
	p.minDuration("gateway.sticky_window", g.StickyWindow, 0)
	for i, d := range g.AllowedDomains {
		p.domain(fmt.Sprintf("gateway.allowed_domains[%d]", i), d)
	}
}
