package integration

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mpimis/mpimis/internal/prosody"
)

const guestHost = "guest.localhost"

// widgetPeople is the JS expression of the nicknames the widget lists.
const widgetPeople = `[...document.querySelectorAll('#mpimis-widget .mpimis-who li')].map(e => e.textContent).join(',')`

// openWidget opens url in b and waits until the widget has joined a room;
// it returns the visitor's nickname.
func openWidget(b *browser, url string) string {
	b.t.Helper()
	b.do("opening "+url, chromedp.Navigate(url))
	b.wait("the widget joined", `document.querySelector('#mpimis-widget')?.dataset.state === 'joined'`)
	return evalJS[string](b, `document.querySelector('#mpimis-widget').dataset.self`)
}

// waitPeople waits until the widget lists exactly nicks.
func waitPeople(b *browser, what string, nicks ...string) {
	b.t.Helper()
	want := strings.Join(sortedCopy(nicks), ",")
	b.wait(fmt.Sprintf("%s: people are %q", what, want), fmt.Sprintf(`%s === %s`, widgetPeople, strconv.Quote(want)))
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestBrowserWidget: two browsers on one page see each other and chat, a
// third on another page sees neither, and SPA navigation moves a visitor
// between rooms.
func TestBrowserWidget(t *testing.T) {
	p := startProsodyWith(t, func(o *prosody.Options) { o.GuestHost = guestHost })
	startMpimis(t, p, nil)
	site := widgetSite(t, "ws://"+p.HTTPAddr()+"/xmpp-websocket", guestHost)

	a, b, c := newBrowser(t), newBrowser(t), newBrowser(t)
	nickA := openWidget(a, site.URL+"/docs/a")
	nickB := openWidget(b, site.URL+"/docs/a")
	nickC := openWidget(c, site.URL+"/docs/b")
	if nickA == "" || nickA == nickB {
		t.Fatalf("nicknames: a %q, b %q: want two different ones", nickA, nickB)
	}

	waitPeople(a, "a on /docs/a", nickA, nickB)
	waitPeople(b, "b on /docs/a", nickA, nickB)
	waitPeople(c, "c on /docs/b", nickC)
	if got := evalJS[string](a, `document.querySelector('#mpimis-widget').dataset.room`); got != roomKeyOnly(t, site.URL+"/docs/a") {
		t.Errorf("a's room is %q, want the room key of its page", got)
	}

	// a says something; b sees it, c does not.
	a.do("a sends a message",
		chromedp.SendKeys(chromedp.CSS("#mpimis-widget .mpimis-input"), "hello from a"),
		chromedp.Click(chromedp.CSS("#mpimis-widget .mpimis-send")))
	b.wait("b sees a's message", fmt.Sprintf(`[...document.querySelectorAll('#mpimis-widget .mpimis-log p')].some(p => p.textContent === %s)`,
		strconv.Quote(nickA+"hello from a")))
	b.do("b replies",
		chromedp.SendKeys(chromedp.CSS("#mpimis-widget .mpimis-input"), "hi a, b here"),
		chromedp.Click(chromedp.CSS("#mpimis-widget .mpimis-send")))
	a.wait("a sees b's reply", fmt.Sprintf(`[...document.querySelectorAll('#mpimis-widget .mpimis-log p')].some(p => p.textContent === %s)`,
		strconv.Quote(nickB+"hi a, b here")))
	a.screenshot("widget-a.png")
	if got := evalJS[string](c, `document.querySelector('#mpimis-widget .mpimis-log').textContent`); strings.Contains(got, "hello from a") {
		t.Errorf("c on another page saw a's message: %q", got)
	}
	waitPeople(c, "c still alone", nickC)

	// c navigates (single-page app) to /docs/a: everyone there sees c.
	c.navigateSPA("/docs/a")
	waitPeople(c, "c after moving to /docs/a", nickA, nickB, nickC)
	waitPeople(a, "a after c arrived", nickA, nickB, nickC)
	waitPeople(b, "b after c arrived", nickA, nickB, nickC)

	// a navigates away to /docs/b: the others see a leave.
	a.navigateSPA("/docs/b")
	waitPeople(a, "a alone on /docs/b", nickA)
	waitPeople(b, "b after a left", nickB, nickC)
	b.screenshot("widget-b.png")
}

// roomKeyOnly returns the room key of url (the localpart of its room).
func roomKeyOnly(t *testing.T, url string) string {
	t.Helper()
	room := roomOf(t, url)
	return room[:strings.IndexByte(room, '@')]
}
