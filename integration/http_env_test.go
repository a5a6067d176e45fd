package integration

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mpimis/mpimis/conf"
	"github.com/mpimis/mpimis/internal/smscsim"
	"github.com/mpimis/mpimis/smsbridge"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// startMpimisHTTP is startMpimis with the HTTP side on a free loopback
// port; it returns the instance and the base URL ("http://127.0.0.1:N").
func startMpimisHTTP(t *testing.T, p xmppServer) (*mpimis, string) {
	t.Helper()
	m := startMpimis(t, p, func(c *conf.Config) { c.HTTP.Listen = "127.0.0.1:0" })
	addr := m.HTTPAddr()
	if addr == "" {
		t.Fatal("HTTP side not listening although http.listen is set")
	}
	return m, "http://" + addr
}

// httpGet fetches base+path and returns the status and body.
func httpGet(t *testing.T, base, path string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctxT(t), http.MethodGet, base+path, nil)
	must(t, err, "request %s", path)
	res, err := http.DefaultClient.Do(req)
	must(t, err, "GET %s", path)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	must(t, err, "reading %s", path)
	return res.StatusCode, string(b)
}

// scrapeMetrics fetches and parses /metrics.
func scrapeMetrics(t *testing.T, base string) map[string]*dto.MetricFamily {
	t.Helper()
	code, body := httpGet(t, base, "/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d %s", code, body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(body))
	must(t, err, "parsing /metrics")
	return fams
}

// metricValue returns the value (a histogram's sample count) of the
// sample of family name whose labels include the name=value pairs, and
// whether there is one.
func metricValue(fams map[string]*dto.MetricFamily, name string, labels ...string) (float64, bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
	for _, m := range f.Metric {
		have := map[string]string{}
		for _, lp := range m.Label {
			have[lp.GetName()] = lp.GetValue()
		}
		ok := true
		for i := 0; i+1 < len(labels); i += 2 {
			ok = ok && have[labels[i]] == labels[i+1]
		}
		if !ok {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

// waitBind waits until the SMPP session's state satisfies cond.
func (m *mpimis) waitBind(t *testing.T, cond func(smsbridge.BindStatus) bool, what string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		ch := m.Session.Changed()
		if cond(m.Session.Status()) {
			return
		}
		select {
		case <-ch:
		case <-ctx.Done():
			t.Fatalf("SMPP session never %s: %+v", what, m.Session.Status())
		}
	}
}

// restartSMSC stops the simulator and starts a new one on the same
// address; m.sim is the new one.
func (m *mpimis) restartSMSC(t *testing.T, between func()) {
	t.Helper()
	addr := m.sim.Addr()
	must(t, m.sim.Close(), "stop the SMSC simulator")
	if between != nil {
		between()
	}
	sim, err := smscsim.Start(smscsim.Config{Addr: addr, SystemID: "smsgw", Password: "secret", DLRDelay: 10 * time.Millisecond})
	must(t, err, "restart the SMSC simulator on %s", addr)
	t.Cleanup(func() { sim.Close() })
	m.sim = sim
}
