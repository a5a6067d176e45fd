package web

import (
	"io/fs"
	"net/http"
	"strings"
	"testing"

	"github.com/mpimis/mpimis/internal/web/assets"
)

func TestStatic(t *testing.T) {
	e := newEnv(t, nil)
	// The page at / is the bundle when built, else the placeholder; the
	// browser test (browser_test.go) insists on the bundle.
	index := "mpimis: the status page is not built"
	if assets.Built() {
		index = `<canvas id="chart-throughput"`
	}
	type staticCase struct {
		target   string
		want     int
		wantType string
		contains string
	}
	cases := []staticCase{
		{"/", http.StatusOK, "text/html", index},
		{"/placeholder.html", http.StatusNotFound, "", ""},
		{"/nope.js", http.StatusNotFound, "", ""},
		{"/dist/index.html", http.StatusNotFound, "", ""},
		{"/sub/dir/", http.StatusNotFound, "", ""},
	}
	if assets.Built() {
		cases = append(cases,
			staticCase{"/app.js", http.StatusOK, "text/javascript", "api/status"},
			staticCase{"/app.css", http.StatusOK, "text/css", ".tiles"},
		)
	}
	for i, tc := range cases {
		code, hdr, body := e.do(http.MethodGet, tc.target)
		if code != tc.want {
			t.Errorf("%d %s: status %d, want %d", i, tc.target, code, tc.want)
			continue
		}
		if tc.want != http.StatusOK {
			continue
		}
		if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, tc.wantType) {
			t.Errorf("%d %s: content type %q, want %s", i, tc.target, ct, tc.wantType)
		}
		if !strings.Contains(body, tc.contains) {
			t.Errorf("%d %s: body lacks %q", i, tc.target, tc.contains)
		}
		if hdr.Get("Cache-Control") != "no-cache" {
			t.Errorf("%d %s: Cache-Control %q", i, tc.target, hdr.Get("Cache-Control"))
		}
	}
}

// TestPlaceholderFile: the committed placeholder is embedded and says how
// to build the page.
func TestPlaceholderFile(t *testing.T) {
	b, err := fsRead(assets.Placeholder)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b, "./scripts/build-web.sh") {
		t.Errorf("placeholder does not say how to build the page")
	}
}

func fsRead(name string) (string, error) {
	b, err := fs.ReadFile(assets.FS(), name)
	return string(b), err
}
