package component

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mpimis/mpimis/relay"
)

// gwCmd builds a <command/> request.
func gwCmd(node, action, sid string, x *Element) *Element {
	return NewElement(gwNSCommands, "command", "node", node, "action", action, "sessionid", sid).Add(x)
}

// gwSubmit builds a submitted data form from name/value pairs.
func gwSubmit(pairs ...string) *Element {
	x := NewElement(NSDataForms, "x", "type", gwFormSubmit)
	for i := 0; i+1 < len(pairs); i += 2 {
		x.Add(NewElement(NSDataForms, "field", "var", pairs[i]).Add(
			NewElement(NSDataForms, "value").WithText(pairs[i+1])))
	}
	return x
}

// gwRunCmd sends a command iq from "from" and returns the <command/> of
// the result, failing on an error answer.
func (f *gwFixture) gwRunCmd(t *testing.T, from string, c *Element) *Element {
	t.Helper()
	ans := gwOne(t, f.handle(gwIQSet(NewID("c"), from, testDomain, c)))
	out := ans.Child(gwNSCommands, "command")
	if ans.Get("type") != TypeResult || out == nil {
		t.Fatalf("want a command result, got %s", ans)
	}
	return out
}

// gwCmdError sends a command iq and returns its error condition.
func (f *gwFixture) gwCmdError(t *testing.T, from string, c *Element) *StanzaError {
	t.Helper()
	ans := gwOne(t, f.handle(gwIQSet(NewID("c"), from, testDomain, c)))
	se := ParseStanzaError(ans)
	if ans.Get("type") != TypeError || se == nil {
		t.Fatalf("want an error, got %s", ans)
	}
	return se
}

// gwFields returns a result form's fields as var -> first value.
func gwFields(x *Element) map[string]string {
	out := make(map[string]string)
	for name, vals := range gwFormValues(x) {
		out[name] = strings.Join(vals, ",")
	}
	return out
}

func TestGatewayCommandsDiscovery(t *testing.T) {
	cases := []struct {
		name  string
		from  string
		items []string // nodes listed
		info  string   // error condition on a command node's info, "" for a result
	}{
		{"admin", gwAdmin, []string{"find", "unbind", "suspend", "resume", "stats"}, ""},
		{"other user", gwAlice, nil, CondForbidden},
		{"admin's domain", "example.org", nil, CondForbidden},
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%d_%s", i, c.name), func(t *testing.T) {
			f := newGWFixture()
			ans := gwOne(t, f.handle(gwIQGet("i", c.from, testDomain, NewElement(NSDiscoItem, "query", "node", gwNSCommands))))
			q := ans.Child(NSDiscoItem, "query")
			if q == nil || q.Get("node") != gwNSCommands {
				t.Fatalf("bad items: %s", ans)
			}
			var nodes []string
			for _, it := range q.Children {
				if it.Get("jid") != testDomain || it.Get("name") == "" {
					t.Errorf("bad item %s", it)
				}
				nodes = append(nodes, it.Get("node"))
			}
			if strings.Join(nodes, " ") != strings.Join(c.items, " ") {
				t.Errorf("commands %v, want %v", nodes, c.items)
			}

			ans = gwOne(t, f.handle(gwIQGet("l", c.from, testDomain, NewElement(NSDiscoInfo, "query", "node", gwNSCommands))))
			if id := ans.Child(NSDiscoInfo, "query").Child(NSDiscoInfo, "identity"); id == nil || id.Get("type") != "command-list" {
				t.Errorf("command list info: %s", ans)
			}

			ans = gwOne(t, f.handle(gwIQGet("n", c.from, testDomain, NewElement(NSDiscoInfo, "query", "node", "find"))))
			if c.info != "" {
				gwWantError(t, ans, c.info, ErrTypeCancel)
				return
			}
			gwSameXML(t, ans, `<iq type="result" id="n" from="sms.example.org" to="root@example.org/laptop">`+
				`<query xmlns="http://jabber.org/protocol/disco#info" node="find">`+
				`<identity category="automation" type="command-node" name="Find a binding"/>`+
				`<feature var="http://jabber.org/protocol/commands"/><feature var="jabber:x:data"/></query></iq>`)
		})
	}
}

func TestGatewayCommandsNonAdminForbidden(t *testing.T) {
	for i, node := range []string{"find", "unbind", "suspend", "resume", "stats"} {
		f := newGWFixture()
		se := f.gwCmdError(t, gwAlice, gwCmd(node, "execute", "", gwSubmit("query", "@bob", "imid", string(gwUser), "confirm", "1")))
		if se.Condition != CondForbidden || se.Type != ErrTypeCancel {
			t.Errorf("case %d (%s): %+v", i, node, se)
		}
		for _, call := range f.gw.callNames() {
			if call != "IsAdmin" {
				t.Errorf("case %d (%s): the relay was asked to %s", i, node, call)
			}
		}
	}
}

// The full two-step flow of every command with a form: execute -> form,
// submit -> completed result; the session ends with it.
func TestGatewayCommandsFlow(t *testing.T) {
	cases := []struct {
		node   string
		fields []string // required fields of the form
		submit *Element
		call   string
		check  func(t *testing.T, f *gwFixture, res *Element)
	}{
		{"find", []string{"query"}, gwSubmit("query", " @bob "), "FindBinding", func(t *testing.T, f *gwFixture, res *Element) {
			x := res.Child(NSDataForms, "x")
			if x == nil || x.Get("type") != gwFormResult {
				t.Fatalf("no result form: %s", res)
			}
			want := map[string]string{"imid": "45678901", "nick": "bob", "state": "active",
				"created": "2025-01-02T03:04:05Z", "buddies": "3", "blocks": "1"}
			if got := gwFields(x); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("fields %v, want %v", got, want)
			}
			if len(f.gw.queries) != 1 || f.gw.queries[0] != "@bob" {
				t.Errorf("queries %q", f.gw.queries)
			}
		}},
		{"unbind", []string{"imid", "confirm"}, gwSubmit("imid", "45678901", "confirm", "true"), "Unbind", func(t *testing.T, f *gwFixture, res *Element) {
			if n := res.Child(gwNSCommands, "note"); n == nil || n.Get("type") != gwNoteInfo || !strings.Contains(n.Text, "45678901") {
				t.Errorf("note: %s", res)
			}
			if len(f.gw.imids) != 1 || f.gw.imids[0] != gwUser {
				t.Errorf("imids %v", f.gw.imids)
			}
		}},
		{"suspend", []string{"imid"}, gwSubmit("imid", "45678901"), "Suspend", func(t *testing.T, f *gwFixture, res *Element) {
			if len(f.gw.imids) != 1 || f.gw.imids[0] != gwUser || res.Child(gwNSCommands, "note") == nil {
				t.Errorf("imids %v, result %s", f.gw.imids, res)
			}
		}},
		{"resume", []string{"imid"}, gwSubmit("imid", "45678901"), "Resume", func(t *testing.T, f *gwFixture, res *Element) {
			if len(f.gw.imids) != 1 || f.gw.imids[0] != gwUser || res.Child(gwNSCommands, "note") == nil {
				t.Errorf("imids %v, result %s", f.gw.imids, res)
			}
		}},
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%d_%s", i, c.node), func(t *testing.T) {
			f := newGWFixture()
			first := f.gwRunCmd(t, gwAdmin, gwCmd(c.node, "execute", "", nil))
			sid := first.Get("sessionid")
			if first.Get("status") != gwStatusExecuting || sid == "" || first.Get("node") != c.node {
				t.Fatalf("first step: %s", first)
			}
			acts := first.Child(gwNSCommands, "actions")
			if acts == nil || acts.Get("execute") != gwActionComplete || acts.Child(gwNSCommands, gwActionComplete) == nil {
				t.Errorf("actions: %s", first)
			}
			form := first.Child(NSDataForms, "x")
			if form == nil || form.Get("type") != gwFormForm {
				t.Fatalf("no form: %s", first)
			}
			var required []string
			for _, fl := range form.Children {
				if fl.Name.Local == "field" && fl.Child(NSDataForms, "required") != nil {
					required = append(required, fl.Get("var"))
				}
			}
			if strings.Join(required, ",") != strings.Join(c.fields, ",") {
				t.Errorf("required fields %v, want %v", required, c.fields)
			}
			if calls := strings.Join(f.gw.callNames(), ","); strings.Contains(calls, c.call) {
				t.Fatalf("the relay acted before the submission: %s", calls)
			}

			res := f.gwRunCmd(t, gwAdmin, gwCmd(c.node, "complete", sid, c.submit))
			if res.Get("status") != gwStatusCompleted || res.Get("sessionid") != sid || res.Child(gwNSCommands, "actions") != nil {
				t.Fatalf("second step: %s", res)
			}
			if !strings.Contains(strings.Join(f.gw.callNames(), ","), c.call) {
				t.Errorf("relay calls %v, want %s", f.gw.callNames(), c.call)
			}
			c.check(t, f, res)

			// The session is over.
			if se := f.gwCmdError(t, gwAdmin, gwCmd(c.node, "complete", sid, c.submit)); se.Condition != CondNotAllowed {
				t.Errorf("reused session: %+v", se)
			}
		})
	}
}

func TestGatewayCommandsOneStep(t *testing.T) {
	cases := []struct {
		name string
		cmd  *Element
		want func(t *testing.T, res *Element)
	}{
		{"stats", gwCmd("stats", "", "", nil), func(t *testing.T, res *Element) {
			x := res.Child(NSDataForms, "x")
			if x == nil {
				t.Fatalf("no form: %s", res)
			}
			var names []string
			for _, fl := range x.Children {
				if fl.Name.Local == "field" {
					names = append(names, fl.Get("var")+"="+fl.ChildText(NSDataForms, "value"))
				}
			}
			if got := strings.Join(names, " "); got != "bindings_active=7 relayed_xmpp_to_sms=42" {
				t.Errorf("counters %s", got)
			}
		}},
		{"find with the form in the first request", gwCmd("find", "execute", "", gwSubmit("query", "45678901")), func(t *testing.T, res *Element) {
			if gwFields(res.Child(NSDataForms, "x"))["imid"] != "45678901" {
				t.Errorf("result %s", res)
			}
		}},
		{"unbind not confirmed", gwCmd("unbind", "", "", gwSubmit("imid", "45678901", "confirm", "0")), func(t *testing.T, res *Element) {
			if n := res.Child(gwNSCommands, "note"); n == nil || n.Get("type") != gwNoteWarn {
				t.Errorf("result %s", res)
			}
		}},
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%d_%s", i, c.name), func(t *testing.T) {
			f := newGWFixture()
			res := f.gwRunCmd(t, gwAdmin, c.cmd)
			if res.Get("status") != gwStatusCompleted || res.Get("sessionid") == "" {
				t.Fatalf("not completed: %s", res)
			}
			c.want(t, res)
			if len(f.gw.imids) != 0 {
				t.Errorf("a binding was changed: %v", f.gw.imids)
			}
		})
	}
}

// A relay refusal completes the command with an error note (XEP-0050 4.6).
func TestGatewayCommandsRelayFailure(t *testing.T) {
	for i, node := range []string{"find", "suspend", "stats"} {
		f := newGWFixture()
		f.gw.err = &relay.Error{Kind: relay.KindNotFound, Text: "no such binding"}
		res := f.gwRunCmd(t, gwAdmin, gwCmd(node, "", "", gwSubmit("query", "@x", "imid", "45678901")))
		n := res.Child(gwNSCommands, "note")
		if res.Get("status") != gwStatusCompleted || n == nil || n.Get("type") != gwNoteError || n.Text != "no such binding" {
			t.Errorf("case %d (%s): %s", i, node, res)
		}
	}
}

func TestGatewayCommandsErrors(t *testing.T) {
	type step struct {
		from string
		cmd  func(sid string) *Element
		cond string // "" for a result
	}
	open := step{gwAdmin, func(string) *Element { return gwCmd("suspend", "execute", "", nil) }, ""}
	cases := []struct {
		name  string
		steps []step
	}{
		{"cancel", []step{open,
			{gwAdmin, func(sid string) *Element { return gwCmd("suspend", "cancel", sid, nil) }, ""},
			{gwAdmin, func(sid string) *Element { return gwCmd("suspend", "complete", sid, gwSubmit("imid", "45678901")) }, CondNotAllowed},
		}},
		{"cancel without session", []step{{gwAdmin, func(string) *Element { return gwCmd("suspend", "cancel", "", nil) }, CondNotAllowed}}},
		{"missing field keeps the session", []step{open,
			{gwAdmin, func(sid string) *Element { return gwCmd("suspend", "complete", sid, gwSubmit()) }, CondBadRequest},
			{gwAdmin, func(sid string) *Element { return gwCmd("suspend", "complete", sid, gwSubmit("imid", "4567890x")) }, CondBadRequest},
			{gwAdmin, func(sid string) *Element { return gwCmd("suspend", "complete", sid, gwSubmit("imid", "45678901")) }, ""},
		}},
		{"submission without form", []step{open,
			{gwAdmin, func(sid string) *Element { return gwCmd("suspend", "execute", sid, nil) }, CondBadRequest},
		}},
		{"another admin's session", []step{open,
			{"root@example.org/phone", func(sid string) *Element { return gwCmd("suspend", "complete", sid, gwSubmit("imid", "45678901")) }, CondBadRequest},
		}},
		{"another command's session", []step{open,
			{gwAdmin, func(sid string) *Element { return gwCmd("resume", "complete", sid, gwSubmit("imid", "45678901")) }, CondBadRequest},
		}},
		{"unknown session", []step{{gwAdmin, func(string) *Element { return gwCmd("suspend", "complete", "nope", gwSubmit("imid", "45678901")) }, CondNotAllowed}}},
		{"next", []step{{gwAdmin, func(string) *Element { return gwCmd("suspend", "next", "", nil) }, CondBadRequest}}},
		{"prev", []step{open, {gwAdmin, func(sid string) *Element { return gwCmd("suspend", "prev", sid, nil) }, CondBadRequest}}},
		{"bad action", []step{{gwAdmin, func(string) *Element { return gwCmd("suspend", "jump", "", nil) }, CondBadRequest}}},
		{"unknown node", []step{{gwAdmin, func(string) *Element { return gwCmd("reboot", "", "", nil) }, CondItemNotFound}}},
		{"no node", []step{{gwAdmin, func(string) *Element { return gwCmd("", "", "", nil) }, CondBadRequest}}},
		{"admin loses the right", []step{open,
			{gwAlice, func(sid string) *Element { return gwCmd("suspend", "complete", sid, gwSubmit("imid", "45678901")) }, CondForbidden},
		}},
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%d_%s", i, c.name), func(t *testing.T) {
			f := newGWFixture()
			sid := ""
			for j, s := range c.steps {
				if s.cond != "" {
					if se := f.gwCmdError(t, s.from, s.cmd(sid)); se.Condition != s.cond {
						t.Fatalf("step %d: %+v, want %s", j, se, s.cond)
					}
					continue
				}
				res := f.gwRunCmd(t, s.from, s.cmd(sid))
				if sid == "" {
					sid = res.Get("sessionid")
				}
				if s.cmd(sid).Get("action") == gwActionCancel && res.Get("status") != gwStatusCanceled {
					t.Fatalf("step %d: not canceled: %s", j, res)
				}
			}
			// Only a successful submission may touch a binding.
			last := c.steps[len(c.steps)-1]
			if touched := len(f.gw.imids) != 0; touched != (last.cond == "" && last.cmd(sid).Child(NSDataForms, "x") != nil) {
				t.Errorf("bindings changed: %v", f.gw.imids)
			}
		})
	}
}

func TestGatewayCommandsOnUserJID(t *testing.T) {
	f := newGWFixture()
	ans := gwOne(t, f.handle(gwIQSet("u", gwAdmin, gwUserJID, gwCmd("stats", "", "", nil))))
	gwWantError(t, ans, CondServiceUnavailable, ErrTypeCancel)
}

func TestGatewayCommandSessionsExpireAndAreBounded(t *testing.T) {
	f := newGWFixture()
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	f.h.cmds.now = func() time.Time { return now }

	sid := f.gwRunCmd(t, gwAdmin, gwCmd("suspend", "", "", nil)).Get("sessionid")
	now = now.Add(gwSessionTTL + time.Second)
	if se := f.gwCmdError(t, gwAdmin, gwCmd("suspend", "complete", sid, gwSubmit("imid", "45678901"))); se.Condition != CondNotAllowed {
		t.Errorf("expired session accepted: %+v", se)
	}
	if len(f.gw.imids) != 0 {
		t.Errorf("expired session acted: %v", f.gw.imids)
	}

	for i := range gwMaxSessions {
		if res := f.gwRunCmd(t, gwAdmin, gwCmd("find", "", "", nil)); res.Get("status") != gwStatusExecuting {
			t.Fatalf("session %d: %s", i, res)
		}
	}
	if se := f.gwCmdError(t, gwAdmin, gwCmd("find", "", "", nil)); se.Condition != CondResourceConstraint {
		t.Errorf("session %d opened: %+v", gwMaxSessions+1, se)
	}
	now = now.Add(gwSessionTTL + time.Second)
	if res := f.gwRunCmd(t, gwAdmin, gwCmd("find", "", "", nil)); res.Get("status") != gwStatusExecuting {
		t.Errorf("expired sessions still count: %s", res)
	}
}
