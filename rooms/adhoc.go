package rooms

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"

	"github.com/mpimis/mpimis/component"
)

// NSCommands is the XEP-0050 (ad-hoc commands) namespace.
const NSCommands = "http://jabber.org/protocol/commands"

// Ad-hoc command nodes of the rooms domain.
const (
	// CmdLookup returns the room of a page URL (anyone).
	CmdLookup = "lookup"
	// CmdStats returns the top pages of the last 24 hours (admins only).
	CmdStats = "stats"
)

// adhocCmd is one ad-hoc command: with a form, execute returns the form
// and the submission runs it; without, it runs at once.
type adhocCmd struct {
	node, name string
	admin      bool
	form       func() *component.Element
	run        func(ctx context.Context, vals map[string][]string) []*component.Element
}

func (s *Service) commands() []adhocCmd {
	return []adhocCmd{
		{node: CmdLookup, name: "Find the room of a web page", form: lookupForm, run: s.runLookup},
		{node: CmdStats, name: "Page statistics (last 24 hours)", admin: true, run: s.runStats},
	}
}

// registerCommands installs the XEP-0050 handlers on the base service.
func (s *Service) registerCommands() {
	s.base.Features = append(s.base.Features, NSCommands)
	s.base.HandleIQ(component.TypeSet, NSCommands, "command", s.command)
	s.base.HandleIQ(component.TypeGet, component.NSDiscoItem, "query", s.domainItems)
}

// isAdmin reports whether the stanza's sender is in Config.Admins.
func (s *Service) isAdmin(st *component.Element) bool {
	from, ok := splitJID(st.Get("from"))
	if !ok {
		return false
	}
	for _, a := range s.cfg.Admins {
		if strings.EqualFold(a, from.bare()) {
			return true
		}
	}
	return false
}

// toDomain reports whether st is addressed to the bare rooms domain.
func toDomain(st *component.Element) bool {
	to, ok := splitJID(st.Get("to"))
	return ok && to.local == "" && to.resource == ""
}

// domainItems answers disco#items on the domain: the live rooms, or with
// the commands node the commands the requester may run.
func (s *Service) domainItems(ctx context.Context, _ component.Sender, iq *component.Element) (*component.Element, error) {
	q := component.Payload(iq)
	if !toDomain(iq) {
		return nil, errNoSuchRoom
	}
	res := component.NewElement(component.NSDiscoItem, "query")
	switch q.Get("node") {
	case "":
		for _, it := range s.discoItems(ctx) {
			res.Add(component.NewElement(component.NSDiscoItem, "item", "jid", it.JID, "name", it.Name))
		}
	case NSCommands:
		res.SetAttr("node", NSCommands)
		admin := s.isAdmin(iq)
		for _, c := range s.commands() {
			if !c.admin || admin {
				res.Add(component.NewElement(component.NSDiscoItem, "item", "jid", s.cfg.Domain, "node", c.node, "name", c.name))
			}
		}
	default:
		return nil, stanzaErr(component.ErrTypeCancel, component.CondItemNotFound, "")
	}
	return res, nil
}

// command runs the XEP-0050 flow: execute a command with a form -> the
// form (status executing, sessionid); submit it (execute or complete with
// the form) -> the result (status completed); cancel -> canceled. A
// command without a form, or a first request already carrying the filled
// form, completes at once. Sessions are stateless: the session id carries
// a MAC binding it to the node and the requester.
func (s *Service) command(ctx context.Context, _ component.Sender, iq *component.Element) (*component.Element, error) {
	if !toDomain(iq) {
		return nil, errCmdNotHere
	}
	c := component.Payload(iq)
	node := c.Get("node")
	if node == "" {
		return nil, errCmdNoNode
	}
	var cmd *adhocCmd
	for _, x := range s.commands() {
		if x.node == node {
			cmd = &x
			break
		}
	}
	if cmd == nil {
		return nil, errCmdNoSuch
	}
	if cmd.admin && !s.isAdmin(iq) {
		return nil, errCmdNotAdmin
	}
	action := c.Get("action")
	switch action {
	case "", "execute", "complete", "cancel":
	default:
		return nil, errCmdBadAction
	}
	owner, sid := iq.Get("from"), c.Get("sessionid")
	x := c.Child(component.NSDataForms, "x")
	if sid == "" {
		sid = s.sessionID(node, owner)
		switch {
		case action == "cancel":
			return nil, errCmdSession
		case cmd.form == nil || x != nil:
			return s.complete(ctx, cmd, sid, x), nil
		}
		return cmdElement(node, sid, "executing").Add(
			component.NewElement(NSCommands, "actions", "execute", "complete").Add(
				component.NewElement(NSCommands, "complete")),
			cmd.form()), nil
	}
	if !s.checkSession(sid, node, owner) {
		return nil, errCmdSession
	}
	if action == "cancel" {
		return cmdElement(node, sid, "canceled"), nil
	}
	if x == nil {
		return nil, errCmdNoForm
	}
	return s.complete(ctx, cmd, sid, x), nil
}

func (s *Service) complete(ctx context.Context, cmd *adhocCmd, sid string, x *component.Element) *component.Element {
	return cmdElement(cmd.node, sid, "completed").Add(cmd.run(ctx, submittedValues(x))...)
}

func cmdElement(node, sid, status string) *component.Element {
	return component.NewElement(NSCommands, "command", "node", node, "sessionid", sid, "status", status)
}

func cmdNote(typ, text string) *component.Element {
	return component.NewElement(NSCommands, "note", "type", typ).WithText(text)
}

// sessionMAC binds a session nonce to its node and requester.
func (s *Service) sessionMAC(nonce, node, owner string) string {
	m := hmac.New(sha256.New, s.fwdKey)
	for _, v := range []string{"adhoc", nonce, node, owner} {
		m.Write([]byte(v))
		m.Write([]byte{0})
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:12])
}

// sessionID returns a new session id for node and owner.
func (s *Service) sessionID(node, owner string) string {
	var b [9]byte
	_, _ = rand.Read(b[:])
	nonce := base64.RawURLEncoding.EncodeToString(b[:])
	return nonce + "." + s.sessionMAC(nonce, node, owner)
}

// checkSession verifies that sid was issued for node and owner.
func (s *Service) checkSession(sid, node, owner string) bool {
	nonce, mac, ok := strings.Cut(sid, ".")
	return ok && hmac.Equal([]byte(mac), []byte(s.sessionMAC(nonce, node, owner)))
}

// submittedValues returns the values of a submitted data form by field name.
func submittedValues(x *component.Element) map[string][]string {
	vals := make(map[string][]string)
	if x == nil {
		return vals
	}
	for _, f := range x.Children {
		if f.Name.Local != "field" || f.Name.Space != component.NSDataForms || f.Get("var") == "" {
			continue
		}
		for _, v := range f.Children {
			if v.Name.Local == "value" && v.Name.Space == component.NSDataForms {
				vals[f.Get("var")] = append(vals[f.Get("var")], v.Text)
			}
		}
	}
	return vals
}
