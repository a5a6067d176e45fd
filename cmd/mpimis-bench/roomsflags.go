package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// roomsOptions are the settings of the rooms mode (-only rooms).
type roomsOptions struct {
	roomsN        []int    // occupants of the one room, one measurement each
	roomsTargets  []string // muc, full, limit
	roomsLimit    int      // broadcast limit of the "limit" target
	churnUsers    int
	churnRooms    int
	churnDuration time.Duration
	prosodyLua    string // appended to the bench Prosody's global config

	rawN, rawTargets string
}

func (r *roomsOptions) flags(fs *flag.FlagSet) {
	fs.StringVar(&r.rawN, "rooms-n", "100,500,1000", "rooms: occupants joining one room, comma separated")
	fs.StringVar(&r.rawTargets, "rooms-targets", "muc,full,limit", "rooms: what to measure: muc (Prosody's MUC), full (ours, every presence broadcast), limit (ours with -rooms-limit)")
	fs.IntVar(&r.roomsLimit, "rooms-limit", 100, "rooms: broadcast limit of the limit target")
	fs.IntVar(&r.churnUsers, "churn-users", 500, "rooms churn: users hopping between rooms (0: no churn)")
	fs.IntVar(&r.churnRooms, "churn-rooms", 100, "rooms churn: rooms they hop between")
	fs.DurationVar(&r.churnDuration, "churn-duration", 10*time.Second, "rooms churn: how long users hop")
	fs.StringVar(&r.prosodyLua, "prosody-lua", "", "rooms: Lua appended to Prosody's global config (e.g. plugin_paths and modules_enabled with a profiling module)")
}

// check parses the list flags.
func (r *roomsOptions) check() error {
	var err error
	if r.roomsN, err = parseCounts(r.rawN); err != nil {
		return fmt.Errorf("bench: -rooms-n: %w", err)
	}
	r.roomsTargets = nil
	for _, t := range strings.Split(r.rawTargets, ",") {
		switch t = strings.TrimSpace(t); t {
		case "muc", "full", "limit":
			r.roomsTargets = append(r.roomsTargets, t)
		case "":
		default:
			return fmt.Errorf("bench: -rooms-targets: unknown target %q (muc, full, limit)", t)
		}
	}
	if r.roomsLimit < 1 || r.churnUsers < 0 || r.churnDuration < 0 {
		return fmt.Errorf("bench: -rooms-limit must be positive, -churn-users and -churn-duration not negative")
	}
	if r.churnUsers > 0 && r.churnRooms < 2 {
		return fmt.Errorf("bench: -churn-rooms must be at least 2")
	}
	return nil
}

// parseCounts parses "100,500,1000" (empty: none).
func parseCounts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 2 {
			return nil, fmt.Errorf("bad count %q (at least 2)", f)
		}
		out = append(out, n)
	}
	return out, nil
}
