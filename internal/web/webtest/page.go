package webtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/chromedp/chromedp"
)

// Chromium is the browser the tests drive (Debian's chromium package).
const Chromium = "/usr/bin/chromium"

// ErrNoChromium is returned by Open when Chromium is not installed.
var ErrNoChromium = errors.New("webtest: " + Chromium + " is missing: install chromium and chromium-driver (scripts/install-deps.sh)")

// Page is the status page open in a headless Chromium.
type Page struct {
	ctx    context.Context // the tab
	cancel func()

	mu     sync.Mutex
	errors []string // console errors and exceptions
}

// chartDrawn is true once the links chart has drawn some pixels.
const chartDrawn = `(() => {
	const c = document.getElementById('chart-links');
	if (!c || !c.width || !c.height) return false;
	const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
	for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) return true;
	return false;
})()`

// Open starts Chromium with a fresh profile in profileDir, loads url and
// waits up to timeout until the page has polled the API once and drawn
// its charts. Close it when done.
func Open(url, profileDir string, timeout time.Duration) (*Page, error) {
	if _, err := os.Stat(Chromium); err != nil {
		return nil, ErrNoChromium
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(Chromium),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profileDir),
		chromedp.WindowSize(1280, 1100),
	)
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	tctx, tcancel := chromedp.NewContext(actx)
	p := &Page{ctx: tctx, cancel: func() { tcancel(); acancel() }}
	// Subscribing starts the browser; messages are collected from then on.
	go p.collect(chromedp.Console(tctx))
	wctx, cancel := context.WithTimeout(tctx, timeout)
	defer cancel()
	err := chromedp.Do(wctx,
		chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.ID("chart-throughput")),
		void(chromedp.Poll[bool](`Number(document.body.dataset.polls || 0) >= 1`)),
		void(chromedp.Poll[bool](chartDrawn)),
	)
	if err != nil {
		p.Close()
		return nil, fmt.Errorf("webtest: opening %s: %w", url, err)
	}
	return p, nil
}

// void makes an action of any result an action of none.
func void[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := a(ctx, t)
		return chromedp.Void{}, err
	}
}

func (p *Page) collect(msgs func(func(chromedp.ConsoleMessage, error) bool)) {
	for m, err := range msgs {
		if err != nil {
			return
		}
		if m.Type == chromedp.ConsoleError || m.IsException() {
			p.mu.Lock()
			p.errors = append(p.errors, m.String())
			p.mu.Unlock()
		}
	}
}

// Close stops the browser.
func (p *Page) Close() { p.cancel() }

// Errors returns the console errors and uncaught exceptions seen so far
// (a violated content security policy shows here too).
func (p *Page) Errors() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.errors...)
}

// Text returns the text of the element with id.
func (p *Page) Text(id string, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(p.ctx, timeout)
	defer cancel()
	return chromedp.Run(ctx, chromedp.TextContent(chromedp.ID(id)))
}

// WaitJS waits up to timeout until the JavaScript expression is truthy.
func (p *Page) WaitJS(expr string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(p.ctx, timeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[any](expr)); err != nil {
		return fmt.Errorf("webtest: waiting for %s: %w", expr, err)
	}
	return nil
}

// WaitText waits up to timeout until the element with id shows want.
func (p *Page) WaitText(id, want string, timeout time.Duration) error {
	return p.WaitJS(fmt.Sprintf(`(document.getElementById(%s) || {}).textContent === %s`,
		strconv.Quote(id), strconv.Quote(want)), timeout)
}

// WaitTextChange waits up to timeout until the element with id shows
// something other than old, and returns it.
func (p *Page) WaitTextChange(id, old string, timeout time.Duration) (string, error) {
	if err := p.WaitJS(fmt.Sprintf(`(document.getElementById(%s) || {}).textContent !== %s`,
		strconv.Quote(id), strconv.Quote(old)), timeout); err != nil {
		return "", err
	}
	return p.Text(id, timeout)
}

// Screenshot captures the whole page as a PNG, writes it to path and
// returns it.
func (p *Page) Screenshot(path string, timeout time.Duration) ([]byte, error) {
	ctx, cancel := context.WithTimeout(p.ctx, timeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return nil, fmt.Errorf("webtest: screenshot: %w", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		return nil, fmt.Errorf("webtest: screenshot: %w", err)
	}
	return png, nil
}

// ArtifactsDir returns the directory for test artifacts, created if
// needed: $MPIMIS_ARTIFACTS, else artifacts/ at the module root (found by
// walking up from the working directory to go.mod).
func ArtifactsDir() (string, error) {
	dir := os.Getenv("MPIMIS_ARTIFACTS")
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", fmt.Errorf("webtest: %w", err)
		}
		root := wd
		for {
			if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
				break
			}
			up := filepath.Dir(root)
			if up == root {
				root = wd
				break
			}
			root = up
		}
		dir = filepath.Join(root, "artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("webtest: %w", err)
	}
	return dir, nil
}
