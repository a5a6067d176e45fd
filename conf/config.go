package conf

import "time"

// Config is the whole configuration of mpimis. Each field is one TOML table.
type Config struct {
	XMPP    XMPP    `toml:"xmpp"`
	SMPP    SMPP    `toml:"smpp"`
	Store   Store   `toml:"store"`
	HTTP    HTTP    `toml:"http"`
	Limits  Limits  `toml:"limits"`
	Rooms   Rooms   `toml:"rooms"`
	Gateway Gateway `toml:"gateway"`
	Log     Log     `toml:"log"`
}

// XMPP configures the component links to the XMPP server (XEP-0114).
type XMPP struct {
	// Server is host:port of the XMPP server's component port.
	Server string `toml:"server"`
	// Secret is the component secret; MPIMIS_XMPP_SECRET overrides it.
	Secret string `toml:"secret"`
	// GatewayDomain is the domain of the SMS gateway component; SMS users
	// get JIDs on it.
	GatewayDomain string `toml:"gateway_domain"`
	// RoomsDomain is the domain of the rooms (MUC) component; "" disables
	// the rooms service.
	RoomsDomain string `toml:"rooms_domain"`
	// Admins are bare JIDs allowed to run administrative commands.
	Admins []string `toml:"admins"`
	// Keepalive is the interval of keepalive pings on each component link.
	Keepalive Duration `toml:"keepalive"`
	// KeepaliveTimeout is how long to wait for a keepalive answer before
	// the link is declared dead and redialled.
	KeepaliveTimeout Duration `toml:"keepalive_timeout"`
	// ReconnectMax is the upper bound of the reconnect backoff.
	ReconnectMax Duration `toml:"reconnect_max"`
}

// SMPP configures the SMPP 3.4 transceiver bind to the SMS centre.
type SMPP struct {
	// Addr is host:port of the SMSC.
	Addr string `toml:"addr"`
	// SystemID identifies the ESME in bind_transceiver (at most 15 bytes).
	SystemID string `toml:"system_id"`
	// Password authenticates the bind (at most 8 bytes);
	// MPIMIS_SMPP_PASSWORD overrides it.
	Password string `toml:"password"`
	// SystemType is the bind's system_type (at most 12 bytes, may be empty).
	SystemType string `toml:"system_type"`
	// SourceAddr is the number phone users text (at most 20 bytes).
	SourceAddr string `toml:"source_addr"`
	// SourceTON is the type of number of SourceAddr (0..6).
	SourceTON int `toml:"source_ton"`
	// SourceNPI is the numbering plan of SourceAddr.
	SourceNPI int `toml:"source_npi"`
	// DestTON is the type of number of destination addresses (0..6).
	DestTON int `toml:"dest_ton"`
	// DestNPI is the numbering plan of destination addresses.
	DestNPI int `toml:"dest_npi"`
	// BindTON is the addr_ton of bind_transceiver (0..6).
	BindTON int `toml:"bind_ton"`
	// BindNPI is the addr_npi of bind_transceiver.
	BindNPI int `toml:"bind_npi"`
	// TPS is the maximum number of submit_sm per second.
	TPS int `toml:"tps"`
	// Window is the maximum number of outstanding submit_sm.
	Window int `toml:"window"`
	// DeliveryReceipts asks the SMSC for delivery receipts.
	DeliveryReceipts bool `toml:"delivery_receipts"`
	// EnquireLink is the interval of enquire_link on an idle bind.
	EnquireLink Duration `toml:"enquire_link"`
	// ResponseTimeout is how long to wait for a response PDU.
	ResponseTimeout Duration `toml:"response_timeout"`
	// RetryMin and RetryMax bound the exponential backoff of an MT submit
	// that failed for a transient reason (throttled, no response, no
	// bind) and of an MO the XMPP side could not take.
	RetryMin Duration `toml:"retry_min"`
	RetryMax Duration `toml:"retry_max"`
	// LongMessages is how long texts are sent: "udh8", "udh16", "sar"
	// or "payload".
	LongMessages string `toml:"long_messages"`
	// MODefaultCharset is how MO data_coding 0 is decoded: "gsm",
	// "latin1" or "ascii".
	MODefaultCharset string `toml:"mo_default_charset"`
}

// Store configures the database.
type Store struct {
	// Path is the SQLite database file.
	Path string `toml:"path"`
	// Lease is how long a worker owns a queued message it took. After a
	// crash, the messages the dead process was handling are taken again
	// once their lease runs out; it must exceed the longest handling of
	// one message (a submit's smpp.response_timeout, an XMPP write).
	Lease Duration `toml:"lease"`
}

// HTTP configures the status, health and metrics endpoint.
type HTTP struct {
	// Listen is host:port to listen on; "" disables HTTP.
	Listen string `toml:"listen"`
}

// Limits are per sender identity SMS limits.
type Limits struct {
	// SMSPerMinute is how many SMS one sender may send per minute.
	SMSPerMinute int `toml:"sms_per_minute"`
	// SMSPerDay is how many SMS one sender may send per day.
	SMSPerDay int `toml:"sms_per_day"`
	// MaxSegments is the most SMS segments one message may take.
	MaxSegments int `toml:"max_segments"`
}

// Rooms configures the rooms (multi-user chat) service.
type Rooms struct {
	// MaxOccupants is the most occupants one room admits.
	MaxOccupants int `toml:"max_occupants"`
	// BroadcastLimit is the occupant count above which a room stops
	// broadcasting every presence.
	BroadcastLimit int `toml:"broadcast_limit"`
	// History is how many messages are replayed to late joiners.
	History int `toml:"history"`
	// MaxMessagesPerMinute is the per-occupant flood limit.
	MaxMessagesPerMinute int `toml:"max_messages_per_minute"`
	// NoteRetention is how long a page's kept messages (page notes)
	// survive in the store; 0 keeps them until the history size trims
	// them.
	NoteRetention Duration `toml:"note_retention"`
}

// Gateway configures the SMS <-> XMPP relay policy.
type Gateway struct {
	// AutoRegister binds an unknown phone to a new identity on its first
	// message.
	AutoRegister bool `toml:"auto_register"`
	// IMIDDigits is the length of a new identity's number.
	IMIDDigits int `toml:"imid_digits"`
	// StickyWindow is how long a plain SMS reply goes to the last
	// correspondent; 0 disables sticky replies.
	StickyWindow Duration `toml:"sticky_window"`
	// AllowedDomains are the XMPP domains whose users may send SMS; empty
	// means the XMPP server's own domains.
	AllowedDomains []string `toml:"allowed_domains"`
}

// Log configures logging.
type Log struct {
	// Level is "debug", "info", "warn" or "error".
	Level string `toml:"level"`
	// Format is "text" or "json".
	Format string `toml:"format"`
}

// Defaults returns a new Config holding the default of every key. The two
// secrets are empty: a usable configuration must set them.
func Defaults() *Config {
	return &Config{
		XMPP: XMPP{
			Server:           "127.0.0.1:5347",
			GatewayDomain:    "sms.localhost",
			RoomsDomain:      "rooms.localhost",
			Admins:           []string{},
			Keepalive:        Duration{30 * time.Second},
			KeepaliveTimeout: Duration{10 * time.Second},
			ReconnectMax:     Duration{30 * time.Second},
		},
		SMPP: SMPP{
			Addr:             "127.0.0.1:2775",
			SystemID:         "smsgw",
			SourceAddr:       "12345",
			DestTON:          1,
			DestNPI:          1,
			TPS:              50,
			Window:           10,
			DeliveryReceipts: true,
			EnquireLink:      Duration{30 * time.Second},
			ResponseTimeout:  Duration{10 * time.Second},
			RetryMin:         Duration{2 * time.Second},
			RetryMax:         Duration{5 * time.Minute},
			LongMessages:     "udh8",
			MODefaultCharset: "gsm",
		},
		Store: Store{Path: "mpimis.db", Lease: Duration{2 * time.Minute}},
		HTTP:  HTTP{Listen: "127.0.0.1:8080"},
		Limits: Limits{
			SMSPerMinute: 20,
			SMSPerDay:    500,
			MaxSegments:  6,
		},
		Rooms: Rooms{
			MaxOccupants:         5000,
			BroadcastLimit:       100,
			History:              20,
			MaxMessagesPerMinute: 30,
			NoteRetention:        Duration{720 * time.Hour},
		},
		Gateway: Gateway{
			AutoRegister:   true,
			IMIDDigits:     8,
			StickyWindow:   Duration{24 * time.Hour},
			AllowedDomains: []string{},
		},
		Log: Log{Level: "info", Format: "text"},
	}
}
