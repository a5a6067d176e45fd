package main

import (
	"io"
	"strings"
	"testing"
	"time"
)

func TestParseProcStatus(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want procMem
		ok   bool
	}{
		{"full", "Name:\tmpimis\nVmHWM:\t   48000 kB\nVmRSS:\t   40960 kB\nRssAnon:\t   24576 kB\nRssFile:\t   16384 kB\nRssShmem:\t       0 kB\nThreads:\t9\n",
			procMem{RSS: 40960, HWM: 48000, Anon: 24576, File: 16384, Threads: 9}, true},
		{"only rss", "VmRSS: 100 kB\n", procMem{RSS: 100}, true},
		{"no rss", "VmHWM:\t1 kB\nThreads:\t2\n", procMem{}, false},
		{"garbage lines", "no colon\nVmRSS:\nVmRSS: x kB\nVmRSS: 7 kB\n", procMem{RSS: 7}, true},
	}
	for i, c := range cases {
		got, err := parseProcStatus(strings.NewReader(c.in))
		if (err == nil) != c.ok {
			t.Errorf("case %d %s: err = %v, want ok %v", i, c.name, err, c.ok)
			continue
		}
		if c.ok && got != c.want {
			t.Errorf("case %d %s: got %+v, want %+v", i, c.name, got, c.want)
		}
	}
}

func TestParseGCTrace(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want gcTrace
	}{
		{"none", "time=x level=WARN msg=hello\n", gcTrace{}},
		{"last wins", "gc 1 @0.011s 2%: 0.01+1.2+0.02 ms clock, 0.03+0/0.4/0+0.05 ms cpu, 3->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n" +
			"time=x level=WARN msg=between\n" +
			"gc 2 @1.5s 0%: 0.1+2+0.01 ms clock, 0.2+0.1/1/0+0.02 ms cpu, 12->13->6 MB, 14 MB goal, 0 MB stacks, 0 MB globals, 2 P\n",
			gcTrace{Count: 2, Live: 6, Goal: 14}},
		{"forced", "gc 7 @3.000s 1%: 0.1+2+0.01 ms clock, 0.2+0.1/1/0+0.02 ms cpu, 5->5->2 MB, 8 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)\n",
			gcTrace{Count: 1, Live: 2, Goal: 8}},
	}
	for i, c := range cases {
		if got := parseGCTrace(strings.NewReader(c.in)); got != c.want {
			t.Errorf("case %d %s: got %+v, want %+v", i, c.name, got, c.want)
		}
	}
}

func TestMedian(t *testing.T) {
	cases := []struct {
		in   []int64
		want int64
	}{
		{nil, 0},
		{[]int64{5}, 5},
		{[]int64{9, 1, 5}, 5},
		{[]int64{4, 1, 3, 2}, 2},
	}
	for i, c := range cases {
		if got := median(c.in); got != c.want {
			t.Errorf("case %d: median(%v) = %d, want %d", i, c.in, got, c.want)
		}
	}
	in := []time.Duration{3, 1, 2}
	_ = median(in)
	if in[0] != 3 {
		t.Errorf("median sorted its argument: %v", in)
	}
}

func TestFootprintTables(t *testing.T) {
	var b strings.Builder
	if err := writeStartTable(&b, 1000, []startRow{
		{http: 40 * time.Millisecond, ready: 55 * time.Millisecond, mem: procMem{RSS: 20480}},
		{http: 60 * time.Millisecond, ready: 70 * time.Millisecond, mem: procMem{RSS: 30720}},
		{http: 50 * time.Millisecond, ready: 65 * time.Millisecond, mem: procMem{RSS: 25600}},
	}); err != nil {
		t.Fatal(err)
	}
	if err := writeMemTable(&b, 1000, []memRow{{stage: "ready", mem: procMem{RSS: 1024, HWM: 2048}, gc: gcTrace{Count: 1, Live: 1, Goal: 4}},
		{stage: "rooms joined", occupants: 5000, sms: 2000, mem: procMem{RSS: 3072, HWM: 3072}}}); err != nil {
		t.Fatal(err)
	}
	if err := writeTargets(&b, []target{{name: "start", measured: 65, limit: 2000, unit: "ms"}, {name: "rss", measured: 151, limit: 150, unit: "MiB"}}); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	for i, want := range []string{
		"start-up, 1000 bindings", "run 3", "median",
		"exec -> /healthz 200, ms", "55", "70", "65", "65\n", // median of the ready times
		"VmRSS at ready, MiB", "25.0\n",
		"memory, 1000 bindings", "ready", "1.0", "2.0", "1/4",
		"rooms joined", "5000", "2000", "3.0", "-\n",
		"target", "start", "65.0 ms", "2000 ms", "yes", "rss", "151.0 MiB", "150 MiB", "no",
	} {
		j := strings.Index(s, want)
		if j < 0 {
			t.Fatalf("want %d %q not found in order in:\n%s", i, want, b.String())
		}
		s = s[j+len(want):]
	}
}

func TestFootprintFlags(t *testing.T) {
	cases := []struct {
		name string
		args []string
		ok   bool
	}{
		{"footprint defaults", []string{"-only", "footprint"}, true},
		{"small", []string{"-only", "footprint", "-fp-start-bindings", "0", "-fp-bindings", "1000", "-fp-occupants", "10", "-fp-rooms", "2"}, true},
		{"negative", []string{"-only", "footprint", "-fp-occupants", "-1"}, false},
		{"no rooms", []string{"-only", "footprint", "-fp-rooms", "0"}, false},
		{"too many", []string{"-only", "footprint", "-fp-bindings", "90000001"}, false},
	}
	for i, c := range cases {
		o, err := parseFlags(c.args, io.Discard)
		if (err == nil) != c.ok {
			t.Errorf("case %d %s: err = %v, want ok %v", i, c.name, err, c.ok)
			continue
		}
		if c.ok && (o.fp.startBindings < 0 || o.fp.starts != 3) {
			t.Errorf("case %d %s: options %+v", i, c.name, o.fp)
		}
	}
}

func TestFpIMID(t *testing.T) {
	seen := map[string]int{}
	for i := range 200_000 {
		id := fpIMID(i)
		if len(id) != 8 || id[0] == '0' {
			t.Fatalf("fpIMID(%d) = %q: want 8 digits, no leading 0", i, id)
		}
		if j, ok := seen[id]; ok {
			t.Fatalf("fpIMID(%d) = fpIMID(%d) = %q", i, j, id)
		}
		seen[id] = i
	}
}

func TestFpConfigTOML(t *testing.T) {
	c := fpConfig{xmppAddr: "127.0.0.1:1", smppAddr: "127.0.0.1:2", httpAddr: "127.0.0.1:3", store: "/tmp/x.db"}
	s := c.configTOML()
	for _, want := range []string{`server = "127.0.0.1:1"`, `addr = "127.0.0.1:2"`, `listen = "127.0.0.1:3"`, `path = "/tmp/x.db"`, `rooms_domain = "rooms.localhost"`} {
		if !strings.Contains(s, want) {
			t.Errorf("config lacks %q:\n%s", want, s)
		}
	}
}
