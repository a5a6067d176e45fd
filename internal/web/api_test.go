package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestStatus(t *testing.T) {
	e := newEnv(t, nil)
	code, body := e.get("/api/status")
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	var st Status
	decode(t, "status", body, &st)
	checks := []struct {
		name string
		ok   bool
	}{
		{"health", st.Status == statusOK && len(st.XMPP) == 2 && st.SMPP.WindowInUse == 4},
		{"version and time", st.Version == "test-1" && st.Time.Equal(testNow)},
		{"totals", st.Totals != nil && st.Totals.MT == 4 && st.Totals.MO == 5},
		{"counters", st.Counters["refused_rate_limited"] == 2 && st.Counters["bindings_active"] == 4},
		{"odd counter names left out", len(st.Counters) == 9},
		{"mt queue", st.Queues != nil && st.Queues.MT.Pending == 7 && st.Queues.MT.States["delivered"] == 10 && st.Queues.MT.OldestAgeSeconds == 90},
		{"mo queue", st.Queues != nil && st.Queues.MO.Pending == 1 && st.Queues.MO.OldestAgeSeconds == 0},
		{"mo parts", st.Queues != nil && st.Queues.MOIncomplete == 1 && st.Queues.MOIncompleteParts == 2},
		{"rooms", st.Rooms != nil && st.Rooms.Live == 2 && st.Rooms.Occupants == 9 && len(st.Rooms.Top) == 2},
		{"top page by title and site", st.Rooms != nil && st.Rooms.Top[0] == LivePage{Title: "Busy page", Site: "example.org", Occupants: 7, Since: testNow.Add(-time.Hour)}},
		{"untitled page by site", st.Rooms != nil && st.Rooms.Top[1].Title == "" && st.Rooms.Top[1].Site == "example.net"},
		{"no room JID", !strings.Contains(body, "@rooms.localhost") && !strings.Contains(body, "private")},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: wrong in %s", c.name, body)
		}
	}
}

// TestStatusOptionalSources: without queues, counters or rooms the status
// leaves them out.
func TestStatusOptionalSources(t *testing.T) {
	e := newEnv(t, func(d *Deps) { d.Queues, d.Counters, d.Rooms = nil, nil, nil })
	code, body := e.get("/api/status")
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	for _, key := range []string{`"totals":`, `"counters":`, `"queues":`, `"rooms":`} {
		if strings.Contains(body, key) {
			t.Errorf("%s present: %s", key, body)
		}
	}
}

func TestStatusFailures(t *testing.T) {
	cases := []struct {
		name  string
		tweak func(*env)
		want  int
		msg   string
	}{
		{"counters fail", func(e *env) { e.counters.err = errBoom }, http.StatusInternalServerError, "reading the relay counters failed"},
		{"queues fail", func(e *env) { e.queues.err = errBoom }, http.StatusInternalServerError, "reading the queues failed"},
		{"counters time out", func(e *env) { e.counters.block = true }, http.StatusServiceUnavailable, "reading the relay counters timed out"},
	}
	for _, tc := range cases {
		e := newEnv(t, func(d *Deps) { d.Timeout = 50 * time.Millisecond })
		tc.tweak(e)
		start := time.Now()
		code, body := e.get("/api/status")
		var eb errorBody
		decode(t, tc.name, body, &eb)
		if code != tc.want || eb.Error != tc.msg {
			t.Errorf("%s: %d %s, want %d %q", tc.name, code, body, tc.want, tc.msg)
		}
		if strings.Contains(body, errBoom.Error()) {
			t.Errorf("%s: internal error text sent: %s", tc.name, body)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s: took %v despite the 50ms timeout", tc.name, d)
		}
	}
}

func TestRouting(t *testing.T) {
	e := newEnv(t, nil)
	cases := []struct {
		method, target string
		want           int
		wantJSON       bool
	}{
		{http.MethodGet, "/healthz", http.StatusOK, true},
		{http.MethodHead, "/healthz", http.StatusOK, true},
		{http.MethodPost, "/healthz", http.StatusMethodNotAllowed, true},
		{http.MethodDelete, "/api/status", http.StatusMethodNotAllowed, true},
		{http.MethodPost, "/metrics", http.StatusMethodNotAllowed, true},
		{http.MethodGet, "/api/nope", http.StatusNotFound, true},
		{http.MethodPost, "/api/nope", http.StatusNotFound, true},
		{http.MethodGet, "/api/status", http.StatusOK, true},
		{http.MethodGet, "/nope.txt", http.StatusNotFound, false},
		{http.MethodPut, "/", http.StatusMethodNotAllowed, true},
	}
	for i, tc := range cases {
		code, hdr, body := e.do(tc.method, tc.target)
		if code != tc.want {
			t.Errorf("%d %s %s: status %d, want %d: %s", i, tc.method, tc.target, code, tc.want, body)
		}
		isJSON := strings.HasPrefix(hdr.Get("Content-Type"), "application/json")
		if isJSON != tc.wantJSON {
			t.Errorf("%d %s %s: content type %q", i, tc.method, tc.target, hdr.Get("Content-Type"))
		}
		if code == http.StatusMethodNotAllowed && hdr.Get("Allow") != "GET, HEAD" {
			t.Errorf("%d %s %s: Allow %q", i, tc.method, tc.target, hdr.Get("Allow"))
		}
		if hdr.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(hdr.Get("Content-Security-Policy"), "default-src 'self'") {
			t.Errorf("%d %s %s: security headers missing: %v", i, tc.method, tc.target, hdr)
		}
	}
}

// TestTimeoutReachesHandler: the request context carries the deadline.
func TestTimeoutReachesHandler(t *testing.T) {
	e := newEnv(t, func(d *Deps) { d.Timeout = 123 * time.Millisecond })
	var left time.Duration
	h := e.srv.withTimeout(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dl, ok := r.Context().Deadline()
		if ok {
			left = time.Until(dl)
		}
	}))
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, "/", nil)
	h.ServeHTTP(nil, req)
	if left <= 0 || left > 123*time.Millisecond {
		t.Errorf("deadline %v ahead, want (0, 123ms]", left)
	}
}
