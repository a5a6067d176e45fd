package main

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"
)

// joinTable renders the join/fan-out results. Ratios are Prosody MUC's
// time over ours: above 1 means ours is faster.
func joinTable(rs []joinResult) string {
	rows := [][]string{{"N", "target", "join s", "joins/s", "join p50 ms", "join p99 ms", "x muc join",
		"fan-out p50 ms", "fan-out p99 ms", "fan-out max ms", "got", "x muc fan-out p99", "leave-all s",
		"stanzas in", "prosody cpu s", "prosody us/stanza", "bench+mpimis cpu s", "error"}}
	for _, r := range rs {
		xj, xf := "-", "-"
		if r.ref != nil && r.ref.err == nil && r.err == nil {
			xj = speedup(r.ref.join, r.join)
			xf = speedup(r.ref.fanP99, r.fanP99)
		}
		rate := "-"
		if r.join > 0 && r.err == nil {
			rate = fmt.Sprintf("%.1f", float64(r.n)/r.join.Seconds())
		}
		rows = append(rows, []string{fmt.Sprint(r.n), r.target, secs(r.join), rate, ms(r.joinP50), ms(r.joinP99), xj,
			ms(r.fanP50), ms(r.fanP99), ms(r.fanMax), fmt.Sprintf("%d/%d", r.fanGot, r.n), xf, secs(r.leave),
			fmt.Sprint(r.recv), secs(r.cpu.prosody), perStanza(r.cpu.prosody, r.recv), secs(r.cpu.self), errText(r.err)})
	}
	return alignRows(rows)
}

// perStanza is d per stanza in microseconds, "-" without stanzas.
func perStanza(d time.Duration, n int64) string {
	if n <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f", float64(d.Microseconds())/float64(n))
}

// churnTable renders the churn results; the ratio is ours over Prosody
// MUC's rate.
func churnTable(rs []churnResult) string {
	rows := [][]string{{"target", "users", "rooms", "joins+leaves", "span s", "joins+leaves/s", "x muc",
		"hop p50 ms", "hop p99 ms", "lists wrong", "stanzas in", "prosody cpu s", "prosody us/stanza", "bench+mpimis cpu s", "error"}}
	for _, r := range rs {
		x := "-"
		if r.ref != nil && r.ref.rate() > 0 {
			x = fmt.Sprintf("%.2f", r.rate()/r.ref.rate())
		}
		rows = append(rows, []string{r.target, fmt.Sprint(r.users), fmt.Sprint(r.rooms), fmt.Sprint(r.ops), secs(r.span),
			fmt.Sprintf("%.0f", r.rate()), x, ms(r.hopP50), ms(r.hopP99), fmt.Sprintf("%d/%d", r.wrong, r.checked),
			fmt.Sprint(r.recv), secs(r.cpu.prosody), perStanza(r.cpu.prosody, r.recv), secs(r.cpu.self), errText(r.err)})
	}
	return alignRows(rows)
}

// speedup is ref/ours, "-" when ours is zero.
func speedup(ref, ours time.Duration) string {
	if ours <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", float64(ref)/float64(ours))
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f", d.Seconds()) }

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// alignRows right-aligns the columns and underlines the header.
func alignRows(rows [][]string) string {
	if len(rows) == 0 {
		return ""
	}
	rule := make([]string, len(rows[0]))
	for _, row := range rows {
		for i, c := range row {
			if i < len(rule) && len(c) > len(rule[i]) {
				rule[i] = strings.Repeat("-", len(c))
			}
		}
	}
	rows = append([][]string{rows[0], rule}, rows[1:]...)
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	for _, row := range rows {
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	_ = tw.Flush()
	return b.String()
}
