package web

import (
	"context"
	"strings"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/smsbridge"
	"github.com/prometheus/client_golang/prometheus"
)

// Descriptions of the metrics read at scrape time. Label values are
// small fixed sets: link roles, queue names and states, and the suffixes
// of the relay's counter names.
var (
	descRelayed = prometheus.NewDesc("mpimis_messages_relayed_total",
		"Messages relayed by direction (xmpp_to_sms, sms_to_xmpp, sms_to_sms), counted since the database was created.",
		[]string{"direction"}, nil)
	descOutcomes = prometheus.NewDesc("mpimis_delivery_outcomes_total",
		"Final outcomes of messages to phones as passed on to the sender (delivered, failed), since the database was created.",
		[]string{"outcome"}, nil)
	descRejected = prometheus.NewDesc("mpimis_rejected_inputs_total",
		"Messages and commands refused by the relay, by reason (not_found, unavailable, forbidden, too_long, rate_limited, bad_request, internal), since the database was created.",
		[]string{"reason"}, nil)
	descIdentity = prometheus.NewDesc("mpimis_identity_events_total",
		"Identity events by kind (register, unregister, optout), since the database was created.",
		[]string{"event"}, nil)
	descBindings = prometheus.NewDesc("mpimis_bindings",
		"Phone bindings by state (active, optout, retired, suspended).",
		[]string{"state"}, nil)
	descQueue = prometheus.NewDesc("mpimis_queue_messages",
		"Messages in the durable queues by queue (mt: to phones, mo: from phones) and state; finished states count until pruned.",
		[]string{"queue", "state"}, nil)
	descQueueAge = prometheus.NewDesc("mpimis_queue_oldest_age_seconds",
		"Age of the oldest message of the queue not yet handed on (mt: not accepted by the SMSC; mo: not taken by the relay), 0 when there is none.",
		[]string{"queue"}, nil)
	descMOIncomplete = prometheus.NewDesc("mpimis_mo_incomplete_messages",
		"Long messages from phones still waiting for parts.", nil, nil)
	descMOParts = prometheus.NewDesc("mpimis_mo_incomplete_parts",
		"Parts held for long messages from phones still waiting for other parts.", nil, nil)
	descLinkUp = prometheus.NewDesc("mpimis_link_up",
		"1 when the link is up (XMPP component handshake done; SMPP bound), else 0.",
		[]string{"link"}, nil)
	descLinkConnects = prometheus.NewDesc("mpimis_link_connects_total",
		"Successful connections of the link (XMPP handshakes, SMPP binds), the first one included: reconnects are this minus one.",
		[]string{"link"}, nil)
	descLinkStalls = prometheus.NewDesc("mpimis_link_stalls_total",
		"Connections of the link declared dead because the peer stopped answering keepalives.",
		[]string{"link"}, nil)
	descWindow = prometheus.NewDesc("mpimis_smpp_window_in_use",
		"submit_sm outstanding (or about to be sent) in the SMPP window.", nil, nil)
	descRoomsLive = prometheus.NewDesc("mpimis_rooms_live",
		"Page rooms with occupants now.", nil, nil)
	descRoomsOccupants = prometheus.NewDesc("mpimis_rooms_occupants",
		"Occupants of all page rooms now.", nil, nil)
	descSourceOK = prometheus.NewDesc("mpimis_metrics_source_ok",
		"1 when the source (queues, counters) could be read for this scrape, else 0 (its metrics are missing).",
		[]string{"source"}, nil)
)

// smppRole is the link label of the SMPP bind.
const smppRole = "smpp"

// relayFamilies maps relay counter name prefixes to their metric.
var relayFamilies = []struct {
	prefix string
	desc   *prometheus.Desc
	typ    prometheus.ValueType
}{
	{"relayed_", descRelayed, prometheus.CounterValue},
	{"reports_", descOutcomes, prometheus.CounterValue},
	{"refused_", descRejected, prometheus.CounterValue},
	{"bindings_", descBindings, prometheus.GaugeValue},
}

// identityEvents maps the relay's identity counters to event labels.
var identityEvents = map[string]string{"registrations": "register", "unregistrations": "unregister", "optouts": "optout"}

// collector reads the server's sources at scrape time.
type collector struct{ s *Server }

// Describe implements prometheus.Collector.
func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descRelayed, descOutcomes, descRejected, descIdentity, descBindings,
		descQueue, descQueueAge, descMOIncomplete, descMOParts, descLinkUp, descLinkConnects, descLinkStalls,
		descWindow, descRoomsLive, descRoomsOccupants, descSourceOK} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.s.d.Timeout)
	defer cancel()
	c.links(ch)
	if c.s.d.Queues != nil {
		c.queues(ctx, ch)
	}
	if c.s.d.Counters != nil {
		c.counters(ctx, ch)
	}
	if r := c.s.d.Rooms; r != nil {
		live := r.Live()
		n := 0
		for _, l := range live {
			n += l.Occupants
		}
		ch <- prometheus.MustNewConstMetric(descRoomsLive, prometheus.GaugeValue, float64(len(live)))
		ch <- prometheus.MustNewConstMetric(descRoomsOccupants, prometheus.GaugeValue, float64(n))
	}
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func (c *collector) links(ch chan<- prometheus.Metric) {
	for _, l := range c.s.d.Links {
		st := l.Source.Status()
		ch <- prometheus.MustNewConstMetric(descLinkUp, prometheus.GaugeValue, boolValue(st.State == component.StateUp), l.Role)
		ch <- prometheus.MustNewConstMetric(descLinkConnects, prometheus.CounterValue, float64(st.Connects), l.Role)
		ch <- prometheus.MustNewConstMetric(descLinkStalls, prometheus.CounterValue, float64(st.Stalls), l.Role)
	}
	b := c.s.d.SMPP.Status()
	ch <- prometheus.MustNewConstMetric(descLinkUp, prometheus.GaugeValue, boolValue(b.State == smsbridge.BindBound), smppRole)
	ch <- prometheus.MustNewConstMetric(descLinkConnects, prometheus.CounterValue, float64(b.Binds), smppRole)
	ch <- prometheus.MustNewConstMetric(descLinkStalls, prometheus.CounterValue, float64(b.Stalls), smppRole)
	ch <- prometheus.MustNewConstMetric(descWindow, prometheus.GaugeValue, float64(b.WindowInUse))
}

func (c *collector) sourceOK(ch chan<- prometheus.Metric, source string, err error) bool {
	if err != nil {
		c.s.d.Logger.Warn("web: metrics source failed", "source", source, "err", err)
	}
	ch <- prometheus.MustNewConstMetric(descSourceOK, prometheus.GaugeValue, boolValue(err == nil), source)
	return err == nil
}

func (c *collector) queues(ctx context.Context, ch chan<- prometheus.Metric) {
	q, err := readQueues(ctx, c.s.d.Queues, c.s.d.Now())
	if !c.sourceOK(ch, "queues", err) {
		return
	}
	for _, x := range []struct {
		name string
		st   QueueState
	}{{"mt", q.MT}, {"mo", q.MO}} {
		for state, n := range x.st.States {
			if labelRe.MatchString(state) {
				ch <- prometheus.MustNewConstMetric(descQueue, prometheus.GaugeValue, float64(n), x.name, state)
			}
		}
		ch <- prometheus.MustNewConstMetric(descQueueAge, prometheus.GaugeValue, x.st.OldestAgeSeconds, x.name)
	}
	ch <- prometheus.MustNewConstMetric(descMOIncomplete, prometheus.GaugeValue, float64(q.MOIncomplete))
	ch <- prometheus.MustNewConstMetric(descMOParts, prometheus.GaugeValue, float64(q.MOIncompleteParts))
}

func (c *collector) counters(ctx context.Context, ch chan<- prometheus.Metric) {
	m, err := c.s.d.Counters.Counters(ctx)
	if !c.sourceOK(ch, "counters", err) {
		return
	}
	for name, v := range m {
		if ev, ok := identityEvents[name]; ok {
			ch <- prometheus.MustNewConstMetric(descIdentity, prometheus.CounterValue, float64(v), ev)
			continue
		}
		for _, f := range relayFamilies {
			label, ok := strings.CutPrefix(name, f.prefix)
			if ok && labelRe.MatchString(label) {
				ch <- prometheus.MustNewConstMetric(f.desc, f.typ, float64(v), label)
				break
			}
		}
	}
}
