package integration

import (
	"bufio"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/conf"
	"github.com/mpimis/mpimis/internal/loopback"
)

// startSimProcess builds and runs cmd/smsc-sim with its HTTP control API
// and the phone page; it returns the SMPP address and the page's URL.
func startSimProcess(t *testing.T, phoneDist string) (smppAddr, pageURL string) {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "smsc-sim")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/smsc-sim").CombinedOutput(); err != nil {
		t.Fatalf("building smsc-sim: %v\n%s", err, out)
	}
	smppPort, err := loopback.FreePort()
	must(t, err, "free port")
	httpPort, err := loopback.FreePort()
	must(t, err, "free port")
	smppAddr = "127.0.0.1:" + strconv.Itoa(smppPort)
	cmd := exec.Command(bin, "-listen", smppAddr, "-http", "127.0.0.1:"+strconv.Itoa(httpPort), "-phone", phoneDist)
	stdout, err := cmd.StdoutPipe()
	must(t, err, "smsc-sim stdout")
	log := &syncBuffer{}
	cmd.Stderr = log
	must(t, cmd.Start(), "starting smsc-sim")
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("smsc-sim log:\n%s", lastLines(log.String(), 40))
		}
	})
	// The simulator prints the page's address once it is listening.
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("smsc-sim exited before serving the phone page")
			}
			if _, u, found := strings.Cut(l, "phone simulator page on "); found {
				go func() {
					for range lines {
					}
				}()
				return smppAddr, u
			}
		case <-timeout:
			t.Fatalf("smsc-sim did not print the phone page's address within 30s")
		}
	}
}

// bubbleWith is the JS expression: the thread has an incoming bubble
// containing s.
func bubbleWith(s string) string {
	return fmt.Sprintf(`[...document.querySelectorAll('#thread .bubble.in')].some(b => b.textContent.includes(%s))`, strconv.Quote(s))
}

// sendFromPhone types text into the phone page and sends it.
func sendFromPhone(b *browser, text string) {
	b.t.Helper()
	b.do("texting "+text,
		chromedp.SetValue(chromedp.ID("text"), text),
		chromedp.Click(chromedp.ID("send")))
}

// TestBrowserPhone: the phone page registers a number and exchanges
// messages with an XMPP user through the SMSC simulator and mpimis.
func TestBrowserPhone(t *testing.T) {
	dist := webDist(t, "phone", "index.html")
	smppAddr, pageURL := startSimProcess(t, dist)
	p := startProsody(t)
	startMpimis(t, p, func(c *conf.Config) { c.SMPP.Addr = smppAddr })
	alice := login(t, p, "alice")

	const phone = "+15550100042"
	b := newBrowser(t)
	b.do("opening the phone page", chromedp.Navigate(pageURL+"?phone="+strings.TrimPrefix(phone, "+")))
	b.wait("the event stream is open", `document.body.dataset.ready === 'true'`)

	sendFromPhone(b, "REG phoney")
	b.wait("the registration reply", bubbleWith("@"+gwDomain))
	reply := evalJS[string](b, `[...document.querySelectorAll('#thread .bubble.in')].map(b => b.textContent).join('\n')`)
	imid := regexp.MustCompile(`(\d{8})@` + regexp.QuoteMeta(gwDomain)).FindStringSubmatch(reply)
	if imid == nil {
		t.Fatalf("registration reply %q names no JID on %s", reply, gwDomain)
	}
	if strings.Contains(reply, "15550100042") {
		t.Errorf("a reply shows the phone number: %q", reply)
	}
	phoneJID := imid[1] + "@" + gwDomain

	sendFromPhone(b, "alice@"+userHost+" hello from the phone page")
	expect(t, alice, "the phone's message", func(el *component.Element) bool {
		return el.Name.Local == "message" && strings.HasPrefix(el.Get("from"), phoneJID) &&
			strings.Contains(el.ChildText("", "body"), "hello from the phone page")
	})

	must(t, alice.Send(ctxT(t), chat(phoneJID, "bp1", "hi phone, alice here", false)), "alice answers")
	b.wait("alice's answer on the phone", bubbleWith("hi phone, alice here"))
	b.screenshot("phone.png")
}
