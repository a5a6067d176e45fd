package relay

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mpimis/mpimis/ident"
)

func TestRateLimiter(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	r := newRateLimiter(2, time.Minute)
	for i, tc := range []struct {
		key  string
		at   time.Duration
		want bool
	}{
		{"a", 0, true},
		{"a", time.Second, true},
		{"a", 2 * time.Second, false},
		{"b", 2 * time.Second, true}, // keys are independent
		{"a", 59 * time.Second, false},
		{"a", 60 * time.Second, true}, // the first event left the window
		{"a", 61 * time.Second, true}, // and the second
		{"a", 62 * time.Second, false},
	} {
		if got := r.allow(tc.key, t0.Add(tc.at)); got != tc.want {
			t.Errorf("%d: allow(%s, +%v) = %t, want %t", i, tc.key, tc.at, got, tc.want)
		}
	}
	if unlimited := newRateLimiter(0, time.Minute); !unlimited.allow("a", t0) {
		t.Error("limit 0 refused")
	}
	// Sweeping forgets idle keys.
	r.sweep(t0.Add(time.Hour))
	if len(r.hits) != 0 {
		t.Errorf("after sweep: %d keys", len(r.hits))
	}
}

func TestLoopGuard(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, tc := range []struct {
		name  string
		msgs  []string // "from>to:text@seconds"
		final bool     // whether the last message passes
	}{
		{"two auto-responders", []string{
			"a>b:Away@0", "b>a:Driving@1", "a>b:away @2", "b>a:Driving@3", "a>b:AWAY@4", "b>a:Driving@5",
			"a>b:away@6", "b>a:Driving@7", "a>b:away@8", "b>a:Driving@9", "a>b:away@10"}, false},
		{"one-sided repetition is left to the rate limit", []string{
			"a>b:ok@0", "a>b:ok@1", "a>b:ok@2", "a>b:ok@3", "a>b:ok@4", "a>b:ok@5", "a>b:ok@6"}, true},
		{"different texts", []string{
			"a>b:1@0", "b>a:x@1", "a>b:2@2", "b>a:x@3", "a>b:3@4", "b>a:x@5", "a>b:4@6", "b>a:x@7", "a>b:5@8", "a>b:6@9"}, true},
		{"repeats spread beyond the window", []string{
			"a>b:away@0", "b>a:x@1", "a>b:away@200", "b>a:x@201", "a>b:away@400", "b>a:x@401",
			"a>b:away@601", "b>a:x@602", "a>b:away@800", "a>b:away@1000", "a>b:away@1100"}, true},
	} {
		g := newLoopGuard(5, 10*time.Minute)
		var got bool
		for _, m := range tc.msgs {
			var from, to, text string
			var sec int
			if _, err := fmt.Sscanf(m, "%1s>%1s:", &from, &to); err != nil {
				t.Fatal(err)
			}
			rest := m[4:]
			at := len(rest) - 1
			for rest[at] != '@' {
				at--
			}
			text = rest[:at]
			fmt.Sscanf(rest[at+1:], "%d", &sec)
			got = g.pass(from, to, text, t0.Add(time.Duration(sec)*time.Second))
		}
		if got != tc.final {
			t.Errorf("%d %s: last message passes = %t, want %t", i, tc.name, got, tc.final)
		}
	}
}

func TestXMPPRateLimits(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, func(c *Config) { c.SMSPerMinute, c.SMSPerDay = 3, 5 })
	a := ident.IMID(h.register(phoneA, ""))
	send := func(from string, n int) (int, error) {
		var last error
		ok := 0
		for i := range n {
			last = h.c.FromXMPP(ctx, XMPPMessage{From: from, To: a, Body: fmt.Sprintf("message %d", i)})
			if last == nil {
				ok++
			}
		}
		return ok, last
	}
	for i, tc := range []struct {
		name    string
		from    string
		n       int
		advance time.Duration
		reopen  bool
		wantOK  int
		wantErr ErrorKind
	}{
		{"within the minute", "alice@example.org", 3, 0, false, 3, -1},
		{"over the minute", "alice@example.org", 1, 0, false, 0, KindRateLimited},
		{"another sender is separate", "bob@example.org", 1, 0, false, 1, -1},
		{"next minute", "alice@example.org", 2, time.Minute, false, 2, -1},
		{"daily cap", "alice@example.org", 1, time.Minute, false, 0, KindRateLimited},
		{"daily cap survives a restart", "alice@example.org", 1, time.Minute, true, 0, KindRateLimited},
		{"next day", "alice@example.org", 1, 24 * time.Hour, false, 1, -1},
	} {
		h.clk.advance(tc.advance)
		if tc.reopen {
			h.reopen()
		}
		ok, err := send(tc.from, tc.n)
		if ok != tc.wantOK || (tc.wantErr < 0) != (err == nil) || tc.wantErr >= 0 && kindOf(err) != tc.wantErr {
			t.Errorf("%d %s: %d accepted, last error %v; want %d, kind %v", i, tc.name, ok, err, tc.wantOK, tc.wantErr)
		}
		if n := len(h.s.take()); n != tc.wantOK {
			t.Errorf("%d %s: %d SMS queued, want %d", i, tc.name, n, tc.wantOK)
		}
	}
	// The next day's first message pruned the earlier days' counts.
	if n, err := h.st.SentCount(ctx, "alice@example.org", "2025-03-04"); err != nil || n != 0 {
		t.Errorf("yesterday's count after prune: %d, %v", n, err)
	}
}

func TestSMSRateLimits(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.SMSPerMinute, c.SMSPerDay = 3, 6 })
	a := h.register(phoneA, "") // REG is the first message of the minute and day
	steps := []struct {
		advance time.Duration
		reopen  bool
		text    string
		reply   string // to phoneA, "" none
	}{
		{0, false, "@x hi", txtBadDest},                    // 1st of the imid this minute (REG counted for the unbound phone)
		{0, false, "HELP", txtHelp},                        // 2nd
		{0, false, "HELP", txtHelp},                        // 3rd
		{0, false, a + " hi", txtRateMinute},               // over: told once
		{0, false, "HELP", ""},                             // over: silent
		{0, false, "STOP", txtStopped},                     // STOP is never limited
		{0, false, "START", txtStarted},                    // nor START
		{time.Minute, false, "WHO @nobody", txtNoSuchUser}, // 4th today
		{0, false, "LIST", txtListEmpty},                   // 5th
		{0, true, "HELP", txtHelp},                         // 6th, after a restart
		{time.Minute, false, "HELP", txtRateDay},           // over the day: told once
		{time.Minute, false, "HELP", ""},
		{24 * time.Hour, false, "HELP", txtHelp},
	}
	for i, st := range steps {
		h.clk.advance(st.advance)
		if st.reopen {
			h.reopen()
		}
		h.mo(phoneA, st.text)
		got := h.replies(phoneA)
		if st.reply == "" && len(got) != 0 || st.reply != "" && (len(got) != 1 || got[0] != st.reply) {
			t.Errorf("%d %q: replies %q, want %q", i, st.text, got, st.reply)
		}
	}
}

func TestSMSLoopProtection(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.SMSPerMinute = 0; c.SMSPerDay = 0 })
	a := h.register(phoneA, "")
	b := h.register(phoneB, "")
	relayed, notices := 0, 0
	// Two auto-responders answer each other through sticky replies.
	h.mo(phoneA, b+" I am away")
	for range 20 {
		h.clk.advance(5 * time.Second)
		h.mo(phoneB, "Driving, call later")
		h.clk.advance(5 * time.Second)
		h.mo(phoneA, "I am away")
	}
	for _, s := range h.s.take() {
		switch s.Body {
		case txtLoop:
			notices++
		default:
			relayed++
		}
	}
	// Each direction gets DefaultLoopRepeats through (A's first, addressed
	// message included), then is stopped; each sender is told once.
	if relayed != 2*DefaultLoopRepeats || notices != 2 {
		t.Errorf("relayed %d, loop notices %d; want %d and 2", relayed, notices, 2*DefaultLoopRepeats)
	}
	_ = a
}
