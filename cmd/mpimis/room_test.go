package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestRoomOccupants: -occupants asks the instance's /api/rooms for the
// count; without an answering instance it fails with a clear message.
func TestRoomOccupants(t *testing.T) {
	var asked string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = r.URL.Query().Get("url")
		fmt.Fprint(w, `{"jid":"x@rooms.example.org","occupants":7}`)
	}))
	defer srv.Close()
	cfg := writeFile(t, goodConfig+"[http]\nlisten = \""+strings.TrimPrefix(srv.URL, "http://")+"\"\n")
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"room", "-config", cfg, "-occupants", "https://example.org/a?b=1"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.HasSuffix(out.String(), "@rooms.example.org 7\n") || asked != "https://example.org/a?b=1" {
		t.Fatalf("printed %q, asked for %q", out.String(), asked)
	}

	l, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := l.Addr().String()
	l.Close()
	cfg = writeFile(t, goodConfig+"[http]\nlisten = \""+closed+"\"\n")
	out.Reset()
	errb.Reset()
	if code := run(context.Background(), []string{"room", "-config", cfg, "-occupants", "https://example.org/"}, &out, &errb); code == 0 || !strings.Contains(errb.String(), "is mpimis running") {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
}
