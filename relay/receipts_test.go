package relay

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mpimis/mpimis/ident"
)

func TestReport(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	fromXMPP := SMSMeta{Source: "alice@example.org", ReplyTo: "alice@example.org/phone", OriginID: "m1", WantReceipt: true, FromIMID: "45678901"}
	noReceipt := fromXMPP
	noReceipt.WantReceipt = false
	fromSMS := SMSMeta{Source: "56789012", FromIMID: "45678901"}
	for i, tc := range []struct {
		name string
		r    DeliveryReport
		want string // the XMPP call, "" none
	}{
		{"delivered, receipt asked", DeliveryReport{Meta: fromXMPP, Delivered: true},
			"receipt from=45678901 to=alice@example.org/phone id=m1"},
		{"delivered, no receipt asked", DeliveryReport{Meta: noReceipt, Delivered: true}, ""},
		{"failed", DeliveryReport{Meta: fromXMPP, Reason: "UNDELIV"},
			`error from=45678901 to=alice@example.org/phone id=m1 kind=unavailable text="SMS not delivered: UNDELIV"`},
		{"failed without receipt request", DeliveryReport{Meta: noReceipt, Reason: "EXPIRED"},
			`error from=45678901 to=alice@example.org/phone id=m1 kind=unavailable text="SMS not delivered: EXPIRED"`},
		{"failed without reason", DeliveryReport{Meta: noReceipt},
			`error from=45678901 to=alice@example.org/phone id=m1 kind=unavailable text="SMS not delivered."`},
		{"a number in the reason is masked", DeliveryReport{Meta: noReceipt, Reason: "rejected dest 4915112345678 err 11"},
			`error from=45678901 to=alice@example.org/phone id=m1 kind=unavailable text="SMS not delivered: rejected dest ############# err 11"`},
		{"SMS to SMS delivered", DeliveryReport{Meta: fromSMS, Delivered: true}, ""},
		{"SMS to SMS failed", DeliveryReport{Meta: fromSMS, Reason: "UNDELIV"}, ""},
	} {
		if err := h.c.Report(ctx, tc.r); err != nil {
			t.Errorf("%d %s: %v", i, tc.name, err)
		}
		calls := h.x.take()
		if tc.want == "" && len(calls) != 0 || tc.want != "" && (len(calls) != 1 || calls[0].String() != tc.want) {
			t.Errorf("%d %s: XMPP %v, want %q", i, tc.name, calls, tc.want)
		}
		if s := h.s.take(); len(s) != 0 {
			t.Errorf("%d %s: texted about a receipt: %+v", i, tc.name, s)
		}
	}
	c, _ := h.c.Counters(ctx)
	if c["reports_delivered"] != 3 || c["reports_failed"] != 5 {
		t.Errorf("counters %v", c)
	}
	// A failing XMPP side is reported so that the caller can retry.
	h.x.setFail(errors.New("down"))
	if err := h.c.Report(ctx, DeliveryReport{Meta: fromXMPP, Delivered: true}); err == nil {
		t.Error("Report with the XMPP side down returned nil")
	}
}

// A whole round trip: XMPP message, SMS queued with meta, report back.
func TestReceiptRoundTrip(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil)
	a := ident.IMID(h.register(phoneA, ""))
	if err := h.c.FromXMPP(ctx, XMPPMessage{From: "alice@example.org/pc", To: a, ID: "abc", Body: "hi", WantReceipt: true}); err != nil {
		t.Fatal(err)
	}
	q := h.s.take()
	if len(q) != 1 {
		t.Fatalf("queued %+v", q)
	}
	if err := h.c.Report(ctx, DeliveryReport{Meta: q[0].Meta, Delivered: true}); err != nil {
		t.Fatal(err)
	}
	calls := h.x.take()
	if len(calls) != 1 || calls[0].Kind != "receipt" || calls[0].From != a || calls[0].To != "alice@example.org/pc" || calls[0].ID != "abc" {
		t.Errorf("receipt %v", calls)
	}
}

func TestScrubDigits(t *testing.T) {
	for i, tc := range []struct{ in, want string }{
		{"", ""},
		{"DELIVRD", "DELIVRD"},
		{"err 0x0000000b", "err 0x0000000b"},
		{"status 1234 and 12345", "status 1234 and #####"},
		{"4915112345678", "#############"},
		{"+49 151 12345678", "+49 151 ########"},
	} {
		if got := scrubDigits(tc.in); got != tc.want {
			t.Errorf("%d: scrubDigits(%q) = %q, want %q", i, tc.in, got, tc.want)
		}
		if strings.Contains(scrubDigits(tc.in), "12345678") {
			t.Errorf("%d: digits survive", i)
		}
	}
}
