package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/fiorix/go-smpp/smpp/pdu"

	"github.com/mpimis/mpimis/internal/smscsim"
)

func startAPI(t *testing.T) (*smscsim.Server, *httptest.Server) {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	sim, err := smscsim.Start(smscsim.Config{SystemID: "smsgw", Password: "secret", Logger: log, FirstID: 0x10})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(newHandler(sim, log))
	t.Cleanup(func() {
		ts.CloseClientConnections()
		ts.Close()
		_ = sim.Close()
	})
	return sim, ts
}

func decodeJSON(t *testing.T, r io.Reader, v any) {
	t.Helper()
	if err := json.NewDecoder(r).Decode(v); err != nil {
		t.Fatal(err)
	}
}

func TestPostMO(t *testing.T) {
	cases := []struct {
		name       string
		json       bool
		body       string
		noSession  bool
		parts      int
		answer     uint32
		wantCode   int
		wantSM     string // first part's short_message payload, "" to skip
		wantStatus uint32
	}{
		{name: "form", body: "from=%2B4915112345678&to=12345&text=REG+alice", parts: 1, wantCode: 200, wantSM: "REG alice"},
		{name: "json udh16", json: true, body: `{"from":"+4915112345678","to":"12345","text":"` + strings.Repeat("x", 200) + `","long":"udh16","ref":258}`,
			parts: 2, wantCode: 200, wantSM: "\x06\x08\x04\x01\x02\x02\x01" + strings.Repeat("x", 152)},
		{name: "form order", body: "from=1&to=2&text=" + strings.Repeat("y", 170) + "&order=2,1&ref=5", parts: 2, wantCode: 200,
			wantSM: "\x05\x00\x03\x05\x02\x02" + strings.Repeat("y", 17)},
		{name: "refused by ESME", body: "from=1&to=2&text=hi", parts: 1, answer: 0x64, wantCode: 502, wantStatus: 0x64},
		{name: "bad encoding", body: "from=1&to=2&text=hi&encoding=ebcdic", wantCode: 400},
		{name: "missing from", body: "to=2&text=hi", wantCode: 400},
		{name: "bad order", body: "from=1&to=2&text=hi&order=x", wantCode: 400},
		{name: "bad json", json: true, body: `{"from":1}`, wantCode: 400},
		{name: "no session", body: "from=1&to=2&text=hi", noSession: true, wantCode: 503},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sim, ts := startAPI(t)
			var e *testESME
			if !tc.noSession {
				e = dialESME(t, sim.Addr())
			}
			type result struct {
				code int
				body map[string]any
			}
			done := make(chan result, 1)
			go func() {
				ct := "application/x-www-form-urlencoded"
				if tc.json {
					ct = "application/json"
				}
				resp, err := http.Post(ts.URL+"/mo", ct, strings.NewReader(tc.body))
				if err != nil {
					done <- result{code: -1}
					return
				}
				defer resp.Body.Close()
				var body map[string]any
				_ = json.NewDecoder(resp.Body).Decode(&body)
				done <- result{resp.StatusCode, body}
			}()
			for n := range tc.parts {
				p := e.read()
				if p.id != pdu.DeliverSMID {
					t.Fatalf("case %d: got %v", i, p.id)
				}
				if n == 0 && tc.wantSM != "" {
					if got := string(shortMessage(t, p.body)); got != tc.wantSM {
						t.Errorf("case %d: short_message %q, want %q", i, got, tc.wantSM)
					}
				}
				e.answer(p, tc.answer)
			}
			r := <-done
			if r.code != tc.wantCode {
				t.Fatalf("case %d: HTTP %d %v, want %d", i, r.code, r.body, tc.wantCode)
			}
			if tc.wantStatus != 0 && r.body["status"] != float64(tc.wantStatus) {
				t.Errorf("case %d: body %v, want status %d", i, r.body, tc.wantStatus)
			}
			if r.code != 200 && r.body["error"] == nil {
				t.Errorf("case %d: error body %v", i, r.body)
			}
		})
	}
}

func TestGetMT(t *testing.T) {
	sim, ts := startAPI(t)
	e := dialESME(t, sim.Addr())
	e.submit("12345", "4915112345678", "first", 0, nil)
	e.submit("12345", "4915112345678", "", 0x40, append([]byte{5, 0, 3, 9, 2, 2}, "there"...))
	e.submit("12345", "4915112345678", "", 0x40, append([]byte{5, 0, 3, 9, 2, 1}, "hello "...))
	resp, err := http.Get(ts.URL + "/mt")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Messages []messageJSON `json:"messages"`
		Parts    []partJSON    `json:"parts"`
	}
	decodeJSON(t, resp.Body, &out)
	if len(out.Messages) != 2 || out.Messages[0].Text != "first" || out.Messages[1].Text != "hello there" ||
		!out.Messages[1].Complete || out.Messages[1].Parts != 2 || len(out.Messages[1].MessageIDs) != 2 {
		t.Fatalf("messages %+v", out.Messages)
	}
	if len(out.Parts) != 3 || out.Parts[1].Concat == nil || out.Parts[1].Concat.Seq != 2 || out.Parts[1].Text != "there" ||
		out.Parts[0].MessageID != "10" || out.Parts[0].ShortMessage != "6669727374" || out.Parts[2].To != "4915112345678" {
		t.Fatalf("parts %+v", out.Parts)
	}
}

func TestEvents(t *testing.T) {
	sim, ts := startAPI(t)
	e := dialESME(t, sim.Addr())
	e.submit("1", "2", "before", 0, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	r := bufio.NewReader(resp.Body)
	// The stream is open once its greeting arrives; submits from now on
	// are streamed, the one before is not.
	if line, _ := r.ReadString('\n'); !strings.HasPrefix(line, ":") {
		t.Fatalf("greeting %q", line)
	}
	e.submit("1", "2", "", 0x40, append([]byte{5, 0, 3, 1, 2, 1}, "ab"...))
	e.submit("1", "2", "", 0x40, append([]byte{5, 0, 3, 1, 2, 2}, "cd"...))
	type ev struct{ id, event, data string }
	var got []ev
	var cur ev
	for len(got) < 3 {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("stream: %v after %+v", err, got)
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case strings.HasPrefix(line, "id: "):
			cur.id = line[4:]
		case strings.HasPrefix(line, "event: "):
			cur.event = line[7:]
		case strings.HasPrefix(line, "data: "):
			cur.data = line[6:]
		case line == "" && cur.event != "":
			got = append(got, cur)
			cur = ev{}
		}
	}
	want := []struct{ id, event, text string }{{"2", "part", "ab"}, {"3", "part", "cd"}, {"", "message", "abcd"}}
	for i, w := range want {
		var d struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal([]byte(got[i].data), &d); err != nil {
			t.Fatal(err)
		}
		if got[i].id != w.id || got[i].event != w.event || d.Text != w.text {
			t.Errorf("event %d: %+v, want %+v", i, got[i], w)
		}
	}
}

func TestControl(t *testing.T) {
	cases := []struct {
		name     string
		json     bool
		body     string
		wantCode int
		check    func(t *testing.T, sim *smscsim.Server, e *testESME)
	}{
		{name: "throttle", body: "throttle=1", wantCode: 200, check: func(t *testing.T, sim *smscsim.Server, e *testESME) {
			if p := e.submit("1", "2", "a", 0, nil); p.status != 0x58 {
				t.Errorf("status 0x%X, want 0x58", p.status)
			}
			if p := e.submit("1", "2", "b", 0, nil); p.status != 0 {
				t.Errorf("status 0x%X after the throttled one", p.status)
			}
		}},
		{name: "status json", json: true, body: `{"status":"0x45","count":2}`, wantCode: 200, check: func(t *testing.T, sim *smscsim.Server, e *testESME) {
			for range 2 {
				if p := e.submit("1", "2", "a", 0, nil); p.status != 0x45 {
					t.Errorf("status 0x%X, want 0x45", p.status)
				}
			}
		}},
		{name: "dlr", body: "dlr=undeliv,tlv", wantCode: 200, check: func(t *testing.T, sim *smscsim.Server, e *testESME) {
			if m := sim.DLRMode(); m != "undeliv,tlv" {
				t.Errorf("mode %q", m)
			}
		}},
		{name: "disconnect", json: true, body: `{"disconnect":true}`, wantCode: 200, check: func(t *testing.T, sim *smscsim.Server, e *testESME) {
			e.expectClosed()
		}},
		{name: "unbind", body: "unbind=1", wantCode: 200, check: func(t *testing.T, sim *smscsim.Server, e *testESME) {
			if p := e.read(); p.id != pdu.UnbindID {
				t.Errorf("got %v, want unbind", p.id)
			}
		}},
		{name: "drop and delay", body: "drop=1&delay=1ms", wantCode: 200, check: func(t *testing.T, sim *smscsim.Server, e *testESME) {
			b := pdu.NewSubmitSM(nil)
			e.send(b)
			if p := e.submit("1", "2", "b", 0, nil); p.status != 0 {
				t.Errorf("status 0x%X", p.status)
			}
			if st := sim.Stats(); st.Dropped != 1 {
				t.Errorf("stats %+v", st)
			}
		}},
		{name: "bad dlr changes nothing", body: "dlr=maybe&throttle=3", wantCode: 400, check: func(t *testing.T, sim *smscsim.Server, e *testESME) {
			if p := e.submit("1", "2", "a", 0, nil); p.status != 0 {
				t.Errorf("status 0x%X: throttle applied despite the error", p.status)
			}
		}},
		{name: "unknown parameter", body: "explode=1", wantCode: 400},
		{name: "bad number", body: "throttle=many", wantCode: 400},
		{name: "count without status", body: "count=2", wantCode: 400},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sim, ts := startAPI(t)
			e := dialESME(t, sim.Addr())
			ct := "application/x-www-form-urlencoded"
			if tc.json {
				ct = "application/json"
			}
			resp, err := http.Post(ts.URL+"/control", ct, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			var body map[string]any
			decodeJSON(t, resp.Body, &body)
			resp.Body.Close()
			if resp.StatusCode != tc.wantCode {
				t.Fatalf("case %d: HTTP %d %v, want %d", i, resp.StatusCode, body, tc.wantCode)
			}
			if tc.wantCode == 200 && body["dlr_mode"] == nil {
				t.Errorf("case %d: no stats in %v", i, body)
			}
			if tc.check != nil {
				tc.check(t, sim, e)
			}
		})
	}
}

func TestStats(t *testing.T) {
	sim, ts := startAPI(t)
	e := dialESME(t, sim.Addr())
	e.submit("1", "2", "a", 0, nil)
	resp, err := http.Get(ts.URL + "/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st struct {
		smscsim.Stats
		DLRMode string `json:"dlr_mode"`
	}
	decodeJSON(t, resp.Body, &st)
	if st.Submits != 1 || st.Accepted != 1 || st.Bound != 1 || st.DLRMode != "delivrd,text" {
		t.Fatalf("stats %+v", st)
	}
}

func TestParseFlags(t *testing.T) {
	cases := []struct {
		args []string
		ok   bool
		want func(o options) bool
	}{
		{[]string{}, true, func(o options) bool { return o.listen == "127.0.0.1:2775" && o.http == "127.0.0.1:2776" }},
		{[]string{"-listen", "127.0.0.1:0", "-http", "", "-system-id", "smsgw", "-password", "secret"}, true,
			func(o options) bool {
				return o.listen == "127.0.0.1:0" && o.http == "" && o.systemID == "smsgw" && o.password == "secret"
			}},
		{[]string{"-dlr-delay", "soon"}, false, nil},
		{[]string{"stray"}, false, nil},
	}
	for i, tc := range cases {
		o, err := parseFlags(tc.args, io.Discard)
		if (err == nil) != tc.ok || (tc.ok && !tc.want(o)) {
			t.Errorf("case %d %v: %+v, %v", i, tc.args, o, err)
		}
	}
}

func TestRunPrintsAddressesAndStopsOnSignal(t *testing.T) {
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run([]string{"-listen", "127.0.0.1:0", "-http", "127.0.0.1:0", "-log-level", "error"}, pw, io.Discard)
		pw.Close()
	}()
	r := bufio.NewReader(pr)
	smppLine, _ := r.ReadString('\n')
	httpLine, _ := r.ReadString('\n')
	if !strings.HasPrefix(smppLine, "smsc-sim: SMPP listening on 127.0.0.1:") {
		t.Fatalf("first line %q", smppLine)
	}
	_, base, ok := strings.Cut(strings.TrimSpace(httpLine), "HTTP control on ")
	if !ok {
		t.Fatalf("second line %q", httpLine)
	}
	resp, err := http.Get(base + "/stats")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET /stats: %d", resp.StatusCode)
	}
	// An open event stream must not hold up the shutdown.
	ev, err := http.Get(base + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer ev.Body.Close()
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
}
