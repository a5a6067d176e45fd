package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// FuzzAPIQuery sends GET requests with arbitrary query strings to the JSON
// endpoints, through the whole handler (routing, method check, timeout,
// security headers). Every answer is 200 or a 400 with a JSON error
// naming the problem, never a 5xx from a healthy backend; the body is
// JSON; no error echoes seven digits in a row (Redact); and the
// service still answers a plain request afterwards.
func FuzzAPIQuery(f *testing.F) {
	for _, s := range []struct {
		path uint8
		q    string
	}{
		{0, "url=https://example.org/page"}, {0, "url="}, {0, "url=ftp://x/"}, {0, "url=%zz"},
		{0, "url=https://example.org/+4915112345678"}, {1, "limit=5"}, {1, "limit=0x10"},
		{2, "period=7d&limit=3&url=https://example.org/"}, {2, "period=all"}, {2, "period=-1h"},
		{2, "url=https://nowhere.example/"}, {2, "url"}, {3, ""}, {4, "x=1"}, {0, "url=http://[::1"},
	} {
		f.Add(s.path, s.q)
	}
	paths := []string{"/api/rooms", "/api/rooms/live", "/api/stats/pages", "/api/status", "/api/nope"}
	f.Fuzz(func(t *testing.T, path uint8, q string) {
		e := newEnv(t, nil)
		if strings.ContainsFunc(q, func(r rune) bool { return r <= ' ' || r == 0x7F || r == '#' }) {
			return // not a request target a client can send
		}
		target := paths[int(path)%len(paths)] + "?" + q
		if _, err := url.ParseRequestURI(target); err != nil {
			return
		}
		code, body := e.get(target)
		var v map[string]any
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Fatalf("GET %s: %d, body not JSON: %q", target, code, body)
		}
		switch {
		case code == http.StatusOK:
		case code == http.StatusBadRequest || code == http.StatusNotFound:
			if msg, _ := v["error"].(string); msg == "" {
				t.Fatalf("GET %s: %d without an error text: %s", target, code, body)
			}
		default:
			t.Fatalf("GET %s: status %d: %s", target, code, body)
		}
		if msg, _ := v["error"].(string); sevenDigits.MatchString(msg) {
			t.Fatalf("GET %s: error echoes a long digit run: %s", target, body)
		}
		if code, _ := e.get("/api/rooms/live"); code != http.StatusOK {
			t.Fatalf("after GET %s, /api/rooms/live answers %d", target, code)
		}
	})
}
