package main

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// scanAll returns every element the scanner yields from in, as strings,
// and the error that ended it.
func scanAll(r io.Reader) ([]string, error) {
	s := newStanzaScanner(r)
	var out []string
	for {
		el, err := s.next()
		if err != nil {
			return out, err
		}
		out = append(out, string(el))
	}
}

func TestStanzaScanner(t *testing.T) {
	header := "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='x' version='1.0'>"
	cases := []struct {
		name string
		in   string
		want []string
		err  error
	}{
		{"features then restart", header + "<stream:features><mechanisms><mechanism>PLAIN</mechanism></mechanisms></stream:features>" +
			"<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>" + header + "<stream:features/>",
			[]string{"<stream:features><mechanisms><mechanism>PLAIN</mechanism></mechanisms></stream:features>",
				"<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>", "<stream:features/>"}, io.EOF},
		{"whitespace keepalives dropped", header + " \n<presence from='a'/>\n <message><body>hi</body></message>",
			[]string{"<presence from='a'/>", "<message><body>hi</body></message>"}, io.EOF},
		{"quoted > and / in attributes", header + `<presence from='r@x/a>b' status="1/2"><x/></presence>`,
			[]string{`<presence from='r@x/a>b' status="1/2"><x/></presence>`}, io.EOF},
		{"nested same name", header + "<iq><query><query/></query></iq><iq/>",
			[]string{"<iq><query><query/></query></iq>", "<iq/>"}, io.EOF},
		{"stream end", header + "<presence/></stream:stream>", []string{"<presence/>"}, errStreamEnd},
		{"incomplete stanza is not handed out", header + "<message><body>hi</bo", nil, io.EOF},
	}
	for i, c := range cases {
		for _, r := range []struct {
			how string
			r   io.Reader
		}{{"whole", strings.NewReader(c.in)}, {"byte by byte", iotest.OneByteReader(strings.NewReader(c.in))}} {
			got, err := scanAll(r.r)
			if !slices.Equal(got, c.want) || !errors.Is(err, c.err) {
				t.Errorf("case %d %s (%s): got %q, %v; want %q, %v", i, c.name, r.how, got, err, c.want, c.err)
			}
		}
	}
}

func TestScannerGrowsBuffer(t *testing.T) {
	big := "<message><body>" + strings.Repeat("x", 200<<10) + "</body></message>"
	got, err := scanAll(strings.NewReader("<stream:stream>" + big + "<presence/>"))
	if !errors.Is(err, io.EOF) || len(got) != 2 || got[0] != big || got[1] != "<presence/>" {
		t.Fatalf("got %d elements, %v", len(got), err)
	}
}

func TestElementHelpers(t *testing.T) {
	el := []byte(`<presence from='room@c.localhost/r&apos;1' type="unavailable" to='u@localhost/b'>` +
		`<x xmlns='http://jabber.org/protocol/muc#user'><item role='none'/><status code='110'/></x>` +
		`<body>not it</body></presence>`)
	cases := []struct {
		name, got, want string
	}{
		{"name", elName(el), "presence"},
		{"name of self-closing", elName([]byte("<iq/>")), "iq"},
		{"prefixed name", elName([]byte("<stream:features>")), "stream:features"},
		{"from unescaped", attr(el, "from"), "room@c.localhost/r'1"},
		{"double-quoted", attr(el, "type"), "unavailable"},
		{"missing attribute", attr(el, "id"), "<none>"},
		{"child attribute is not the element's", attr(el, "role"), "<none>"},
		{"child text", elChildText(el, "body"), "not it"},
		{"child text escaped", elChildText([]byte("<iq><bind><jid>a&amp;b@x/r</jid></bind></iq>"), "jid"), "a&b@x/r"},
		{"child with prefix of name", elChildText([]byte("<m><bodyx>no</bodyx><body>yes</body></m>"), "body"), "yes"},
		{"no child", elChildText([]byte("<m><body/></m>"), "body"), ""},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d %s: got %q, want %q", i, c.name, c.got, c.want)
		}
	}
	if !hasStatus(el, "110") || hasStatus(el, "201") || !hasStatus([]byte(`<x><status code="201"/></x>`), "201") {
		t.Error("hasStatus")
	}
	if got := escapeXML(`a'b<c>&"`); got != "a&#39;b&lt;c&gt;&amp;&#34;" {
		t.Errorf("escapeXML = %q", got)
	}
}

func attr(el []byte, name string) string {
	v, ok := elAttr(el, name)
	if !ok {
		return "<none>"
	}
	return v
}

func TestProcStatCPU(t *testing.T) {
	cases := []struct {
		name string
		stat string
		want time.Duration
	}{
		{"lua with spaces", "1234 (lua5.4 x) S 1 1234 1234 0 -1 4194560 5000 0 0 0 150 25 0 0 20 0 1 0 100 0 0", 1750 * time.Millisecond},
		{"short", "1 (a) S 1", 0},
		{"garbage", "nonsense", 0},
	}
	for i, c := range cases {
		if got := procStatCPU(c.stat); got != c.want {
			t.Errorf("case %d %s: got %v, want %v", i, c.name, got, c.want)
		}
	}
}

func TestRoomsFlags(t *testing.T) {
	o, err := parseFlags([]string{"-only", "rooms", "-rooms-n", "100, 500,1000", "-rooms-targets", "muc,limit", "-churn-users", "0"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(o.rooms.roomsN, []int{100, 500, 1000}) || !slices.Equal(o.rooms.roomsTargets, []string{"muc", "limit"}) || o.rooms.churnUsers != 0 {
		t.Errorf("got %+v", o.rooms)
	}
	for i, bad := range [][]string{
		{"-rooms-n", "1"}, {"-rooms-n", "ten"}, {"-rooms-targets", "ejabberd"}, {"-rooms-limit", "0"}, {"-churn-rooms", "1"},
	} {
		if _, err := parseFlags(bad, io.Discard); err == nil {
			t.Errorf("case %d: %q accepted", i, bad)
		}
	}
}

func TestLinkRefs(t *testing.T) {
	joins := []joinResult{{target: "mpimis-limit100", n: 100}, {target: "prosody-muc", muc: true, n: 500},
		{target: "prosody-muc", muc: true, n: 100}, {target: "mpimis-full", n: 500}}
	churns := []churnResult{{target: "mpimis-limit100"}, {target: "prosody-muc", muc: true}}
	linkRefs(joins, churns)
	if joins[0].ref != &joins[2] || joins[3].ref != &joins[1] || joins[1].ref != nil || joins[2].ref != nil {
		t.Errorf("join refs: %p %p %p %p", joins[0].ref, joins[1].ref, joins[2].ref, joins[3].ref)
	}
	if churns[0].ref != &churns[1] || churns[1].ref != nil {
		t.Error("churn refs")
	}
}

func TestRoomsTables(t *testing.T) {
	ref := joinResult{target: "prosody-muc", muc: true, n: 100, join: 4 * time.Second, fanP99: 20 * time.Millisecond, fanGot: 100,
		recv: 20000, cpu: cpuTimes{prosody: 3 * time.Second}}
	ours := joinResult{target: "mpimis-full", n: 100, join: 2 * time.Second, fanP99: 10 * time.Millisecond, fanGot: 100, ref: &ref}
	failed := joinResult{target: "mpimis-limit100", n: 100, err: errors.New("boom"), ref: &ref}
	tab := joinTable([]joinResult{ref, ours, failed})
	lines := strings.Split(strings.TrimRight(tab, "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines:\n%s", len(lines), tab)
	}
	for i, want := range [][]string{
		{"x muc join", "fan-out p99 ms"},
		{"---"},
		{"prosody-muc", "4.00", "25.0", "100/100", " 150 "},
		{"mpimis-full", "2.00", "50.0", " 2.00 ", "10.00"},
		{"mpimis-limit100", "boom"},
	} {
		for _, w := range want {
			if !strings.Contains(lines[i], w) {
				t.Errorf("line %d %q lacks %q", i, lines[i], w)
			}
		}
	}
	if len(lines[0]) != len(lines[1]) {
		t.Errorf("rule not as wide as the header:\n%s", tab)
	}
	cref := churnResult{target: "prosody-muc", users: 500, rooms: 100, ops: 8000, span: 10 * time.Second}
	cours := churnResult{target: "mpimis-limit100", users: 500, rooms: 100, ops: 20000, span: 10 * time.Second, checked: 500, wrong: 1, ref: &cref}
	ctab := churnTable([]churnResult{cref, cours})
	if !strings.Contains(ctab, "2000") || !strings.Contains(ctab, "2.50") || !strings.Contains(ctab, "1/500") {
		t.Errorf("churn table:\n%s", ctab)
	}
}
