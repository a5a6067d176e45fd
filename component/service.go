package component

import (
	"context"
	"errors"
	"log/slog"
	"sort"

	"mellium.im/xmpp/jid"
)

// Identity is a XEP-0030 identity.
type Identity struct {
	Category, Type, Name string
}

// DiscoItem is a XEP-0030 item.
type DiscoItem struct {
	JID, Node, Name string
}

// IQFunc answers an iq get or set. It returns the payload of the result
// (nil for an empty result) or an error; a *StanzaError is sent as is, any
// other error as internal-server-error (and logged).
type IQFunc func(ctx context.Context, s Sender, iq *Element) (*Element, error)

// StanzaFunc processes a message or presence.
type StanzaFunc func(ctx context.Context, s Sender, st *Element)

// Service answers the stanzas of one component domain: service discovery,
// ping and version out of the box, further iq payloads, messages and
// presences through registered functions, and service-unavailable for
// anything else. It implements Handler.
type Service struct {
	Identities []Identity
	Features   []string
	Version    string // reported by XEP-0092 as the version of "mpimis"
	Log        *slog.Logger

	// Items lists the disco#items of the domain (nil: none).
	Items func(ctx context.Context) []DiscoItem
	// Message and Presence receive those stanzas (nil: messages with a
	// body are refused with service-unavailable, presences are ignored).
	Message  StanzaFunc
	Presence StanzaFunc
	// Concurrent lets the link handle this domain's stanzas concurrently,
	// in order only per sender's bare JID (Lane). Its functions must then
	// be safe for concurrent use.
	Concurrent bool

	iq map[iqKey]IQFunc
}

type iqKey struct{ typ, ns, local string }

var _ Handler = (*Service)(nil)

// HandleIQ registers fn for iqs of type typ ("get" or "set") whose payload
// is the element {ns}local, replacing any built-in answer.
func (s *Service) HandleIQ(typ, ns, local string, fn IQFunc) {
	if s.iq == nil {
		s.iq = make(map[iqKey]IQFunc)
	}
	s.iq[iqKey{typ, ns, local}] = fn
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

// AllFeatures returns the features advertised in disco#info, sorted.
func (s *Service) AllFeatures() []string {
	set := map[string]bool{NSDiscoInfo: true, NSDiscoItem: true, NSPing: true, NSVersion: true}
	for _, f := range s.Features {
		set[f] = true
	}
	out := make([]string, 0, len(set))
	for f := range set {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// HandleStanza implements Handler.
func (s *Service) HandleStanza(ctx context.Context, snd Sender, st *Element) {
	switch st.Name.Local {
	case KindIQ:
		s.handleIQ(ctx, snd, st)
	case KindMessage:
		if s.Message != nil {
			s.Message(ctx, snd, st)
			return
		}
		if st.Child("", "body") != nil {
			s.reply(ctx, snd, ErrorReply(st, &StanzaError{Type: ErrTypeCancel, Condition: CondServiceUnavailable}))
		}
	case KindPresence:
		if s.Presence != nil {
			s.Presence(ctx, snd, st)
		}
	}
}

func (s *Service) handleIQ(ctx context.Context, snd Sender, iq *Element) {
	typ := iq.Get("type")
	if typ != TypeGet && typ != TypeSet {
		return // unsolicited result or error: nothing to answer
	}
	p := Payload(iq)
	if p == nil || len(iq.Children) != 1 {
		s.reply(ctx, snd, ErrorReply(iq, &StanzaError{Type: ErrTypeModify, Condition: CondBadRequest, Text: "an iq get or set carries exactly one payload"}))
		return
	}
	fn := s.iq[iqKey{typ, p.Name.Space, p.Name.Local}]
	if fn == nil && typ == TypeGet {
		switch p.Name.Space + " " + p.Name.Local {
		case NSDiscoInfo + " query":
			fn = s.discoInfo
		case NSDiscoItem + " query":
			fn = s.discoItems
		case NSPing + " ping":
			fn = s.ping
		case NSVersion + " query":
			fn = s.version
		}
	}
	if fn == nil {
		s.reply(ctx, snd, ErrorReply(iq, &StanzaError{Type: ErrTypeCancel, Condition: CondServiceUnavailable}))
		return
	}
	payload, err := fn(ctx, snd, iq)
	if err != nil {
		var se *StanzaError
		if !errors.As(err, &se) {
			s.log().Error("iq handler failed", "payload", p.Name.Space, "err", err)
			se = &StanzaError{Type: ErrTypeWait, Condition: CondInternalServerError}
		}
		s.reply(ctx, snd, ErrorReply(iq, se))
		return
	}
	s.reply(ctx, snd, ResultFor(iq).Add(payload))
}

func (s *Service) reply(ctx context.Context, snd Sender, st *Element) {
	if st == nil {
		return
	}
	if err := snd.Send(ctx, st); err != nil {
		s.log().Debug("reply not sent", "err", err)
	}
}

// toDomain reports whether the iq is addressed to the bare domain itself.
func toDomain(iq *Element) bool {
	j, err := jid.Parse(iq.Get("to"))
	return err == nil && j.Localpart() == "" && j.Resourcepart() == ""
}

var errNotFound = &StanzaError{Type: ErrTypeCancel, Condition: CondItemNotFound}

func (s *Service) discoInfo(_ context.Context, _ Sender, iq *Element) (*Element, error) {
	q := Payload(iq)
	if !toDomain(iq) || q.Get("node") != "" {
		return nil, errNotFound
	}
	res := NewElement(NSDiscoInfo, "query")
	for _, id := range s.Identities {
		res.Add(NewElement(NSDiscoInfo, "identity", "category", id.Category, "type", id.Type, "name", id.Name))
	}
	for _, f := range s.AllFeatures() {
		res.Add(NewElement(NSDiscoInfo, "feature", "var", f))
	}
	return res, nil
}

func (s *Service) discoItems(ctx context.Context, _ Sender, iq *Element) (*Element, error) {
	q := Payload(iq)
	if !toDomain(iq) || q.Get("node") != "" {
		return nil, errNotFound
	}
	res := NewElement(NSDiscoItem, "query")
	if s.Items != nil {
		for _, it := range s.Items(ctx) {
			res.Add(NewElement(NSDiscoItem, "item", "jid", it.JID, "node", it.Node, "name", it.Name))
		}
	}
	return res, nil
}

func (s *Service) ping(_ context.Context, _ Sender, _ *Element) (*Element, error) {
	return nil, nil
}

func (s *Service) version(_ context.Context, _ Sender, iq *Element) (*Element, error) {
	if !toDomain(iq) {
		return nil, &StanzaError{Type: ErrTypeCancel, Condition: CondServiceUnavailable}
	}
	v := s.Version
	if v == "" {
		v = "devel"
	}
	return NewElement(NSVersion, "query").Add(
		NewElement(NSVersion, "name").WithText("mpimis"),
		NewElement(NSVersion, "version").WithText(v),
	), nil
}
