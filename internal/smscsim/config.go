package smscsim

import (
	"fmt"
	"log/slog"
	"time"
)

// Default values of Config fields left zero.
const (
	DefaultAddr                = "127.0.0.1:0"
	DefaultEnquireLinkInterval = 30 * time.Second
	DefaultRespTimeout         = 10 * time.Second
	DefaultMaxKept             = 100000
	DefaultQueueLen            = 1024
	DefaultSMSCSystemID        = "smscsim"
)

// Config configures a Server. The zero value is usable: it listens on a
// random loopback port and accepts any system_id and password.
type Config struct {
	// Addr is the TCP address to listen on; "" means DefaultAddr.
	Addr string
	// SystemID and Password are what bind requests must carry; "" accepts
	// any value. A wrong system_id is refused with ESME_RINVSYSID (0x0F),
	// a wrong password with ESME_RINVPASWD (0x0E).
	SystemID, Password string
	// SMSCSystemID is the system_id sent in bind responses; "" means
	// DefaultSMSCSystemID.
	SMSCSystemID string
	// Logger receives what the simulator does; received PDUs and their
	// addresses are logged at debug level only. nil discards.
	Logger *slog.Logger
	// DLRDelay is how long after the submit_sm_resp a delivery receipt is
	// sent.
	DLRDelay time.Duration
	// DLRMode is the initial receipt behaviour, as for Server.SetDLR; ""
	// means "delivrd,text".
	DLRMode string
	// IDFormat is how submit_sm_resp message ids look: "hex" (default,
	// lower-case), "decimal" or "uuid".
	IDFormat string
	// DLRIDFormat is how the id is printed in the text of a delivery
	// receipt: "same" (default: as in submit_sm_resp), "decimal", "hex"
	// (lower case) or "hex-upper-zero-padded" (upper case, at least 16
	// digits). The numeric forms need a numeric IDFormat. The
	// receipted_message_id TLV always carries the id as submit_sm_resp did.
	DLRIDFormat string
	// FirstID is the numeric value of the first message id; 0 picks one
	// from the clock, so that ids of successive runs differ.
	FirstID uint64
	// EnquireLinkInterval is how often the simulator sends enquire_link on
	// a bound session; 0 means DefaultEnquireLinkInterval, negative never.
	EnquireLinkInterval time.Duration
	// RespTimeout bounds the wait for the response to a delivery receipt;
	// 0 means DefaultRespTimeout. (SendMO and SendRawDeliver use their
	// context instead.)
	RespTimeout time.Duration
	// MaxKept bounds how many Submitted records and Messages are kept; the
	// oldest half is dropped when it is exceeded. 0 means DefaultMaxKept,
	// negative keeps everything.
	MaxKept int
	// QueueLen is the capacity of each session's output queue; 0 means
	// DefaultQueueLen.
	QueueLen int
	// ErrorRespBody makes error responses to submit_sm and binds carry an
	// empty message_id/system_id, as SMPP 3.3 and 5.0 do. By default they
	// have no body, as SMPP 3.4 says ("The submit_sm_resp PDU Body is not
	// returned if the command_status field contains a non-zero value").
	ErrorRespBody bool
}

// idFormat is a parsed Config.IDFormat.
type idFormat int

const (
	idHex idFormat = iota
	idDecimal
	idUUID
)

// dlrIDFormat is a parsed Config.DLRIDFormat.
type dlrIDFormat int

const (
	dlrIDSame dlrIDFormat = iota
	dlrIDDecimal
	dlrIDHex
	dlrIDHexUpperPadded
)

// withDefaults returns cfg with zero fields replaced by defaults and the
// formats parsed.
func (cfg Config) withDefaults() (Config, idFormat, dlrIDFormat, dlrMode, error) {
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if cfg.SMSCSystemID == "" {
		cfg.SMSCSystemID = DefaultSMSCSystemID
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.EnquireLinkInterval == 0 {
		cfg.EnquireLinkInterval = DefaultEnquireLinkInterval
	}
	if cfg.RespTimeout <= 0 {
		cfg.RespTimeout = DefaultRespTimeout
	}
	if cfg.MaxKept == 0 {
		cfg.MaxKept = DefaultMaxKept
	}
	if cfg.QueueLen <= 0 {
		cfg.QueueLen = DefaultQueueLen
	}
	if cfg.DLRDelay < 0 {
		return cfg, 0, 0, dlrMode{}, fmt.Errorf("%w: DLRDelay %v is negative", ErrConfig, cfg.DLRDelay)
	}
	var idf idFormat
	switch cfg.IDFormat {
	case "", "hex":
		idf = idHex
	case "decimal":
		idf = idDecimal
	case "uuid":
		idf = idUUID
	default:
		return cfg, 0, 0, dlrMode{}, fmt.Errorf("%w: IDFormat %q (want hex, decimal or uuid)", ErrConfig, cfg.IDFormat)
	}
	var dlf dlrIDFormat
	switch cfg.DLRIDFormat {
	case "", "same":
		dlf = dlrIDSame
	case "decimal":
		dlf = dlrIDDecimal
	case "hex":
		dlf = dlrIDHex
	case "hex-upper-zero-padded":
		dlf = dlrIDHexUpperPadded
	default:
		return cfg, 0, 0, dlrMode{}, fmt.Errorf("%w: DLRIDFormat %q (want same, decimal, hex or hex-upper-zero-padded)", ErrConfig, cfg.DLRIDFormat)
	}
	if idf == idUUID && dlf != dlrIDSame {
		return cfg, 0, 0, dlrMode{}, fmt.Errorf("%w: DLRIDFormat %q needs a numeric IDFormat, not uuid", ErrConfig, cfg.DLRIDFormat)
	}
	mode, err := defaultDLRMode.parse(cfg.DLRMode)
	if err != nil {
		return cfg, 0, 0, dlrMode{}, fmt.Errorf("%w: DLRMode: %w", ErrConfig, err)
	}
	return cfg, idf, dlf, mode, nil
}
