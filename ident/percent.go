package ident

import "strings"

// Percent-encoding helpers of NormalizeURL (RFC 3986 2.1, 2.3, 6.2.2).

const upperHex = "0123456789ABCDEF"

// isUnreserved reports whether c is an RFC 3986 unreserved character.
func isUnreserved(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// isSubDelim reports whether c is an RFC 3986 sub-delim.
func isSubDelim(c byte) bool {
	return strings.IndexByte("!$&'()*+,;=", c) >= 0
}

// isPathByte reports whether c may appear unencoded in a normalized path.
func isPathByte(c byte) bool {
	return isUnreserved(c) || isSubDelim(c) || c == ':' || c == '@' || c == '/'
}

// isQueryByte reports whether c may appear unencoded in a normalized query.
func isQueryByte(c byte) bool {
	return isPathByte(c) || c == '?'
}

// unhex returns the value of the hex digit c and whether c is one.
func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// pctTriplet returns the byte encoded by s[i:i+3] if it is a valid
// percent-encoded triplet.
func pctTriplet(s string, i int) (byte, bool) {
	if i+2 >= len(s) || s[i] != '%' {
		return 0, false
	}
	hi, ok1 := unhex(s[i+1])
	lo, ok2 := unhex(s[i+2])
	return hi<<4 | lo, ok1 && ok2
}

// normalizePercent normalizes the percent-encoding of s: valid triplets of
// unreserved characters are decoded, other valid triplets get uppercase hex
// digits, and every other byte for which keep is false (including a '%'
// that does not start a valid triplet) is percent-encoded. keep must be
// false for '%'.
func normalizePercent(s string, keep func(byte) bool) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if v, ok := pctTriplet(s, i); ok {
			i += 2
			if isUnreserved(v) {
				b.WriteByte(v)
				continue
			}
			c = v
		} else if keep(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(upperHex[c>>4])
		b.WriteByte(upperHex[c&15])
	}
	return b.String()
}

// percentDecode decodes every valid triplet of s and keeps everything else.
func percentDecode(s string) string {
	if strings.IndexByte(s, '%') < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if v, ok := pctTriplet(s, i); ok {
			b = append(b, v)
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

// lowerASCII lowercases the ASCII letters of s and nothing else.
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
