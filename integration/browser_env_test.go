package integration

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/mpimis/mpimis/internal/web/webtest"
)

// browserTimeout bounds every wait on a page.
const browserTimeout = 30 * time.Second

// webDist returns web/<project>/dist, failing the test if the bundle has
// not been built (scripts/build-web.sh, run by the README's test command).
func webDist(t *testing.T, project, file string) string {
	t.Helper()
	_, self, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(self), "..", "web", project, "dist")
	if _, err := os.Stat(filepath.Join(dir, file)); err != nil {
		t.Fatalf("web/%s/dist/%s is missing: run scripts/build-web.sh first (it needs node and npm; scripts/install-deps.sh installs them): %v", project, file, err)
	}
	return dir
}

// browser is one headless Chromium with its own fresh profile: separate
// browsers share no cookies, storage or connections.
type browser struct {
	t   *testing.T
	ctx context.Context

	mu      sync.Mutex
	console []string // console errors and uncaught exceptions
}

// newBrowser starts a Chromium with the NOTES.md flags; it is closed when
// the test ends.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	if _, err := os.Stat(webtest.Chromium); err != nil {
		t.Fatalf("%v", webtest.ErrNoChromium)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(webtest.Chromium),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1000, 700),
	)
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	b := &browser{t: t, ctx: ctx}
	// Start the browser first (Console would start it too, racing the
	// first action); console errors are logged on failure.
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		acancel()
		t.Fatalf("browser: starting %s: %v", webtest.Chromium, err)
	}
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				b.mu.Lock()
				b.console = append(b.console, m.String())
				b.mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		if t.Failed() {
			b.mu.Lock()
			t.Logf("browser console errors: %q", b.console)
			b.mu.Unlock()
		}
		cancel()
		acancel()
	})
	return b
}

// do runs steps within browserTimeout, failing the test with what.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("browser: %s: %v", what, err)
	}
}

// eval returns the value of a JavaScript expression.
func evalJS[T any](b *browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("browser: evaluating %s: %v", expr, err)
	}
	return v
}

// wait waits until the JavaScript expression is truthy.
func (b *browser) wait(what, expr string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[any](expr)); err != nil {
		b.t.Fatalf("browser: waiting until %s (%s): %v", what, expr, err)
	}
}

// screenshot saves a PNG of the page into the artifacts directory and
// checks that it is one.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("browser: screenshot %s: %v", name, err)
	}
	if len(png) < 100 || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		b.t.Fatalf("browser: screenshot %s is not a PNG (%d bytes)", name, len(png))
	}
	dir, err := webtest.ArtifactsDir()
	if err != nil {
		b.t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s (%d bytes)", path, len(png))
}

// widgetSite serves any path as a page embedding the widget built in
// web/widget/dist, configured for the WebSocket of p and its guest host.
func widgetSite(t *testing.T, wsURL, guestHost string) *httptest.Server {
	t.Helper()
	dist := webDist(t, "widget", "widget.js")
	mux := http.NewServeMux()
	mux.Handle("GET /widget.js", http.FileServer(http.Dir(dist)))
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><meta charset="utf-8"><title>Page %s</title></head>
<body><h1>Page %s</h1><p>A site page with the mpimis widget.</p>
<script src="/widget.js" data-service=%s data-domain=%s data-rooms=%s></script></body></html>`,
			r.URL.Path, r.URL.Path, strconv.Quote(wsURL), strconv.Quote(guestHost), strconv.Quote(roomsDomain))
	})
	s := httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

// navigateSPA changes the page's location the way a single-page app does
// (history.pushState), without loading a page.
func (b *browser) navigateSPA(path string) {
	b.t.Helper()
	evalJS[bool](b, fmt.Sprintf(`(history.pushState({}, '', %s), true)`, strconv.Quote(path)))
}
