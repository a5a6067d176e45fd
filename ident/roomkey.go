package ident

import (
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// RoomKey is the localpart of the room of a web page: one room per
// normalized page URL (DESIGN.md, "Identities and addressing").
//
// RoomKey = lowercase RFC 4648 base32 (alphabet a-z2-7), without padding, of
// the first 16 bytes of SHA-256(NormalizeURL(url)): always 26 characters.
// 128 bits fill 25 characters and 3 bits of the 26th, whose 2 low bits are
// zero, so the last character is one of "aeimquy4".
//
// NormalizeURL is the contract shared with the web widget (the test vectors
// in testdata/roomkeys.json are used by both). In order:
//
//  1. Leading and trailing white space (Unicode, as strings.TrimSpace) is
//     trimmed. An empty URL is refused (ErrURLEmpty), so is one with an
//     ASCII control character anywhere (ErrURLControl).
//  2. The URL must be absolute: a scheme ([A-Za-z][A-Za-z0-9+.-]*) and ':'
//     (else ErrURLRelative). The scheme is lowercased and must be http or
//     https (else ErrScheme: `ident: url scheme "ftp" is not http or https`).
//  3. The fragment (from the first '#') is dropped.
//  4. "//" and an authority must follow the scheme (else ErrNoHost). The
//     authority ends at the first '/' or '?'. Userinfo (up to the last '@')
//     is dropped: it never identifies a page, and it may be a password.
//  5. Host: a bracketed IPv6 literal must be a valid IPv6 address without a
//     zone (else ErrHost) and is kept in brackets, lowercased. Any other host
//     is converted with IDNA (golang.org/x/net/idna Lookup profile: mapped,
//     lowercased, punycoded; a name that is not UTF-8, is refused by IDNA,
//     or whose ASCII form IDNA would not map to itself is ErrHost), then a
//     single trailing '.' is removed; an empty host or an empty label is
//     refused.
//  6. Port: decimal digits, 0 to 65535 (else ErrPort), written without
//     leading zeros; an empty port ("host:"), :80 for http and :443 for
//     https are dropped, other ports are kept.
//  7. Path (up to the first '?'): percent-encoding is normalized (RFC 3986
//     6.2.2): a percent-encoded unreserved character (A-Z a-z 0-9 - . _ ~)
//     is decoded, other triplets get uppercase hex digits, a '%' not
//     followed by two hex digits becomes "%25", and every byte other than
//     unreserved, sub-delims (!$&'()*+,;=), ':', '@' and '/' is
//     percent-encoded (space, '"', '<', '>', '\', '^', '`', '{', '|', '}',
//     '[', ']', non-ASCII UTF-8 bytes). Then dot segments are removed (RFC
//     3986 5.2.4), so "%2E%2E" counts as "..". %2F stays encoded. Case is
//     kept. An empty path becomes "/".
//  8. Query (after the first '?'): split on '&'; empty parts are dropped;
//     each part's percent-encoding is normalized as for the path ('?' is
//     also kept; '+' and '=' are kept as they are). A part's name is what
//     precedes its first '='. Tracking parameters are dropped: those whose
//     name, percent-decoded and ASCII-lowercased, starts with "utm_" or is
//     fbclid, gclid, mc_cid or mc_eid. The remaining parts are sorted by
//     name, then value, then the whole part (byte order of the normalized
//     form; so "a" sorts before "a="), duplicates kept, and joined with '&'.
//     If no part remains, the '?' is dropped.
//  9. The result is scheme "://" host [":" port] path ["?" query].
//
// NormalizeURL is idempotent: normalizing a normalized URL gives it back.
//
// Worked examples:
//
//	"HTTPS://User:pw@Example.COM:443/A/./b/../C?utm_source=x&b=2&a=1#top"
//	    -> "https://example.com/A/C?a=1&b=2"
//	"http://example.com"                -> "http://example.com/"
//	"http://example.com:443/"           -> "http://example.com:443/"
//	"https://example.com:08080/"        -> "https://example.com:8080/"
//	"https://bücher.example/"           -> "https://xn--bcher-kva.example/"
//	"https://example.com./?"            -> "https://example.com/"
//	"https://[2001:DB8::1]:443/"        -> "https://[2001:db8::1]/"
//	"https://example.com/%7euser/%2fx"  -> "https://example.com/~user/%2Fx"
//	"https://example.com/a b/café"      -> "https://example.com/a%20b/caf%C3%A9"
//	"https://example.com/?q=a+b&&UTM_Medium=y&utmost=1&"
//	    -> "https://example.com/?q=a+b&utmost=1"
//	"ftp://example.com/"                -> ErrScheme
//	"/relative/path", "example.com/x"   -> ErrURLRelative
//	"https:example.com", "https:///x"   -> ErrNoHost
//
// and RoomKeyFor("https://example.org/") is "qgmndowebiidgzj2pdsiqago7q"
// with normalized URL "https://example.org/".
type RoomKey string

// roomKeyLen is the length of a RoomKey: 128 bits in base32.
const roomKeyLen = 26

// roomKeyEncoding is lowercase RFC 4648 base32 without padding.
var roomKeyEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// RoomKeyFor normalizes raw with NormalizeURL and returns the room key of the
// page and its normalized URL.
func RoomKeyFor(raw string) (RoomKey, string, error) {
	norm, err := NormalizeURL(raw)
	if err != nil {
		return "", "", err
	}
	sum := sha256.Sum256([]byte(norm))
	return RoomKey(roomKeyEncoding.EncodeToString(sum[:16])), norm, nil
}

// ParseRoomKey accepts exactly what RoomKeyFor can produce: 26 characters of
// [a-z2-7], the last one of "aeimquy4". Uppercase is refused.
func ParseRoomKey(s string) (RoomKey, error) {
	if len(s) != roomKeyLen {
		return "", withDetail(ErrRoomKey, fmt.Sprintf(
			"ident: not a room key: it has %d characters, not %d", len(s), roomKeyLen), nil)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return "", withDetail(ErrRoomKey, fmt.Sprintf(
				"ident: not a room key: character %d is not in a-z or 2-7", i+1), nil)
		}
	}
	if strings.IndexByte("aeimquy4", s[roomKeyLen-1]) < 0 {
		return "", withDetail(ErrRoomKey,
			"ident: not a room key: the last character does not end 128 bits", nil)
	}
	return RoomKey(s), nil
}

// String returns the room key.
func (k RoomKey) String() string {
	return string(k)
}

// trackingParams are the query parameter names dropped besides "utm_*".
var trackingParams = []string{"fbclid", "gclid", "mc_cid", "mc_eid"}

// NormalizeURL returns the normalized form of an http or https URL, the
// input of RoomKeyFor; see RoomKey for the algorithm. Errors name the
// problem (and the scheme when it is refused) but never contain the URL.
func NormalizeURL(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", ErrURLEmpty
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			return "", ErrURLControl
		}
	}
	scheme, rest, ok := splitScheme(s)
	if !ok {
		return "", withDetail(ErrURLRelative, "ident: url is not absolute (it has no scheme)", nil)
	}
	scheme = lowerASCII(scheme)
	if scheme != "http" && scheme != "https" {
		return "", withDetail(ErrScheme, fmt.Sprintf(
			"ident: url scheme %q is not http or https", scheme), nil)
	}
	rest, _, _ = strings.Cut(rest, "#")
	if !strings.HasPrefix(rest, "//") {
		return "", withDetail(ErrNoHost, `ident: url has no host (no "//" after the scheme)`, nil)
	}
	rest = rest[2:]
	end := strings.IndexAny(rest, "/?")
	if end < 0 {
		end = len(rest)
	}
	hostport, err := normalizeAuthority(rest[:end], scheme)
	if err != nil {
		return "", err
	}
	path, query, _ := strings.Cut(rest[end:], "?")

	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(scheme)
	b.WriteString("://")
	b.WriteString(hostport)
	b.WriteString(normalizePath(path))
	if q := normalizeQuery(query); q != "" {
		b.WriteByte('?')
		b.WriteString(q)
	}
	return b.String(), nil
}

// splitScheme splits "scheme:rest" (RFC 3986 3.1); ok is false if s does
// not start with a scheme.
func splitScheme(s string) (scheme, rest string, ok bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return s[:i], s[i+1:], true
		default:
			return "", "", false
		}
	}
	return "", "", false
}

// normalizeAuthority returns the normalized "host[:port]" of an authority,
// dropping userinfo and the scheme's default port.
func normalizeAuthority(auth, scheme string) (string, error) {
	if i := strings.LastIndexByte(auth, '@'); i >= 0 {
		auth = auth[i+1:]
	}
	var host, port string
	var err error
	if strings.HasPrefix(auth, "[") {
		end := strings.IndexByte(auth, ']')
		if end < 0 {
			return "", withDetail(ErrHost, "ident: url host is not valid: '[' without ']'", nil)
		}
		after := auth[end+1:]
		if after != "" && after[0] != ':' {
			return "", withDetail(ErrHost, "ident: url host is not valid: characters after ']'", nil)
		}
		port = strings.TrimPrefix(after, ":")
		host, err = normalizeIPv6(auth[:end+1])
	} else {
		host = auth
		if i := strings.LastIndexByte(auth, ':'); i >= 0 {
			host, port = auth[:i], auth[i+1:]
		}
		host, err = normalizeDomain(host)
	}
	if err != nil {
		return "", err
	}
	port, err = normalizePort(port)
	if err != nil {
		return "", err
	}
	if port == "" || scheme == "http" && port == "80" || scheme == "https" && port == "443" {
		return host, nil
	}
	return host + ":" + port, nil
}

// normalizeIPv6 validates a bracketed IPv6 literal and lowercases it.
func normalizeIPv6(lit string) (string, error) {
	addr, err := netip.ParseAddr(lit[1 : len(lit)-1])
	if err != nil || !addr.Is6() || addr.Zone() != "" {
		return "", withDetail(ErrHost, "ident: url host is not valid: not an IPv6 address in brackets", err)
	}
	return lowerASCII(lit), nil
}

// normalizeDomain converts a host name to lowercase ASCII (punycode) and
// removes a single trailing dot.
func normalizeDomain(host string) (string, error) {
	if host == "" {
		return "", withDetail(ErrNoHost, "ident: url has no host", nil)
	}
	if !utf8.ValidString(host) {
		return "", withDetail(ErrHost, "ident: url host is not valid: not UTF-8", nil)
	}
	a, err := idna.Lookup.ToASCII(host)
	if err != nil {
		return "", withDetail(ErrHost, "ident: url host is not valid: "+err.Error(), err)
	}
	// The result must convert to itself, or normalizing would not be
	// idempotent (idna maps some inputs to labels it refuses as input).
	if again, err := idna.Lookup.ToASCII(a); err != nil || again != a {
		return "", withDetail(ErrHost, "ident: url host is not valid: its IDNA form is not stable", err)
	}
	a = strings.TrimSuffix(a, ".")
	if a == "" {
		return "", withDetail(ErrNoHost, "ident: url has no host", nil)
	}
	if slices.Contains(strings.Split(a, "."), "") {
		return "", withDetail(ErrHost, "ident: url host is not valid: empty label", nil)
	}
	return lowerASCII(a), nil
}

// normalizePort returns the port without leading zeros ("" stays "").
func normalizePort(port string) (string, error) {
	for i := 0; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return "", ErrPort
		}
	}
	if port == "" {
		return "", nil
	}
	port = strings.TrimLeft(port, "0")
	if port == "" {
		return "0", nil
	}
	if len(port) > 5 || len(port) == 5 && port > "65535" {
		return "", ErrPort
	}
	return port, nil
}

// normalizePath normalizes percent-encoding, then removes dot segments. path
// is empty or starts with '/'.
func normalizePath(path string) string {
	if path == "" {
		return "/"
	}
	return removeDotSegments(normalizePercent(path, isPathByte))
}

// removeDotSegments implements RFC 3986 5.2.4 for a path starting with '/'.
func removeDotSegments(path string) string {
	segs := strings.Split(path[1:], "/")
	out := make([]string, 0, len(segs))
	for i, seg := range segs {
		last := i == len(segs)-1
		switch seg {
		case ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, seg)
			continue
		}
		if last { // "/a/." and "/a/b/.." end with '/'
			out = append(out, "")
		}
	}
	return "/" + strings.Join(out, "/")
}

// queryPart is one normalized query parameter.
type queryPart struct {
	whole, name, value string
}

// normalizeQuery normalizes a query (without '?'); "" means no query.
func normalizeQuery(query string) string {
	var parts []queryPart
	for p := range strings.SplitSeq(query, "&") {
		if p == "" {
			continue
		}
		p = normalizePercent(p, isQueryByte)
		name, value, _ := strings.Cut(p, "=")
		if isTracking(name) {
			continue
		}
		parts = append(parts, queryPart{whole: p, name: name, value: value})
	}
	slices.SortFunc(parts, func(a, b queryPart) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := strings.Compare(a.value, b.value); c != 0 {
			return c
		}
		return strings.Compare(a.whole, b.whole)
	})
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.whole)
	}
	return b.String()
}

// isTracking reports whether a normalized parameter name is a tracking
// parameter.
func isTracking(name string) bool {
	n := lowerASCII(percentDecode(name))
	return strings.HasPrefix(n, "utm_") || slices.Contains(trackingParams, n)
}
