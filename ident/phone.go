package ident

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Phone is a phone number in E.164 form ("+4915112345678"). It is the most
// private value mpimis handles: it must never leave the store toward XMPP,
// HTTP, metrics or info-level logs. So the number can be read only through
// E164 and SMPPAddr (for the store and the SMPP side); every other way of
// printing a Phone gives a masked form that keeps the country calling code
// and the last two digits:
//
//	p, _ := ParsePhone("+49 151 12345678", "")
//	p.E164()                // "+4915112345678"
//	p.SMPPAddr()            // "4915112345678" (TON international, NPI E.164)
//	p.String()              // "+49*********78"
//	fmt.Sprint(p)           // "+49*********78" (also %s %q %+v %#v %d ...)
//	slog.Info("x", "p", p)  // p=+49*********78 (LogValue)
//	json.Marshal(p)         // "\"+49*********78\"" (MarshalJSON)
//
// Parsing (ParsePhone(raw, defaultRegion)):
//
//   - Leading and trailing white space is trimmed. Apart from a leading '+',
//     only ASCII digits and the separators " -.()/" are accepted; letters
//     (vanity numbers, extensions) and anything else are refused.
//   - A leading "00" is read as the international prefix: "0049..." is
//     "+49...". (No national number starts with 00.)
//   - Without '+' and with defaultRegion "", the digits are an international
//     number: SMPP delivers TON-international addresses without '+', so
//     "4915112345678" is "+4915112345678".
//   - Without '+' and with a region (ISO 3166 code, any case), the number is
//     read as dialled in that region: ("015112345678", "DE") is
//     "+4915112345678".
//   - The number must be possible for its country (the length fits the
//     country's numbering plan, github.com/nyaruka/phonenumbers
//     IsPossibleNumberWithReason == IS_POSSIBLE). It need not be "valid"
//     (assigned to a known range): the metadata lags behind real allocations
//     and fictional test ranges are not valid. Numbers only possible for
//     local dialling (no area code) are refused: they have no E.164 form.
//
// Worked examples:
//
//	ParsePhone("+4915112345678", "")    -> +4915112345678
//	ParsePhone("004915112345678", "")   -> +4915112345678
//	ParsePhone("4915112345678", "")     -> +4915112345678
//	ParsePhone("015112345678", "DE")    -> +4915112345678
//	ParsePhone("(0151) 123-456 78", "de") -> +4915112345678
//	ParsePhone("+44 7700 900123", "")   -> +447700900123
//	ParsePhone("+1 202 555 0123", "")   -> +12025550123
//	ParsePhone("015112345678", "")      -> ErrPhoneNotPossible (read as +015...)
//	ParsePhone("+49 151 CALL ME", "")   -> ErrPhoneSyntax
//	ParsePhone("+49 12", "")            -> ErrPhoneNotPossible
//	ParsePhone("  ", "")                -> ErrPhoneEmpty
//
// Masking: String shows "+", the country calling code, one '*' for each
// other digit and the last two digits; when the national number has fewer
// than six digits, all its digits are masked ("+49*****"). The zero Phone
// prints as "".
//
// Why no MarshalText: encoding/json, encoding/xml, TOML and slog all prefer
// encoding.TextMarshaler, so a MarshalText returning the number would leak it
// wherever a Phone is encoded, and one returning the masked form would
// silently corrupt data that is meant to round-trip. A Phone therefore has no
// text form; MarshalJSON gives the masked form for the same reason, and there
// is no UnmarshalJSON (the masked form cannot be read back). Code that
// stores a number calls E164 explicitly.
//
// Reflection: fmt prints a Phone held in an unexported struct field through
// reflection, without calling its methods. To keep even that from showing
// the number, the field holds the digits written as the letters a-j (0-9)
// without the '+': fmt.Sprintf("%v", struct{ p Phone }{p}) gives
// "{{ejbfbbcdefghi}}". This is a guard against accidents, not encryption.
//
// The zero Phone is "no number". Phones are comparable: two Phones are == if
// they hold the same number, so a Phone can be a map key.
type Phone struct {
	// e164 is the E.164 number without '+', each digit d stored as the
	// letter 'a'+d, so that reflection-based printing shows no digits.
	e164 string
}

// maxE164Digits is the maximum number of digits of an E.164 number (ITU-T E.164).
const maxE164Digits = 15

// phoneSeparators are the characters ParsePhone ignores between digits.
const phoneSeparators = " -.()/"

// ParsePhone parses a phone number as typed by a person or delivered by an
// SMSC; see the file comment for the rules. defaultRegion is an ISO 3166
// region code ("DE") for numbers in national form, or "" when a number
// without '+' is international. Errors never contain the number.
func ParsePhone(raw, defaultRegion string) (Phone, error) {
	key := phoneKey{raw, defaultRegion}
	if p, ok := phoneCache.get(key); ok {
		return p, nil
	}
	p, err := parsePhone(raw, defaultRegion)
	if err == nil {
		phoneCache.put(key, p)
	}
	return p, err
}

// parsePhone is ParsePhone without the cache.
func parsePhone(raw, defaultRegion string) (Phone, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return Phone{}, ErrPhoneEmpty
	}
	plus := false
	if s[0] == '+' {
		plus = true
		s = s[1:]
	}
	digits := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case strings.IndexByte(phoneSeparators, c) >= 0:
		default:
			return Phone{}, ErrPhoneSyntax
		}
	}
	if len(digits) == 0 {
		return Phone{}, ErrPhoneEmpty
	}
	if !plus && len(digits) > 2 && digits[0] == '0' && digits[1] == '0' {
		plus = true
		digits = digits[2:]
	}
	region := strings.ToUpper(defaultRegion)
	if region != "" && phonenumbers.GetCountryCodeForRegion(region) == 0 {
		return Phone{}, withDetail(ErrPhoneRegion,
			fmt.Sprintf("ident: unknown phone region %q", defaultRegion), nil)
	}
	if region == "" {
		plus = true
	}
	in := string(digits)
	if plus {
		in = "+" + in
	}
	num, err := phonenumbers.Parse(in, region)
	if err != nil {
		// The library's errors are fixed strings without the number.
		return Phone{}, withDetail(ErrPhoneNotPossible,
			"ident: phone number is not possible: "+err.Error(), err)
	}
	if phonenumbers.IsPossibleNumberWithReason(num) != phonenumbers.IS_POSSIBLE {
		return Phone{}, ErrPhoneNotPossible
	}
	e164 := phonenumbers.Format(num, phonenumbers.E164)
	if len(e164) < 3 || len(e164)-1 > maxE164Digits || e164[0] != '+' || e164[1] == '0' {
		return Phone{}, ErrPhoneNotPossible
	}
	sealed := make([]byte, len(e164)-1)
	for i := 1; i < len(e164); i++ {
		c := e164[i]
		if c < '0' || c > '9' {
			return Phone{}, ErrPhoneNotPossible
		}
		sealed[i-1] = 'a' + (c - '0')
	}
	return Phone{e164: string(sealed)}, nil
}

// digits returns the number's digits without '+', or "" for the zero Phone.
func (p Phone) digits() string {
	b := make([]byte, len(p.e164))
	for i := 0; i < len(p.e164); i++ {
		b[i] = '0' + (p.e164[i] - 'a')
	}
	return string(b)
}

// E164 returns the number in E.164 form ("+4915112345678"), or "" for the
// zero Phone. It is the only way to get the number out (with SMPPAddr): call
// it only to store the number or to address an SMS.
func (p Phone) E164() string {
	if p.IsZero() {
		return ""
	}
	return "+" + p.digits()
}

// SMPPAddr returns the number's digits without '+' ("4915112345678"), the
// form of an SMPP address with TON international and NPI E.164, or "" for the
// zero Phone.
func (p Phone) SMPPAddr() string {
	return p.digits()
}

// IsZero reports whether p is the zero Phone (no number).
func (p Phone) IsZero() bool {
	return p.e164 == ""
}

// String returns the masked form ("+49*********78"), safe to print anywhere.
func (p Phone) String() string {
	if p.IsZero() {
		return ""
	}
	d := p.digits()
	cc := countryCodeLen(d)
	nsn := len(d) - cc
	shown := 2
	if nsn < 6 {
		shown = 0
	}
	var b strings.Builder
	b.Grow(1 + len(d))
	b.WriteByte('+')
	b.WriteString(d[:cc])
	b.WriteString(strings.Repeat("*", nsn-shown))
	b.WriteString(d[len(d)-shown:])
	return b.String()
}

// countryCodeLen returns the length of the country calling code at the start
// of digits. Country calling codes are a prefix code, so the first known
// prefix is the code.
func countryCodeLen(digits string) int {
	for n := 1; n <= 3 && n < len(digits); n++ {
		cc := 0
		for _, c := range digits[:n] {
			cc = cc*10 + int(c-'0')
		}
		if phonenumbers.GetRegionCodeForCountryCode(cc) != phonenumbers.UNKNOWN_REGION {
			return n
		}
	}
	return 0
}

// GoString returns the masked form as ident.Phone{"+49*********78"}, so %#v
// does not leak the number either.
func (p Phone) GoString() string {
	if p.IsZero() {
		return "ident.Phone{}"
	}
	return `ident.Phone{"` + p.String() + `"}`
}

// Format implements fmt.Formatter: every verb formats the masked form (%#v
// formats GoString), so no fmt verb or flag reveals the number.
func (p Phone) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, p.GoString())
		return
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), p.String())
}

// LogValue implements slog.LogValuer: a Phone logs as its masked form.
func (p Phone) LogValue() slog.Value {
	return slog.StringValue(p.String())
}

// MarshalJSON encodes the masked form as a JSON string, so a Phone that ends
// up in JSON (an HTTP answer, a JSON log) does not leak the number. See the
// file comment for why there is no MarshalText or UnmarshalJSON.
func (p Phone) MarshalJSON() ([]byte, error) {
	// The masked form only has '+', '*' and digits: no JSON escaping needed.
	return []byte(`"` + p.String() + `"`), nil
}
