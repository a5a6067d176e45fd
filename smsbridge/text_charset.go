package smsbridge

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// SMPP 3.4 data_coding values this package produces or decodes by name.
const (
	// DCSDefault is the SMSC default alphabet, GSM 03.38 on almost every
	// SMSC; how MO text with it is decoded is configurable (MOCharset).
	DCSDefault byte = 0x00
	// DCSIA5 is IA5 (CCITT T.50), i.e. ASCII.
	DCSIA5 byte = 0x01
	// DCSLatin1 is ISO-8859-1.
	DCSLatin1 byte = 0x03
	// DCSBinary is 8-bit binary data.
	DCSBinary byte = 0x04
	// DCSUCS2 is UCS-2, which this package reads and writes as UTF-16BE.
	DCSUCS2 byte = 0x08
)

// MOCharset says how MO short messages with data_coding 0 ("SMSC default
// alphabet") are decoded. It depends on the SMSC, so it is configured per
// bind. The zero value is MOCharsetGSM.
type MOCharset int

// The MO charsets for data_coding 0.
const (
	// MOCharsetGSM decodes data_coding 0 as unpacked GSM 03.38 septets.
	MOCharsetGSM MOCharset = iota
	// MOCharsetLatin1 decodes data_coding 0 as ISO-8859-1.
	MOCharsetLatin1
	// MOCharsetASCII decodes data_coding 0 as ASCII; other bytes become U+FFFD.
	MOCharsetASCII
)

// ParseMOCharset parses a configuration value: "gsm", "latin1" or "ascii"
// (case-insensitive, surrounding spaces ignored). The empty string means
// the default, MOCharsetGSM. Anything else is an error wrapping
// [ErrBadCharset].
func ParseMOCharset(s string) (MOCharset, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "gsm":
		return MOCharsetGSM, nil
	case "latin1":
		return MOCharsetLatin1, nil
	case "ascii":
		return MOCharsetASCII, nil
	}
	return 0, fmt.Errorf("%w %q (want gsm, latin1 or ascii)", ErrBadCharset, s)
}

// String returns the configuration spelling of c.
func (c MOCharset) String() string {
	switch c {
	case MOCharsetGSM:
		return "gsm"
	case MOCharsetLatin1:
		return "latin1"
	case MOCharsetASCII:
		return "ascii"
	}
	return fmt.Sprintf("MOCharset(%d)", int(c))
}

// textAlphabet is the alphabet a data_coding value announces.
type textAlphabet int

const (
	alphaGSM textAlphabet = iota
	alphaLatin1
	alphaASCII
	alphaUCS2
	alphaBinary
	alphaUnsupported
)

// alphabetOf classifies an SMPP data_coding value. Values 0x00-0x0F are the
// SMPP 3.4 table; above that the 3GPP TS 23.038 coding groups apply.
func alphabetOf(dc byte, dc0 MOCharset) textAlphabet {
	switch {
	case dc == DCSDefault:
		switch dc0 {
		case MOCharsetLatin1:
			return alphaLatin1
		case MOCharsetASCII:
			return alphaASCII
		}
		return alphaGSM
	case dc == DCSIA5:
		return alphaASCII
	case dc == DCSLatin1:
		return alphaLatin1
	case dc == DCSUCS2:
		return alphaUCS2
	case dc == 0x02 || dc == DCSBinary:
		return alphaBinary
	case dc < 0x10:
		// JIS, Cyrillic, Hebrew, pictogram, ISO-2022-JP, kanji, KS C 5601
		return alphaUnsupported
	case dc < 0x80:
		// General data coding groups 00xx and 01xx (automatic deletion):
		// bit 5 set means compressed; bits 3-2 give the alphabet.
		if dc&0x20 != 0 {
			return alphaUnsupported
		}
		switch (dc >> 2) & 3 {
		case 0:
			return alphaGSM
		case 1:
			return alphaBinary
		case 2:
			return alphaUCS2
		}
		return alphaUnsupported
	case dc < 0xC0:
		// reserved coding groups 1000-1011
		return alphaUnsupported
	case dc < 0xE0:
		// message waiting indication, discard or store, GSM 7-bit
		return alphaGSM
	case dc < 0xF0:
		// message waiting indication, store, UCS-2
		return alphaUCS2
	default:
		// data coding / message class: bit 2 clear GSM 7-bit, set 8-bit data
		if dc&0x04 != 0 {
			return alphaBinary
		}
		return alphaGSM
	}
}

// DecodeShortMessage decodes the short_message (or message_payload) of an
// MO message with the given data_coding, after any user data header has
// been removed:
//
//   - 0: per dc0 (GSM 03.38 unpacked, ISO-8859-1 or ASCII);
//   - 1: ASCII, bytes >= 0x80 become U+FFFD;
//   - 3: ISO-8859-1 (real Latin-1, not Windows-1252: 0x80-0x9F are the C1
//     controls);
//   - 8: UCS-2 read as UTF-16BE, so surrogate pairs (emoji) decode;
//   - 3GPP TS 23.038 coding groups: general data coding 00xx and 01xx
//     (0x10-0x1F, 0x40-0x5F) when not compressed, with bits 3-2 choosing
//     GSM 7-bit, 8-bit data or UCS-2; message waiting indication groups
//     (0xC0-0xDF GSM, 0xE0-0xEF UCS-2); data coding/message class 0xF0-0xFF
//     (bit 2 clear GSM, set 8-bit data). GSM here is always GSM 03.38,
//     unpacked as SMPP carries it, whatever dc0 says.
//
// 8-bit data (2, 4, and the 8-bit variants above) returns an error wrapping
// [ErrBinary]; compressed, reserved and other national alphabets return an
// error wrapping [ErrUnsupportedDCS]. Both name the value.
func DecodeShortMessage(dataCoding byte, b []byte, dc0 MOCharset) (string, error) {
	switch alphabetOf(dataCoding, dc0) {
	case alphaGSM:
		return DecodeGSM7(b), nil
	case alphaLatin1:
		return decodeLatin1(b), nil
	case alphaASCII:
		return decodeASCII(b), nil
	case alphaUCS2:
		return DecodeUCS2(b), nil
	case alphaBinary:
		return "", fmt.Errorf("%w: data_coding 0x%02X", ErrBinary, dataCoding)
	}
	return "", fmt.Errorf("%w: data_coding 0x%02X", ErrUnsupportedDCS, dataCoding)
}

func decodeLatin1(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/4)
	for _, c := range b {
		sb.WriteRune(rune(c))
	}
	return sb.String()
}

func decodeASCII(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b))
	for _, c := range b {
		if c >= 0x80 {
			sb.WriteRune(utf8.RuneError)
			continue
		}
		sb.WriteByte(c)
	}
	return sb.String()
}
