package smscsim

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mpimis/mpimis/smsbridge"
)

// frame builds a PDU from a command id and a body.
func frame(id uint32, seq uint32, body []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(16+len(body)))
	b = binary.BigEndian.AppendUint32(b, id)
	b = binary.BigEndian.AppendUint32(b, 0)
	b = binary.BigEndian.AppendUint32(b, seq)
	return append(b, body...)
}

// submitBody is a well-formed submit_sm body for the seed corpora.
func submitBody(esm, dc byte, sm []byte, tlvs ...byte) []byte {
	b := []byte("\x00\x01\x0112345\x00\x01\x014915112345678\x00")
	b = append(b, esm, 0, 0, 0, 0, 1, 0, dc, 0, byte(len(sm)))
	b = append(b, sm...)
	return append(b, tlvs...)
}

func FuzzReadFrame(f *testing.F) {
	f.Add(frame(0x15, 1, nil))
	f.Add(frame(0x04, 2, submitBody(0, 0, []byte("hi"))))
	f.Add(append(frame(0x15, 1, nil), frame(0x06, 2, nil)...))
	f.Add([]byte{0, 0, 0, 8, 0, 0, 0, 4})
	f.Add([]byte{0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bufio.NewReader(bytes.NewReader(data))
		var buf []byte
		consumed := 0
		for {
			h, body, nb, err := readFrame(r, buf)
			buf = nb
			if err != nil {
				if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, ErrBadPDU) {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if int(h.length) != headerLen+len(body) || h.length > maxPDULen {
				t.Fatalf("length %d, body %d", h.length, len(body))
			}
			if !bytes.Equal(body, data[consumed+headerLen:consumed+int(h.length)]) {
				t.Fatal("body does not match the input")
			}
			consumed += int(h.length)
		}
	})
}

func FuzzDecodeSubmit(f *testing.F) {
	f.Add(submitBody(0, 0, []byte("hello")))
	f.Add(submitBody(0x40, 0, append([]byte{5, 0, 3, 7, 2, 1}, "part"...)))
	f.Add(submitBody(0x40, 8, append([]byte{6, 8, 4, 1, 2, 3, 3}, 0, 'a')))
	f.Add(submitBody(0, 0, []byte("sar"), 0x02, 0x0C, 0, 2, 0, 9, 0x02, 0x0E, 0, 1, 2, 0x02, 0x0F, 0, 1, 1))
	f.Add(submitBody(0, 8, nil, 0x04, 0x24, 0, 4, 0xD8, 0x3D, 0xDC, 0x4B))
	f.Add(submitBody(0x40, 0, []byte{9, 0, 3}))
	f.Add(submitBody(0, 0xF4, []byte{1, 2}))
	f.Add([]byte("\x00\x01\x01123"))
	f.Add(submitBody(0, 0, []byte("x"), 0x04, 0x24, 0xFF, 0xFF))
	f.Fuzz(func(t *testing.T, body []byte) {
		sm, err := decodeSM(body)
		if err != nil {
			if !errors.Is(err, ErrBadPDU) {
				t.Fatalf("error %v does not wrap ErrBadPDU", err)
			}
			return
		}
		rec := newSubmitted(sm, 1)
		if c := rec.Concat; c != nil && c.Validate() != nil {
			t.Fatalf("invalid concat %+v accepted", c)
		}
		if !utf8.ValidString(rec.Text) {
			t.Fatalf("text %q is not UTF-8", rec.Text)
		}
		if rec.DecodeErr != "" && rec.Text != "" {
			t.Fatalf("decode error %q with text %q", rec.DecodeErr, rec.Text)
		}
		// Reassembling it must not panic either.
		st := newStore(4)
		st.add(rec)
		st.add(rec)
	})
}

func FuzzDecodeBind(f *testing.F) {
	f.Add([]byte("smsgw\x00secret\x00\x00\x34\x00\x00\x00"))
	f.Add([]byte("smsgw\x00secret\x00"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, body []byte) {
		b, err := decodeBind(body)
		if err != nil {
			if !errors.Is(err, ErrBadPDU) {
				t.Fatalf("error %v does not wrap ErrBadPDU", err)
			}
			return
		}
		if strings.ContainsRune(b.systemID, 0) || strings.ContainsRune(b.password, 0) {
			t.Fatalf("NUL inside %q / %q", b.systemID, b.password)
		}
	})
}

// FuzzBuildMO checks that every MO the simulator builds decodes back to its
// text on the ESME side.
func FuzzBuildMO(f *testing.F) {
	f.Add("hello", "", "", uint16(1))
	f.Add(strings.Repeat("é€[", 70), "", "udh16", uint16(300))
	f.Add(strings.Repeat("👋a", 60), "ucs2", "sar", uint16(2))
	f.Add(strings.Repeat("Grüße ", 40), "latin1", "udh8", uint16(9))
	f.Add("payload", "gsm", "payload", uint16(0))
	f.Fuzz(func(t *testing.T, text, encoding, long string, ref uint16) {
		dc, parts, err := buildMO(MO{Text: text, Encoding: encoding, Long: long}, ref)
		if err != nil {
			if !errors.Is(err, ErrBadMO) {
				t.Fatalf("error %v does not wrap ErrBadMO", err)
			}
			return
		}
		var got strings.Builder
		for i, p := range parts {
			body := p.sm
			if pl := tlvValue(p.tlvs, smsbridge.TagMessagePayload); pl != nil {
				body = pl
			}
			if len(p.sm) > 255 {
				t.Fatalf("part %d: short_message of %d octets", i, len(p.sm))
			}
			if p.esmClass&smsbridge.ESMClassUDHI != 0 {
				_, rest, c, err := smsbridge.ParseUDH(body)
				if err != nil || c == nil || int(c.Seq) != i+1 || int(c.Total) != len(parts) {
					t.Fatalf("part %d: UDH %v %+v", i, err, c)
				}
				body = rest
			}
			s, err := smsbridge.DecodeShortMessage(dc, body, smsbridge.MOCharsetGSM)
			if err != nil {
				t.Fatalf("part %d: %v", i, err)
			}
			got.WriteString(s)
		}
		// Invalid UTF-8 is sent as U+FFFD, one per bad byte, as range
		// decodes it (testdata/fuzz/FuzzBuildMO/90180d2ae0761b3b).
		var want strings.Builder
		for _, r := range text {
			want.WriteRune(r)
		}
		if got.String() != want.String() {
			t.Fatalf("round trip %q, want %q", got.String(), want.String())
		}
	})
}

func tlvValue(tlvs []TLV, tag uint16) []byte {
	for _, t := range tlvs {
		if t.Tag == tag {
			return t.Value
		}
	}
	return nil
}
