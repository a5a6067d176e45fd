package smscsim

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"

	"github.com/mpimis/mpimis/smsbridge"
)

func TestBind(t *testing.T) {
	cases := []struct {
		name             string
		cfgID, cfgPW     string
		errBody          bool
		kind             pdu.ID
		systemID, pw     string
		want             uint32
		wantSessions     int
		wantRefusedCount uint64
	}{
		{name: "transceiver any", kind: pdu.BindTransceiverID, systemID: "a", pw: "b", wantSessions: 1},
		{name: "transmitter", cfgID: "smsgw", cfgPW: "secret", kind: pdu.BindTransmitterID, systemID: "smsgw", pw: "secret", wantSessions: 1},
		{name: "receiver", cfgID: "smsgw", cfgPW: "secret", kind: pdu.BindReceiverID, systemID: "smsgw", pw: "secret", wantSessions: 1},
		{name: "wrong password", cfgID: "smsgw", cfgPW: "secret", kind: pdu.BindTransceiverID, systemID: "smsgw", pw: "nope", want: smsbridge.StatusInvPassword, wantRefusedCount: 1},
		{name: "unknown system_id", cfgID: "smsgw", cfgPW: "secret", kind: pdu.BindTransceiverID, systemID: "other", pw: "secret", want: smsbridge.StatusInvSystemID, wantRefusedCount: 1},
		{name: "password only configured", cfgPW: "secret", kind: pdu.BindTransceiverID, systemID: "whoever", pw: "secret", wantSessions: 1},
		{name: "system_id only configured", cfgID: "smsgw", kind: pdu.BindTransceiverID, systemID: "smsgw", pw: "anything", wantSessions: 1},
		{name: "error with empty body", cfgPW: "secret", errBody: true, kind: pdu.BindTransceiverID, pw: "x", want: smsbridge.StatusInvPassword, wantRefusedCount: 1},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := startSim(t, Config{SystemID: tc.cfgID, Password: tc.cfgPW, ErrorRespBody: tc.errBody, SMSCSystemID: "sim"})
			e := dial(t, s.Addr())
			p := e.bind(tc.kind, tc.systemID, tc.pw)
			if p.status != tc.want {
				t.Fatalf("case %d: status 0x%X, want 0x%X", i, p.status, tc.want)
			}
			switch {
			case tc.want == smsbridge.StatusOK:
				// system_id "sim", then sc_interface_version 0x34.
				want := append([]byte("sim\x00"), 0x02, 0x10, 0x00, 0x01, 0x34)
				if !bytes.Equal(p.body, want) {
					t.Errorf("case %d: body % X, want % X", i, p.body, want)
				}
			case tc.errBody:
				if !bytes.Equal(p.body, []byte{0}) {
					t.Errorf("case %d: error body % X, want 00", i, p.body)
				}
			default:
				if len(p.body) != 0 {
					t.Errorf("case %d: error body % X, want none", i, p.body)
				}
			}
			if got := s.Sessions(); got != tc.wantSessions {
				t.Errorf("case %d: Sessions %d, want %d", i, got, tc.wantSessions)
			}
			if got := s.Binds(); got != tc.wantSessions {
				t.Errorf("case %d: Binds %d, want %d", i, got, tc.wantSessions)
			}
			if got := s.Stats().BindsRefused; got != tc.wantRefusedCount {
				t.Errorf("case %d: BindsRefused %d, want %d", i, got, tc.wantRefusedCount)
			}
		})
	}
}

func TestBindTwiceRefused(t *testing.T) {
	s := startSim(t, Config{})
	e := dial(t, s.Addr())
	e.mustBind()
	if p := e.bind(pdu.BindTransceiverID, "esme", "pw"); p.status != smsbridge.StatusAlreadyBound {
		t.Fatalf("second bind status 0x%X, want ESME_RALYBND", p.status)
	}
	if s.Binds() != 1 {
		t.Fatalf("Binds %d, want 1", s.Binds())
	}
}

func TestWaitBindsSeesReconnect(t *testing.T) {
	s := startSim(t, Config{})
	dial(t, s.Addr()).mustBind()
	if err := s.WaitBinds(testCtx(t), 1); err != nil {
		t.Fatal(err)
	}
	s.DisconnectAll()
	if s.Sessions() != 0 {
		t.Fatalf("Sessions %d after DisconnectAll", s.Sessions())
	}
	done := make(chan error, 1)
	go func() { done <- s.WaitBinds(testCtx(t), 2) }()
	dial(t, s.Addr()).mustBind()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if s.Sessions() != 1 || s.Binds() != 2 {
		t.Fatalf("Sessions %d Binds %d, want 1 and 2", s.Sessions(), s.Binds())
	}
}

func TestRequestsBeforeBind(t *testing.T) {
	s := startSim(t, Config{})
	cases := []struct {
		name string
		kind pdu.ID // 0: not bound
	}{
		{name: "unbound"},
		{name: "receiver", kind: pdu.BindReceiverID},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := dial(t, s.Addr())
			if tc.kind != 0 {
				e.bind(tc.kind, "esme", "pw")
			}
			seq := e.submit(sub{src: "12345", dst: "4915112345678", sm: []byte("hi")})
			p := e.expect(pdu.SubmitSMRespID)
			if p.seq != seq || p.status != smsbridge.StatusInvBindStatus || len(p.body) != 0 {
				t.Fatalf("case %d: resp seq %d status 0x%X body % X, want seq %d ESME_RINVBNDSTS no body", i, p.seq, p.status, p.body, seq)
			}
		})
	}
	if n := s.SubmittedCount(); n != 0 {
		t.Fatalf("refused submits recorded: %d", n)
	}
}

func TestEnquireLinkAndGenericNack(t *testing.T) {
	s := startSim(t, Config{})
	e := dial(t, s.Addr())
	cases := []struct {
		name       string
		id         pdu.ID
		wantID     pdu.ID
		wantStatus uint32
	}{
		{name: "enquire_link before bind", id: pdu.EnquireLinkID, wantID: pdu.EnquireLinkRespID},
		{name: "query_sm unsupported", id: pdu.QuerySMID, wantID: pdu.GenericNACKID, wantStatus: smsbridge.StatusInvCmdID},
		{name: "unknown command id", id: 0x00000777, wantID: pdu.GenericNACKID, wantStatus: smsbridge.StatusInvCmdID},
	}
	for i, tc := range cases {
		raw := make([]byte, 16)
		binary.BigEndian.PutUint32(raw[0:], 16)
		binary.BigEndian.PutUint32(raw[4:], uint32(tc.id))
		binary.BigEndian.PutUint32(raw[12:], uint32(100+i))
		e.sendRaw(raw)
		p := e.expect(tc.wantID)
		if p.seq != uint32(100+i) || p.status != tc.wantStatus {
			t.Errorf("case %d %s: seq %d status 0x%X, want %d 0x%X", i, tc.name, p.seq, p.status, 100+i, tc.wantStatus)
		}
	}
	if st := s.Stats(); st.EnquireRecv != 1 || st.GenericNacks != 2 {
		t.Fatalf("stats %+v: want 1 enquire_link received, 2 generic_nacks", st)
	}
}

func TestBadCommandLengthCloses(t *testing.T) {
	cases := []struct {
		name   string
		length uint32
	}{
		{name: "too short", length: 8},
		{name: "too long", length: maxPDULen + 1},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := startSim(t, Config{})
			e := dial(t, s.Addr())
			raw := make([]byte, 16)
			binary.BigEndian.PutUint32(raw[0:], tc.length)
			binary.BigEndian.PutUint32(raw[4:], uint32(pdu.SubmitSMID))
			binary.BigEndian.PutUint32(raw[12:], 9)
			e.sendRaw(raw)
			p := e.expect(pdu.GenericNACKID)
			if p.status != smsbridge.StatusInvCmdLen || p.seq != 9 {
				t.Fatalf("case %d: generic_nack status 0x%X seq %d", i, p.status, p.seq)
			}
			if err := e.expectClosed(); !isClosedErr(err) {
				t.Fatalf("case %d: read error %v, want EOF", i, err)
			}
		})
	}
}

func TestPeriodicEnquireLink(t *testing.T) {
	s := startSim(t, Config{EnquireLinkInterval: 20 * time.Millisecond})
	e := dial(t, s.Addr())
	e.mustBind()
	p := e.expect(pdu.EnquireLinkID)
	if p.seq == 0 || p.seq > maxSeq {
		t.Fatalf("enquire_link seq %d out of range", p.seq)
	}
	e.respond(p, smsbridge.StatusOK)
	// The simulator reads in order: once our own enquire_link is
	// answered, our answer to its enquire_link has been counted.
	ours := pdu.NewEnquireLink()
	ours.Header().Seq = 0
	seq := e.send(ours)
	for {
		q := e.next()
		if q.id == pdu.EnquireLinkID { // another tick; answer it too
			e.respond(q, smsbridge.StatusOK)
			continue
		}
		if q.id != pdu.EnquireLinkRespID || q.seq != seq {
			t.Fatalf("got %v seq %d, want enquire_link_resp seq %d", q.id, q.seq, seq)
		}
		break
	}
	if st := s.Stats(); st.EnquireResps < 1 || st.EnquireSent < st.EnquireResps {
		t.Fatalf("stats %+v: want at least one answered enquire_link", st)
	}
}

func TestConfigErrors(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
	}{
		{name: "id format", cfg: Config{IDFormat: "base64"}},
		{name: "dlr id format", cfg: Config{DLRIDFormat: "octal"}},
		{name: "uuid with numeric dlr id", cfg: Config{IDFormat: "uuid", DLRIDFormat: "decimal"}},
		{name: "dlr mode", cfg: Config{DLRMode: "sometimes"}},
		{name: "negative delay", cfg: Config{DLRDelay: -1}},
	}
	for i, tc := range cases {
		s, err := Start(tc.cfg)
		if !errors.Is(err, ErrConfig) {
			if s != nil {
				_ = s.Close()
			}
			t.Errorf("case %d %s: err %v, want ErrConfig", i, tc.name, err)
		}
	}
}
