package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPhonePage(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<title>phone</title>"), 0o644); err != nil {
		t.Fatal(err)
	}
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "api "+r.Method+" "+r.URL.Path)
	})
	srv := httptest.NewServer(withPhonePage(api, dir))
	defer srv.Close()
	cases := []struct {
		method, path, want string
	}{
		{"GET", "/phone/", "<title>phone</title>"},
		{"POST", "/phone/mo", "api POST /mo"},
		{"GET", "/phone/mt", "api GET /mt"},
		{"GET", "/phone/events", "api GET /events"},
		{"GET", "/mt", "api GET /mt"},
		{"GET", "/stats", "api GET /stats"},
	}
	for i, c := range cases {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(""))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("case %d %s %s: %v", i, c.method, c.path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != c.want {
			t.Errorf("case %d %s %s: got %q, want %q", i, c.method, c.path, body, c.want)
		}
	}
}
