package component

import (
	"context"
	"fmt"
	"strings"

	"github.com/mpimis/mpimis/ident"
)

// Texts of the XEP-0100 prompt and the XEP-0077 instructions.
const (
	gwPromptDesc   = "Enter an SMS user's ID or @nick"
	gwPromptLabel  = "ID or nick"
	gwRegisterText = "There is nothing to register here: XMPP users write to <ID>@this domain directly, " +
		"and SMS users register by texting REG to the gateway's SMS number."
	gwDefaultName = "SMS gateway"
)

// gatewayPrompt answers a XEP-0100 jabber:iq:gateway get on the domain.
func (h *gwHandlers) gatewayPrompt(_ context.Context, _ Sender, iq *Element) (*Element, error) {
	if to, ok := gwTo(iq); !ok || to.local != "" {
		return nil, gwErrNotHere
	}
	return NewElement(gwNSGateway, "query").Add(
		NewElement(gwNSGateway, "desc").WithText(gwPromptDesc),
		NewElement(gwNSGateway, "prompt").WithText(gwPromptLabel),
	), nil
}

// gatewayResolve answers a jabber:iq:gateway set: the prompt (an imid or a
// nick) becomes the SMS user's JID. The relay refuses phone numbers; the
// prompt is never logged nor echoed, since it may be one.
func (h *gwHandlers) gatewayResolve(ctx context.Context, _ Sender, iq *Element) (*Element, error) {
	to, ok := gwTo(iq)
	if !ok || to.local != "" {
		return nil, gwErrNotHere
	}
	prompt := strings.TrimSpace(Payload(iq).ChildText("", "prompt"))
	if prompt == "" {
		return nil, gwErrEmptyPrompt
	}
	id, err := h.gw.Resolve(ctx, prompt)
	if err != nil {
		h.logRefusal("gateway prompt not resolved", err)
		return nil, gwStanzaError(err)
	}
	if _, err := ident.ParseIMID(id.String()); err != nil {
		return nil, fmt.Errorf("component: relay resolved to a bad imid: %w", err)
	}
	return NewElement(gwNSGateway, "query").Add(
		NewElement(gwNSGateway, "jid").WithText(id.String() + "@" + to.domain),
	), nil
}

// registerGet answers XEP-0077 jabber:iq:register get on the domain with
// instructions only (as text and as a field-less form): registration
// happens by SMS.
func (h *gwHandlers) registerGet(_ context.Context, _ Sender, iq *Element) (*Element, error) {
	if to, ok := gwTo(iq); !ok || to.local != "" {
		return nil, gwErrNotHere
	}
	form := gwNewForm(gwFormForm, "Registration", gwRegisterText).
		Add(gwHiddenField("FORM_TYPE", gwNSRegister))
	return NewElement(gwNSRegister, "query").Add(
		NewElement(gwNSRegister, "instructions").WithText(gwRegisterText),
		form,
	), nil
}

// registerSet refuses every in-band registration (and cancellation).
func (h *gwHandlers) registerSet(_ context.Context, _ Sender, iq *Element) (*Element, error) {
	if to, ok := gwTo(iq); !ok || to.local != "" {
		return nil, gwErrNotHere
	}
	return nil, gwErrRegisterSMS
}

// vcard answers vcard-temp get: for <imid>@domain the SMS user's public
// profile (FN is the nick or else the imid, NICKNAME the nick; never a
// number), for the domain the gateway's name.
func (h *gwHandlers) vcard(ctx context.Context, _ Sender, iq *Element) (*Element, error) {
	to, ok := gwTo(iq)
	if !ok {
		return nil, gwErrNoSuchUser
	}
	if to.local == "" {
		return NewElement(gwNSVCard, "vCard").Add(
			NewElement(gwNSVCard, "FN").WithText(h.serviceName()),
		), nil
	}
	if !to.valid {
		return nil, gwErrNoSuchUser
	}
	p, err := h.gw.Profile(ctx, to.imid)
	if err != nil {
		h.logRefusal("profile not found", err, "imid", to.imid.String())
		return nil, gwStanzaError(err)
	}
	v := NewElement(gwNSVCard, "vCard").Add(
		NewElement(gwNSVCard, "FN").WithText(gwDisplayName(p.Nick, to.imid)),
	)
	if p.Nick != "" {
		v.Add(NewElement(gwNSVCard, "NICKNAME").WithText(p.Nick))
	}
	return v, nil
}

// gwDisplayName is an SMS user's name as XMPP users see it.
func gwDisplayName(nick string, id ident.IMID) string {
	if nick != "" {
		return nick
	}
	return id.String()
}

func (h *gwHandlers) serviceName() string {
	for _, id := range h.svc.Identities {
		if id.Name != "" {
			return id.Name
		}
	}
	return gwDefaultName
}
