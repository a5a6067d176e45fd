package web

import (
	"net/http"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/smsbridge"
)

// LinkHealth is one XMPP link in /healthz and /api/status: its role and
// its component.LinkStatus (domain, state, since, last error, counts).
type LinkHealth struct {
	Role string `json:"role"`
	component.LinkStatus
}

// Health is the body of /healthz.
type Health struct {
	// Status is "ok" when every XMPP link is up and the SMPP session is
	// bound, else "unavailable".
	Status string               `json:"status"`
	XMPP   []LinkHealth         `json:"xmpp"`
	SMPP   smsbridge.BindStatus `json:"smpp"`
}

// Up reports whether every link is up and the bind is bound.
func (h *Health) Up() bool { return h.Status == statusOK }

const (
	statusOK          = "ok"
	statusUnavailable = "unavailable"
)

// health takes a snapshot of the links; it never blocks.
func (s *Server) health() Health {
	h := Health{Status: statusOK, XMPP: make([]LinkHealth, 0, len(s.d.Links))}
	for _, l := range s.d.Links {
		st := l.Source.Status()
		st.LastError = Redact(st.LastError)
		if st.State != component.StateUp {
			h.Status = statusUnavailable
		}
		h.XMPP = append(h.XMPP, LinkHealth{Role: l.Role, LinkStatus: st})
	}
	h.SMPP = s.d.SMPP.Status()
	h.SMPP.LastError = Redact(h.SMPP.LastError)
	if h.SMPP.State != smsbridge.BindBound {
		h.Status = statusUnavailable
	}
	return h
}

// handleHealth serves GET /healthz: 200 when all links are up, else 503,
// with the snapshot as JSON either way.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	h := s.health()
	code := http.StatusOK
	if !h.Up() {
		code = http.StatusServiceUnavailable
	}
	s.writeJSON(w, code, h)
}
