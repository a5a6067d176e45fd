package web

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"time"

	"github.com/mpimis/mpimis/store"
)

// Status is the body of /api/status: the health snapshot plus what the
// status page charts.
type Status struct {
	Health
	Version string    `json:"version"`
	Time    time.Time `json:"time"`
	// Totals are the relayed message counts the page derives rates from.
	Totals *Totals `json:"totals,omitempty"`
	// Counters are the relay's named counters (see relay.Core.Counters).
	Counters map[string]int64 `json:"counters,omitempty"`
	Queues   *QueueStatus     `json:"queues,omitempty"`
	Rooms    *RoomsStatus     `json:"rooms,omitempty"`
}

// Totals counts relayed messages since the database was created: MT to
// phones (from XMPP or from another phone), MO from phones (to XMPP or to
// another phone; an SMS-to-SMS message counts in both).
type Totals struct {
	MT int64 `json:"mt"`
	MO int64 `json:"mo"`
}

// QueueState is one durable queue.
type QueueState struct {
	// States counts messages by state (finished ones until pruned).
	States map[string]int `json:"states"`
	// Pending counts those waiting or being handled (queued and sending
	// for MT; queued and processing for MO).
	Pending int `json:"pending"`
	// OldestAgeSeconds is the age of the oldest pending message, 0 if none.
	OldestAgeSeconds float64 `json:"oldest_age_seconds"`
}

// QueueStatus is both queues and the long MO messages being reassembled.
type QueueStatus struct {
	MT                QueueState `json:"mt"`
	MO                QueueState `json:"mo"`
	MOIncomplete      int        `json:"mo_incomplete"`
	MOIncompleteParts int        `json:"mo_incomplete_parts"`
}

// RoomsStatus is the rooms service now.
type RoomsStatus struct {
	Live      int        `json:"live"`
	Occupants int        `json:"occupants"`
	Top       []LivePage `json:"top"`
}

// statusTopRooms is how many live rooms /api/status lists.
const statusTopRooms = 10

// readQueues reads both queues' statistics.
func readQueues(ctx context.Context, q Queues, now time.Time) (*QueueStatus, error) {
	mt, mtOldest, err := q.MTStats(ctx)
	if err != nil {
		return nil, fmt.Errorf("web: mt queue: %w", err)
	}
	mo, moOldest, err := q.MOStats(ctx)
	if err != nil {
		return nil, fmt.Errorf("web: mo queue: %w", err)
	}
	groups, parts, err := q.CountMOParts(ctx)
	if err != nil {
		return nil, fmt.Errorf("web: mo parts: %w", err)
	}
	qs := &QueueStatus{MOIncomplete: groups, MOIncompleteParts: parts,
		MT: QueueState{States: make(map[string]int, len(mt))}, MO: QueueState{States: make(map[string]int, len(mo))}}
	for st, n := range mt {
		qs.MT.States[string(st)] = n
	}
	qs.MT.Pending = mt[store.MTQueued] + mt[store.MTSending]
	for st, n := range mo {
		qs.MO.States[string(st)] = n
	}
	qs.MO.Pending = mo[store.MOQueued] + mo[store.MOProcessing]
	qs.MT.OldestAgeSeconds = ageSeconds(now, mtOldest)
	qs.MO.OldestAgeSeconds = ageSeconds(now, moOldest)
	return qs, nil
}

func ageSeconds(now, since time.Time) float64 {
	if since.IsZero() || since.After(now) {
		return 0
	}
	return now.Sub(since).Seconds()
}

// totals derives the MT and MO totals from the relay counters.
func totals(c map[string]int64) *Totals {
	return &Totals{
		MT: c["relayed_xmpp_to_sms"] + c["relayed_sms_to_sms"],
		MO: c["relayed_sms_to_xmpp"] + c["relayed_sms_to_sms"],
	}
}

// counterName is what a relay counter name shown by /api/status looks
// like; others are left out.
var counterName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// publicCounters returns the counters whose names are plain identifiers.
func publicCounters(c map[string]int64) map[string]int64 {
	out := make(map[string]int64, len(c))
	for k, v := range c {
		if counterName.MatchString(k) {
			out[k] = v
		}
	}
	return out
}

// handleStatus serves GET /api/status.
func (s *Server) handleStatus(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := Status{Health: s.health(), Version: Redact(s.d.Version), Time: s.d.Now().UTC()}
	if s.d.Counters != nil {
		c, err := s.d.Counters.Counters(ctx)
		if err != nil {
			s.writeFailure(w, r, "reading the relay counters", err)
			return
		}
		st.Counters, st.Totals = publicCounters(c), totals(c)
	}
	if s.d.Queues != nil {
		q, err := readQueues(ctx, s.d.Queues, s.d.Now())
		if err != nil {
			s.writeFailure(w, r, "reading the queues", err)
			return
		}
		st.Queues = q
	}
	if s.d.Rooms != nil {
		live := s.d.Rooms.Live()
		rs := &RoomsStatus{Live: len(live), Top: livePages(live, statusTopRooms)}
		for _, l := range live {
			rs.Occupants += l.Occupants
		}
		st.Rooms = rs
	}
	s.writeJSON(w, http.StatusOK, st)
}
