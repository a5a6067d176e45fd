package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/mpimis/mpimis/conf"
	"github.com/mpimis/mpimis/store"
)

// queueStats is one queue's counts per state and the age of its oldest
// message still waiting or in progress.
type queueStats struct {
	States map[string]int `json:"states"`
	// Oldest is when the oldest waiting message entered the queue; nil
	// when nothing waits.
	Oldest *time.Time `json:"oldest_waiting,omitempty"`
	// OldestAgeSeconds is its age when the statistics were read.
	OldestAgeSeconds *float64 `json:"oldest_waiting_age_seconds,omitempty"`
}

// statsView is what "mpimis stats" prints. It holds counts only: no
// identity and no phone number.
type statsView struct {
	At       time.Time        `json:"at"`
	Bindings map[string]int   `json:"bindings"`
	MT       queueStats       `json:"mt_queue"`
	MO       queueStats       `json:"mo_queue"`
	MOParts  map[string]int   `json:"mo_reassembly"`
	Counters map[string]int64 `json:"relay_counters"`
}

func cmdStats(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, cfgPath := newFlagSet("stats", "mpimis stats -config FILE [-json]", stderr)
	asJSON := fs.Bool("json", false, "print a JSON object")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 0 {
		fs.Usage()
		return 2
	}
	return storeCommand(ctx, *cfgPath, stderr, func(_ *conf.Config, st *store.Store) int {
		v, err := readStats(ctx, st, time.Now())
		if err != nil {
			fmt.Fprintf(stderr, "mpimis: %v\n", err)
			return 1
		}
		if *asJSON {
			return printJSON(stdout, stderr, v)
		}
		printStats(stdout, v)
		return 0
	})
}

// readStats gathers the statistics from the store's read pool.
func readStats(ctx context.Context, st *store.Store, now time.Time) (statsView, error) {
	v := statsView{At: now.UTC(), Bindings: map[string]int{}, MOParts: map[string]int{}}
	states, err := st.CountBindings(ctx)
	if err != nil {
		return v, err
	}
	for s, n := range states {
		v.Bindings[string(s)] = n
	}
	if v.Bindings["suspended"], err = st.CountSuspended(ctx); err != nil {
		return v, err
	}
	mt, mtOldest, err := st.MTStats(ctx)
	if err != nil {
		return v, err
	}
	v.MT = newQueueStats(mt, mtOldest, now)
	mo, moOldest, err := st.MOStats(ctx)
	if err != nil {
		return v, err
	}
	v.MO = newQueueStats(mo, moOldest, now)
	groups, parts, err := st.CountMOParts(ctx)
	if err != nil {
		return v, err
	}
	v.MOParts["incomplete_messages"], v.MOParts["parts"] = groups, parts
	if v.Counters, err = st.RelayCounters(ctx); err != nil {
		return v, err
	}
	return v, nil
}

func newQueueStats[S ~string](states map[S]int, oldest, now time.Time) queueStats {
	q := queueStats{States: make(map[string]int, len(states))}
	for s, n := range states {
		q.States[string(s)] = n
	}
	if !oldest.IsZero() {
		age := now.Sub(oldest).Seconds()
		q.Oldest, q.OldestAgeSeconds = &oldest, &age
	}
	return q
}

// Display order of the known states; unknown ones follow, sorted.
var (
	bindingOrder = []string{"active", "optout", "suspended", "retired"}
	mtOrder      = []string{"queued", "sending", "sent", "delivered", "failed"}
	moOrder      = []string{"queued", "processing", "done"}
)

func printStats(w io.Writer, v statsView) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "bindings\t%s\n", counts(v.Bindings, bindingOrder))
	for _, q := range []struct {
		name string
		qs   queueStats
		ord  []string
	}{{"MT queue (to phones)", v.MT, mtOrder}, {"MO queue (from phones)", v.MO, moOrder}} {
		fmt.Fprintf(tw, "%s\t%s\n", q.name, counts(q.qs.States, q.ord))
		oldest := "nothing waiting"
		if q.qs.Oldest != nil {
			oldest = fmt.Sprintf("%s (since %s)", (time.Duration(*q.qs.OldestAgeSeconds * float64(time.Second))).Round(time.Second),
				q.qs.Oldest.Format(time.DateTime+" MST"))
		}
		fmt.Fprintf(tw, "  oldest waiting\t%s\n", oldest)
	}
	fmt.Fprintf(tw, "MO reassembly\t%d incomplete messages, %d parts\n", v.MOParts["incomplete_messages"], v.MOParts["parts"])
	names := make([]string, 0, len(v.Counters))
	for n := range v.Counters {
		names = append(names, n)
	}
	slices.Sort(names)
	fmt.Fprintf(tw, "relay counters\t(since the store was created)\n")
	if len(names) == 0 {
		fmt.Fprintf(tw, "  (none yet)\t\n")
	}
	for _, n := range names {
		fmt.Fprintf(tw, "  %s\t%d\n", n, v.Counters[n])
	}
	_ = tw.Flush()
}

// counts formats "state n" pairs, known states first in order.
func counts(m map[string]int, order []string) string {
	var keys []string
	keys = append(keys, order...)
	var extra []string
	for k := range m {
		if !slices.Contains(order, k) {
			extra = append(extra, k)
		}
	}
	slices.Sort(extra)
	keys = append(keys, extra...)
	s := ""
	for i, k := range keys {
		if i > 0 {
			s += "  "
		}
		s += fmt.Sprintf("%s %d", k, m[k])
	}
	return s
}
