package conf

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestValidateRejects(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	cases := []struct {
		name string
		edit func(c *Config)
		key  string // the one key expected in the error
		msg  string // a fragment of the message
	}{
		{"server no port", func(c *Config) { c.XMPP.Server = "localhost" }, "xmpp.server", `"localhost" is not host:port`},
		{"server empty host", func(c *Config) { c.XMPP.Server = ":5347" }, "xmpp.server", "empty host"},
		{"server port 0", func(c *Config) { c.XMPP.Server = "localhost:0" }, "xmpp.server", "port must be"},
		{"server port too big", func(c *Config) { c.XMPP.Server = "localhost:65536" }, "xmpp.server", "port must be"},
		{"server port name", func(c *Config) { c.XMPP.Server = "localhost:xmpp" }, "xmpp.server", "port must be"},
		{"secret empty", func(c *Config) { c.XMPP.Secret = "" }, "xmpp.secret", "MPIMIS_XMPP_SECRET"},
		{"gateway domain upper", func(c *Config) { c.XMPP.GatewayDomain = "SMS.localhost" }, "xmpp.gateway_domain", "upper case"},
		{"gateway domain empty", func(c *Config) { c.XMPP.GatewayDomain = "" }, "xmpp.gateway_domain", "empty"},
		{"gateway domain empty label", func(c *Config) { c.XMPP.GatewayDomain = "sms..localhost" }, "xmpp.gateway_domain", "empty label"},
		{"gateway domain trailing dot", func(c *Config) { c.XMPP.GatewayDomain = "sms.localhost." }, "xmpp.gateway_domain", "empty label"},
		{"gateway domain leading hyphen", func(c *Config) { c.XMPP.GatewayDomain = "-sms.localhost" }, "xmpp.gateway_domain", "'-'"},
		{"gateway domain trailing hyphen", func(c *Config) { c.XMPP.GatewayDomain = "sms-.localhost" }, "xmpp.gateway_domain", "'-'"},
		{"gateway domain underscore", func(c *Config) { c.XMPP.GatewayDomain = "sms_gw.localhost" }, "xmpp.gateway_domain", "only a-z"},
		{"gateway domain long label", func(c *Config) { c.XMPP.GatewayDomain = long(64) + ".localhost" }, "xmpp.gateway_domain", "63"},
		{"gateway domain too long", func(c *Config) { c.XMPP.GatewayDomain = strings.Repeat(long(60)+".", 4) + long(10) }, "xmpp.gateway_domain", "253"},
		{"rooms domain invalid", func(c *Config) { c.XMPP.RoomsDomain = "rooms local" }, "xmpp.rooms_domain", "only a-z"},
		{"rooms domain same as gateway", func(c *Config) { c.XMPP.RoomsDomain = c.XMPP.GatewayDomain }, "xmpp.rooms_domain", "must differ"},
		{"admin no at", func(c *Config) { c.XMPP.Admins = []string{"a@localhost", "admin"} }, "xmpp.admins[1]", "exactly one '@'"},
		{"admin two ats", func(c *Config) { c.XMPP.Admins = []string{"a@b@localhost"} }, "xmpp.admins[0]", "exactly one '@'"},
		{"admin empty local", func(c *Config) { c.XMPP.Admins = []string{"@localhost"} }, "xmpp.admins[0]", "empty local"},
		{"admin space", func(c *Config) { c.XMPP.Admins = []string{"ad min@localhost"} }, "xmpp.admins[0]", "space"},
		{"admin slash in local", func(c *Config) { c.XMPP.Admins = []string{"ad/min@localhost"} }, "xmpp.admins[0]", "local part"},
		{"admin with resource", func(c *Config) { c.XMPP.Admins = []string{"admin@localhost/phone"} }, "xmpp.admins[0]", "domain"},
		{"admin bad domain", func(c *Config) { c.XMPP.Admins = []string{"x@y", "admin@Example.org"} }, "xmpp.admins[1]", "domain"},
		{"keepalive short", func(c *Config) { c.XMPP.Keepalive = Duration{time.Millisecond * 999} }, "xmpp.keepalive", "at least 1s"},
		{"keepalive timeout zero", func(c *Config) { c.XMPP.KeepaliveTimeout = Duration{} }, "xmpp.keepalive_timeout", "at least 1s"},
		{"reconnect max negative", func(c *Config) { c.XMPP.ReconnectMax = Duration{-time.Second} }, "xmpp.reconnect_max", "at least 1s"},
		{"smpp addr", func(c *Config) { c.SMPP.Addr = "smsc" }, "smpp.addr", "not host:port"},
		{"system id empty", func(c *Config) { c.SMPP.SystemID = "" }, "smpp.system_id", "must not be empty"},
		{"system id long", func(c *Config) { c.SMPP.SystemID = long(16) }, "smpp.system_id", "at most 15"},
		{"password empty", func(c *Config) { c.SMPP.Password = "" }, "smpp.password", "MPIMIS_SMPP_PASSWORD"},
		{"password long", func(c *Config) { c.SMPP.Password = long(9) }, "smpp.password", "at most 8"},
		{"system type long", func(c *Config) { c.SMPP.SystemType = long(13) }, "smpp.system_type", "at most 12"},
		{"source addr empty", func(c *Config) { c.SMPP.SourceAddr = "" }, "smpp.source_addr", "must not be empty"},
		{"source addr long", func(c *Config) { c.SMPP.SourceAddr = long(21) }, "smpp.source_addr", "at most 20"},
		{"source ton", func(c *Config) { c.SMPP.SourceTON = 7 }, "smpp.source_ton", "between 0 and 6, got 7"},
		{"source npi", func(c *Config) { c.SMPP.SourceNPI = 2 }, "smpp.source_npi", "got 2"},
		{"dest ton", func(c *Config) { c.SMPP.DestTON = -1 }, "smpp.dest_ton", "got -1"},
		{"dest npi", func(c *Config) { c.SMPP.DestNPI = 19 }, "smpp.dest_npi", "got 19"},
		{"bind ton", func(c *Config) { c.SMPP.BindTON = 100 }, "smpp.bind_ton", "got 100"},
		{"bind npi", func(c *Config) { c.SMPP.BindNPI = 5 }, "smpp.bind_npi", "got 5"},
		{"tps zero", func(c *Config) { c.SMPP.TPS = 0 }, "smpp.tps", "between 1 and 100000, got 0"},
		{"tps huge", func(c *Config) { c.SMPP.TPS = 100001 }, "smpp.tps", "got 100001"},
		{"window zero", func(c *Config) { c.SMPP.Window = 0 }, "smpp.window", "must be between 1 and 1000, got 0"},
		{"window huge", func(c *Config) { c.SMPP.Window = 1001 }, "smpp.window", "got 1001"},
		{"enquire link", func(c *Config) { c.SMPP.EnquireLink = Duration{time.Millisecond} }, "smpp.enquire_link", "at least 1s, got 1ms"},
		{"response timeout", func(c *Config) { c.SMPP.ResponseTimeout = Duration{} }, "smpp.response_timeout", "at least 1s"},
		{"retry min", func(c *Config) { c.SMPP.RetryMin = Duration{time.Millisecond} }, "smpp.retry_min", "at least 10ms, got 1ms"},
		{"retry max below min", func(c *Config) { c.SMPP.RetryMax = Duration{time.Second} }, "smpp.retry_max", "at least smpp.retry_min (2s), got 1s"},
		{"long messages", func(c *Config) { c.SMPP.LongMessages = "UDH8" }, "smpp.long_messages", `"udh8", "udh16", "sar" or "payload"`},
		{"mo charset", func(c *Config) { c.SMPP.MODefaultCharset = "utf8" }, "smpp.mo_default_charset", `got "utf8"`},
		{"store path", func(c *Config) { c.Store.Path = "" }, "store.path", "must not be empty"},
		{"store lease", func(c *Config) { c.Store.Lease = Duration{} }, "store.lease", "at least 1s, got 0s"},
		{"store lease below response timeout", func(c *Config) { c.Store.Lease = Duration{5 * time.Second} }, "store.lease", "must exceed smpp.response_timeout (10s), got 5s"},
		{"http listen", func(c *Config) { c.HTTP.Listen = "8080" }, "http.listen", "not host:port"},
		{"http listen port", func(c *Config) { c.HTTP.Listen = ":99999" }, "http.listen", "port must be"},
		{"sms per minute", func(c *Config) { c.Limits.SMSPerMinute = 0 }, "limits.sms_per_minute", "at least 1, got 0"},
		{"sms per day zero", func(c *Config) { c.Limits.SMSPerDay = 0 }, "limits.sms_per_day", "at least 1, got 0"},
		{"sms per day below minute", func(c *Config) { c.Limits.SMSPerDay = 19 }, "limits.sms_per_day", "limits.sms_per_minute"},
		{"max segments zero", func(c *Config) { c.Limits.MaxSegments = 0 }, "limits.max_segments", "between 1 and 255"},
		{"max segments huge", func(c *Config) { c.Limits.MaxSegments = 256 }, "limits.max_segments", "got 256"},
		{"max occupants", func(c *Config) { c.Rooms.MaxOccupants = 0 }, "rooms.max_occupants", "at least 1"},
		{"broadcast limit", func(c *Config) { c.Rooms.BroadcastLimit = -3 }, "rooms.broadcast_limit", "got -3"},
		{"history negative", func(c *Config) { c.Rooms.History = -1 }, "rooms.history", "between 0 and 1000"},
		{"history huge", func(c *Config) { c.Rooms.History = 1001 }, "rooms.history", "got 1001"},
		{"room flood limit", func(c *Config) { c.Rooms.MaxMessagesPerMinute = 0 }, "rooms.max_messages_per_minute", "at least 1"},
		{"note retention negative", func(c *Config) { c.Rooms.NoteRetention = Duration{-time.Hour} }, "rooms.note_retention", "at least 0s, got -1h"},
		{"imid digits short", func(c *Config) { c.Gateway.IMIDDigits = 5 }, "gateway.imid_digits", "between 6 and 18, got 5"},
		{"imid digits long", func(c *Config) { c.Gateway.IMIDDigits = 19 }, "gateway.imid_digits", "got 19"},
		{"sticky window negative", func(c *Config) { c.Gateway.StickyWindow = Duration{-time.Minute} }, "gateway.sticky_window", "at least 0s, got -1m"},
		{"allowed domain", func(c *Config) { c.Gateway.AllowedDomains = []string{"example.org", "Example.ORG"} }, "gateway.allowed_domains[1]", "upper case"},
		{"log level", func(c *Config) { c.Log.Level = "warning" }, "log.level", `got "warning"`},
		{"log format", func(c *Config) { c.Log.Format = "JSON" }, "log.format", `"text" or "json"`},
	}
	for i, tc := range cases {
		c := validConfig()
		tc.edit(c)
		err := c.Validate()
		if err == nil {
			t.Errorf("%d %s: no error", i, tc.name)
			continue
		}
		var ke *KeyError
		if !errors.As(err, &ke) {
			t.Errorf("%d %s: error %q is not a *KeyError", i, tc.name, err)
			continue
		}
		if keys := errorKeys(t, err); !slices.Equal(keys, []string{tc.key}) {
			t.Errorf("%d %s: keys %q, want [%s]; error: %v", i, tc.name, keys, tc.key, err)
		}
		if !strings.HasPrefix(err.Error(), "conf: "+tc.key+": ") {
			t.Errorf("%d %s: %q does not start with %q", i, tc.name, err, "conf: "+tc.key+": ")
		}
		if !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%d %s: %q does not contain %q", i, tc.name, err, tc.msg)
		}
	}
}

func TestValidateAccepts(t *testing.T) {
	cases := []struct {
		name string
		edit func(c *Config)
	}{
		{"rooms disabled", func(c *Config) { c.XMPP.RoomsDomain = "" }},
		{"http disabled", func(c *Config) { c.HTTP.Listen = "" }},
		{"http all interfaces", func(c *Config) { c.HTTP.Listen = ":8080" }},
		{"http any port", func(c *Config) { c.HTTP.Listen = "127.0.0.1:0" }},
		{"ipv6 server", func(c *Config) { c.XMPP.Server = "[::1]:5347" }},
		{"admins", func(c *Config) {
			c.XMPP.Admins = []string{"admin@localhost", "ops.team@example.org", "jürgen@xn--mnchen-3ya.de"}
		}},
		{"single label domains", func(c *Config) { c.XMPP.GatewayDomain, c.XMPP.RoomsDomain = "sms", "rooms" }},
		{"63 byte label", func(c *Config) { c.XMPP.GatewayDomain = strings.Repeat("a", 63) + ".org" }},
		{"sticky off", func(c *Config) { c.Gateway.StickyWindow = Duration{} }},
		{"limits equal", func(c *Config) { c.Limits.SMSPerDay, c.Limits.SMSPerMinute = 7, 7 }},
		{"bounds low", func(c *Config) {
			c.SMPP.TPS, c.SMPP.Window, c.Limits.MaxSegments, c.Rooms.History, c.Gateway.IMIDDigits = 1, 1, 1, 0, 6
		}},
		{"bounds high", func(c *Config) {
			c.SMPP.TPS, c.SMPP.Window, c.Limits.MaxSegments, c.Rooms.History, c.Gateway.IMIDDigits = 100000, 1000, 255, 1000, 18
		}},
		{"ton npi", func(c *Config) { c.SMPP.SourceTON, c.SMPP.SourceNPI, c.SMPP.DestTON, c.SMPP.DestNPI = 5, 18, 6, 14 }},
		{"max lengths", func(c *Config) {
			c.SMPP.SystemID, c.SMPP.Password, c.SMPP.SystemType, c.SMPP.SourceAddr = strings.Repeat("i", 15), "12345678", strings.Repeat("t", 12), strings.Repeat("9", 20)
		}},
		{"enums", func(c *Config) {
			c.SMPP.LongMessages, c.SMPP.MODefaultCharset, c.Log.Level, c.Log.Format = "payload", "latin1", "debug", "json"
		}},
		{"allowed domains", func(c *Config) { c.Gateway.AllowedDomains = []string{"example.org", "localhost"} }},
	}
	for i, tc := range cases {
		c := validConfig()
		tc.edit(c)
		if err := c.Validate(); err != nil {
			t.Errorf("%d %s: %v", i, tc.name, err)
		}
	}
}

func TestValidateReportsAll(t *testing.T) {
	c := Defaults()
	c.SMPP.Window = 0
	c.Log.Level = "loud"
	got := errorKeys(t, c.Validate())
	want := []string{"xmpp.secret", "smpp.password", "smpp.window", "log.level"}
	if !slices.Equal(got, want) {
		t.Fatalf("keys %q, want %q", got, want)
	}
}

func TestValidateNeverShowsSecrets(t *testing.T) {
	cases := []struct {
		name           string
		secret, passwd string
	}{
		{"long password", "xmpp-s3cret-value", "pw-far-too-long"},
		{"odd characters", "sec\"ret\n", "p@ss:wd/x"},
	}
	for i, tc := range cases {
		c := Defaults()
		c.XMPP.Secret, c.SMPP.Password = tc.secret, tc.passwd
		c.SMPP.Window = 0 // and a problem elsewhere
		err := c.Validate()
		if err == nil {
			t.Fatalf("%d %s: no error", i, tc.name)
		}
		for _, s := range []string{tc.secret, tc.passwd} {
			quoted := strings.Trim(strconv.Quote(s), `"`)
			if strings.Contains(err.Error(), s) || strings.Contains(err.Error(), quoted) {
				t.Errorf("%d %s: error shows secret %q: %v", i, tc.name, s, err)
			}
		}
	}
}
