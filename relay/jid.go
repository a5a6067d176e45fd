package relay

import (
	"strings"

	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/store"
)

// bareJID returns the bare JID (local@domain or domain) of a full or bare
// JID, lowercased so that it can be compared and used as a key (the XMPP
// server has already applied PRECIS to what it stamps). ok is false for
// an empty localpart or domain.
func bareJID(j string) (string, bool) {
	if i := strings.IndexByte(j, '/'); i >= 0 {
		j = j[:i]
	}
	j = strings.ToLower(strings.TrimRight(strings.TrimSpace(j), "."))
	at := strings.LastIndexByte(j, '@')
	if j == "" || at == 0 || at == len(j)-1 || strings.ContainsAny(j, " \t\r\n") {
		return "", false
	}
	return j, true
}

// jidDomain returns the domain of a bare JID.
func jidDomain(bare string) string {
	return bare[strings.LastIndexByte(bare, '@')+1:]
}

// jidOf returns the JID of an SMS user.
func (c *Core) jidOf(imid string) string {
	return imid + "@" + c.cfg.GatewayDomain
}

// gatewayIMID returns the imid of a bare JID on the gateway domain.
func (c *Core) gatewayIMID(bare string) (ident.IMID, bool) {
	at := strings.LastIndexByte(bare, '@')
	if at < 0 || bare[at+1:] != c.cfg.GatewayDomain {
		return "", false
	}
	id, err := ident.ParseIMID(bare[:at])
	return id, err == nil
}

// peerOf is the store form of an SMS user as a peer or sender.
func peerOf(imid string) string { return store.IMIDPeer(imid) }

// display is how an SMS user is shown to others: "45678901 (bob)", or the
// imid alone without a nick. Never a phone number.
func display(b *store.Binding) string {
	if b.Nick == "" {
		return b.IMID
	}
	return b.IMID + " (" + b.Nick + ")"
}
