package relay

import (
	"strings"
	"testing"

	"github.com/mpimis/mpimis/store"
)

// gsmOnly reports whether s uses only the GSM 7-bit alphabet.
func gsmOnly(s string) bool {
	for _, r := range s {
		if !strings.ContainsRune(gsmBasic, r) && !strings.ContainsRune(gsmExt, r) {
			return false
		}
	}
	return true
}

func TestFixedRepliesFitOneSegment(t *testing.T) {
	fixed := []string{
		txtHelp, txtNotRegistered, txtNickTaken, txtNickRules, txtUnregistered, txtStopped, txtStarted,
		txtPhoneDest, txtBadDest, txtNoMessage, txtNoSuchUser, txtSelf, txtRefused, txtUnavailable,
		txtRateMinute, txtRateDay, txtLoop, txtWhom, txtListEmpty, txtListFull, txtNotListed,
		txtBlocksFull, txtNotBlocked, txtTooLong(255), txtUsage("REG [name]"), txtUsage("<id|@nick|jid> <message>"),
	}
	for _, u := range usage {
		fixed = append(fixed, txtUsage(u))
	}
	for i, s := range fixed {
		if !gsmOnly(s) || gsmSegments(s) != 1 {
			t.Errorf("%d: %q is not one GSM segment (gsm %t, %d segments)", i, s, gsmOnly(s), gsmSegments(s))
		}
	}
}

func TestTemplatedRepliesFitOneSegment(t *testing.T) {
	longDomain := strings.Repeat("d", 63) + "." + strings.Repeat("e", 63) + "." + strings.Repeat("f", 63) + "." + strings.Repeat("g", 50) + ".org"
	h := newHarness(t, func(c *Config) { c.GatewayDomain = longDomain })
	c := h.c
	imid18 := strings.Repeat("9", 18)
	nick32 := "n" + strings.Repeat("x", 31)
	ownJID := c.jidOf(imid18) // 18 + 1 + 247 bytes
	jid255 := strings.Repeat("l", 200) + "@" + strings.Repeat("h", 50) + ".org"
	unicodeJID := "jürgen@bücher.example" // not GSM: UCS-2
	who := display(&store.Binding{IMID: imid18, Nick: nick32})
	longStatus := strings.Repeat("in a meeting ", 20)
	type tmpl struct {
		name  string
		build func(string) string
	}
	templates := []tmpl{
		{"welcome", replyWelcome}, {"registered", replyRegistered}, {"registered nick taken", replyRegisteredNickTaken},
		{"already", replyAlready}, {"nick", replyNick}, {"added", replyAdded}, {"asked", replyAsked},
		{"listed", replyListed}, {"removed", replyRemoved}, {"blocked", replyBlocked}, {"unblocked", replyUnblocked},
	}
	for _, tp := range templates {
		for j, v := range []string{ownJID, jid255, unicodeJID, who, nick32, strings.Repeat("😀", 100)} {
			got := c.fitOne(tp.build, v)
			if gsmSegments(got) != 1 {
				t.Errorf("%s %d: %q takes %d segments", tp.name, j, got, gsmSegments(got))
			}
			// The fixed text survives: only the value was shortened.
			marked := tp.build("\x00")
			head, tail := marked[:strings.IndexByte(marked, 0)], marked[strings.LastIndexByte(marked, 0)+1:]
			if !strings.HasPrefix(got, head) || !strings.HasSuffix(got, tail) {
				t.Errorf("%s %d: %q lost its fixed text %q...%q", tp.name, j, got, head, tail)
			}
		}
		// Realistic values are never shortened.
		for j, v := range []string{"45678901@sms.example.org", "alice@example.org", "45678901 (alice)", "alice"} {
			if got := c.fitOne(tp.build, v); got != tp.build(v) || strings.Contains(got, ellipsis) {
				t.Errorf("%s realistic %d: %q shortened to %q", tp.name, j, tp.build(v), got)
			}
		}
	}
	for j, tc := range []struct{ dest, state, status string }{
		{jid255, "away", longStatus},
		{jid255, stateUnknown, ""},
		{"alice@example.org", "away", strings.Repeat("😀", 60)},
		{strings.Repeat("ü", 80) + "@example.org", "away", "x"},
		{who, stateOnlineSMS, ""},
	} {
		if got := c.whoText(tc.dest, tc.state, tc.status); gsmSegments(got) != 1 {
			t.Errorf("who %d: %q takes %d segments", j, got, gsmSegments(got))
		}
	}
	if got := c.whoText("alice@example.org", "away", "in a meeting"); got != "alice@example.org: away (in a meeting)" {
		t.Errorf("who realistic: %q", got)
	}
}

func TestFit(t *testing.T) {
	h := newHarness(t, nil)
	c := h.c
	frame := func(v string) string { return "(" + v + ")" }
	for i, tc := range []struct {
		v    string
		max  int
		want string
	}{
		{"short", 1, "(short)"},
		{strings.Repeat("a", 158), 1, "(" + strings.Repeat("a", 158) + ")"},
		{strings.Repeat("a", 159), 1, "(" + strings.Repeat("a", 155) + "...)"},
		{strings.Repeat("a", 400), 2, "(" + strings.Repeat("a", 301) + "...)"},
		{strings.Repeat("é", 159), 1, "(" + strings.Repeat("é", 155) + "...)"},   // é is GSM
		{strings.Repeat("ü", 10) + "ŵ", 1, "(" + strings.Repeat("ü", 10) + "ŵ)"}, // UCS-2, fits 70
		{strings.Repeat("ŵ", 100), 1, "(" + strings.Repeat("ŵ", 65) + "...)"},
	} {
		if got := c.fit(tc.max, frame, tc.v); got != tc.want {
			t.Errorf("%d: fit = %q (%d runes), want %q", i, got, len([]rune(got)), tc.want)
		}
	}
	// A template that cannot fit at all yields the template with an ellipsis.
	huge := func(v string) string { return strings.Repeat("x", 200) + v }
	if got := c.fitOne(huge, "v"); got != strings.Repeat("x", 200)+ellipsis {
		t.Errorf("unfittable: %q", got)
	}
}

func TestBuddyStateTexts(t *testing.T) {
	for i, tc := range []struct {
		b    store.Buddy
		want string
	}{
		{store.Buddy{Presence: store.PresenceAvailable}, "online"},
		{store.Buddy{Presence: store.PresenceAvailable, Show: "chat"}, "online"},
		{store.Buddy{Presence: store.PresenceAvailable, Show: "away", Status: "in a meeting"}, "away (in a meeting)"},
		{store.Buddy{Presence: store.PresenceAvailable, Show: "xa"}, "away"},
		{store.Buddy{Presence: store.PresenceAvailable, Show: "dnd", Status: " do not\tdisturb "}, "busy (do not disturb)"},
		{store.Buddy{Presence: store.PresenceUnavailable}, "offline"},
		{store.Buddy{Presence: store.PresenceUnavailable, Status: "gone home"}, "offline (gone home)"},
		{store.Buddy{Presence: store.PresenceUnknown, To: store.SubPending}, statePending},
		{store.Buddy{Presence: store.PresenceUnknown, To: store.SubSubscribed}, stateUnknown},
		{store.Buddy{}, stateUnknown},
	} {
		state, status := buddyState(tc.b)
		if got := withStatus(state, status); got != tc.want {
			t.Errorf("%d: %q, want %q", i, got, tc.want)
		}
	}
}
