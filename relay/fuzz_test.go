package relay

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mpimis/mpimis/ident"
)

// FuzzFromSMS feeds arbitrary texts from a few phones to one Core (state
// accumulates across inputs, as in production) and checks that FromSMS
// never fails or panics and that no SMS or XMPP output carries the
// sender's number unless the sender typed it into the text themselves.
func FuzzFromSMS(f *testing.F) {
	for _, seed := range []string{
		"HELP", "?", "REG", "REG alice", "NICK bob", "NICK", "UNREG", "STOP", "START", "WHO @alice",
		"WHO alice@example.org", "ADD alice@example.org", "DEL alice@example.org", "LIST", "BLOCK @bob",
		"UNBLOCK @bob", "alice@example.org hi", "@alice hello", "45678901 hi", "+4915112345678 hi",
		"004915112345678 x", "15112345678 hi", "hello there", "", "   ", "@", "@@", "a@b@c d", "ADD @",
		"WHO +", "x@sms.example.org hi", "12345678@sms.example.org hi", "Ünïcödé 😀", "STOP\x00",
		strings.Repeat("long ", 200), "@alice " + strings.Repeat("x", 600),
	} {
		f.Add(seed, uint8(0))
	}
	h := newHarness(f, func(c *Config) { c.SMSPerMinute, c.SMSPerDay = 0, 0 })
	phones := []ident.Phone{phoneA, phoneB, phoneC}
	// Give the phones history so that more paths are live.
	h.mo(phoneA, "REG alice")
	h.mo(phoneB, "REG bob")
	h.mo(phoneB, "@alice hi")
	h.s.take()
	var n int64 = 1000

	f.Fuzz(func(t *testing.T, text string, who uint8) {
		from := phones[int(who)%len(phones)]
		n++
		h.clk.advance(time.Second)
		if err := h.c.FromSMS(context.Background(), SMSMessage{ID: n, From: from, Text: text}); err != nil {
			t.Fatalf("FromSMS(%q): %v", text, err)
		}
		var out []string
		for _, x := range h.x.take() {
			out = append(out, x.String())
		}
		for _, s := range h.s.take() {
			out = append(out, s.Body, fmt.Sprintf("%+v", s.Meta))
		}
		for _, d := range phoneDigits(from) {
			if strings.Contains(text, d) {
				continue // the user's own choice to share it
			}
			for _, o := range out {
				if strings.Contains(o, d) {
					t.Fatalf("text %q: output carries the sender's number: %q", text, o)
				}
			}
		}
	})
}
