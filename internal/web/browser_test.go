package web

import (
	"bytes"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/internal/web/assets"
	"github.com/mpimis/mpimis/internal/web/webtest"
)

// pngMagic starts every PNG file.
var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// TestStatusPageInChromium loads the status page in headless Chromium
// against fakes: it draws its charts, shows the numbers of /api/status,
// follows counter and link changes live, and logs no error (a violated
// content security policy would be one). The screenshot goes to the
// artifacts directory.
func TestStatusPageInChromium(t *testing.T) {
	if !assets.Built() {
		t.Fatal("the status page bundle is not built: run ./scripts/build-web.sh (scripts/test.sh does)")
	}
	e := newEnv(t, nil)
	ts := httptest.NewServer(e.srv.Handler())
	defer ts.Close()
	const wait = 30 * time.Second
	page, err := webtest.Open(ts.URL+"/", t.TempDir(), wait)
	if err != nil {
		t.Fatal(err)
	}
	defer page.Close()

	steps := []struct {
		name string
		act  func()
		id   string
		want string
	}{
		{"initial MT total", nil, "total-mt", "4"},
		{"initial MO total", nil, "total-mo", "5"},
		{"MT queue", nil, "queue-mt", "7"},
		{"oldest MT", nil, "age-mt", "1m 30s"},
		{"window", nil, "smpp-window", "4"},
		{"rooms", nil, "rooms-occupants", "9"},
		{"all up", nil, "overall", "all links up"},
		{"MT relayed live", func() { e.counters.add("relayed_xmpp_to_sms", 5) }, "total-mt", "9"},
		{"MO relayed live", func() { e.counters.add("relayed_sms_to_sms", 2) }, "total-mo", "7"},
		{"a link goes down", func() { e.rm.set(component.StateDown, "connection refused") }, "overall", "degraded"},
		{"it comes back", func() { e.rm.set(component.StateUp, "") }, "overall", "all links up"},
	}
	for _, st := range steps {
		if st.act != nil {
			st.act()
		}
		if err := page.WaitText(st.id, st.want, wait); err != nil {
			got, _ := page.Text(st.id, time.Second)
			t.Fatalf("%s: #%s shows %q, want %q: %v", st.name, st.id, got, st.want, err)
		}
	}
	// The poll that saw the MT total move showed a rate above zero (the
	// MO step counted in MT too: an SMS-to-SMS message is both).
	e.counters.add("relayed_xmpp_to_sms", 10)
	if err := page.WaitJS(`document.getElementById('total-mt').textContent === '21' &&
		Number(document.getElementById('rate-mt').textContent) > 0`, wait); err != nil {
		t.Errorf("MT rate never shown with the new total: %v", err)
	}
	if errs := page.Errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
	dir, err := webtest.ArtifactsDir()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "web-status-page.png")
	png, err := page.Screenshot(path, wait)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Size() < 10_000 || !bytes.HasPrefix(png, pngMagic) {
		t.Errorf("screenshot %s: %v bytes, PNG %v, %v", path, len(png), bytes.HasPrefix(png, pngMagic), err)
	}
}
