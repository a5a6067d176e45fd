package integration

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/internal/smscsim"
	"github.com/mpimis/mpimis/relay"
	"github.com/mpimis/mpimis/smsbridge"
)

func phone(t *testing.T, s string) ident.Phone {
	t.Helper()
	p, err := phoneFor(s)
	must(t, err, "phone")
	return p
}

func phoneFor(s string) (ident.Phone, error) { return ident.ParsePhone(s, "") }

// completeTo returns the complete messages the simulator received for dest.
func completeTo(msgs []smscsim.Message, dest string) []smscsim.Message {
	var out []smscsim.Message
	for _, m := range msgs {
		if m.Dest == dest && m.Complete {
			out = append(out, m)
		}
	}
	return out
}

// TestIntegrationSMSMT: MT in GSM and UCS-2, single and multipart, arrive
// whole at the SMSC, and their delivery reports are matched to them.
func TestIntegrationSMSMT(t *testing.T) {
	e := startSMSLink(t, nil, "", nil)
	cases := []struct {
		name, dest, text string
		dc               byte
		parts            int
	}{
		{"gsm single", "+4915112340001", "Hello from XMPP {with} [escapes] €5", smsbridge.DCSDefault, 1},
		{"ucs2 single", "+4915112340002", "Привет 😀 — ça va?", smsbridge.DCSUCS2, 1},
		{"gsm multipart", "+4915112340003", strings.Repeat("0123456789", 30) + "€", smsbridge.DCSDefault, 2},
		{"ucs2 multipart with emoji at boundaries", "+4915112340004", strings.Repeat("😀a", 50), smsbridge.DCSUCS2, 3},
	}
	for i, c := range cases {
		must(t, e.flow.Send(ctxT(t), phone(t, c.dest), c.text, relay.SMSMeta{Source: "alice@localhost", OriginID: fmt.Sprint("o", i), WantReceipt: true}, nil), "case %d: send", i)
	}
	msgs, err := e.sim.WaitMessages(ctxT(t), len(cases))
	must(t, err, "all messages reach the SMSC")
	for i, c := range cases {
		got := completeTo(msgs, strings.TrimPrefix(c.dest, "+"))
		if len(got) != 1 {
			t.Errorf("case %d (%s): %d complete messages", i, c.name, len(got))
			continue
		}
		m := got[0]
		if m.Text != c.text || m.DataCoding != c.dc || m.Parts != c.parts {
			t.Errorf("case %d (%s): got %q dc=%d parts=%d, want %q dc=%d parts=%d", i, c.name, m.Text, m.DataCoding, m.Parts, c.text, c.dc, c.parts)
		}
	}
	e.relay.wait(t, "4 delivery reports", func(_ []relay.SMSMessage, reps []relay.DeliveryReport) bool { return len(reps) >= 4 })
	seen := map[string]bool{}
	for _, r := range e.relay.reports {
		if !r.Delivered || !r.Meta.WantReceipt || r.Meta.Source != "alice@localhost" {
			t.Errorf("bad report %+v", r)
		}
		seen[r.Meta.OriginID] = true
	}
	if len(seen) != 4 {
		t.Errorf("reports for %d distinct messages, want 4: %v", len(seen), seen)
	}
}

// TestIntegrationSMSMO: MO single and multipart in every concatenation
// form, out of order and with duplicates, reach the relay whole.
func TestIntegrationSMSMO(t *testing.T) {
	e := startSMSLink(t, nil, "", nil)
	long := strings.Repeat("abcdefghij", 35)
	emoji := strings.Repeat("😀é", 60)
	cases := []smscsim.MO{
		{Source: "+4915112340011", Text: "hello gateway"},
		{Source: "+4915112340012", Text: "Привет 😀", Encoding: "ucs2"},
		{Source: "+4915112340013", Text: long, Long: "udh8", Order: []int{3, 1, 1, 2}},
		{Source: "+4915112340014", Text: emoji, Long: "udh16", Order: []int{2, 1, 3, 2}},
		{Source: "+4915112340015", Text: long, Long: "sar"},
		{Source: "+4915112340016", Text: long, Long: "payload"},
		{Source: "+4915112340017", Text: "café Ünïcode", Encoding: "latin1"},
	}
	for i, mo := range cases {
		mo.Dest = "12345"
		must(t, e.sim.SendMO(ctxT(t), mo), "case %d: inject MO", i)
	}
	e.relay.wait(t, "every MO", func(mos []relay.SMSMessage, _ []relay.DeliveryReport) bool { return len(mos) >= len(cases) })
	got := map[string]string{}
	for _, m := range e.relay.mos {
		if _, dup := got[m.From.E164()]; dup {
			t.Errorf("MO from %s delivered twice", m.From)
		}
		got[m.From.E164()] = m.Text
	}
	for i, mo := range cases {
		if got[mo.Source] != mo.Text {
			t.Errorf("case %d: relay got %q, want %q", i, got[mo.Source], mo.Text)
		}
	}
}

// TestIntegrationSMSRebindAndThrottle: the session rebinds after the SMSC
// drops it, a message sent meanwhile goes out afterwards, and throttled
// submits are retried until accepted, without loss or duplicates.
func TestIntegrationSMSRebindAndThrottle(t *testing.T) {
	e := startSMSLink(t, nil, "", nil)
	binds := e.sim.Binds()
	e.sim.DisconnectAll()
	must(t, e.flow.Send(ctxT(t), phone(t, "+4915112340021"), "sent while down", relay.SMSMeta{Source: "alice@localhost"}, nil), "send")
	must(t, e.sim.WaitBinds(ctxT(t), binds+1), "rebind")

	e.sim.SetThrottle(6)
	for i := 0; i < 10; i++ {
		must(t, e.flow.Send(ctxT(t), phone(t, fmt.Sprintf("+49151123401%02d", i)), fmt.Sprint("msg ", i), relay.SMSMeta{Source: "alice@localhost"}, nil), "send %d", i)
	}
	msgs, err := e.sim.WaitMessages(ctxT(t), 11)
	must(t, err, "all 11 messages")
	count := map[string]int{}
	for _, m := range msgs {
		count[m.Dest+"|"+m.Text]++
	}
	if count["4915112340021|sent while down"] != 1 {
		t.Errorf("message sent while the link was down: %d copies", count["4915112340021|sent while down"])
	}
	for i := 0; i < 10; i++ {
		if n := count[fmt.Sprintf("49151123401%02d|msg %d", i, i)]; n != 1 {
			t.Errorf("throttled message %d arrived %d times", i, n)
		}
	}
	if st := e.sim.Stats(); st.Rejected < 6 {
		t.Errorf("simulator throttled only %d submits", st.Rejected)
	}
}

// TestIntegrationSMSSequenceCollision: a deliver_sm whose sequence number
// equals an outstanding submit_sm's is an MO like any other, and the
// submit still gets its own response.
func TestIntegrationSMSSequenceCollision(t *testing.T) {
	e := startSMSLink(t, nil, "", nil)
	e.sim.SetRespDelay(time.Second)
	must(t, e.flow.Send(ctxT(t), phone(t, "+4915112340031"), "outstanding", relay.SMSMeta{Source: "alice@localhost"}, nil), "send")
	subs, err := e.sim.WaitSubmitted(ctxT(t), 1)
	must(t, err, "submit arrives")
	status, err := e.sim.SendRawDeliver(ctxT(t), smscsim.RawDeliver{
		Seq: subs[0].Seq, SourceTON: 1, SourceNPI: 1, Source: "4915112340032", Dest: "12345",
		ShortMessage: []byte("collides with a submit"),
	})
	must(t, err, "raw deliver")
	if status != 0 {
		t.Fatalf("deliver_sm with a colliding sequence number answered 0x%08X", status)
	}
	e.relay.wait(t, "the colliding MO", func(mos []relay.SMSMessage, _ []relay.DeliveryReport) bool {
		return len(mos) == 1 && mos[0].Text == "collides with a submit"
	})
	msgs, err := e.sim.WaitMessages(ctxT(t), 1)
	must(t, err, "the submit completes")
	if msgs[0].Text != "outstanding" {
		t.Errorf("submit confused: %+v", msgs[0])
	}
}
