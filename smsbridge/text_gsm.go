package smsbridge

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// gsmEscape is the GSM 03.38 escape to the extension table (0x1B).
const gsmEscape = 0x1B

// gsmBasic is the GSM 03.38 default alphabet indexed by septet value.
// Entry 0x1B is the escape code and is never produced by a lookup: the
// decoder handles it before indexing and the encoder table skips it.
var gsmBasic = [128]rune{
	// 0x00
	'@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å',
	// 0x10
	'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', 0x1B, 'Æ', 'æ', 'ß', 'É',
	// 0x20
	' ', '!', '"', '#', '¤', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/',
	// 0x30
	'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
	// 0x40
	'¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
	// 0x50
	'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§',
	// 0x60
	'¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
	// 0x70
	'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à',
}

// gsmExtension is the GSM 03.38 extension table indexed by the septet that
// follows an escape; zero entries are undefined.
var gsmExtension = [128]rune{
	0x0A: '\f', // page break; shown as LF by phones that do not know it
	0x14: '^',
	0x28: '{',
	0x29: '}',
	0x2F: '\\',
	0x3C: '[',
	0x3D: '~',
	0x3E: ']',
	0x40: '|',
	0x65: '€',
}

// gsmCode is the encoding of one rune: the septet, and whether it needs the
// escape prefix. ok is false for runes outside GSM 03.38.
type gsmCode struct {
	septet byte
	ext    bool
	ok     bool
}

// gsmLatin covers runes below U+0100 (almost every GSM character) with an
// array lookup; gsmOther holds the rest (Greek capitals and the euro sign).
var gsmLatin, gsmOther = buildGSMEncoder()

func buildGSMEncoder() (latin [256]gsmCode, other map[rune]gsmCode) {
	other = make(map[rune]gsmCode)
	put := func(r rune, c gsmCode) {
		if r < 256 {
			latin[r] = c
		} else {
			other[r] = c
		}
	}
	for i, r := range gsmBasic {
		if i == gsmEscape {
			continue
		}
		put(r, gsmCode{septet: byte(i), ok: true})
	}
	for i, r := range gsmExtension {
		if r != 0 {
			put(r, gsmCode{septet: byte(i), ext: true, ok: true})
		}
	}
	return latin, other
}

func lookupGSM(r rune) gsmCode {
	if r >= 0 && r < 256 {
		return gsmLatin[r]
	}
	return gsmOther[r]
}

// gsmSeptets returns how many septets r takes in GSM 03.38 (1, or 2 for an
// extension character), or 0 if r is not representable.
func gsmSeptets(r rune) int {
	c := lookupGSM(r)
	switch {
	case !c.ok:
		return 0
	case c.ext:
		return 2
	default:
		return 1
	}
}

// EncodeGSM7 encodes s in the GSM 03.38 default alphabet, one septet per
// byte (unpacked, as SMPP data_coding 0 carries it). Extension characters
// such as '€' or '{' take two bytes: 0x1B and the extension septet.
//
// If any rune is not representable (for example 'ç', which GSM 03.38 only
// has as capital 'Ç'), EncodeGSM7 returns nil and an error wrapping
// [ErrNotGSM] that names the first offending rune and its byte offset.
// Invalid UTF-8 is reported the same way.
func EncodeGSM7(s string) ([]byte, error) {
	out := make([]byte, 0, len(s)+4)
	for i, r := range s {
		c := lookupGSM(r)
		if !c.ok {
			return nil, notGSMError(s, i, r)
		}
		if c.ext {
			out = append(out, gsmEscape)
		}
		out = append(out, c.septet)
	}
	return out, nil
}

func notGSMError(s string, off int, r rune) error {
	if r == utf8.RuneError && !strings.HasPrefix(s[off:], "\uFFFD") {
		return fmt.Errorf("%w: invalid UTF-8 at byte %d", ErrNotGSM, off)
	}
	return fmt.Errorf("%w: %q (%U) at byte %d", ErrNotGSM, r, r, off)
}

// GSM7Len returns the number of septets s takes in GSM 03.38, counting an
// extension character as two. ok is false (and septets 0) if some rune is
// not representable.
func GSM7Len(s string) (septets int, ok bool) {
	for _, r := range s {
		n := gsmSeptets(r)
		if n == 0 {
			return 0, false
		}
		septets += n
	}
	return septets, true
}

// DecodeGSM7 decodes unpacked GSM 03.38 septets (one per byte). It never
// fails:
//
//   - an escape followed by a septet the extension table does not define
//     decodes as the default-alphabet character of that septet (the fallback
//     that 3GPP TS 23.038 prescribes for receivers);
//   - an escape followed by another escape (the code reserved for a further
//     extension table) decodes as a space, as the standard says to display;
//   - a lone escape at the very end is dropped: it is the first half of a
//     pair whose second half never arrived, and showing a space for it
//     would add a character the sender never typed;
//   - bytes >= 0x80 (not septets) decode as U+FFFD.
func DecodeGSM7(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/4)
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= 0x80:
			sb.WriteRune(utf8.RuneError)
		case c != gsmEscape:
			sb.WriteRune(gsmBasic[c])
		case i+1 >= len(b):
			// trailing lone escape: dropped
		default:
			i++
			next := b[i]
			switch {
			case next >= 0x80:
				sb.WriteRune(utf8.RuneError)
			case gsmExtension[next] != 0:
				sb.WriteRune(gsmExtension[next])
			case next == gsmEscape:
				sb.WriteByte(' ')
			default:
				sb.WriteRune(gsmBasic[next])
			}
		}
	}
	return sb.String()
}
