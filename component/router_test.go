package component

import (
	"context"
	"sync"
	"testing"
)

// recSender records what is sent through it.
type recSender struct {
	domain string
	mu     sync.Mutex
	sent   []*Element
}

func (r *recSender) Domain() string { return r.domain }
func (r *recSender) Send(_ context.Context, st *Element) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, st)
	return nil
}
func (r *recSender) SendIQ(context.Context, *Element) (*Element, error) { return nil, ErrNotConnected }

func TestRouterRoutesByDomainNotByLink(t *testing.T) {
	gwLink, roomsLink := &recSender{domain: "sms.example.org"}, &recSender{domain: "rooms.example.org"}
	r := NewRouter()
	r.Add("sms.example.org", NewGatewayService("", nil), gwLink)
	r.Add("rooms.example.org", NewRoomsService("", nil), roomsLink)

	cases := []struct {
		to, arrivesOn, answeredOn, category string
	}{
		{"rooms.example.org", "sms", "rooms", "conference"}, // ejabberd: rooms stanza on the gateway link
		{"sms.example.org", "rooms", "sms", "gateway"},
		{"SMS.Example.ORG", "sms", "sms", "gateway"},
	}
	for i, c := range cases {
		via := map[string]*recSender{"sms": gwLink, "rooms": roomsLink}[c.arrivesOn]
		want := map[string]*recSender{"sms": gwLink, "rooms": roomsLink}[c.answeredOn]
		before := len(want.sent)
		r.HandleStanza(context.Background(), via, iqFrom("r", c.to, NewElement(NSDiscoInfo, "query")))
		if len(want.sent) != before+1 {
			t.Fatalf("case %d: answer not sent on the %s link", i, c.answeredOn)
		}
		out := want.sent[len(want.sent)-1]
		if id := out.Child(NSDiscoInfo, "query").Child(NSDiscoInfo, "identity"); id == nil || id.Get("category") != c.category {
			t.Errorf("case %d: answered by the wrong service: %s", i, out)
		}
	}

	// A stanza for a domain nobody serves is refused on the link it came by.
	r.HandleStanza(context.Background(), gwLink, iqFrom("x", "other.example.org", NewElement(NSPing, "ping")))
	last := gwLink.sent[len(gwLink.sent)-1]
	if se := ParseStanzaError(last); last.Get("id") != "x" || se == nil || se.Condition != CondServiceUnavailable {
		t.Errorf("unknown domain: %s", last)
	}
}

func TestTrackerDeliversAcrossLinks(t *testing.T) {
	tr := NewTracker()
	ch, done := tr.wait("q1")
	defer done()
	if tr.deliver(NewElement(NSComponent, KindIQ, "type", TypeGet, "id", "q1")) {
		t.Fatal("a get was taken as an answer")
	}
	if !tr.deliver(NewElement(NSComponent, KindIQ, "type", TypeResult, "id", "q1")) {
		t.Fatal("result not delivered")
	}
	if r := <-ch; r == nil || r.Get("id") != "q1" {
		t.Fatalf("got %v", r)
	}
	if tr.deliver(NewElement(NSComponent, KindIQ, "type", TypeResult, "id", "q1")) {
		t.Fatal("a second answer was delivered")
	}
	ch2, done2 := tr.wait("q2")
	defer done2()
	tr.fail([]string{"q2"})
	if r := <-ch2; r != nil {
		t.Fatalf("failed wait got %v", r)
	}
}
