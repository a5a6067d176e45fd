package main

import (
	"io"
	"strings"
	"testing"
	"time"
)

func TestParseToken(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want token
		ok   bool
	}{
		{"bare", "#3.17#", token{3, 17}, true},
		{"prefixed by MT sender", "u1@localhost: #12.0#", token{12, 0}, true},
		{"with trailing text", "#1.2# and more #9.9#", token{1, 2}, true},
		{"no token", "hello", token{}, false},
		{"unterminated", "#1.2", token{}, false},
		{"no dot", "#12#", token{}, false},
		{"not numeric", "#a.b#", token{}, false},
		{"negative", "#-1.2#", token{}, false},
		{"empty", "##", token{}, false},
	}
	for i, c := range cases {
		got, ok := parseToken(c.in)
		if ok != c.ok || got != c.want {
			t.Errorf("case %d %s: parseToken(%q) = %v, %v; want %v, %v", i, c.name, c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestTokenRoundTrip(t *testing.T) {
	for i, tok := range []token{{0, 0}, {1, 999999}, {42, 7}} {
		got, ok := parseToken("x " + tok.String() + " y")
		if !ok || got != tok {
			t.Errorf("case %d: round trip of %v gave %v, %v", i, tok, got, ok)
		}
	}
}

func TestPercentile(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		out := make([]time.Duration, len(ns))
		for i, n := range ns {
			out[i] = time.Duration(n) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	cases := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"single p50", ms(7), 50, 7 * time.Millisecond},
		{"single p99", ms(7), 99, 7 * time.Millisecond},
		{"two p50", ms(1, 2), 50, 1 * time.Millisecond},
		{"hundred p50", ms(hundred...), 50, 50 * time.Millisecond},
		{"hundred p99", ms(hundred...), 99, 99 * time.Millisecond},
		{"hundred p100", ms(hundred...), 100, 100 * time.Millisecond},
		{"ten p99", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 99, 10 * time.Millisecond},
	}
	for i, c := range cases {
		if got := percentile(c.sorted, c.p); got != c.want {
			t.Errorf("case %d %s: percentile = %v, want %v", i, c.name, got, c.want)
		}
	}
}

func TestTracker(t *testing.T) {
	tr := newTracker(5)
	t0 := time.Now()
	for seq := range 3 {
		tr.sending(seq)
	}
	cases := []struct {
		name string
		tok  token
		want bool
	}{
		{"first arrival", token{5, 0}, true},
		{"duplicate", token{5, 0}, false},
		{"other phase", token{4, 1}, false},
		{"never sent", token{5, 9}, false},
		{"second arrival", token{5, 1}, true},
	}
	for i, c := range cases {
		if got := tr.received(c.tok, t0.Add(time.Second)); got != c.want {
			t.Errorf("case %d %s: received = %v, want %v", i, c.name, got, c.want)
		}
	}
	done := tr.expect(2)
	select {
	case <-done:
	default:
		t.Fatalf("expect(2) not done after two arrivals")
	}
	r := tr.result("x", "100")
	if r.delivered != 2 || r.lost != 1 || r.max < 900*time.Millisecond {
		t.Errorf("result %+v: want 2 delivered, 1 lost, max about 1s", r)
	}
}

func TestWriteTable(t *testing.T) {
	ceil := result{name: "ceil", offered: "100", rate: 200, p99: 2 * time.Millisecond}
	cases := []struct {
		name string
		rs   []result
		want []string // substrings expected in order
	}{
		{"header only", nil, []string{"path", "sustained/s", "x xmpp-ceil", "\n---"}},
		{"ratio and p99 delta", []result{ceil, {name: "ours", offered: "100", rate: 100, p99: 5 * time.Millisecond, ceiling: &ceil, delivered: 10}},
			[]string{"ceil", "ours", "100", "0.50", "-", "+3.00"}},
		{"no ceiling", []result{{name: "alone", offered: "max", rate: 10}}, []string{"alone", "max", "10", "-"}},
	}
	for i, c := range cases {
		var b strings.Builder
		if err := writeTable(&b, c.rs); err != nil {
			t.Fatalf("case %d %s: %v", i, c.name, err)
		}
		s := b.String()
		at := 0
		for _, w := range c.want {
			j := strings.Index(s[at:], w)
			if j < 0 {
				t.Errorf("case %d %s: %q not found after offset %d in\n%s", i, c.name, w, at, s)
				break
			}
			at += j + len(w)
		}
		lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
		for k, l := range lines {
			if len(l) != len(lines[0]) && k != 1 {
				t.Errorf("case %d %s: line %d not aligned: %q", i, c.name, k, l)
			}
		}
	}
}

func TestParseFlags(t *testing.T) {
	cases := []struct {
		name  string
		args  []string
		rates []int
		ok    bool
	}{
		{"defaults", nil, []int{100, 1000, 0}, true},
		{"custom rates", []string{"-rates", "50, max"}, []int{50, 0}, true},
		{"bad rate", []string{"-rates", "fast"}, nil, false},
		{"zero rate", []string{"-rates", "0"}, nil, false},
		{"bad only", []string{"-only", "sms"}, nil, false},
		{"zero clients", []string{"-clients", "0"}, nil, false},
	}
	for i, c := range cases {
		o, err := parseFlags(c.args, io.Discard)
		if (err == nil) != c.ok {
			t.Errorf("case %d %s: err = %v, want ok %v", i, c.name, err, c.ok)
			continue
		}
		if c.ok && !equalInts(o.rates, c.rates) {
			t.Errorf("case %d %s: rates %v, want %v", i, c.name, o.rates, c.rates)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestKannelConfig(t *testing.T) {
	cases := []struct {
		name    string
		simAddr string
		want    []string
		ok      bool
	}{
		{"loopback", "127.0.0.1:2775", []string{"store-type = file", "log-level = 2", "host = 127.0.0.1", "port = 2775",
			"sendsms-port = 3", `get-url = "http://127.0.0.1:9/mo?text=%a"`}, true},
		{"no port", "127.0.0.1", nil, false},
	}
	for i, c := range cases {
		got, err := kannelConfig("/tmp/k", 1, 2, 3, c.simAddr, "127.0.0.1:9")
		if (err == nil) != c.ok {
			t.Errorf("case %d %s: err = %v, want ok %v", i, c.name, err, c.ok)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("case %d %s: config lacks %q:\n%s", i, c.name, w, got)
			}
		}
	}
}
