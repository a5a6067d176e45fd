package main

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// procMem is what /proc/PID/status says about a process's memory, in KiB.
type procMem struct {
	RSS, HWM, Anon, File, Shmem int64
	Threads                     int
}

// parseProcStatus reads the fields of procMem from the text of
// /proc/PID/status ("VmRSS:\t   12345 kB" lines). Missing fields stay 0;
// a VmRSS line is required.
func parseProcStatus(r io.Reader) (procMem, error) {
	var m procMem
	seen := false
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			continue
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			continue
		}
		switch name {
		case "VmRSS":
			m.RSS, seen = n, true
		case "VmHWM":
			m.HWM = n
		case "RssAnon":
			m.Anon = n
		case "RssFile":
			m.File = n
		case "RssShmem":
			m.Shmem = n
		case "Threads":
			m.Threads = int(n)
		}
	}
	if err := sc.Err(); err != nil {
		return m, err
	}
	if !seen {
		return m, fmt.Errorf("bench: no VmRSS in process status")
	}
	return m, nil
}

// gcLine matches the heap figures of a GODEBUG=gctrace=1 line:
// "gc 12 @1.234s 0%: ... ms cpu, 4->5->2 MB, 5 MB goal, ...".
var gcLine = regexp.MustCompile(`^gc \d+ @.* (\d+)->(\d+)->(\d+) MB, (\d+) MB goal`)

// gcTrace is the last garbage collection reported by gctrace: the heap
// live after it and the goal of the next one, in MB.
type gcTrace struct {
	Count      int // collections seen
	Live, Goal int
}

// parseGCTrace scans a log for gctrace lines and returns the figures of
// the last one; Count is 0 when there is none.
func parseGCTrace(r io.Reader) gcTrace {
	var t gcTrace
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		m := gcLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		t.Count++
		t.Live, _ = strconv.Atoi(m[3])
		t.Goal, _ = strconv.Atoi(m[4])
	}
	return t
}

// memRow is one line of the memory table: the state of the mpimis
// process after a stage of the run.
type memRow struct {
	stage     string
	occupants int
	sms       int // SMS submitted to the simulator so far in the stage
	mem       procMem
	gc        gcTrace
}

// startRow is one start of mpimis: from exec to the HTTP side answering,
// and to /healthz 200.
type startRow struct {
	http, ready time.Duration
	mem         procMem
}

// target is one of the limits and what was measured against it.
type target struct {
	name     string
	measured float64
	limit    float64
	unit     string
}

func (t target) met() bool { return t.measured < t.limit }

func mib(kib int64) string { return strconv.FormatFloat(float64(kib)/1024, 'f', 1, 64) }

func msOf(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 0, 64)
}

func gcCell(g gcTrace) string {
	if g.Count == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%d", g.Live, g.Goal)
}

// median returns the median of xs (the lower middle for an even count),
// the zero value for none.
func median[T cmp.Ordered](xs []T) T {
	var zero T
	if len(xs) == 0 {
		return zero
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}

// writeStartTable prints one column per start and the median.
func writeStartTable(out io.Writer, bindings int, rows []startRow) error {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := fmt.Sprintf("start-up, %d bindings\t", bindings)
	for i := range rows {
		head += fmt.Sprintf("run %d\t", i+1)
	}
	fmt.Fprintln(tw, head+"median\t")
	line := func(name string, cell func(startRow) string, med string) {
		s := name + "\t"
		for _, r := range rows {
			s += cell(r) + "\t"
		}
		fmt.Fprintln(tw, s+med+"\t")
	}
	var https, readies []time.Duration
	var rss []int64
	for _, r := range rows {
		https = append(https, r.http)
		readies = append(readies, r.ready)
		rss = append(rss, r.mem.RSS)
	}
	line("exec -> HTTP answers, ms", func(r startRow) string { return msOf(r.http) }, msOf(median(https)))
	line("exec -> /healthz 200, ms", func(r startRow) string { return msOf(r.ready) }, msOf(median(readies)))
	line("VmRSS at ready, MiB", func(r startRow) string { return mib(r.mem.RSS) }, mib(median(rss)))
	return tw.Flush()
}

// writeMemTable prints the memory of the mpimis process after each stage.
func writeMemTable(out io.Writer, bindings int, rows []memRow) error {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "memory, %d bindings\toccupants\tSMS\tVmRSS MiB\tVmHWM MiB\tRssAnon MiB\tRssFile MiB\tthreads\tgc live/goal MB\t\n", bindings)
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%s\t%d\t%s\t\n", r.stage, r.occupants, r.sms,
			mib(r.mem.RSS), mib(r.mem.HWM), mib(r.mem.Anon), mib(r.mem.File), r.mem.Threads, gcCell(r.gc))
	}
	return tw.Flush()
}

// writeTargets prints each target with its verdict.
func writeTargets(out io.Writer, ts []target) error {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "target\tmeasured\tlimit\tmet\t")
	for _, t := range ts {
		met := "no"
		if t.met() {
			met = "yes"
		}
		fmt.Fprintf(tw, "%s\t%.1f %s\t%.0f %s\t%s\t\n", t.name, t.measured, t.unit, t.limit, t.unit, met)
	}
	return tw.Flush()
}
