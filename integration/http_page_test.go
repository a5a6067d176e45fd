package integration

import (
	"bytes"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/mpimis/mpimis/internal/web/assets"
	"github.com/mpimis/mpimis/internal/web/webtest"
	"github.com/mpimis/mpimis/smsbridge"
)

// TestIntegrationHTTPStatusPage: the status page of a running instance
// renders in headless Chromium, shows the links up, and its MT total
// follows a message relayed from XMPP to SMS.
func TestIntegrationHTTPStatusPage(t *testing.T) {
	if !assets.Built() {
		t.Fatal("the status page bundle is not built: run ./scripts/build-web.sh (scripts/test.sh does)")
	}
	p := startProsody(t)
	m, base := startMpimisHTTP(t, p)
	m.waitBind(t, func(s smsbridge.BindStatus) bool { return s.State == smsbridge.BindBound }, "bound")
	bobJID := registerPhone(t, m, phoneBob, "bob")
	alice := login(t, p, "alice")

	const wait = 30 * time.Second
	page, err := webtest.Open(base+"/", t.TempDir(), wait)
	must(t, err, "open the status page")
	defer page.Close()
	must(t, page.WaitText("overall", "all links up", wait), "links shown up")
	for _, role := range []string{"gateway", "rooms", "smpp"} {
		must(t, page.WaitJS(`document.querySelector('#link-`+role+`.up') !== null`, wait), "link %s shown up", role)
	}
	before, err := page.Text("total-mt", wait)
	must(t, err, "read the MT total")
	n, err := strconv.Atoi(before)
	must(t, err, "MT total %q", before)

	must(t, alice.Send(ctxT(t), chat(bobJID, "pg1", "seen on the status page", false)), "send")
	smsTo(t, m, phoneBob, contains("seen on the status page"))
	must(t, page.WaitText("total-mt", strconv.Itoa(n+1), wait), "MT total follows the relayed message")
	if errs := page.Errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
	dir, err := webtest.ArtifactsDir()
	must(t, err, "artifacts directory")
	png, err := page.Screenshot(filepath.Join(dir, "integration-status-page.png"), wait)
	must(t, err, "screenshot")
	if len(png) < 10_000 || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("screenshot is not a PNG of a page (%d bytes)", len(png))
	}
}
