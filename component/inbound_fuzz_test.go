package component_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/relay"
	"github.com/mpimis/mpimis/rooms"
	"github.com/mpimis/mpimis/store"
)

// The two domains of the fuzzed process, and what belongs to the probes
// that check after every input that the services still work: inputs
// that mention probeDomain or the probe phone's digits are skipped, so
// that only the probes speak for those identities.
const (
	fzGateway   = "sms.example.org"
	fzRooms     = "rooms.example.org"
	probeDomain = "probe.test"
	probeJID    = "probe@" + probeDomain + "/x"
	probePhone  = "+4915112345678"
	probeDigits = "5112345678"
	probeURL    = "https://" + probeDomain + "/page"
)

// fzSMS is the relay's SMS side: it records what would be texted, and
// runs what the relay records with a message in a transaction of st.
type fzSMS struct {
	mu   sync.Mutex
	sent []string
	st   *store.Store
}

func (s *fzSMS) Segments(body string) (int, error) { return 1 + len(body)/153, nil }

func (s *fzSMS) Send(ctx context.Context, _ ident.Phone, body string, _ relay.SMSMeta, with func(*store.Tx) error) error {
	if with != nil {
		if err := s.st.WriteTx(ctx, with); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, body)
	return nil
}

func (s *fzSMS) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.sent
	s.sent = nil
	return out
}

// fzOut is one stanza the process sent, with the domain of its link.
type fzOut struct {
	domain string
	st     *component.Element
}

// fzProcess is mpimis as internal/app wires it, on a fake XMPP server:
// two links sharing a router and a tracker, the gateway service with the
// relay core on a real store, and the rooms service.
type fzProcess struct {
	links    map[string]*component.Link
	conns    map[string]*component.FakeConn
	out      chan fzOut
	sms      *fzSMS
	imid     string // the probe SMS user's
	roomJID  string // the probe's room
	probeNum int
}

func newFZProcess(f *testing.F) *fzProcess {
	ctx, cancel := context.WithCancel(context.Background())
	srv := component.NewFakeServer(f, "s3cret")
	st, err := store.Open(ctx, filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	p := &fzProcess{links: map[string]*component.Link{}, conns: map[string]*component.FakeConn{},
		out: make(chan fzOut, 4096), sms: &fzSMS{st: st}}
	router, tracker := component.NewRouter(), component.NewTracker()
	gw := component.NewGatewayService("fuzz", nil)
	roomSvc, err := rooms.New(rooms.Config{Domain: fzRooms, Salt: []byte("salt"), MaxMessagesPerMinute: 1 << 20,
		Admins: []string{"admin@example.org"}}, rooms.NewMemStore(), component.NewRoomsService("fuzz", nil), nil)
	if err != nil {
		f.Fatal(err)
	}
	var wg sync.WaitGroup
	for _, d := range []struct {
		domain string
		h      component.Handler
	}{{fzGateway, gw}, {fzRooms, roomSvc}} {
		l, err := component.NewLink(component.LinkConfig{Addr: srv.Addr(), Domain: d.domain, Secret: "s3cret",
			Keepalive: time.Hour, Tracker: tracker}, router)
		if err != nil {
			f.Fatal(err)
		}
		router.Add(d.domain, d.h, l)
		wg.Add(1)
		go func() { defer wg.Done(); _ = l.Run(ctx) }()
		c := srv.NextConn(f, 10*time.Second) // one at a time: conns are told apart by order
		wg.Add(1)
		go func() {
			defer wg.Done()
			for st := range c.Received() {
				p.out <- fzOut{d.domain, st}
			}
		}()
		p.links[d.domain], p.conns[d.domain] = l, c
	}
	core, err := relay.New(relay.Config{GatewayDomain: fzGateway, Admins: []string{"admin@example.org"},
		AllowedDomains: []string{"example.org", probeDomain}, AutoRegister: true, MaxSegments: 6},
		relay.Deps{Store: st, XMPP: component.NewGatewayXMPP(p.links[fzGateway]), SMS: p.sms})
	if err != nil {
		f.Fatal(err)
	}
	component.AttachGateway(gw, core, nil)
	f.Cleanup(func() {
		cancel()
		roomSvc.Close()
		wg.Wait()
		st.Close()
	})

	// The probe SMS user, and the probe's room with the probe in it.
	phone, err := ident.ParsePhone(probePhone, "")
	if err != nil {
		f.Fatal(err)
	}
	if err := core.FromSMS(ctx, relay.SMSMessage{ID: 1, From: phone, Text: "REG", ReceivedAt: time.Now()}); err != nil {
		f.Fatal(err)
	}
	m := regexp.MustCompile(`([0-9]+)@` + regexp.QuoteMeta(fzGateway)).FindStringSubmatch(strings.Join(p.sms.take(), "\n"))
	if m == nil {
		f.Fatal("REG reply names no JID")
	}
	p.imid = m[1]
	key, _, err := ident.RoomKeyFor(probeURL)
	if err != nil {
		f.Fatal(err)
	}
	p.roomJID = roomSvc.RoomJID(key)
	p.conns[fzRooms].Send(component.NewElement(component.NSComponent, component.KindPresence,
		"from", probeJID, "to", p.roomJID+"/probe").Add(component.NewElement(component.NSMUC, "x")))
	if err := p.await(func(o fzOut) bool { return o.st.Get("from") == p.roomJID+"/probe" }); err != nil {
		f.Fatal(err)
	}
	return p
}

// await reads output until done has seen what it waits for (it returns
// true), failing after 5 s; check, if set, sees every output first.
func (p *fzProcess) await(done func(fzOut) bool) error {
	deadline := time.After(5 * time.Second)
	for {
		select {
		case o := <-p.out:
			if done(o) {
				return nil
			}
		case <-deadline:
			return fmt.Errorf("timed out")
		}
	}
}

// domainOf returns the domain part of a JID string, lower-cased.
func domainOf(j string) string {
	if i := strings.IndexByte(j, '/'); i >= 0 {
		j = j[:i]
	}
	if i := strings.LastIndexByte(j, '@'); i >= 0 {
		j = j[i+1:]
	}
	return strings.ToLower(j)
}

// fzDecode decodes up to max stanzas of s the way the link does.
func fzDecode(s string, max int) []*component.Element {
	d := xml.NewDecoder(strings.NewReader(s))
	var out []*component.Element
	for len(out) < max {
		tok, err := d.Token()
		if err != nil {
			return out
		}
		if start, ok := tok.(xml.StartElement); ok {
			el, err := component.DecodeElement(d, start)
			if err != nil {
				return out
			}
			if component.IsStanza(el) {
				out = append(out, el)
			}
		}
	}
	return out
}

// answeredAtOnce reports whether the process answers the iq get or set
// st before it handles the next stanza of its link: everything but iqs
// to occupants, which go through the room.
func answeredAtOnce(st *component.Element) bool {
	typ := st.Get("type")
	if st.Name.Local != component.KindIQ || (typ != component.TypeGet && typ != component.TypeSet) || st.Get("id") == "" {
		return false
	}
	to := st.Get("to")
	return domainOf(to) == fzGateway || !strings.Contains(to, "/")
}

// FuzzInbound sends stanzas from the server to a whole mpimis process
// (both services, the relay core, a real store) over real component
// links: each goes through the read loop, the router and a service, as
// in production. Up to 8 stanzas per input, each on the link picked by a
// bit of route (ejabberd may route any domain's stanzas on any link); ids
// are made unique per input. Checked: the links stay up; every stanza
// sent carries a from on its link's domain and never the probe's phone
// number; every iq get or set answered at once gets exactly one result
// or error, addressed back; errors and results to the gateway are never
// answered; and after every input the probes still work: pings to both
// domains on both links, a message from XMPP to the probe SMS user
// becomes an SMS, and a groupchat message in the probe's room is
// reflected.
func FuzzInbound(f *testing.F) {
	const c = `xmlns="jabber:component:accept"`
	key, _, err := ident.RoomKeyFor("https://example.org/")
	if err != nil {
		f.Fatal(err)
	}
	room := string(key) + "@" + fzRooms
	for i, s := range []string{
		`<message ` + c + ` type="chat" id="1" from="a@example.org/c" to="45678901@sms.example.org"><body>hi</body><request xmlns="urn:xmpp:receipts"/></message>`,
		`<message ` + c + ` type="error" id="2" from="a@example.org/c" to="45678901@sms.example.org"><error type="cancel"><item-not-found xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></message>`,
		`<presence ` + c + ` type="subscribe" from="a@example.org/c" to="45678901@sms.example.org"/><presence ` + c + ` type="probe" from="a@example.org/c" to="45678901@sms.example.org"/>`,
		`<iq ` + c + ` type="get" id="g" from="a@example.org/c" to="sms.example.org"><query xmlns="http://jabber.org/protocol/disco#info"/></iq>`,
		`<iq ` + c + ` type="set" id="s" from="a@example.org/c" to="sms.example.org"><query xmlns="jabber:iq:gateway"><prompt>@bob</prompt></query></iq>`,
		`<iq ` + c + ` type="get" id="v" from="a@example.org/c" to="45678901@sms.example.org"><vCard xmlns="vcard-temp"/></iq>`,
		`<iq ` + c + ` type="set" id="y" from="admin@example.org/l" to="sms.example.org"><command xmlns="http://jabber.org/protocol/commands" node="stats"/></iq>`,
		`<iq ` + c + ` type="result" id="r" from="a@example.org" to="sms.example.org"/><iq ` + c + ` type="get" id="p" to="sms.example.org"><ping xmlns="urn:xmpp:ping"/></iq>`,
		`<presence ` + c + ` from="a@example.org/c" to="` + room + `/alice"><x xmlns="http://jabber.org/protocol/muc"><history maxstanzas="3"/></x><page xmlns="urn:mpimis:page" url="https://example.org/" title="T"/></presence>` +
			`<message ` + c + ` type="groupchat" id="m" from="a@example.org/c" to="` + room + `"><body>hello</body></message>` +
			`<message ` + c + ` type="chat" id="pm" from="a@example.org/c" to="` + room + `/alice"><body>self</body></message>` +
			`<iq ` + c + ` type="get" id="d" from="a@example.org/c" to="` + room + `"><query xmlns="http://jabber.org/protocol/disco#info"/></iq>` +
			`<iq ` + c + ` type="get" id="vc" from="a@example.org/c" to="` + room + `/alice"><vCard xmlns="vcard-temp"/></iq>` +
			`<presence ` + c + ` from="a@example.org/c" to="` + room + `/bob"/>` +
			`<presence ` + c + ` type="unavailable" from="a@example.org/c" to="` + room + `/bob"/>`,
		`<iq ` + c + ` type="get" id="i" from="a@example.org/c" to="rooms.example.org"><query xmlns="http://jabber.org/protocol/disco#items"/></iq>`,
		`<iq ` + c + ` type="set" id="x" from="admin@example.org/l" to="rooms.example.org"><command xmlns="http://jabber.org/protocol/commands" node="lookup"/></iq>`,
		`<presence ` + c + ` from="a@example.org/c" to="nothex@rooms.example.org/n"><x xmlns="http://jabber.org/protocol/muc"/></presence><message ` + c + ` from="a@example.org/c" to="` + room + `" type="groupchat"><subject>s</subject></message>`,
		`<iq ` + c + ` type="get" id="two" from="a@example.org/c" to="rooms.example.org"><ping xmlns="urn:xmpp:ping"/><ping xmlns="urn:xmpp:ping"/></iq>`,
	} {
		f.Add(s, uint8(i))
	}
	p := newFZProcess(f)
	iter := 0
	f.Fuzz(func(t *testing.T, s string, route uint8) {
		if strings.Contains(strings.ToLower(s), probeDomain) || strings.Contains(s, probeDigits) {
			return
		}
		iter++
		var sent []*component.Element
		senders := map[[2]string]bool{} // (link, from) of stanzas to the gateway
		for k, st := range fzDecode(s, 8) {
			dom := domainOf(st.Get("to"))
			if dom != fzGateway && dom != fzRooms {
				continue // a server routes nothing else here
			}
			st.Name.Space = component.NSComponent
			if id := st.Get("id"); id != "" {
				st.SetAttr("id", fmt.Sprintf("%d.%s", iter, id))
			}
			if st.Get("from") == "" {
				st.SetAttr("from", "stamped@example.org/r") // as the server does
			}
			link := fzGateway
			if route>>(k%8)&1 == 1 {
				link = fzRooms
			}
			p.conns[link].Send(st)
			sent = append(sent, st)
			if dom == fzGateway {
				senders[[2]string{link, st.Get("from")}] = true
			}
		}
		p.check(t, iter, sent, senders)
	})
}

// check sends the probes and checks all output until they are answered.
func (p *fzProcess) check(t *testing.T, iter int, sent []*component.Element, senders map[[2]string]bool) {
	t.Helper()
	answers := map[string][]*component.Element{} // by id
	probes := map[string]bool{}
	ping := func(on, to string) {
		id := fmt.Sprintf("probe-%d-%s-%s", iter, on, to)
		probes[id] = true
		p.conns[on].Send(component.NewElement(component.NSComponent, component.KindIQ, "type", component.TypeGet,
			"id", id, "from", probeJID, "to", to).Add(component.NewElement(component.NSPing, "ping")))
	}
	// Each link handles the rooms domain's stanzas in order, and the
	// gateway's in order per sender: once the pings that follow (from
	// every sender of the input, on its link) are answered, the input
	// and the message are handled.
	orderProbes := map[string]bool{} // answered in any way: only their order counts
	for k := range senders {
		id := fmt.Sprintf("order-%d-%s-%s", iter, k[0], k[1])
		probes[id], orderProbes[id] = true, true
		p.conns[k[0]].Send(component.NewElement(component.NSComponent, component.KindIQ, "type", component.TypeGet,
			"id", id, "from", k[1], "to", fzGateway).Add(component.NewElement(component.NSPing, "ping")))
	}
	body := fmt.Sprintf("probe %d", iter)
	p.conns[fzGateway].Send(component.NewElement(component.NSComponent, component.KindMessage, "type", "chat",
		"from", probeJID, "to", p.imid+"@"+fzGateway).Add(component.NewElement(component.NSComponent, "body").WithText(body)))
	p.conns[fzRooms].Send(component.NewElement(component.NSComponent, component.KindMessage, "type", "groupchat",
		"from", probeJID, "to", p.roomJID).Add(component.NewElement(component.NSComponent, "body").WithText(body)))
	probes["groupchat"] = true
	for _, on := range []string{fzGateway, fzRooms} {
		ping(on, fzGateway)
		ping(on, fzRooms)
	}

	err := p.await(func(o fzOut) bool {
		st := o.st
		if d := domainOf(st.Get("from")); d != o.domain || st.Get("to") == "" {
			t.Fatalf("the %s link sent a stanza the server would refuse: %s", o.domain, st)
		}
		if strings.Contains(st.String(), probeDigits) {
			t.Fatalf("a stanza carries the probe's phone number: %s", st)
		}
		id := st.Get("id")
		switch {
		case probes[id]:
			if st.Get("type") != component.TypeResult && !orderProbes[id] {
				t.Fatalf("probe ping failed: %s", st)
			}
			delete(probes, id)
		case st.Get("to") == probeJID && st.Get("type") == "groupchat" && st.ChildText("", "body") == body:
			delete(probes, "groupchat")
		case strings.HasPrefix(id, fmt.Sprint(iter, ".")):
			answers[id] = append(answers[id], st)
		}
		return len(probes) == 0
	})
	if err != nil {
		t.Fatalf("probes unanswered after the input: %v", probes)
	}
	if got := p.sms.take(); len(got) != 1 || !strings.HasSuffix(got[0], body) {
		t.Fatalf("message to the probe SMS user texted as %q", got)
	}
	seen := map[string]int{}
	for _, st := range sent {
		seen[st.Get("id")]++
	}
	for _, st := range sent {
		id := st.Get("id")
		a := answers[id]
		switch {
		case seen[id] != 1:
		case answeredAtOnce(st):
			if len(a) != 1 || a[0].Name.Local != component.KindIQ || a[0].Get("to") != st.Get("from") ||
				a[0].Get("type") != component.TypeResult && a[0].Get("type") != component.TypeError {
				t.Fatalf("iq %s answered with %v", st, a)
			}
		case domainOf(st.Get("to")) == fzGateway && (st.Get("type") == component.TypeError || st.Get("type") == component.TypeResult):
			for _, x := range a {
				if x.Get("to") == st.Get("from") {
					t.Fatalf("%s answered with %s", st, x)
				}
			}
		}
	}
	for d, l := range p.links {
		if s := l.Status(); s.State != component.StateUp || s.Connects != 1 {
			t.Fatalf("the %s link went down: %+v", d, s)
		}
	}
}
