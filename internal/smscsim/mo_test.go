package smscsim

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/fiorix/go-smpp/smpp/pdu/pdufield"
	"github.com/fiorix/go-smpp/smpp/pdu/pdutlv"

	"github.com/mpimis/mpimis/smsbridge"
)

// gotPart is one deliver_sm as the ESME decoded it.
type gotPart struct {
	esm, dc  byte
	sm       []byte
	tlvs     pdutlv.Map
	src, dst string
	srcTON   byte
}

// receiveMO reads n deliver_sm, answering each with status.
func receiveMO(t *testing.T, e *esme, n int, status uint32) []gotPart {
	t.Helper()
	var out []gotPart
	for range n {
		p := e.expect(pdu.DeliverSMID)
		f, tl := p.sm(t)
		out = append(out, gotPart{
			esm:    f[pdufield.ESMClass].Raw().(uint8),
			dc:     f[pdufield.DataCoding].Raw().(uint8),
			sm:     f[pdufield.ShortMessage].Bytes(),
			tlvs:   tl,
			src:    f[pdufield.SourceAddr].String(),
			dst:    f[pdufield.DestinationAddr].String(),
			srcTON: f[pdufield.SourceAddrTON].Raw().(uint8),
		})
		e.respond(p, status)
	}
	return out
}

func TestSendMO(t *testing.T) {
	long := strings.Repeat("0123456789", 20) // 200 GSM septets
	ref := uint16(0x0102)
	cases := []struct {
		name  string
		mo    MO
		parts int
		dc    byte
		check func(t *testing.T, parts []gotPart)
	}{
		{
			name: "single gsm", mo: MO{Text: "Hello {world}"}, parts: 1, dc: 0,
			check: func(t *testing.T, p []gotPart) {
				if want := gsm(t, "Hello {world}"); !bytes.Equal(p[0].sm, want) || p[0].esm != 0 || len(p[0].tlvs) != 0 {
					t.Errorf("sm % X esm %X tlvs %v, want % X", p[0].sm, p[0].esm, p[0].tlvs, want)
				}
			},
		},
		{
			name: "single ucs2 auto", mo: MO{Text: "Ça va? 👍"}, parts: 1, dc: 8,
			check: func(t *testing.T, p []gotPart) {
				if want := smsbridge.EncodeUCS2("Ça va? 👍"); !bytes.Equal(p[0].sm, want) {
					t.Errorf("sm % X, want % X", p[0].sm, want)
				}
			},
		},
		{
			name: "forced ucs2 for gsm text", mo: MO{Text: "plain", Encoding: "ucs2"}, parts: 1, dc: 8,
			check: func(t *testing.T, p []gotPart) {
				if want := []byte{0, 'p', 0, 'l', 0, 'a', 0, 'i', 0, 'n'}; !bytes.Equal(p[0].sm, want) {
					t.Errorf("sm % X, want % X", p[0].sm, want)
				}
			},
		},
		{
			name: "latin1", mo: MO{Text: "Grüße", Encoding: "latin1"}, parts: 1, dc: 3,
			check: func(t *testing.T, p []gotPart) {
				if want := []byte("Gr\xfc\xdfe"); !bytes.Equal(p[0].sm, want) {
					t.Errorf("sm % X, want % X", p[0].sm, want)
				}
			},
		},
		{
			name: "udh8", mo: MO{Text: long, Ref: &ref}, parts: 2, dc: 0,
			check: func(t *testing.T, p []gotPart) {
				for i, part := range p {
					wantUDH := []byte{5, 0, 3, 0x02, 2, byte(i + 1)}
					if part.esm != 0x40 || !bytes.Equal(part.sm[:6], wantUDH) {
						t.Errorf("part %d: esm %X udh % X, want 40 and % X", i, part.esm, part.sm[:6], wantUDH)
					}
				}
				if len(p[0].sm) != 6+153 || string(p[0].sm[6:]) != long[:153] || string(p[1].sm[6:]) != long[153:] {
					t.Errorf("split %d+%d octets", len(p[0].sm), len(p[1].sm))
				}
			},
		},
		{
			name: "udh16 ucs2", mo: MO{Text: strings.Repeat("я", 100), Long: "udh16", Ref: &ref}, parts: 2, dc: 8,
			check: func(t *testing.T, p []gotPart) {
				for i, part := range p {
					wantUDH := []byte{6, 8, 4, 0x01, 0x02, 2, byte(i + 1)}
					if part.esm != 0x40 || !bytes.Equal(part.sm[:7], wantUDH) {
						t.Errorf("part %d: esm %X udh % X, want 40 and % X", i, part.esm, part.sm[:7], wantUDH)
					}
				}
				if len(p[0].sm) != 7+132 || len(p[1].sm) != 7+68 {
					t.Errorf("split %d+%d octets, want 139+75", len(p[0].sm), len(p[1].sm))
				}
			},
		},
		{
			name: "sar", mo: MO{Text: long, Long: "sar", Ref: &ref}, parts: 2, dc: 0,
			check: func(t *testing.T, p []gotPart) {
				for i, part := range p {
					r, tot, seq := part.tlvs[0x020C], part.tlvs[0x020E], part.tlvs[0x020F]
					if part.esm != 0 || r == nil || tot == nil || seq == nil ||
						binary.BigEndian.Uint16(r.Bytes()) != ref || !bytes.Equal(tot.Bytes(), []byte{2}) || !bytes.Equal(seq.Bytes(), []byte{byte(i + 1)}) {
						t.Errorf("part %d: esm %X tlvs %v", i, part.esm, part.tlvs)
					}
				}
				if string(p[0].sm)+string(p[1].sm) != long || len(p[0].sm) != 152 {
					t.Errorf("sar bodies %q + %q", p[0].sm, p[1].sm)
				}
			},
		},
		{
			name: "payload long", mo: MO{Text: long, Long: "payload"}, parts: 1, dc: 0,
			check: func(t *testing.T, p []gotPart) {
				pl := p[0].tlvs[0x0424]
				if len(p[0].sm) != 0 || pl == nil || string(pl.Bytes()) != long {
					t.Errorf("sm %q payload %v", p[0].sm, p[0].tlvs)
				}
			},
		},
		{
			name: "payload short ucs2", mo: MO{Text: "ok ✓", Long: "payload"}, parts: 1, dc: 8,
			check: func(t *testing.T, p []gotPart) {
				pl := p[0].tlvs[0x0424]
				if pl == nil || !bytes.Equal(pl.Bytes(), smsbridge.EncodeUCS2("ok ✓")) {
					t.Errorf("payload %v", p[0].tlvs)
				}
			},
		},
		{
			name: "order permutation with duplicate", mo: MO{Text: long + long, Order: []int{3, 1, 2, 1}, Ref: &ref}, parts: 4, dc: 0,
			check: func(t *testing.T, p []gotPart) {
				for i, want := range []byte{3, 1, 2, 1} {
					if p[i].sm[5] != want || p[i].sm[4] != 3 {
						t.Errorf("sent %d: part %d of %d, want %d of 3", i, p[i].sm[5], p[i].sm[4], want)
					}
				}
			},
		},
		{
			name: "addresses", mo: MO{Text: "x", Source: "+4915112345678", Dest: "12345"}, parts: 1, dc: 0,
			check: func(t *testing.T, p []gotPart) {
				if p[0].src != "4915112345678" || p[0].srcTON != 1 || p[0].dst != "12345" {
					t.Errorf("addresses %q (TON %d) -> %q", p[0].src, p[0].srcTON, p[0].dst)
				}
			},
		},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := startSim(t, Config{})
			e := dial(t, s.Addr())
			e.mustBind()
			if tc.mo.Source == "" {
				tc.mo.Source, tc.mo.Dest = "4915112345678", "12345"
			}
			done := make(chan error, 1)
			go func() { done <- s.SendMO(testCtx(t), tc.mo) }()
			parts := receiveMO(t, e, tc.parts, smsbridge.StatusOK)
			if err := <-done; err != nil {
				t.Fatalf("case %d: SendMO: %v", i, err)
			}
			for n, p := range parts {
				if p.dc != tc.dc {
					t.Errorf("case %d part %d: data_coding %d, want %d", i, n, p.dc, tc.dc)
				}
			}
			tc.check(t, parts)
			if st := s.Stats(); st.Delivers != uint64(tc.parts) || st.DeliverResps != uint64(tc.parts) {
				t.Errorf("case %d: stats %+v", i, st)
			}
		})
	}
}

func TestSendMOErrors(t *testing.T) {
	s := startSim(t, Config{})
	ctx := testCtx(t)
	if err := s.SendMO(ctx, MO{Text: "x"}); !errors.Is(err, ErrNoSession) {
		t.Fatalf("no session: %v", err)
	}
	e := dial(t, s.Addr())
	e.mustBind()
	bad := []MO{
		{Text: ""},
		{Text: "€uro ok but Ж no", Encoding: "gsm"},
		{Text: "Ж", Encoding: "latin1"},
		{Text: "x", Encoding: "ebcdic"},
		{Text: "x", Long: "smoke"},
		{Text: "x", Order: []int{2}},
	}
	for i, mo := range bad {
		if err := s.SendMO(ctx, mo); !errors.Is(err, ErrBadMO) {
			t.Errorf("case %d: %v, want ErrBadMO", i, err)
		}
	}
	if err := s.SendMO(ctx, MO{Text: "x", SystemID: "someone-else"}); !errors.Is(err, ErrNoSession) {
		t.Errorf("other system_id: %v", err)
	}
	// A refused part stops the message and reports the status.
	done := make(chan error, 1)
	go func() { done <- s.SendMO(ctx, MO{Text: strings.Repeat("z", 400)}) }()
	receiveMO(t, e, 1, smsbridge.StatusOK)
	receiveMO(t, e, 1, smsbridge.StatusTempAppError)
	err := <-done
	var se *StatusError
	if !errors.As(err, &se) || se.Status != smsbridge.StatusTempAppError || se.Part != 2 || !errors.Is(err, ErrStatus) ||
		!strings.Contains(err.Error(), "part 2") || !strings.Contains(err.Error(), "0x00000064") {
		t.Fatalf("refused part: %v", err)
	}
}

func TestSendMOToEveryReceiver(t *testing.T) {
	s := startSim(t, Config{})
	a, b := dial(t, s.Addr()), dial(t, s.Addr())
	a.mustBind()
	if p := b.bind(pdu.BindReceiverID, "other", ""); p.status != 0 {
		t.Fatal(p.status)
	}
	tx := dial(t, s.Addr())
	tx.bind(pdu.BindTransmitterID, "esme", "")
	done := make(chan error, 1)
	go func() { done <- s.SendMO(testCtx(t), MO{Text: "both"}) }()
	receiveMO(t, a, 1, smsbridge.StatusOK)
	receiveMO(t, b, 1, smsbridge.StatusOK)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	go func() { done <- s.SendMO(testCtx(t), MO{Text: "only b", SystemID: "other"}) }()
	if got := receiveMO(t, b, 1, smsbridge.StatusOK); string(got[0].sm) != "only b" {
		t.Fatalf("got %q", got[0].sm)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestSendRawDeliverChosenSeq(t *testing.T) {
	s := startSim(t, Config{})
	e := dial(t, s.Addr())
	e.mustBind()
	// The ESME has submit_sm seq 2 outstanding (its response is held
	// back); the SMSC sends a deliver_sm with the same number.
	s.DropResponses(1)
	subSeq := e.submit(sub{src: "1", dst: "2", sm: []byte("mt")})
	if _, err := s.WaitSubmitted(testCtx(t), 1); err != nil {
		t.Fatal(err)
	}
	type result struct {
		status uint32
		err    error
	}
	res := make(chan result, 1)
	go func() {
		st, err := s.SendRawDeliver(testCtx(t), RawDeliver{Seq: subSeq, Source: "4915112345678", Dest: "12345",
			ShortMessage: []byte("mo"), TLVs: []TLV{{Tag: 0x1500, Value: []byte{7}}}})
		res <- result{st, err}
	}()
	p := e.expect(pdu.DeliverSMID)
	if p.seq != subSeq {
		t.Fatalf("deliver_sm seq %d, want %d", p.seq, subSeq)
	}
	want := append([]byte("\x00\x00\x004915112345678\x00\x00\x0012345\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02mo"), 0x15, 0x00, 0x00, 0x01, 7)
	if !bytes.Equal(p.body, want) {
		t.Fatalf("body\n% X\nwant\n% X", p.body, want)
	}
	// A second deliver_sm with the same number while the first waits.
	if _, err := s.SendRawDeliver(testCtx(t), RawDeliver{Seq: subSeq}); !errors.Is(err, ErrSeqInUse) {
		t.Fatalf("same seq while pending: %v", err)
	}
	e.respond(p, smsbridge.StatusRejectAppError)
	if r := <-res; r.err != nil || r.status != smsbridge.StatusRejectAppError {
		t.Fatalf("SendRawDeliver = 0x%X, %v", r.status, r.err)
	}
	if _, err := s.SendRawDeliver(testCtx(t), RawDeliver{ShortMessage: make([]byte, 256)}); !errors.Is(err, ErrBadMO) {
		t.Fatalf("long short_message: %v", err)
	}
}

func TestSendMOContextAndClose(t *testing.T) {
	s := startSim(t, Config{})
	e := dial(t, s.Addr())
	e.mustBind()
	ctx, cancel := context.WithCancel(testCtx(t))
	done := make(chan error, 1)
	go func() { done <- s.SendMO(ctx, MO{Text: "never answered"}) }()
	e.expect(pdu.DeliverSMID)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	go func() { done <- s.SendMO(testCtx(t), MO{Text: "session goes away"}) }()
	e.expect(pdu.DeliverSMID)
	s.DisconnectAll()
	if err := <-done; !errors.Is(err, ErrSessionClosed) {
		t.Fatalf("disconnected: %v", err)
	}
}

func TestAddrTONNPI(t *testing.T) {
	cases := []struct {
		in       string
		ton, npi byte
		addr     string
	}{
		{"+4915112345678", 1, 1, "4915112345678"},
		{"4915112345678", 1, 1, "4915112345678"},
		{"12345", 0, 1, "12345"},
		{"+12", 1, 1, "12"},
		{"MyBank", 5, 0, "MyBank"},
		{"+", 5, 0, "+"},
		{"", 5, 0, ""},
	}
	for i, tc := range cases {
		ton, npi, addr := addrTONNPI(tc.in)
		if ton != tc.ton || npi != tc.npi || addr != tc.addr {
			t.Errorf("case %d %q: %d/%d %q, want %d/%d %q", i, tc.in, ton, npi, addr, tc.ton, tc.npi, tc.addr)
		}
	}
}

func TestSplitOctets(t *testing.T) {
	emoji := smsbridge.EncodeUCS2(strings.Repeat("a", 66) + "👋" + strings.Repeat("b", 10))
	cases := []struct {
		name  string
		body  []byte
		unit  int
		mode  smsbridge.LongMode
		sizes []int // payload octets per part
	}{
		{"fits", make([]byte, 140), 1, smsbridge.LongUDH8, []int{140}},
		{"latin1 udh8", make([]byte, 141), 1, smsbridge.LongUDH8, []int{134, 7}},
		{"latin1 udh16", make([]byte, 141), 1, smsbridge.LongUDH16, []int{133, 8}},
		{"ucs2 udh16 even", make([]byte, 142), 2, smsbridge.LongUDH16, []int{132, 10}},
		{"surrogate kept whole", emoji, 2, smsbridge.LongUDH8, []int{132, 24}},
		{"payload whole", make([]byte, 1000), 1, smsbridge.LongPayload, []int{1000}},
	}
	for i, tc := range cases {
		segs, err := splitOctets(tc.body, tc.unit, tc.mode, 1)
		if err != nil {
			t.Fatalf("case %d %s: %v", i, tc.name, err)
		}
		var sizes []int
		for _, sg := range segs {
			n := len(sg.ShortMessage)
			if sg.ESMClassUDHI {
				n -= int(sg.ShortMessage[0]) + 1
			}
			sizes = append(sizes, n)
		}
		if len(sizes) != len(tc.sizes) {
			t.Fatalf("case %d %s: sizes %v, want %v", i, tc.name, sizes, tc.sizes)
		}
		for j := range sizes {
			if sizes[j] != tc.sizes[j] {
				t.Errorf("case %d %s: sizes %v, want %v", i, tc.name, sizes, tc.sizes)
				break
			}
		}
	}
	if _, err := splitOctets(make([]byte, 134*256), 1, smsbridge.LongUDH8, 1); !errors.Is(err, ErrBadMO) {
		t.Errorf("256 parts: %v", err)
	}
}
