package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"
)

// tracker matches sent and received messages of one phase by token and
// keeps their latencies.
type tracker struct {
	phase int

	mu        sync.Mutex
	sent      map[int]time.Time
	lat       []time.Duration
	first     time.Time // first send
	last      time.Time // last receipt
	done      chan struct{}
	want      int // close done when this many arrived (0: never)
	dupes     int
	sendFails int
	slots     chan struct{} // saturation: one entry per message outstanding
}

func newTracker(phase int) *tracker {
	return &tracker{phase: phase, sent: make(map[int]time.Time), done: make(chan struct{})}
}

// sending records that message seq is being sent now and returns its token.
func (t *tracker) sending(seq int) token {
	now := time.Now()
	t.mu.Lock()
	if t.first.IsZero() {
		t.first = now
	}
	t.sent[seq] = now
	t.mu.Unlock()
	return token{phase: t.phase, seq: seq}
}

// failed records that sending seq failed.
func (t *tracker) failed(seq int) {
	t.mu.Lock()
	delete(t.sent, seq)
	t.sendFails++
	t.mu.Unlock()
}

// received records the arrival at "at" of the message carrying tok; it
// reports whether tok belonged to this phase and was outstanding.
func (t *tracker) received(tok token, at time.Time) bool {
	if tok.phase != t.phase {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	s, ok := t.sent[tok.seq]
	if !ok {
		t.dupes++
		return false
	}
	delete(t.sent, tok.seq)
	t.lat = append(t.lat, at.Sub(s))
	if at.After(t.last) {
		t.last = at
	}
	if t.want > 0 && len(t.lat) == t.want {
		close(t.done)
	}
	return true
}

// expect arranges for allIn to be closed once n messages arrived.
func (t *tracker) expect(n int) <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.want = n
	if len(t.lat) >= n {
		close(t.done)
	}
	return t.done
}

// failures returns how many sends failed.
func (t *tracker) failures() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.sendFails
}

// outstanding returns how many sent messages have not arrived yet.
func (t *tracker) outstanding() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.sent)
}

// result summarises the phase.
func (t *tracker) result(name, offered string) result {
	t.mu.Lock()
	defer t.mu.Unlock()
	r := result{name: name, offered: offered, delivered: len(t.lat), lost: len(t.sent), failed: t.sendFails}
	if len(t.lat) > 0 {
		lat := slices.Clone(t.lat)
		slices.Sort(lat)
		r.p50, r.p99, r.max = percentile(lat, 50), percentile(lat, 99), lat[len(lat)-1]
		if span := t.last.Sub(t.first); span > 0 {
			r.rate = float64(len(lat)) / span.Seconds()
		}
	}
	return r
}

// percentile returns the p-th percentile (nearest rank) of sorted.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p/100*float64(len(sorted)) + 0.999999999)
	rank = max(1, min(rank, len(sorted)))
	return sorted[rank-1]
}

// result is one line of the table.
type result struct {
	name, offered string
	delivered     int
	lost, failed  int
	rate          float64 // sustained msgs/s
	p50, p99, max time.Duration
	ceiling       *result // XMPP-side ceiling the ratio is taken against; nil for none
	smsCeiling    *result // SMS-side ceiling; nil for none
	kannel        *result // Kannel on the same leg in the same run; nil for none
}

// ratio returns r's sustained rate over c's, "-" without c.
func (r result) ratio(c *result) string {
	if c == nil || c.rate <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", r.rate/c.rate)
}

// ms formats d in milliseconds.
func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond)) }

// writeTable prints the results as an aligned text table.
func writeTable(w io.Writer, rs []result) error {
	head := []string{"path", "offered/s", "sustained/s", "p50 ms", "p99 ms", "max ms", "delivered", "lost", "x xmpp-ceil", "x sms-ceil", "x kannel", "p99-xmpp-ceil ms"}
	rows := [][]string{head}
	for _, r := range rs {
		dp99 := "-"
		if r.ceiling != nil {
			dp99 = fmt.Sprintf("%+.2f", float64(r.p99-r.ceiling.p99)/float64(time.Millisecond))
		}
		rows = append(rows, []string{r.name, r.offered, fmt.Sprintf("%.0f", r.rate), ms(r.p50), ms(r.p99), ms(r.max),
			fmt.Sprint(r.delivered), fmt.Sprint(r.lost + r.failed), r.ratio(r.ceiling), r.ratio(r.smsCeiling), r.ratio(r.kannel), dp99})
	}
	width := make([]int, len(head))
	for _, row := range rows {
		for i, c := range row {
			width[i] = max(width[i], len(c))
		}
	}
	var b strings.Builder
	for n, row := range rows {
		for i, c := range row {
			if i == 0 {
				fmt.Fprintf(&b, "%-*s", width[i], c)
			} else {
				fmt.Fprintf(&b, "  %*s", width[i], c)
			}
		}
		b.WriteByte('\n')
		if n == 0 {
			for i, wd := range width {
				if i > 0 {
					b.WriteString("  ")
				}
				b.WriteString(strings.Repeat("-", wd))
			}
			b.WriteByte('\n')
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
