package component

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/relay"
)

// Test identities: gwUser is a bound SMS user, gwAdmin an administrator.
const (
	gwUser    = ident.IMID("45678901")
	gwUserJID = "45678901@" + testDomain
	gwAlice   = "alice@example.org/phone"
	gwAdmin   = "root@example.org/laptop"
)

// gwFakeRelay is a relay.Gateway that records calls and returns scripted
// answers.
type gwFakeRelay struct {
	mu sync.Mutex

	calls     []string // method names in call order
	messages  []relay.XMPPMessage
	presences []relay.InPresence
	prompts   []string
	imids     []ident.IMID // arguments of Unbind/Suspend/Resume
	queries   []string     // FindBinding arguments

	err      error // returned by every error-returning method when set
	profiles map[ident.IMID]relay.Profile
	resolved ident.IMID
	binding  relay.BindingInfo
	counters map[string]int64
	admins   map[string]bool
}

var _ relay.Gateway = (*gwFakeRelay)(nil)

func newGWFakeRelay() *gwFakeRelay {
	return &gwFakeRelay{
		profiles: map[ident.IMID]relay.Profile{gwUser: {IMID: gwUser, Nick: "bob", Available: true}},
		resolved: gwUser,
		binding: relay.BindingInfo{IMID: gwUser, Nick: "bob", State: "active",
			CreatedAt: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), Buddies: 3, Blocks: 1},
		counters: map[string]int64{"bindings_active": 7, "relayed_xmpp_to_sms": 42},
		admins:   map[string]bool{"root@example.org": true},
	}
}

func (f *gwFakeRelay) record(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, name)
	return f.err
}

func (f *gwFakeRelay) callNames() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *gwFakeRelay) FromXMPP(_ context.Context, m relay.XMPPMessage) error {
	f.mu.Lock()
	f.messages = append(f.messages, m)
	f.mu.Unlock()
	return f.record("FromXMPP")
}

func (f *gwFakeRelay) Presence(_ context.Context, p relay.InPresence) error {
	f.mu.Lock()
	f.presences = append(f.presences, p)
	f.mu.Unlock()
	return f.record("Presence")
}

func (f *gwFakeRelay) Profile(_ context.Context, id ident.IMID) (relay.Profile, error) {
	if err := f.record("Profile"); err != nil {
		return relay.Profile{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.profiles[id]
	if !ok {
		return relay.Profile{}, &relay.Error{Kind: relay.KindNotFound, Text: "no such user"}
	}
	return p, nil
}

func (f *gwFakeRelay) Resolve(_ context.Context, prompt string) (ident.IMID, error) {
	f.mu.Lock()
	f.prompts = append(f.prompts, prompt)
	f.mu.Unlock()
	if err := f.record("Resolve"); err != nil {
		return "", err
	}
	return f.resolved, nil
}

func (f *gwFakeRelay) IsAdmin(bare string) bool {
	f.record("IsAdmin")
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.admins[bare]
}

func (f *gwFakeRelay) FindBinding(_ context.Context, q string) (relay.BindingInfo, error) {
	f.mu.Lock()
	f.queries = append(f.queries, q)
	f.mu.Unlock()
	if err := f.record("FindBinding"); err != nil {
		return relay.BindingInfo{}, err
	}
	return f.binding, nil
}

func (f *gwFakeRelay) imidCall(name string, id ident.IMID) error {
	f.mu.Lock()
	f.imids = append(f.imids, id)
	f.mu.Unlock()
	return f.record(name)
}

func (f *gwFakeRelay) Unbind(_ context.Context, id ident.IMID) error {
	return f.imidCall("Unbind", id)
}
func (f *gwFakeRelay) Suspend(_ context.Context, id ident.IMID) error {
	return f.imidCall("Suspend", id)
}
func (f *gwFakeRelay) Resume(_ context.Context, id ident.IMID) error {
	return f.imidCall("Resume", id)
}

func (f *gwFakeRelay) Counters(context.Context) (map[string]int64, error) {
	if err := f.record("Counters"); err != nil {
		return nil, err
	}
	return f.counters, nil
}

// gwFixture is a gateway service with the glue attached, a fake relay and
// a recording sender.
type gwFixture struct {
	h   *gwHandlers
	svc *Service
	gw  *gwFakeRelay
	out *recSender
}

func newGWFixture() *gwFixture {
	svc := NewGatewayService("test", nil)
	gw := newGWFakeRelay()
	h := attachGateway(svc, gw, nil)
	return &gwFixture{h: h, svc: svc, gw: gw, out: &recSender{domain: testDomain}}
}

// handle feeds st to the service and returns what it sent in answer.
func (f *gwFixture) handle(st *Element) []*Element {
	f.out.mu.Lock()
	before := len(f.out.sent)
	f.out.mu.Unlock()
	f.svc.HandleStanza(context.Background(), f.out, st)
	f.out.mu.Lock()
	defer f.out.mu.Unlock()
	return append([]*Element(nil), f.out.sent[before:]...)
}

// handleXML decodes s and feeds it to the service.
func (f *gwFixture) handleXML(t *testing.T, s string) []*Element {
	t.Helper()
	return f.handle(gwDecode(t, s))
}

// one asserts that exactly one stanza was sent and returns it.
func gwOne(t *testing.T, out []*Element) *Element {
	t.Helper()
	if len(out) != 1 {
		t.Fatalf("want exactly one answer, got %d: %v", len(out), out)
	}
	return out[0]
}

func gwDecode(t testing.TB, s string) *Element {
	t.Helper()
	el, err := decodeString(s)
	if err != nil {
		t.Fatalf("decoding %s: %v", s, err)
	}
	return el
}

// canonical renders e with sorted attributes and resolved namespaces, so
// that two elements compare equal whatever their attribute order and
// namespace declarations. Top-level stanzas in the component namespace and
// in no namespace compare equal.
func gwCanonical(e *Element) string {
	var b strings.Builder
	gwCanon(&b, e)
	return b.String()
}

func gwCanon(b *strings.Builder, e *Element) {
	ns := e.Name.Space
	if ns == NSComponent {
		ns = ""
	}
	fmt.Fprintf(b, "<{%s}%s", ns, e.Name.Local)
	attrs := make([]string, 0, len(e.Attr))
	for _, a := range e.Attr {
		attrs = append(attrs, fmt.Sprintf(" {%s}%s=%q", a.Name.Space, a.Name.Local, a.Value))
	}
	sort.Strings(attrs)
	b.WriteString(strings.Join(attrs, ""))
	fmt.Fprintf(b, ">%q", e.Text)
	for _, c := range e.Children {
		gwCanon(b, c)
	}
	b.WriteString("</>")
}

// sameXML asserts that got is the stanza written in want.
func gwSameXML(t *testing.T, got *Element, want string) {
	t.Helper()
	w := gwDecode(t, want)
	// Decoding and re-rendering got normalises what String() and the
	// decoder would change on the wire.
	g := gwDecode(t, got.String())
	if gwCanonical(g) != gwCanonical(w) {
		t.Errorf("stanza differs\n got: %s\nwant: %s", got, want)
	}
}

// msg builds an inbound message stanza.
func gwMsg(id, typ, to string, children ...*Element) *Element {
	return NewElement(NSComponent, KindMessage, "id", id, "type", typ, "from", gwAlice, "to", to).Add(children...)
}

func gwBody(s string) *Element { return NewElement(NSComponent, "body").WithText(s) }

// iqSet builds an iq set from the given sender.
func gwIQSet(id, from, to string, payload *Element) *Element {
	return NewElement(NSComponent, KindIQ, "type", TypeSet, "id", id, "from", from, "to", to).Add(payload)
}

func gwIQGet(id, from, to string, payload *Element) *Element {
	return NewElement(NSComponent, KindIQ, "type", TypeGet, "id", id, "from", from, "to", to).Add(payload)
}

// wantError asserts that st is an error stanza with the condition and type.
func gwWantError(t *testing.T, st *Element, cond, typ string) *StanzaError {
	t.Helper()
	if st.Get("type") != TypeError {
		t.Fatalf("want an error, got %s", st)
	}
	se := ParseStanzaError(st)
	if se == nil || se.Condition != cond || (typ != "" && se.Type != typ) {
		t.Fatalf("want %s (%s), got %s", cond, typ, st)
	}
	return se
}
