package integration

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mpimis/mpimis/internal/smscsim"
	"github.com/mpimis/mpimis/relay"
)

// TestIntegrationSMSDeliveryReportFormats: reports are matched to their
// messages whatever form the SMSC gives the id in (hex in submit_sm_resp,
// decimal or zero-padded upper-case hex in the report text, or TLVs), a
// multipart message is delivered only when every part is, and a failed
// report fails the message.
func TestIntegrationSMSDeliveryReportFormats(t *testing.T) {
	cases := []struct {
		name, idFormat, dlrIDFormat, mode string
		delivered                         bool
	}{
		{"hex ids, decimal in text", "hex", "decimal", "delivrd text", true},
		{"hex ids, upper zero-padded in text", "hex", "hex-upper-zero-padded", "delivrd text", true},
		{"decimal ids, hex in text", "decimal", "hex", "delivrd text", true},
		{"uuid ids in TLVs", "uuid", "", "delivrd tlv", true},
		{"undeliverable", "hex", "", "undeliv both", false},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sim, err := smscsim.Start(smscsim.Config{SystemID: "smsgw", Password: "secret", DLRDelay: 5 * time.Millisecond,
				IDFormat: c.idFormat, DLRIDFormat: c.dlrIDFormat})
			must(t, err, "case %d: start simulator", i)
			defer sim.Close()
			must(t, sim.SetDLR(c.mode), "case %d: dlr mode", i)
			e := startSMSLink(t, sim, "", nil)
			long := strings.Repeat("three parts ", 35) // 420 chars: 3 segments
			for j, text := range []string{"single", long} {
				must(t, e.flow.Send(ctxT(t), phone(t, fmt.Sprintf("+491511234050%d", j)), text,
					relay.SMSMeta{Source: "alice@localhost", OriginID: fmt.Sprint("m", j), WantReceipt: true}, nil), "send")
			}
			e.relay.wait(t, "both outcomes", func(_ []relay.SMSMessage, reps []relay.DeliveryReport) bool { return len(reps) >= 2 })
			for _, r := range e.relay.reports {
				if r.Delivered != c.delivered {
					t.Errorf("case %d: %s delivered=%v reason=%q", i, r.Meta.OriginID, r.Delivered, r.Reason)
				}
			}
			// The 3-part message got one outcome, not one per part.
			if n := len(e.relay.reports); n != 2 {
				t.Errorf("case %d: %d outcomes for 2 messages", i, n)
			}
			// Delivered: every part went out. Undeliverable: once a part's
			// report fails the message, its remaining parts may be spared.
			if subs := sim.SubmittedCount(); subs > 4 || (c.delivered && subs != 4) || subs < 2 {
				t.Errorf("case %d: %d submits (delivered=%v)", i, subs, c.delivered)
			}
		})
	}
}
