package rooms

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/ident"
)

const testDomain = "rooms.test"

// fakeSender records what the service sends.
type fakeSender struct {
	mu   sync.Mutex
	sent []*component.Element
}

func (f *fakeSender) Domain() string { return testDomain }

func (f *fakeSender) Send(_ context.Context, st *component.Element) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, st)
	return nil
}

func (f *fakeSender) SendIQ(context.Context, *component.Element) (*component.Element, error) {
	return nil, errors.New("fake: SendIQ not supported")
}

// take removes and returns every stanza sent to jid so far, in order.
func (f *fakeSender) take(jid string) []*component.Element {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out, rest []*component.Element
	for _, st := range f.sent {
		if st.Get("to") == jid {
			out = append(out, st)
		} else {
			rest = append(rest, st)
		}
	}
	f.sent = rest
	return out
}

// clear forgets everything sent so far.
func (f *fakeSender) clear() {
	f.mu.Lock()
	f.sent = nil
	f.mu.Unlock()
}

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type harness struct {
	t     *testing.T
	svc   *Service
	snd   *fakeSender
	store *MemStore
	clk   *clock
}

func newHarness(t *testing.T, tweak func(*Config)) *harness {
	t.Helper()
	clk := &clock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	cfg := Config{Domain: testDomain, Now: clk.Now, Salt: []byte("test-salt"), BroadcastLimit: 100, History: 20, MaxMessagesPerMinute: 30}
	if tweak != nil {
		tweak(&cfg)
	}
	st := NewMemStore()
	svc, err := New(cfg, st, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	return &harness{t: t, svc: svc, snd: &fakeSender{}, store: st, clk: clk}
}

// send hands st to the service as the link's dispatch goroutine would.
func (h *harness) send(st *component.Element) {
	h.svc.HandleStanza(context.Background(), h.snd, st)
}

// sync waits until the room of key has processed everything queued so
// far (a no-op when the room is not live).
func (h *harness) sync(key ident.RoomKey) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := h.svc.do(ctx, key, func(*room) {}); err != nil {
		h.t.Fatal(err)
	}
}

// take syncs the room and returns the stanzas sent to jid.
func (h *harness) take(key ident.RoomKey, jid string) []*component.Element {
	h.t.Helper()
	h.sync(key)
	return h.snd.take(jid)
}

// join sends a join presence and returns what the joiner received.
func (h *harness) join(key ident.RoomKey, from, nick string, extra ...*component.Element) []*component.Element {
	h.t.Helper()
	h.send(joinPresence(from, h.roomJID(key)+"/"+nick, extra...))
	return h.take(key, from)
}

func (h *harness) roomJID(key ident.RoomKey) string { return h.svc.RoomJID(key) }

// waitGone waits until the room of key has ended.
func (h *harness) waitGone(key ident.RoomKey) {
	h.t.Helper()
	h.svc.mu.Lock()
	r := h.svc.rooms[key]
	h.svc.mu.Unlock()
	if r == nil {
		return
	}
	select {
	case <-r.done:
	case <-time.After(10 * time.Second):
		h.t.Fatal("room did not end")
	}
}

func mustKey(t testing.TB, url string) ident.RoomKey {
	t.Helper()
	k, _, err := ident.RoomKeyFor(url)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func stanza(kind, from, to, typ string, children ...*component.Element) *component.Element {
	return component.NewElement(component.NSComponent, kind, "from", from, "to", to, "type", typ, "id", component.NewID("t")).Add(children...)
}

func joinPresence(from, to string, extra ...*component.Element) *component.Element {
	return stanza(component.KindPresence, from, to, "", append([]*component.Element{component.NewElement(component.NSMUC, "x")}, extra...)...)
}

func groupchat(from, to, body string) *component.Element {
	return stanza(component.KindMessage, from, to, "groupchat", component.NewElement(component.NSComponent, "body").WithText(body))
}

func el(ns, local string, attrs ...string) *component.Element {
	return component.NewElement(ns, local, attrs...)
}

// codes returns the muc#user status codes of a stanza.
func codes(st *component.Element) []string {
	x := st.Child(nsMUCUser, "x")
	if x == nil {
		return nil
	}
	var out []string
	for _, c := range x.Children {
		if c.Name.Local == "status" {
			out = append(out, c.Get("code"))
		}
	}
	slices.Sort(out)
	return out
}

// describe summarises a stanza for comparisons: kind, type, from's
// resource (or "room"), codes, and the error condition if any.
func describe(st *component.Element) string {
	from := st.Get("from")
	who := "room"
	if i := strings.IndexByte(from, '/'); i >= 0 {
		who = from[i+1:]
	}
	s := st.Name.Local + ":" + st.Get("type") + ":" + who
	if c := codes(st); len(c) > 0 {
		s += ":" + strings.Join(c, ",")
	}
	if se := component.ParseStanzaError(st); se != nil {
		s += ":" + se.Condition
	}
	if st.Child("", "subject") != nil {
		s += ":subject"
	}
	if b := st.Child("", "body"); b != nil {
		s += ":" + b.Text
	}
	return s
}

func describeAll(sts []*component.Element) []string {
	out := make([]string, len(sts))
	for i, st := range sts {
		out[i] = describe(st)
	}
	return out
}

func wantSeq(t *testing.T, what string, got []*component.Element, want ...string) {
	t.Helper()
	g := describeAll(got)
	if !slices.Equal(g, want) {
		t.Errorf("%s:\n got  %q\n want %q", what, g, want)
	}
}

func errCond(st *component.Element) string {
	if se := component.ParseStanzaError(st); se != nil {
		return se.Type + "/" + se.Condition
	}
	return ""
}
