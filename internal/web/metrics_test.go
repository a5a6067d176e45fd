package web

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mpimis/mpimis/component"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape fetches /metrics and parses it.
func scrape(t *testing.T, e *env) (map[string]*dto.MetricFamily, string) {
	t.Helper()
	code, hdr, body := e.do(http.MethodGet, "/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics status %d: %s", code, body)
	}
	if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("/metrics content type %q", ct)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics is not the text format: %v", err)
	}
	return fams, body
}

// value returns the value of the sample of family name with the labels
// (name=value pairs), and whether it exists.
func value(fams map[string]*dto.MetricFamily, name string, labels ...string) (float64, bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.Metric {
		if len(m.Label) != len(labels)/2 {
			continue
		}
		for i := 0; i < len(labels); i += 2 {
			found := false
			for _, lp := range m.Label {
				if lp.GetName() == labels[i] && lp.GetValue() == labels[i+1] {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		case m.Untyped != nil:
			return m.Untyped.GetValue(), true
		}
	}
	return 0, false
}

func TestMetricsScrape(t *testing.T) {
	e := newEnv(t, nil)
	e.rm.set(component.StateDown, "")
	fams, body := scrape(t, e)
	cases := []struct {
		name   string
		labels []string
		want   float64
	}{
		{"mpimis_messages_relayed_total", []string{"direction", "xmpp_to_sms"}, 3},
		{"mpimis_messages_relayed_total", []string{"direction", "sms_to_xmpp"}, 4},
		{"mpimis_delivery_outcomes_total", []string{"outcome", "delivered"}, 3},
		{"mpimis_rejected_inputs_total", []string{"reason", "rate_limited"}, 2},
		{"mpimis_identity_events_total", []string{"event", "register"}, 5},
		{"mpimis_identity_events_total", []string{"event", "optout"}, 1},
		{"mpimis_bindings", []string{"state", "active"}, 4},
		{"mpimis_queue_messages", []string{"queue", "mt", "state", "queued"}, 5},
		{"mpimis_queue_messages", []string{"queue", "mo", "state", "done"}, 7},
		{"mpimis_queue_oldest_age_seconds", []string{"queue", "mt"}, 90},
		{"mpimis_queue_oldest_age_seconds", []string{"queue", "mo"}, 0},
		{"mpimis_mo_incomplete_messages", nil, 1},
		{"mpimis_mo_incomplete_parts", nil, 2},
		{"mpimis_link_up", []string{"link", "gateway"}, 1},
		{"mpimis_link_up", []string{"link", "rooms"}, 0},
		{"mpimis_link_up", []string{"link", "smpp"}, 1},
		{"mpimis_link_connects_total", []string{"link", "gateway"}, 2},
		{"mpimis_link_connects_total", []string{"link", "smpp"}, 3},
		{"mpimis_link_stalls_total", []string{"link", "rooms"}, 1},
		{"mpimis_smpp_window_in_use", nil, 4},
		{"mpimis_rooms_live", nil, 2},
		{"mpimis_rooms_occupants", nil, 9},
		{"mpimis_metrics_source_ok", []string{"source", "queues"}, 1},
		{"mpimis_metrics_source_ok", []string{"source", "counters"}, 1},
		{"mpimis_smpp_throttled_total", nil, 0},
		{"mpimis_smpp_submit_duration_seconds", []string{"result", "ok"}, 0},
		{"mpimis_build_info", []string{"version", "test-1"}, 1},
	}
	for i, tc := range cases {
		got, ok := value(fams, tc.name, tc.labels...)
		if !ok || got != tc.want {
			t.Errorf("%d %s%v = %v (present %v), want %v", i, tc.name, tc.labels, got, ok, tc.want)
		}
	}
	if strings.Contains(body, "Weird") || strings.Contains(body, "4915112345678") || strings.Contains(body, "rooms.localhost") {
		t.Errorf("an odd counter name, a number or a domain leaked into the metrics")
	}
	if _, ok := fams["go_goroutines"]; !ok {
		t.Errorf("Go runtime metrics missing")
	}
	problems, err := promlint.New(bytes.NewReader([]byte(body))).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		if strings.HasPrefix(p.Metric, "mpimis_") {
			t.Errorf("promlint: %s: %s", p.Metric, p.Text)
		}
	}
}

// TestMetricsSourceFailure: a failing source is left out and flagged; the
// rest is still served.
func TestMetricsSourceFailure(t *testing.T) {
	e := newEnv(t, nil)
	e.counters.err = errBoom
	e.queues.err = errBoom
	fams, _ := scrape(t, e)
	for _, src := range []string{"queues", "counters"} {
		if v, ok := value(fams, "mpimis_metrics_source_ok", "source", src); !ok || v != 0 {
			t.Errorf("source %s ok = %v (present %v), want 0", src, v, ok)
		}
	}
	for _, name := range []string{"mpimis_messages_relayed_total", "mpimis_queue_messages"} {
		if _, ok := fams[name]; ok {
			t.Errorf("%s served from a failed source", name)
		}
	}
	if v, ok := value(fams, "mpimis_link_up", "link", "gateway"); !ok || v != 1 {
		t.Errorf("link metrics missing after a source failure")
	}
}

func TestObserver(t *testing.T) {
	e := newEnv(t, nil)
	m := e.srv.Metrics()
	m.ObserveSubmit(20*time.Millisecond, "ok")
	m.ObserveSubmit(time.Millisecond, "throttled")
	m.ObserveSubmit(time.Millisecond, "throttled")
	m.ObserveSubmit(time.Millisecond, "+4915112345678")
	m.ObserveDeliveryReport(3*time.Second, "DELIVRD")
	m.ObserveDeliveryReport(3*time.Second, "UNDELIV")
	m.ObserveDeliveryReport(3*time.Second, "4915112345678 says hi")
	fams, body := scrape(t, e)
	cases := []struct {
		name   string
		labels []string
		want   float64
	}{
		{"mpimis_smpp_submit_duration_seconds", []string{"result", "ok"}, 1},
		{"mpimis_smpp_submit_duration_seconds", []string{"result", "throttled"}, 2},
		{"mpimis_smpp_submit_duration_seconds", []string{"result", "other"}, 1},
		{"mpimis_smpp_submit_duration_seconds", []string{"result", "rejected"}, 0},
		{"mpimis_smpp_throttled_total", nil, 2},
		{"mpimis_smpp_delivery_report_latency_seconds", []string{"stat", "delivrd"}, 1},
		{"mpimis_smpp_delivery_report_latency_seconds", []string{"stat", "undeliv"}, 1},
		{"mpimis_smpp_delivery_report_latency_seconds", []string{"stat", "other"}, 1},
	}
	for i, tc := range cases {
		got, ok := value(fams, tc.name, tc.labels...)
		if !ok || got != tc.want {
			t.Errorf("%d %s%v = %v (present %v), want %v", i, tc.name, tc.labels, got, ok, tc.want)
		}
	}
	if strings.Contains(body, "4915112345678") {
		t.Errorf("SMSC text became a label")
	}
	sum := fams["mpimis_smpp_submit_duration_seconds"]
	for _, mm := range sum.Metric {
		if mm.Label[0].GetValue() == "ok" && mm.Histogram.GetSampleSum() != 0.02 {
			t.Errorf("submit duration sum %v, want 0.02", mm.Histogram.GetSampleSum())
		}
	}
}
