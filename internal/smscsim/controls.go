package smscsim

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/mpimis/mpimis/smsbridge"
)

// dlrOutcome is what a receipt reports.
type dlrOutcome int

const (
	dlrDelivered dlrOutcome = iota
	dlrUndeliverable
	dlrNone
)

// dlrMode is the receipt behaviour: which outcome, and whether it travels
// as Appendix B text, as TLVs, or both.
type dlrMode struct {
	outcome   dlrOutcome
	text, tlv bool
}

var defaultDLRMode = dlrMode{outcome: dlrDelivered, text: true}

// parse applies a mode string to m: comma- or space-separated words, each
// setting the outcome ("delivrd", "undeliv", "none") or the format
// ("text", "tlv", "both"). "" leaves m as it is.
func (m dlrMode) parse(s string) (dlrMode, error) {
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ',' || r == ' ' }) {
		switch w {
		case "delivrd", "delivered":
			m.outcome = dlrDelivered
		case "undeliv", "undeliverable":
			m.outcome = dlrUndeliverable
		case "none", "off":
			m.outcome = dlrNone
		case "text":
			m.text, m.tlv = true, false
		case "tlv":
			m.text, m.tlv = false, true
		case "both":
			m.text, m.tlv = true, true
		default:
			return m, fmt.Errorf("unknown DLR mode %q (want delivrd, undeliv, none, text, tlv or both)", w)
		}
	}
	return m, nil
}

// String returns the mode in the syntax parse reads.
func (m dlrMode) String() string {
	out := [...]string{"delivrd", "undeliv", "none"}[m.outcome]
	switch {
	case m.text && m.tlv:
		return out + ",both"
	case m.tlv:
		return out + ",tlv"
	}
	return out + ",text"
}

// wants reports whether a submit with this registered_delivery gets a
// receipt: bits 1-0 are 01 for a receipt on success or failure, 10 for
// one on failure only (SMPP 3.4 section 5.2.17).
func (m dlrMode) wants(registeredDelivery byte) bool {
	switch registeredDelivery & 0x03 {
	case 0x01:
		return m.outcome != dlrNone
	case 0x02:
		return m.outcome == dlrUndeliverable
	}
	return false
}

// controls holds the fault injection settings. Every setting may change at
// any time from any goroutine.
type controls struct {
	mu        sync.Mutex
	drop      int // submits whose response is swallowed; <0 all
	throttle  int // submits answered ESME_RTHROTTLED; <0 all
	status    uint32
	statusN   int // submits answered status; <0 all
	dlr       dlrMode
	respDelay time.Duration
}

// verdict is what to do with one submit_sm.
type verdict struct {
	status uint32
	drop   bool
	dlr    dlrMode
	delay  time.Duration
}

// take consumes one unit of a counter: positive counts down, negative is
// unlimited, zero is off.
func take(n *int) bool {
	switch {
	case *n > 0:
		*n--
		return true
	case *n < 0:
		return true
	}
	return false
}

// decide consumes the settings for one submit_sm. A swallowed response
// takes precedence over throttling, which takes precedence over a chosen
// status.
func (c *controls) decide() verdict {
	c.mu.Lock()
	defer c.mu.Unlock()
	v := verdict{dlr: c.dlr, delay: c.respDelay}
	switch {
	case take(&c.drop):
		v.drop = true
	case take(&c.throttle):
		v.status = smsbridge.StatusThrottled
	case take(&c.statusN):
		v.status = c.status
	}
	return v
}

// SetThrottle makes the next n submit_sm be answered with ESME_RTHROTTLED
// (0x58); n < 0 throttles every submit until SetThrottle(0).
func (s *Server) SetThrottle(n int) {
	s.ctl.mu.Lock()
	s.ctl.throttle = n
	s.ctl.mu.Unlock()
}

// SetSubmitStatus makes the next n submit_sm be answered with status (no
// message id, no receipt); n < 0 answers every submit so until
// SetSubmitStatus(0, 0).
func (s *Server) SetSubmitStatus(status uint32, n int) {
	s.ctl.mu.Lock()
	s.ctl.status, s.ctl.statusN = status, n
	s.ctl.mu.Unlock()
}

// DropResponses swallows the responses to the next n submit_sm (n < 0:
// all, until DropResponses(0)). The submits are recorded as accepted but
// Dropped, get an id nobody learns, no receipt, and are not part of
// Messages.
func (s *Server) DropResponses(n int) {
	s.ctl.mu.Lock()
	s.ctl.drop = n
	s.ctl.mu.Unlock()
}

// SetRespDelay delays every submit_sm_resp by d (0: answer at once). The
// reader does not wait: later submits are read and answered d after their
// own arrival. A receipt's DLRDelay runs from the delayed response.
func (s *Server) SetRespDelay(d time.Duration) {
	s.ctl.mu.Lock()
	s.ctl.respDelay = max(d, 0)
	s.ctl.mu.Unlock()
}

// SetDLR changes the delivery receipt behaviour for submits that arrive
// from now on. mode is comma- or space-separated words: an outcome,
// "delivrd" (the default; a receipt when registered_delivery asks for
// one on success or failure), "undeliv" (stat:UNDELIV, message_state 5;
// also sent when only failures are asked for) or "none"; and a format,
// "text" (the default: the Appendix B text in short_message), "tlv"
// (receipted_message_id and message_state TLVs, empty short_message) or
// "both". A word that is not given keeps its setting: SetDLR("tlv") keeps
// the outcome. An unknown word is an error and changes nothing.
func (s *Server) SetDLR(mode string) error {
	s.ctl.mu.Lock()
	defer s.ctl.mu.Unlock()
	m, err := s.ctl.dlr.parse(mode)
	if err != nil {
		return fmt.Errorf("smscsim: %w", err)
	}
	s.ctl.dlr = m
	return nil
}

// DLRMode returns the current receipt behaviour in the syntax of SetDLR,
// e.g. "delivrd,text".
func (s *Server) DLRMode() string {
	s.ctl.mu.Lock()
	defer s.ctl.mu.Unlock()
	return s.ctl.dlr.String()
}
