package smscsim

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/fiorix/go-smpp/smpp/pdu/pdufield"
	"github.com/fiorix/go-smpp/smpp/pdu/pdutlv"

	"github.com/mpimis/mpimis/smsbridge"
)

func TestDLR(t *testing.T) {
	cases := []struct {
		name       string
		idFormat   string
		dlrID      string
		first      uint64
		mode       string
		regDel     byte
		wantStat   string // "" when no receipt may come
		wantTextID string // id printed in the text, "" when no text
		wantTLV    bool
	}{
		{name: "delivrd text hex", first: 0xabc, regDel: 1, wantStat: "DELIVRD", wantTextID: "abc"},
		{name: "undeliv text", first: 0xabc, mode: "undeliv", regDel: 1, wantStat: "UNDELIV", wantTextID: "abc"},
		{name: "undeliv on failure-only request", first: 0xabc, mode: "undeliv", regDel: 2, wantStat: "UNDELIV", wantTextID: "abc"},
		{name: "delivrd not sent on failure-only request", first: 0xabc, regDel: 2},
		{name: "none", first: 0xabc, mode: "none", regDel: 1},
		{name: "not requested", first: 0xabc, regDel: 0},
		{name: "tlv only", first: 0xabc, mode: "tlv", regDel: 1, wantStat: "DELIVRD", wantTLV: true},
		{name: "both undeliv", first: 0xabc, mode: "undeliv,both", regDel: 1, wantStat: "UNDELIV", wantTextID: "abc", wantTLV: true},
		{name: "hex id printed decimal", first: 0xabc, dlrID: "decimal", regDel: 1, wantStat: "DELIVRD", wantTextID: "2748"},
		{name: "hex id printed upper padded", first: 0xabc, dlrID: "hex-upper-zero-padded", regDel: 1, wantStat: "DELIVRD", wantTextID: "0000000000000ABC"},
		{name: "decimal id printed hex", idFormat: "decimal", first: 2748, dlrID: "hex", regDel: 1, wantStat: "DELIVRD", wantTextID: "abc"},
		{name: "uuid same", idFormat: "uuid", first: 1, regDel: 1, mode: "both", wantStat: "DELIVRD", wantTextID: "*", wantTLV: true},
		{name: "intermediate bit ignored", first: 0xabc, regDel: 0x11, wantStat: "DELIVRD", wantTextID: "abc"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := startSim(t, Config{IDFormat: tc.idFormat, DLRIDFormat: tc.dlrID, FirstID: tc.first})
			if err := s.SetDLR(tc.mode); err != nil {
				t.Fatal(err)
			}
			e := dial(t, s.Addr())
			e.mustBind()
			before := time.Now().UTC().Truncate(time.Minute)
			e.submit(sub{src: "12345", dst: "+4915112345678", regDel: tc.regDel, sm: gsm(t, "Grüße aus [Köln], 100% sicher!")})
			resp := e.expect(pdu.SubmitSMRespID)
			id, _ := resp.cstr()
			planned := s.Stats().DLRsPlanned
			if tc.wantStat == "" {
				if planned != 0 {
					t.Fatalf("case %d: %d receipts planned, want none", i, planned)
				}
				return
			}
			if planned != 1 {
				t.Fatalf("case %d: %d receipts planned, want 1", i, planned)
			}
			p := e.expect(pdu.DeliverSMID)
			f, tl := p.sm(t)
			if esm := f[pdufield.ESMClass].Raw().(uint8); esm != 0x04 {
				t.Errorf("case %d: esm_class 0x%02X, want 0x04", i, esm)
			}
			if src, dst := f[pdufield.SourceAddr].String(), f[pdufield.DestinationAddr].String(); src != "+4915112345678" || dst != "12345" {
				t.Errorf("case %d: receipt from %q to %q, want the submit reversed", i, src, dst)
			}
			text := f[pdufield.ShortMessage].Bytes()
			if tc.wantTextID == "" {
				if len(text) != 0 {
					t.Errorf("case %d: short_message %q, want empty", i, text)
				}
			} else {
				d, err := smsbridge.ParseDLRText(text)
				if err != nil {
					t.Fatalf("case %d: %q: %v", i, text, err)
				}
				wantID := tc.wantTextID
				if wantID == "*" {
					wantID = id
				}
				if d.ID != wantID || d.Stat != tc.wantStat || d.Sub != 1 || d.Text != "Gr??e aus ?K?ln?, 10" {
					t.Errorf("case %d: parsed %+v from %q, want id %q stat %s", i, d, text, wantID, tc.wantStat)
				}
				if d.SubmitDate.Before(before) || d.DoneDate.Before(d.SubmitDate) || !d.Final() {
					t.Errorf("case %d: dates %v %v before %v", i, d.SubmitDate, d.DoneDate, before)
				}
				if found := false; true {
					for _, c := range smsbridge.MessageIDCandidates(d.ID) {
						found = found || c == smsbridge.NormalizeMessageID(id)
					}
					if !found {
						t.Errorf("case %d: receipt id %q does not match submit id %q", i, d.ID, id)
					}
				}
			}
			rid, hasRID := tl[pdutlv.TagReceiptedMessageID]
			state, hasState := tl[pdutlv.TagMessageStateOption]
			if hasRID != tc.wantTLV || hasState != tc.wantTLV {
				t.Fatalf("case %d: TLVs %v, want present=%v", i, tl, tc.wantTLV)
			}
			if tc.wantTLV {
				if got := string(rid.Bytes()); got != id+"\x00" {
					t.Errorf("case %d: receipted_message_id %q, want %q", i, got, id+"\x00")
				}
				if got := smsbridge.StatFromMessageState(state.Bytes()[0]); got != tc.wantStat || len(state.Bytes()) != 1 {
					t.Errorf("case %d: message_state % X (%s), want %s", i, state.Bytes(), got, tc.wantStat)
				}
			}
			e.respond(p, smsbridge.StatusOK)
		})
	}
}

func TestDLRDelayAndRetry(t *testing.T) {
	s := startSim(t, Config{DLRDelay: 30 * time.Millisecond, FirstID: 1})
	e := dial(t, s.Addr())
	e.mustBind()
	e.submit(sub{src: "1", dst: "2", regDel: 1, sm: []byte("x")})
	e.expect(pdu.SubmitSMRespID)
	sent := time.Now()
	p := e.expect(pdu.DeliverSMID)
	if d := time.Since(sent); d < 30*time.Millisecond {
		t.Errorf("receipt after %v, want at least DLRDelay", d)
	}
	e.respond(p, smsbridge.StatusTempAppError) // temporary: the simulator tries again
	q := e.expect(pdu.DeliverSMID)
	if q.seq == p.seq {
		t.Errorf("retry reused sequence number %d", q.seq)
	}
	if string(q.body) != string(p.body) && !strings.Contains(string(q.body), "id:1 ") {
		t.Errorf("retry body differs: %q", q.body)
	}
	e.respond(q, smsbridge.StatusOK)
}

func TestDLRWaitsForReceiverBind(t *testing.T) {
	s := startSim(t, Config{SystemID: "gw", FirstID: 77})
	tx := dial(t, s.Addr())
	if p := tx.bind(pdu.BindTransmitterID, "gw", "x"); p.status != 0 {
		t.Fatal(p.status)
	}
	tx.submit(sub{src: "1", dst: "2", regDel: 1, sm: []byte("x")})
	tx.expect(pdu.SubmitSMRespID)
	rxs := dial(t, s.Addr())
	if p := rxs.bind(pdu.BindReceiverID, "gw", "x"); p.status != 0 {
		t.Fatal(p.status)
	}
	p := rxs.expect(pdu.DeliverSMID)
	f, _ := p.sm(t)
	d, err := smsbridge.ParseDLRText(f[pdufield.ShortMessage].Bytes())
	if err != nil || d.ID != strconv.FormatUint(77, 16) {
		t.Fatalf("receipt %+v, %v", d, err)
	}
	rxs.respond(p, smsbridge.StatusOK)
}

func TestDLRRedeliveredAfterDisconnect(t *testing.T) {
	s := startSim(t, Config{FirstID: 5})
	e := dial(t, s.Addr())
	e.mustBind()
	e.submit(sub{src: "1", dst: "2", regDel: 1, sm: []byte("x")})
	e.expect(pdu.SubmitSMRespID)
	e.expect(pdu.DeliverSMID) // never answered
	s.DisconnectAll()
	e2 := dial(t, s.Addr())
	e2.mustBind()
	p := e2.expect(pdu.DeliverSMID)
	f, _ := p.sm(t)
	if d, err := smsbridge.ParseDLRText(f[pdufield.ShortMessage].Bytes()); err != nil || d.ID != "5" {
		t.Fatalf("redelivered receipt %+v, %v", d, err)
	}
	e2.respond(p, smsbridge.StatusOK)
}

func TestDLRModeParse(t *testing.T) {
	cases := []struct {
		start dlrMode
		in    string
		want  string
		err   bool
	}{
		{defaultDLRMode, "", "delivrd,text", false},
		{defaultDLRMode, "tlv", "delivrd,tlv", false},
		{defaultDLRMode, "UNDELIV", "undeliv,text", false},
		{defaultDLRMode, "undeliv, both", "undeliv,both", false},
		{dlrMode{outcome: dlrNone, tlv: true}, "delivered", "delivrd,tlv", false},
		{defaultDLRMode, "off", "none,text", false},
		{defaultDLRMode, "text,bogus", "", true},
	}
	for i, tc := range cases {
		got, err := tc.start.parse(tc.in)
		if (err != nil) != tc.err || (!tc.err && got.String() != tc.want) {
			t.Errorf("case %d %q: %v, %v; want %s (error %v)", i, tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestSetDLR(t *testing.T) {
	s := startSim(t, Config{DLRMode: "tlv"})
	steps := []struct {
		set  string
		want string
		err  bool
	}{
		{"", "delivrd,tlv", false},
		{"undeliv", "undeliv,tlv", false},
		{"both", "undeliv,both", false},
		{"later", "undeliv,both", true},
		{"none,text", "none,text", false},
	}
	for i, st := range steps {
		err := s.SetDLR(st.set)
		if (err != nil) != st.err || s.DLRMode() != st.want {
			t.Errorf("step %d SetDLR(%q): %v, mode %q; want %q (error %v)", i, st.set, err, s.DLRMode(), st.want, st.err)
		}
	}
}

func TestReceiptExcerpt(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"Hello, world!", "Hello, world!"},
		{"0123456789abcdefghijKLMN", "0123456789abcdefghij"},
		{"$@_{}~ é€👋", "?????? ???"},
		{"a\nb", "a?b"},
	}
	for i, tc := range cases {
		if got := receiptExcerpt(tc.in); got != tc.want {
			t.Errorf("case %d: %q -> %q, want %q", i, tc.in, got, tc.want)
		}
	}
}
