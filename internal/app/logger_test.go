package app

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mpimis/mpimis/conf"
)

func TestNewLogger(t *testing.T) {
	cases := []struct {
		level, format string
		wantErr       string
		debugShown    bool
		json          bool
	}{
		{"info", "text", "", false, false},
		{"debug", "json", "", true, true},
		{"warn", "json", "", false, true},
		{"loud", "text", "log.level", false, false},
		{"info", "xml", "log.format", false, false},
	}
	for i, c := range cases {
		var buf bytes.Buffer
		log, err := NewLogger(conf.Log{Level: c.level, Format: c.format}, &buf)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("case %d: err %v, want one naming %s", i, err, c.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		log.Debug("dbg")
		log.Warn("wrn", "k", "v")
		out := buf.String()
		if got := strings.Contains(out, "dbg"); got != c.debugShown {
			t.Errorf("case %d: debug shown = %v, want %v", i, got, c.debugShown)
		}
		if c.json {
			line := strings.Split(strings.TrimSpace(out), "\n")
			var m map[string]any
			if err := json.Unmarshal([]byte(line[len(line)-1]), &m); err != nil || m["msg"] != "wrn" {
				t.Errorf("case %d: not JSON: %q (%v)", i, out, err)
			}
		} else if !strings.Contains(out, "msg=wrn k=v") {
			t.Errorf("case %d: not text: %q", i, out)
		}
	}
}
