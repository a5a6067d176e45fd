package smsbridge

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// dlrField is one field of an Appendix B receipt.
type dlrField int

const (
	fieldID dlrField = iota
	fieldSub
	fieldDlvrd
	fieldSubmitDate
	fieldDoneDate
	fieldStat
	fieldErr
	fieldText
	numDLRFields
)

// dlrKeys lists the accepted spellings of each field key, as lower-case
// words. Between the words of a key any run of spaces, '_' or '-' (or
// nothing) is accepted, so "submit date", "submit_date" and "submitdate"
// all match.
var dlrKeys = []struct {
	field dlrField
	words []string
}{
	{fieldID, []string{"id"}},
	{fieldSub, []string{"sub"}},
	{fieldDlvrd, []string{"dlvrd"}},
	{fieldDlvrd, []string{"dlvd"}},
	{fieldSubmitDate, []string{"submit", "date"}},
	{fieldDoneDate, []string{"done", "date"}},
	{fieldStat, []string{"stat"}},
	{fieldStat, []string{"status"}},
	{fieldErr, []string{"err"}},
	{fieldErr, []string{"error"}},
	{fieldText, []string{"text"}},
}

// statAliases maps long spellings some SMSCs use to the Appendix B ones.
var statAliases = map[string]string{
	"DELIVERED":     StatDelivered,
	"UNDELIVERABLE": StatUndeliverable,
	"ACCEPTED":      StatAccepted,
	"REJECTED":      StatRejected,
}

// ParseDLRText parses the SMPP 3.4 Appendix B delivery receipt text
//
//	id:IIIIIIIIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DDDDDDD err:E Text: ...
//
// leniently: keys are matched case-insensitively at word starts, in any
// order, with optional spaces before and after the colon; "submit date",
// "submit_date" and "submitdate" (likewise "done date") are the same key,
// "status" and "error" are accepted for "stat" and "err". A field's value
// runs to the next key, spaces trimmed; the first occurrence of a key wins.
// "text:" ends the parse: everything after it is the text, whatever it
// contains, and may be cut. Dates take 10 (YYMMDDhhmm), 12 (with seconds)
// or 14 (YYYYMMDDhhmmss) digits, other characters ignored; they are read
// as UTC. Counters and dates that do not parse are left zero. Stat is
// upper-cased, with DELIVERED, UNDELIVERABLE, ACCEPTED and REJECTED
// shortened to their Appendix B forms.
//
// id and stat are required: without them the error wraps [ErrBadDLR] and
// says which is missing. NUL terminators are ignored; invalid UTF-8 in
// values becomes U+FFFD.
func ParseDLRText(b []byte) (*DLR, error) {
	b = bytes.TrimRight(b, "\x00")
	lower := asciiLower(b) // ASCII only, so offsets in lower are offsets in b
	var vals [numDLRFields]string
	var seen [numDLRFields]bool
	curField, curStart := dlrField(-1), 0
	flush := func(end int) {
		if curField >= 0 && !seen[curField] {
			seen[curField] = true
			vals[curField] = cleanValue(b[curStart:end])
		}
	}
	for i := 0; i < len(lower); i++ {
		if i > 0 && isWordByte(lower[i-1]) {
			continue
		}
		f, next, ok := matchDLRKey(lower, i)
		if !ok {
			continue
		}
		flush(i)
		curField, curStart = f, next
		if f == fieldText {
			break
		}
		i = next - 1
	}
	if curField == fieldText {
		if !seen[fieldText] {
			seen[fieldText] = true
			vals[fieldText] = strings.ToValidUTF8(strings.TrimLeft(string(b[curStart:]), " \t"), "\uFFFD")
		}
	} else {
		flush(len(b))
	}

	d := &DLR{
		ID:         vals[fieldID],
		Sub:        atoiLenient(vals[fieldSub]),
		Dlvrd:      atoiLenient(vals[fieldDlvrd]),
		SubmitDate: parseDLRDate(vals[fieldSubmitDate]),
		DoneDate:   parseDLRDate(vals[fieldDoneDate]),
		Stat:       strings.ToUpper(vals[fieldStat]),
		Err:        vals[fieldErr],
		Text:       vals[fieldText],
	}
	if alias, ok := statAliases[d.Stat]; ok {
		d.Stat = alias
	}
	switch {
	case d.ID == "" && d.Stat == "":
		return nil, fmt.Errorf("%w: missing id and stat", ErrBadDLR)
	case d.ID == "":
		return nil, fmt.Errorf("%w: missing id", ErrBadDLR)
	case d.Stat == "":
		return nil, fmt.Errorf("%w: missing stat", ErrBadDLR)
	}
	return d, nil
}

// matchDLRKey tries every key spelling at lower[i:]; on success it returns
// the field and the offset just after the colon.
func matchDLRKey(lower []byte, i int) (dlrField, int, bool) {
	for _, k := range dlrKeys {
		j, ok := i, true
		for wi, w := range k.words {
			if wi > 0 {
				for j < len(lower) && (lower[j] == ' ' || lower[j] == '_' || lower[j] == '-') {
					j++
				}
			}
			if !bytes.HasPrefix(lower[j:], []byte(w)) {
				ok = false
				break
			}
			j += len(w)
		}
		if !ok {
			continue
		}
		for j < len(lower) && (lower[j] == ' ' || lower[j] == '\t') {
			j++
		}
		if j < len(lower) && lower[j] == ':' {
			return k.field, j + 1, true
		}
	}
	return 0, 0, false
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_'
}

func asciiLower(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

func cleanValue(v []byte) string {
	return strings.ToValidUTF8(string(bytes.TrimSpace(v)), "\uFFFD")
}

func atoiLenient(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// parseDLRDate reads YYMMDDhhmm, YYMMDDhhmmss or YYYYMMDDhhmmss from the
// digits of s, as UTC; anything else, or an impossible date, gives the zero
// time.
func parseDLRDate(s string) time.Time {
	var d []int
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			d = append(d, int(s[i]-'0'))
		}
	}
	num := func(k int) int { return d[k]*10 + d[k+1] }
	var year, rest int
	switch len(d) {
	case 10, 12:
		year, rest = 2000+num(0), 2
	case 14:
		year, rest = num(0)*100+num(2), 4
	default:
		return time.Time{}
	}
	month, day, hour, minute := num(rest), num(rest+2), num(rest+4), num(rest+6)
	sec := 0
	if len(d) > rest+8 {
		sec = num(rest + 8)
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.UTC)
	if t.Month() != time.Month(month) || t.Day() != day || t.Hour() != hour || t.Minute() != minute || t.Second() != sec {
		return time.Time{}
	}
	return t
}
