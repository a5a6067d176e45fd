package conf

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// problems collects the [*KeyError]s of one validation run.
type problems []error

// add records a problem with key.
func (p *problems) add(key, format string, args ...any) {
	*p = append(*p, &KeyError{Key: key, Msg: fmt.Sprintf(format, args...)})
}

// between checks lo <= v <= hi.
func (p *problems) between(key string, v, lo, hi int) {
	if v < lo || v > hi {
		p.add(key, "must be between %d and %d, got %d", lo, hi, v)
	}
}

// atLeast checks v >= lo.
func (p *problems) atLeast(key string, v, lo int) {
	if v < lo {
		p.add(key, "must be at least %d, got %d", lo, v)
	}
}

// minDuration checks d >= lo.
func (p *problems) minDuration(key string, d Duration, lo time.Duration) {
	if d.Duration < lo {
		p.add(key, "must be at least %s, got %s", formatDuration(lo), formatDuration(d.Duration))
	}
}

// oneOf checks that v is one of allowed.
func (p *problems) oneOf(key, v string, allowed ...string) {
	if !slices.Contains(allowed, v) {
		p.add(key, "must be one of %s, got %q", quoteAll(allowed), v)
	}
}

// maxBytes checks the length of a string that goes into an SMPP C-Octet
// String. The value itself is not shown, as it may be a secret.
func (p *problems) maxBytes(key, v string, max int) {
	if len(v) > max {
		p.add(key, "must be at most %d bytes long (SMPP 3.4 limit)", max)
	}
}

// hostPort checks a host:port address with a numeric port. For a listening
// address (listen true) an empty host (all interfaces) and port 0 (any free
// port) are allowed too.
func (p *problems) hostPort(key, v string, listen bool) {
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		p.add(key, "%q is not host:port: %v", v, trimAddrErr(err))
		return
	}
	if host == "" && !listen {
		p.add(key, "%q has an empty host", v)
	}
	lo := 1
	if listen {
		lo = 0
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < lo || n > 65535 {
		p.add(key, "%q: port must be a number between %d and 65535", v, lo)
	}
}

// trimAddrErr drops the address net.SplitHostPort repeats in its error,
// as the message quotes it already.
func trimAddrErr(err error) string {
	var ae *net.AddrError
	if errors.As(err, &ae) {
		return ae.Err
	}
	return err.Error()
}

// domain checks a DNS-style domain: lowercase labels of [a-z0-9-], not
// starting or ending with '-', 1 to 63 bytes each, 253 bytes in all.
func (p *problems) domain(key, v string) {
	if why := domainProblem(v); why != "" {
		p.add(key, "%q is not a valid lowercase domain name: %s", v, why)
	}
}

// domainProblem says why v is not a valid domain, or returns "".
func domainProblem(v string) string {
	if v == "" {
		return "it is empty"
	}
	if len(v) > 253 {
		return "longer than 253 bytes"
	}
	for label := range strings.SplitSeq(v, ".") {
		switch {
		case label == "":
			return "empty label"
		case len(label) > 63:
			return "label longer than 63 bytes"
		case label[0] == '-' || label[len(label)-1] == '-':
			return "label starts or ends with '-'"
		}
		for i := range len(label) {
			c := label[i]
			if c >= 'A' && c <= 'Z' {
				return "upper case letters are not allowed"
			}
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return "only a-z, 0-9, '-' and '.' are allowed"
			}
		}
	}
	return ""
}

// bareJID checks "local@domain" with a valid domain and a localpart
// without spaces, control characters or any of the characters RFC 7622
// forbids there (" & ' / : < > @).
func (p *problems) bareJID(key, v string) {
	local, domain, ok := strings.Cut(v, "@")
	var why string
	switch {
	case !ok || strings.Contains(domain, "@"):
		why = "must contain exactly one '@'"
	case local == "":
		why = "empty local part"
	case len(local) > 1023:
		why = "local part longer than 1023 bytes"
	case strings.IndexFunc(local, badLocalRune) >= 0:
		why = "local part contains a space, a control character or one of \"&'/:<>@"
	default:
		if d := domainProblem(domain); d != "" {
			why = "domain: " + d
		}
	}
	if why != "" {
		p.add(key, "%q is not a bare JID like \"admin@example.org\": %s", v, why)
	}
}

// badLocalRune reports a rune not allowed in a JID localpart.
func badLocalRune(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune("\"&'/:<>@", r) || r == unicode.ReplacementChar
}

// quoteAll formats a list of allowed values: "a", "b" or "c".
func quoteAll(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = strconv.Quote(v)
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}
