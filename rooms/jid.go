package rooms

import "strings"

// addr is a JID split into its parts (RFC 7622). The XMPP server has
// already prepared the addresses it routes to the component, so no
// stringprep is applied here; the parts are compared as they are.
type addr struct {
	local, domain, resource string
}

// splitJID splits s into localpart, domainpart and resourcepart. The
// resource starts at the first '/'; a localpart ends at an '@' before it.
// ok is false for an empty domain, an empty localpart before '@' or an
// empty resource after '/'.
func splitJID(s string) (a addr, ok bool) {
	rest := s
	if i := strings.IndexByte(s, '/'); i >= 0 {
		rest, a.resource = s[:i], s[i+1:]
		if a.resource == "" {
			return addr{}, false
		}
	}
	a.domain = rest
	if i := strings.IndexByte(rest, '@'); i >= 0 {
		a.local, a.domain = rest[:i], rest[i+1:]
		if a.local == "" {
			return addr{}, false
		}
	}
	if a.domain == "" || strings.ContainsAny(a.domain, "@") {
		return addr{}, false
	}
	return a, true
}

// bare returns local@domain (or the domain alone).
func (a addr) bare() string {
	if a.local == "" {
		return a.domain
	}
	return a.local + "@" + a.domain
}

// full returns the whole JID.
func (a addr) full() string {
	if a.resource == "" {
		return a.bare()
	}
	return a.bare() + "/" + a.resource
}
