package relay

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/mpimis/mpimis/ident"
)

// A redelivered MO (same ID after a crash) registers nothing twice and
// relays with the same stanza id.
func TestRedeliveredMO(t *testing.T) {
	ctx := context.Background()
	for i, tc := range []struct {
		name        string
		text        string
		failFirst   bool  // the XMPP link is down on the first attempt
		wantWelcome []int // welcomes per attempt
		wantXMPP    []int // XMPP messages per attempt
	}{
		{"auto-registration and relay", "alice@example.org hi", false, []int{1, 1}, []int{1, 1}},
		{"first attempt fails after binding", "alice@example.org hi", true, []int{1, 1}, []int{0, 1}},
		{"explicit REG", "REG dora", false, []int{0, 0}, []int{0, 0}},
		{"NICK", "NICK dora", false, []int{1, 1}, []int{0, 0}},
	} {
		h := newHarness(t, nil)
		m := SMSMessage{ID: 77, From: phoneA, Text: tc.text}
		var imid string
		for attempt := range 2 {
			h.x.setFail(nil)
			if tc.failFirst && attempt == 0 {
				h.x.setFail(errors.New("link down"))
			}
			err := h.c.FromSMS(ctx, m)
			if tc.failFirst && attempt == 0 {
				if err == nil {
					t.Errorf("%d %s: failed attempt returned nil", i, tc.name)
				}
			} else if err != nil {
				t.Errorf("%d %s attempt %d: %v", i, tc.name, attempt, err)
			}
			welcomes := 0
			for _, r := range h.replies(phoneA) {
				if strings.HasPrefix(r, "Welcome!") {
					welcomes++
				}
			}
			calls := h.x.take()
			if welcomes != tc.wantWelcome[attempt] || len(calls) != tc.wantXMPP[attempt] {
				t.Errorf("%d %s attempt %d: %d welcomes, XMPP %v; want %d, %d", i, tc.name, attempt,
					welcomes, calls, tc.wantWelcome[attempt], tc.wantXMPP[attempt])
			}
			for _, c := range calls {
				if c.Msg.ID != "mo-77" {
					t.Errorf("%d %s attempt %d: stanza id %q, want mo-77", i, tc.name, attempt, c.Msg.ID)
				}
			}
			b := h.binding(phoneA)
			if b == nil {
				t.Fatalf("%d %s: not bound", i, tc.name)
			}
			if attempt == 0 {
				imid = b.IMID
			} else if b.IMID != imid {
				t.Errorf("%d %s: imid changed on redelivery: %s -> %s", i, tc.name, imid, b.IMID)
			}
		}
		// A later MO is not welcomed again.
		h.mo(phoneA, "HELP")
		if got := h.replies(phoneA); len(got) != 1 || got[0] != txtHelp {
			t.Errorf("%d %s: later MO got %q", i, tc.name, got)
		}
		c, _ := h.c.Counters(ctx)
		if c["registrations"] != 1 || c["bindings_active"] != 1 {
			t.Errorf("%d %s: counters %v", i, tc.name, c)
		}
	}
}

// Several SMS workers handle MOs of one unbound phone at once: it is bound
// once and welcomed once.
func TestConcurrentFirstMessages(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.SMSPerMinute = 0 })
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- h.c.FromSMS(context.Background(), SMSMessage{ID: int64(i + 1), From: phoneA, Text: "hello"})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("FromSMS: %v", err)
		}
	}
	welcomes, whom := 0, 0
	for _, r := range h.replies(phoneA) {
		switch {
		case strings.HasPrefix(r, "Welcome!"):
			welcomes++
		case r == txtWhom:
			whom++
		}
	}
	if welcomes != 1 || whom != 7 {
		t.Errorf("%d welcomes and %d whom-replies, want 1 and 7", welcomes, whom)
	}
	c, _ := h.c.Counters(context.Background())
	if c["bindings_active"] != 1 {
		t.Errorf("bindings %v", c)
	}
}

// SMS workers and the XMPP dispatch goroutine work at the same time on
// the same users (run with -race).
func TestConcurrentTraffic(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, func(c *Config) { c.SMSPerMinute, c.SMSPerDay = 0, 0; c.LoopRepeats = 1000 })
	phones := []ident.Phone{phoneA, phoneB, phoneC, phoneD}
	imids := make([]string, len(phones))
	for i, p := range phones {
		imids[i] = h.register(p, fmt.Sprintf("user%d", i))
	}
	const rounds = 30
	var wg sync.WaitGroup
	fail := make(chan error, 1)
	report := func(err error) {
		if err != nil {
			select {
			case fail <- err:
			default:
			}
		}
	}
	for i, p := range phones {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				to := imids[(i+1)%len(imids)]
				report(h.c.FromSMS(ctx, SMSMessage{ID: int64(1000*i + r + 1), From: p, Text: fmt.Sprintf("%s msg %d", to, r)}))
			}
		}()
	}
	wg.Add(1)
	go func() { // the gateway link's single dispatch goroutine
		defer wg.Done()
		for r := range rounds {
			to := ident.IMID(imids[r%len(imids)])
			report(h.c.FromXMPP(ctx, XMPPMessage{From: "alice@example.org/x", To: to, Body: fmt.Sprintf("x %d", r)}))
			report(h.c.Presence(ctx, InPresence{From: "alice@example.org/x", To: to, Type: "probe"}))
		}
	}()
	wg.Wait()
	select {
	case err := <-fail:
		t.Fatal(err)
	default:
	}
	want := len(phones)*rounds + rounds
	if got := len(h.s.take()); got != want {
		t.Errorf("%d SMS queued, want %d", got, want)
	}
	c, _ := h.c.Counters(ctx)
	if c["relayed_sms_to_sms"] != int64(len(phones)*rounds) || c["relayed_xmpp_to_sms"] != rounds {
		t.Errorf("counters %v", c)
	}
}
