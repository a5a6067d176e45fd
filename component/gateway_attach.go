package component

import (
	"context"
	"log/slog"

	"mellium.im/xmpp/jid"

	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/relay"
)

// The gateway glue: the XMPP side of the SMS gateway domain. Inbound
// stanzas (gateway_message.go, gateway_presence.go, gateway_iq.go,
// gateway_disco.go, gateway_adhoc.go) become calls on relay.Gateway;
// outbound relay calls become stanzas (gateway_outbound.go). Relay errors
// become stanza errors in one place (gateway_errors.go).
//
// Unexported package-level names of these files start with "gw" because
// other services add files to this package.

// Namespaces used by the gateway domain.
const (
	gwNSGateway  = "jabber:iq:gateway"                   // XEP-0100
	gwNSVCard    = "vcard-temp"                          // XEP-0054
	gwNSCommands = "http://jabber.org/protocol/commands" // XEP-0050
	gwNSNick     = "http://jabber.org/protocol/nick"     // XEP-0172
	gwNSRegister = "jabber:iq:register"                  // XEP-0077
)

// gwHandlers answers the gateway domain's stanzas on behalf of the relay.
type gwHandlers struct {
	svc  *Service
	gw   relay.Gateway
	log  *slog.Logger
	cmds *gwCommands
}

// AttachGateway registers the gateway domain's stanza handling on svc (as
// built by NewGatewayService): messages and presences to <imid>@domain go
// to gw, presences to the domain itself are answered XEP-0100 style, and
// the iq payloads jabber:iq:gateway, jabber:iq:register, vcard-temp,
// disco#info/#items (user JIDs and command nodes) and XEP-0050 ad-hoc
// commands for administrators are answered; svc's disco#info advertises
// them. Call it before the link of svc starts.
//
// The outbound half (relay.XMPP) is GatewayXMPP, built separately with
// NewGatewayXMPP so that the relay core can be constructed between the two:
// service -> link -> NewGatewayXMPP(link) -> relay core -> AttachGateway.
func AttachGateway(svc *Service, gw relay.Gateway, log *slog.Logger) {
	attachGateway(svc, gw, log)
}

// attachGateway is AttachGateway returning the handlers, for tests.
func attachGateway(svc *Service, gw relay.Gateway, log *slog.Logger) *gwHandlers {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h := &gwHandlers{svc: svc, gw: gw, log: log, cmds: newGWCommands()}
	svc.Features = gwAppendMissing(svc.Features,
		NSReceipts, gwNSGateway, gwNSRegister, gwNSCommands, gwNSVCard)
	svc.Message = h.message
	svc.Presence = h.presence
	// The relay core is safe for concurrent use and serialises what must be
	// (a phone's MOs); conversations need not wait for each other.
	svc.Concurrent = true
	svc.HandleIQ(TypeGet, gwNSGateway, "query", h.gatewayPrompt)
	svc.HandleIQ(TypeSet, gwNSGateway, "query", h.gatewayResolve)
	svc.HandleIQ(TypeGet, gwNSRegister, "query", h.registerGet)
	svc.HandleIQ(TypeSet, gwNSRegister, "query", h.registerSet)
	svc.HandleIQ(TypeGet, gwNSVCard, "vCard", h.vcard)
	svc.HandleIQ(TypeGet, NSDiscoInfo, "query", h.discoInfo)
	svc.HandleIQ(TypeGet, NSDiscoItem, "query", h.discoItems)
	svc.HandleIQ(TypeSet, gwNSCommands, "command", h.command)
	return h
}

func gwAppendMissing(list []string, add ...string) []string {
	have := make(map[string]bool, len(list))
	for _, f := range list {
		have[f] = true
	}
	for _, f := range add {
		if !have[f] {
			list = append(list, f)
			have[f] = true
		}
	}
	return list
}

// gwAddr is the parsed 'to' of a stanza addressed to the gateway domain.
type gwAddr struct {
	domain string     // the gateway domain, normalised
	bare   string     // the bare 'to', normalised
	local  string     // localpart, "" for the domain itself
	imid   ident.IMID // set when local is a valid imid
	valid  bool       // local parsed as an imid
}

// gwTo parses the stanza's 'to'; ok is false when it is not a JID.
func gwTo(st *Element) (a gwAddr, ok bool) {
	j, err := jid.Parse(st.Get("to"))
	if err != nil {
		return a, false
	}
	a.domain, a.local, a.bare = j.Domainpart(), j.Localpart(), j.Bare().String()
	if a.local != "" {
		if id, err := ident.ParseIMID(a.local); err == nil {
			a.imid, a.valid = id, true
		}
	}
	return a, true
}

// gwFrom parses the stanza's 'from' (stamped by the server).
func gwFrom(st *Element) (jid.JID, bool) {
	from := st.Get("from")
	if from == "" {
		return jid.JID{}, false
	}
	j, err := jid.Parse(from)
	return j, err == nil
}

// send writes st, logging (at debug) what could not be sent: answers to
// inbound stanzas are not retried.
func (h *gwHandlers) send(ctx context.Context, s Sender, st *Element) {
	if st == nil {
		return
	}
	if err := s.Send(ctx, st); err != nil {
		h.log.Debug("gateway answer not sent", "kind", st.Name.Local, "err", err)
	}
}
