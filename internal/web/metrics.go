package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is the Prometheus registry of one Server: the collector that
// reads links, queues, relay counters and rooms at scrape time, the Go
// and process collectors, and the event metrics fed through its
// smsflow.Observer methods. Its methods are safe for concurrent use.
type Metrics struct {
	reg       *prometheus.Registry
	timeout   time.Duration
	log       *slog.Logger
	submit    *prometheus.HistogramVec
	report    *prometheus.HistogramVec
	throttled prometheus.Counter
}

// submitStatuses and reportStats are the label values the observer
// accepts; anything else is counted as "other".
var (
	submitStatuses = map[string]bool{"ok": true, "throttled": true, "temporary": true, "rejected": true}
	reportStats    = map[string]bool{"DELIVRD": true, "EXPIRED": true, "DELETED": true, "UNDELIV": true,
		"ACCEPTD": true, "UNKNOWN": true, "REJECTD": true, "ENROUTE": true}
)

func newMetrics(s *Server) (*Metrics, error) {
	m := &Metrics{
		reg:     prometheus.NewRegistry(),
		timeout: s.d.Timeout,
		log:     s.d.Logger,
		submit: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mpimis_smpp_submit_duration_seconds",
			Help:    "Time a submit_sm took, from asking the session (including its wait for a bind, a window slot and the TPS cap) to the SMSC's answer, by result (ok, throttled, temporary, rejected).",
			Buckets: []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30},
		}, []string{"result"}),
		report: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mpimis_smpp_delivery_report_latency_seconds",
			Help:    "Time from the SMSC accepting a message part (submit_sm_resp) to its final delivery report, by report stat (lower case; other for non-standard stats). Parts accepted before a restart are not observed.",
			Buckets: []float64{0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400},
		}, []string{"stat"}),
		throttled: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mpimis_smpp_throttled_total",
			Help: "submit_sm answered ESME_RTHROTTLED by the SMSC (the message is retried later).",
		}),
	}
	info := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "mpimis_build_info",
		Help:        "Always 1; the version label is the running mpimis version.",
		ConstLabels: prometheus.Labels{"version": Redact(s.d.Version)},
	})
	info.Set(1)
	for _, c := range []prometheus.Collector{
		m.submit, m.report, m.throttled, info,
		&collector{s: s},
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	} {
		if err := m.reg.Register(c); err != nil {
			return nil, fmt.Errorf("web: registering metrics: %w", err)
		}
	}
	// Every label value the observer can produce exists from the start, so
	// rates over them work from the first scrape.
	for st := range submitStatuses {
		m.submit.WithLabelValues(st)
	}
	m.submit.WithLabelValues("other")
	return m, nil
}

// ObserveSubmit implements smsflow.Observer.
func (m *Metrics) ObserveSubmit(d time.Duration, status string) {
	if !submitStatuses[status] {
		status = "other"
	}
	m.submit.WithLabelValues(status).Observe(d.Seconds())
	if status == "throttled" {
		m.throttled.Inc()
	}
}

// ObserveDeliveryReport implements smsflow.Observer. stat comes from the
// SMSC: only the SMPP 3.4 stats become labels (lower case), any other is
// "other".
func (m *Metrics) ObserveDeliveryReport(d time.Duration, stat string) {
	if !reportStats[stat] {
		stat = "other"
	}
	m.report.WithLabelValues(strings.ToLower(stat)).Observe(d.Seconds())
}

// Registry returns the registry, for tests and for embedding more
// collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// handler serves the registry in the Prometheus text format. A source
// that fails is left out (and mpimis_metrics_source_ok says so) rather
// than failing the scrape.
func (m *Metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:            slog.NewLogLogger(m.log.Handler(), slog.LevelWarn),
		ErrorHandling:       promhttp.ContinueOnError,
		Timeout:             m.timeout,
		MaxRequestsInFlight: 4,
	})
}
