package smscsim

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"testing"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/fiorix/go-smpp/smpp/pdu/pdutlv"

	"github.com/mpimis/mpimis/smsbridge"
)

func TestSubmitIDFormats(t *testing.T) {
	cases := []struct {
		name    string
		format  string
		first   uint64
		pattern string
		want    []string // exact ids, when predictable
	}{
		{name: "default hex", first: 0xfe, pattern: `^[0-9a-f]+$`, want: []string{"fe", "ff", "100"}},
		{name: "hex", format: "hex", pattern: `^[0-9a-f]+$`},
		{name: "decimal", format: "decimal", first: 99, pattern: `^[0-9]+$`, want: []string{"99", "100", "101"}},
		{name: "uuid", format: "uuid", pattern: `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := startSim(t, Config{IDFormat: tc.format, FirstID: tc.first})
			e := dial(t, s.Addr())
			e.mustBind()
			re := regexp.MustCompile(tc.pattern)
			seen := map[string]bool{}
			var got []string
			for n := 0; n < 3; n++ {
				seq := e.submit(sub{src: "12345", dst: "4915112345678", sm: []byte("hello")})
				p := e.expect(pdu.SubmitSMRespID)
				id, ok := p.cstr()
				if p.seq != seq || p.status != 0 || !ok || len(p.body) != len(id)+1 {
					t.Fatalf("case %d: resp seq %d status 0x%X body %q", i, p.seq, p.status, p.body)
				}
				if !re.MatchString(id) || seen[id] {
					t.Fatalf("case %d: id %q: duplicate or not matching %s", i, id, tc.pattern)
				}
				seen[id] = true
				got = append(got, id)
			}
			if tc.want != nil && fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("case %d: ids %v, want %v", i, got, tc.want)
			}
			subs := s.Submitted()
			for n, rec := range subs {
				if rec.MessageID != got[n] {
					t.Errorf("case %d: record %d id %q, resp %q", i, n, rec.MessageID, got[n])
				}
			}
		})
	}
}

func TestSubmitDefaultIDsDifferPerRun(t *testing.T) {
	g := newIDGen(0, idHex, dlrIDSame)
	id, n := g.newID()
	if n < 1<<40 || id != strconv.FormatUint(n, 16) {
		t.Fatalf("clock-based first id %q (%d) too small or misprinted", id, n)
	}
}

func udh8(ref, total, seq byte) []byte { return []byte{5, 0, 3, ref, total, seq} }

func udh16(ref uint16, total, seq byte) []byte {
	return []byte{6, 8, 4, byte(ref >> 8), byte(ref), total, seq}
}

func gsm(t testing.TB, s string) []byte {
	t.Helper()
	b, err := smsbridge.EncodeGSM7(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSubmitDecodeAndReassembly(t *testing.T) {
	type want struct {
		text     string
		parts    int
		received int
		complete bool
	}
	cases := []struct {
		name    string
		subs    []sub
		texts   []string // Submitted.Text per submit
		concat  []*smsbridge.Concat
		msgs    []want
		wantErr []bool // DecodeErr set
	}{
		{
			name:   "single gsm with extension",
			subs:   []sub{{sm: gsm(t, "Hi [you] €5 @home")}},
			texts:  []string{"Hi [you] €5 @home"},
			concat: []*smsbridge.Concat{nil},
			msgs:   []want{{"Hi [you] €5 @home", 1, 1, true}},
		},
		{
			name:   "single ucs2 with emoji",
			subs:   []sub{{dc: 8, sm: smsbridge.EncodeUCS2("Привет 👋")}},
			texts:  []string{"Привет 👋"},
			concat: []*smsbridge.Concat{nil},
			msgs:   []want{{"Привет 👋", 1, 1, true}},
		},
		{
			name:   "latin1",
			subs:   []sub{{dc: 3, sm: []byte("caf\xe9")}},
			texts:  []string{"café"},
			concat: []*smsbridge.Concat{nil},
			msgs:   []want{{"café", 1, 1, true}},
		},
		{
			name: "udh8 out of order with duplicate",
			subs: []sub{
				{esm: 0x40, sm: append(udh8(7, 2, 2), gsm(t, "world")...)},
				{esm: 0x40, sm: append(udh8(7, 2, 2), gsm(t, "world")...)},
				{esm: 0x40, sm: append(udh8(7, 2, 1), gsm(t, "hello ")...)},
			},
			texts:  []string{"world", "world", "hello "},
			concat: []*smsbridge.Concat{{Ref: 7, Total: 2, Seq: 2}, {Ref: 7, Total: 2, Seq: 2}, {Ref: 7, Total: 2, Seq: 1}},
			msgs:   []want{{"hello world", 2, 2, true}},
		},
		{
			name: "udh16 incomplete",
			subs: []sub{
				{esm: 0x40, dc: 8, sm: append(udh16(0x1234, 3, 1), smsbridge.EncodeUCS2("ab")...)},
				{esm: 0x40, dc: 8, sm: append(udh16(0x1234, 3, 3), smsbridge.EncodeUCS2("ef")...)},
			},
			texts:  []string{"ab", "ef"},
			concat: []*smsbridge.Concat{{Ref: 0x1234, Total: 3, Seq: 1, Ref16: true}, {Ref: 0x1234, Total: 3, Seq: 3, Ref16: true}},
			msgs:   []want{{"abef", 3, 2, false}},
		},
		{
			name: "sar",
			subs: []sub{
				{sm: gsm(t, "one "), tlvs: pdutlv.Fields{0x020C: []byte{0, 9}, 0x020E: []byte{2}, 0x020F: []byte{1}}},
				{sm: gsm(t, "two"), tlvs: pdutlv.Fields{0x020C: []byte{0, 9}, 0x020E: []byte{2}, 0x020F: []byte{2}}},
			},
			texts:  []string{"one ", "two"},
			concat: []*smsbridge.Concat{{Ref: 9, Total: 2, Seq: 1, Ref16: true}, {Ref: 9, Total: 2, Seq: 2, Ref16: true}},
			msgs:   []want{{"one two", 2, 2, true}},
		},
		{
			name:   "message_payload",
			subs:   []sub{{dc: 8, tlvs: pdutlv.Fields{0x0424: smsbridge.EncodeUCS2("payload ✓")}}},
			texts:  []string{"payload ✓"},
			concat: []*smsbridge.Concat{nil},
			msgs:   []want{{"payload ✓", 1, 1, true}},
		},
		{
			name: "same ref different destinations are different messages",
			subs: []sub{
				{dst: "4915100000001", esm: 0x40, sm: append(udh8(1, 2, 1), gsm(t, "a")...)},
				{dst: "4915100000002", esm: 0x40, sm: append(udh8(1, 2, 2), gsm(t, "b")...)},
			},
			texts:  []string{"a", "b"},
			concat: []*smsbridge.Concat{{Ref: 1, Total: 2, Seq: 1}, {Ref: 1, Total: 2, Seq: 2}},
			msgs:   []want{{"a", 2, 1, false}, {"b", 2, 1, false}},
		},
		{
			name:    "bad udh accepted with DecodeErr",
			subs:    []sub{{esm: 0x40, sm: []byte{9, 0, 3}}},
			texts:   []string{""},
			concat:  []*smsbridge.Concat{nil},
			msgs:    []want{{"", 1, 1, true}},
			wantErr: []bool{true},
		},
		{
			name:    "binary data coding",
			subs:    []sub{{dc: 4, sm: []byte{1, 2, 3}}},
			texts:   []string{""},
			concat:  []*smsbridge.Concat{nil},
			msgs:    []want{{"", 1, 1, true}},
			wantErr: []bool{true},
		},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := startSim(t, Config{})
			e := dial(t, s.Addr())
			e.mustBind()
			for _, sb := range tc.subs {
				sb.src = "12345"
				if sb.dst == "" {
					sb.dst = "4915112345678"
				}
				seq := e.submit(sb)
				if p := e.expect(pdu.SubmitSMRespID); p.seq != seq || p.status != 0 {
					t.Fatalf("case %d: resp seq %d status 0x%X", i, p.seq, p.status)
				}
			}
			subs := s.Submitted()
			if len(subs) != len(tc.subs) {
				t.Fatalf("case %d: %d records, want %d", i, len(subs), len(tc.subs))
			}
			for n, rec := range subs {
				if rec.Text != tc.texts[n] {
					t.Errorf("case %d part %d: Text %q, want %q", i, n, rec.Text, tc.texts[n])
				}
				if fmt.Sprint(rec.Concat) != fmt.Sprint(tc.concat[n]) {
					t.Errorf("case %d part %d: Concat %+v, want %+v", i, n, rec.Concat, tc.concat[n])
				}
				wantErr := tc.wantErr != nil && tc.wantErr[n]
				if (rec.DecodeErr != "") != wantErr {
					t.Errorf("case %d part %d: DecodeErr %q, want error %v", i, n, rec.DecodeErr, wantErr)
				}
				if !bytes.Equal(rec.ShortMessage, tc.subs[n].sm) {
					t.Errorf("case %d part %d: ShortMessage % X, want % X", i, n, rec.ShortMessage, tc.subs[n].sm)
				}
				if rec.Source != "12345" || rec.Seq == 0 || rec.SystemID != "esme" || rec.Session != 1 {
					t.Errorf("case %d part %d: record %+v", i, n, rec)
				}
			}
			msgs := s.Messages()
			if len(msgs) != len(tc.msgs) {
				t.Fatalf("case %d: %d messages, want %d: %+v", i, len(msgs), len(tc.msgs), msgs)
			}
			completes := 0
			for _, rec := range subs {
				if rec.Completes != nil {
					completes++
				}
			}
			wantComplete := 0
			for n, m := range msgs {
				w := tc.msgs[n]
				if m.Text != w.text || m.Parts != w.parts || m.Received != w.received || m.Complete != w.complete {
					t.Errorf("case %d message %d: %+v, want %+v", i, n, m, w)
				}
				if w.complete {
					wantComplete++
				}
				if len(m.MessageIDs) != m.Received {
					t.Errorf("case %d message %d: %d ids for %d parts", i, n, len(m.MessageIDs), m.Received)
				}
			}
			if completes != wantComplete {
				t.Errorf("case %d: %d records complete a message, want %d", i, completes, wantComplete)
			}
		})
	}
}

func TestSubmitTLVsAndFieldsRecorded(t *testing.T) {
	s := startSim(t, Config{})
	e := dial(t, s.Addr())
	e.mustBind()
	e.submit(sub{src: "SENDER", dst: "4915112345678", srcTON: 5, regDel: 1, serviceTyp: "CMT",
		sm: []byte("x"), tlvs: pdutlv.Fields{0x1401: []byte{1, 2}, 0x0204: []byte{0, 7}}})
	e.expect(pdu.SubmitSMRespID)
	rec := s.Submitted()[0]
	if rec.ServiceType != "CMT" || rec.SourceTON != 5 || rec.DestTON != 1 || rec.DestNPI != 1 || rec.RegisteredDelivery != 1 {
		t.Errorf("fields not recorded: %+v", rec)
	}
	if len(rec.TLVs) != 2 || !bytes.Equal(rec.TLVs[0x1401], []byte{1, 2}) || !bytes.Equal(rec.TLVs[0x0204], []byte{0, 7}) {
		t.Errorf("TLVs %v", rec.TLVs)
	}
}

func TestSubmitMalformedBody(t *testing.T) {
	s := startSim(t, Config{})
	e := dial(t, s.Addr())
	e.mustBind()
	// A submit_sm whose body stops inside source_addr (no NUL).
	raw := []byte{0, 0, 0, 22, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 42, 0, 1, 1, '1', '2', '3'}
	e.sendRaw(raw)
	p := e.expect(pdu.SubmitSMRespID)
	if p.seq != 42 || p.status != smsbridge.StatusInvMsgLen {
		t.Fatalf("resp seq %d status 0x%X, want 42 ESME_RINVMSGLEN", p.seq, p.status)
	}
	if s.SubmittedCount() != 0 {
		t.Fatal("malformed submit recorded")
	}
}
