package integration

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/internal/ejabberd"
	"github.com/mpimis/mpimis/internal/prosody"
	"github.com/mpimis/mpimis/internal/xmpptest"
)

const (
	nsMUCUser = "http://jabber.org/protocol/muc#user"
	nsPage    = "urn:mpimis:page"
	nsDelay   = "urn:xmpp:delay"
)

// roomOf returns the room JID of a page URL on the rooms domain.
func roomOf(t *testing.T, url string) string {
	t.Helper()
	k, _, err := ident.RoomKeyFor(url)
	if err != nil {
		t.Fatal(err)
	}
	return string(k) + "@" + roomsDomain
}

// loginNew creates an account for user on p (Prosody or ejabberd) and
// logs it in.
func loginNew(t *testing.T, p xmppServer, user string) *xmpptest.Client {
	t.Helper()
	pw := user + "-pw"
	switch s := p.(type) {
	case *prosody.Server:
		must(t, s.AddUser(user, pw), "adding user %s", user)
	case *ejabberd.Server:
		must(t, s.AddUser(ctxT(t), user, pw), "adding user %s", user)
	default:
		t.Fatalf("cannot add users to %T", p)
	}
	c, err := xmpptest.Dial(ctxT(t), p.C2SAddr(), user, userHost, pw)
	must(t, err, "login %s", user)
	t.Cleanup(func() { c.Close() })
	return c
}

func mucJoin(to string, extra ...*component.Element) *component.Element {
	return component.NewElement(component.NSComponent, "presence", "to", to).
		Add(append([]*component.Element{component.NewElement(component.NSMUC, "x")}, extra...)...)
}

func pageEl(url, title string) *component.Element {
	return component.NewElement(nsPage, "page", "url", url, "title", title)
}

func groupchatTo(room, body string) *component.Element {
	return component.NewElement(component.NSComponent, "message", "to", room, "type", "groupchat", "id", component.NewID("gc-")).
		Add(component.NewElement(component.NSComponent, "body").WithText(body))
}

// statusCodes returns the sorted muc#user status codes of a stanza.
func statusCodes(st *component.Element) []string {
	var out []string
	if x := st.Child(nsMUCUser, "x"); x != nil {
		for _, c := range x.Children {
			if c.Name.Local == "status" {
				out = append(out, c.Get("code"))
			}
		}
	}
	slices.Sort(out)
	return out
}

// presenceFrom matches a presence of type typ ("" for available) from
// the JID from.
func presenceFrom(from, typ string) func(*component.Element) bool {
	return func(el *component.Element) bool {
		return el.Name.Local == "presence" && el.Get("from") == from && el.Get("type") == typ
	}
}

// messageFrom matches a message from the JID from whose body is body
// ("" matches a subject message).
func messageFrom(from, body string) func(*component.Element) bool {
	return func(el *component.Element) bool {
		if el.Name.Local != "message" || el.Get("from") != from {
			return false
		}
		if body == "" {
			return el.Child("", "subject") != nil
		}
		return el.ChildText("", "body") == body
	}
}

// expect waits for a stanza that match accepts and fails the test with
// what instead if it does not come.
func expect(t *testing.T, c *xmpptest.Client, what string, match func(*component.Element) bool) *component.Element {
	t.Helper()
	el, err := c.Expect(ctxT(t), match)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return el
}

// expectCodes waits for a presence and checks its status codes.
func expectCodes(t *testing.T, c *xmpptest.Client, what, from, typ string, codes ...string) *component.Element {
	t.Helper()
	el := expect(t, c, what, presenceFrom(from, typ))
	if got := strings.Join(statusCodes(el), ","); got != strings.Join(codes, ",") {
		t.Errorf("%s: status codes %q, want %q", what, got, strings.Join(codes, ","))
	}
	return el
}

// join makes c join room as nick and waits for the join to complete (the
// subject, which comes last); it returns everything from the room in the
// order received.
func join(t *testing.T, c *xmpptest.Client, room, nick string, extra ...*component.Element) []*component.Element {
	t.Helper()
	must(t, c.Send(ctxT(t), mucJoin(room+"/"+nick, extra...)), "join %s", nick)
	var got []*component.Element
	for {
		el := expect(t, c, fmt.Sprintf("join of %s", nick), func(el *component.Element) bool {
			return strings.HasPrefix(el.Get("from"), room)
		})
		got = append(got, el)
		if el.Get("type") == "error" {
			t.Fatalf("join of %s refused: %s", nick, el)
		}
		if el.Name.Local == "message" && el.Child("", "subject") != nil {
			return got
		}
	}
}

// summary describes a room stanza as kind:from-resource[:codes][:body].
func summary(st *component.Element) string {
	from := st.Get("from")
	who := "room"
	if i := strings.IndexByte(from, '/'); i >= 0 {
		who = from[i+1:]
	}
	s := st.Name.Local + ":" + who
	if c := statusCodes(st); len(c) > 0 {
		s += ":" + strings.Join(c, ",")
	}
	if b := st.ChildText("", "body"); b != "" {
		s += ":" + b
	}
	if st.Child("", "subject") != nil {
		s += ":subject=" + st.ChildText("", "subject")
	}
	return s
}

func summaries(sts []*component.Element) []string {
	out := make([]string, len(sts))
	for i, st := range sts {
		out[i] = summary(st)
	}
	return out
}

// discoItemNames returns the live rooms listed by the rooms domain as
// jid -> name.
func discoItemNames(t *testing.T, c *xmpptest.Client) map[string]string {
	t.Helper()
	res, err := c.IQ(ctxT(t), xmpptest.NewIQ("get", roomsDomain, component.NewElement(component.NSDiscoItem, "query")))
	must(t, err, "disco#items")
	q := res.Child(component.NSDiscoItem, "query")
	if res.Get("type") != "result" || q == nil {
		t.Fatalf("disco#items answered %s", res)
	}
	out := map[string]string{}
	for _, it := range q.Children {
		out[it.Get("jid")] = it.Get("name")
	}
	return out
}
