package component

import "context"

// discoInfo answers disco#info for the whole gateway domain: the domain
// itself (built in), its command nodes (XEP-0050 2.2), and SMS users'
// JIDs (identity client/sms; item-not-found for an unknown user).
func (h *gwHandlers) discoInfo(ctx context.Context, s Sender, iq *Element) (*Element, error) {
	to, ok := gwTo(iq)
	if !ok {
		return nil, errNotFound
	}
	node := Payload(iq).Get("node")
	if to.local == "" {
		switch {
		case node == "":
			return h.svc.discoInfo(ctx, s, iq)
		case node == gwNSCommands:
			return gwInfo(node, Identity{Category: "automation", Type: "command-list", Name: "Commands"},
				NSDiscoInfo, NSDiscoItem), nil
		}
		cmd := h.cmds.find(node)
		if cmd == nil {
			return nil, gwErrNoSuchNode
		}
		if !h.isAdmin(iq) {
			return nil, gwErrNotAdmin
		}
		return gwInfo(node, Identity{Category: "automation", Type: "command-node", Name: cmd.name},
			gwNSCommands, NSDataForms), nil
	}
	if node != "" || !to.valid {
		return nil, gwErrNoSuchUser
	}
	p, err := h.gw.Profile(ctx, to.imid)
	if err != nil {
		h.logRefusal("profile not found", err, "imid", to.imid.String())
		return nil, gwStanzaError(err)
	}
	return gwInfo("", Identity{Category: "client", Type: "sms", Name: gwDisplayName(p.Nick, to.imid)},
		NSDiscoInfo, NSReceipts, gwNSVCard), nil
}

// discoItems answers disco#items: the domain's items (built in), the
// command list (XEP-0050 2.2; empty for anyone but an administrator), and
// an empty list for an SMS user.
func (h *gwHandlers) discoItems(ctx context.Context, s Sender, iq *Element) (*Element, error) {
	to, ok := gwTo(iq)
	if !ok {
		return nil, errNotFound
	}
	node := Payload(iq).Get("node")
	if to.local == "" {
		switch node {
		case "":
			return h.svc.discoItems(ctx, s, iq)
		case gwNSCommands:
			res := NewElement(NSDiscoItem, "query", "node", node)
			if h.isAdmin(iq) {
				for _, c := range h.cmds.list {
					res.Add(NewElement(NSDiscoItem, "item", "jid", to.bare, "node", c.node, "name", c.name))
				}
			}
			return res, nil
		}
		return nil, gwErrNoSuchNode
	}
	if node != "" || !to.valid {
		return nil, gwErrNoSuchUser
	}
	if _, err := h.gw.Profile(ctx, to.imid); err != nil {
		h.logRefusal("profile not found", err, "imid", to.imid.String())
		return nil, gwStanzaError(err)
	}
	return NewElement(NSDiscoItem, "query"), nil
}

// gwInfo builds a disco#info result.
func gwInfo(node string, id Identity, features ...string) *Element {
	q := NewElement(NSDiscoInfo, "query", "node", node)
	q.Add(NewElement(NSDiscoInfo, "identity", "category", id.Category, "type", id.Type, "name", id.Name))
	for _, f := range features {
		q.Add(NewElement(NSDiscoInfo, "feature", "var", f))
	}
	return q
}

// isAdmin reports whether the stanza's sender (its bare JID) is an
// administrator of the gateway.
func (h *gwHandlers) isAdmin(st *Element) bool {
	from, ok := gwFrom(st)
	return ok && h.gw.IsAdmin(from.Bare().String())
}
