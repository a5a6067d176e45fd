package relay

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mpimis/mpimis/ident"
)

// DestKind says how a destination was written.
type DestKind int

// Destination kinds.
const (
	DestNone DestKind = iota
	DestIMID          // 45678901: an SMS user's identity
	DestNick          // @alice: an SMS user's nick
	DestJID           // alice@example.org: an XMPP user (bare JID)
)

// Dest is where an SMS user sends, or what they ask about. Exactly one of
// IMID, Nick, JID is set, according to Kind. A phone number is never a
// destination.
//
//	"45678901"          -> {DestIMID, IMID: "45678901"}
//	"@Alice"            -> {DestNick, Nick: "alice"}
//	"bob@example.org"   -> {DestJID,  JID:  "bob@example.org"}
//	"Bob@Example.ORG"   -> {DestJID,  JID:  "Bob@example.org"} (domain lowercased; the
//	                       localpart is left for the XMPP layer to normalise)
//	"+4915112345678"    -> ErrPhoneDest
type Dest struct {
	Kind DestKind
	IMID ident.IMID
	Nick ident.Nick
	JID  string
}

func (d Dest) String() string {
	switch d.Kind {
	case DestIMID:
		return string(d.IMID)
	case DestNick:
		return "@" + string(d.Nick)
	case DestJID:
		return d.JID
	}
	return ""
}

// Destination errors.
var (
	ErrPhoneDest = errors.New("relay: phone numbers are not addresses: send to an ID, @nick or XMPP address")
	ErrBadDest   = errors.New("relay: not an ID, @nick or XMPP address")
)

// looksLikeDest reports whether the first word of an SMS is meant as an
// address (so that a malformed one is an error rather than free text):
// a '@nick', a word with '@' inside, a '+' followed by a digit, or a run
// of at least ident.MinIMIDDigits digits.
func looksLikeDest(w string) bool {
	switch {
	case strings.HasPrefix(w, "@") && len(w) > 1:
		return true
	case strings.Contains(w, "@"):
		return true
	case len(w) > 1 && w[0] == '+' && isDigits(w[1:2]):
		return true
	case len(w) >= ident.MinIMIDDigits && isDigits(w):
		return true
	}
	return false
}

// ParseDest parses one word as a destination.
func ParseDest(w string) (Dest, error) {
	switch {
	case strings.HasPrefix(w, "+") || (isDigits(w) && len(w) > ident.MaxIMIDDigits):
		return Dest{}, ErrPhoneDest
	case strings.HasPrefix(w, "@"):
		n, err := ident.ParseNick(w[1:])
		if err != nil {
			return Dest{}, fmt.Errorf("%w: %w", ErrBadDest, err)
		}
		return Dest{Kind: DestNick, Nick: n}, nil
	case isDigits(w):
		if strings.HasPrefix(w, "00") {
			return Dest{}, ErrPhoneDest
		}
		id, err := ident.ParseIMID(w)
		if err != nil {
			return Dest{}, fmt.Errorf("%w: %w", ErrBadDest, err)
		}
		return Dest{Kind: DestIMID, IMID: id}, nil
	}
	j, err := parseBareJID(w)
	if err != nil {
		return Dest{}, err
	}
	return Dest{Kind: DestJID, JID: j}, nil
}

// parseBareJID checks the shape of local@domain; full PRECIS validation is
// the XMPP layer's job.
func parseBareJID(w string) (string, error) {
	at := strings.IndexByte(w, '@')
	if at <= 0 || at == len(w)-1 || strings.Count(w, "@") != 1 {
		return "", ErrBadDest
	}
	if strings.ContainsAny(w, "/\"&'<>:") {
		return "", fmt.Errorf("%w: an XMPP address here is local@domain, without a resource", ErrBadDest)
	}
	local, domain := w[:at], strings.ToLower(strings.TrimSuffix(w[at+1:], "."))
	for _, label := range strings.Split(domain, ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return "", fmt.Errorf("%w: bad domain", ErrBadDest)
		}
		for _, r := range label {
			if !(r == '-' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127) {
				return "", fmt.Errorf("%w: bad domain", ErrBadDest)
			}
		}
	}
	return local + "@" + domain, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
