package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"time"
)

// roomsTarget is one rooms service measured: Prosody's MUC, or ours with
// a broadcast limit.
type roomsTarget struct {
	name  string
	muc   bool
	limit int // ours: rooms.broadcast_limit
}

// fullBroadcast is a broadcast limit no bench room reaches.
const fullBroadcast = 1 << 20

// roomsTargets returns the targets named in spec order (muc, full, limit).
func roomsTargets(names []string, limit int) []roomsTarget {
	var out []roomsTarget
	for _, n := range names {
		switch n {
		case "muc":
			out = append(out, roomsTarget{name: "prosody-muc", muc: true})
		case "full":
			out = append(out, roomsTarget{name: "mpimis-full", limit: fullBroadcast})
		case "limit":
			out = append(out, roomsTarget{name: fmt.Sprintf("mpimis-limit%d", limit), limit: limit})
		}
	}
	return out
}

// joinResult is one line of the join/fan-out table.
type joinResult struct {
	target           string
	muc              bool
	n                int
	join             time.Duration // all n joined (the last one's own presence arrived)
	joinP50, joinP99 time.Duration // one join
	settle           time.Duration // presences still arriving after the last join
	fanP50, fanP99   time.Duration // one groupchat message to each occupant
	fanMax           time.Duration
	fanGot           int
	leave            time.Duration // all leave at once
	cpu              cpuTimes      // during the joins
	recv             int64         // stanzas the clients received during the joins (and settling)
	ref              *joinResult   // Prosody's MUC at the same n
	err              error
}

// churnResult is one line of the churn table.
type churnResult struct {
	target         string
	muc            bool
	users, rooms   int
	ops            int // joins + leaves completed
	span           time.Duration
	hopP50, hopP99 time.Duration // leave one room and join another
	checked, wrong int           // occupant lists compared, and wrong
	recv           int64         // stanzas the clients received while hopping
	cpu            cpuTimes
	ref            *churnResult
	err            error
}

func (r churnResult) rate() float64 {
	if r.span <= 0 {
		return 0
	}
	return float64(r.ops) / r.span.Seconds()
}

// runRooms is the rooms mode: joins and fan-out in one room of n
// occupants, then churn, for every target.
func runRooms(ctx context.Context, o options, log *slog.Logger, out io.Writer) error {
	t0 := time.Now()
	need := o.rooms.churnUsers
	for _, n := range o.rooms.roomsN {
		need = max(need, n)
	}
	sctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	e, err := startRoomsEnv(sctx, need, o.rooms.prosodyLua, log)
	cancel()
	if err != nil {
		return err
	}
	defer e.stop()
	fmt.Fprintf(out, "set-up: %d clients logged in, %s\n", need, time.Since(t0).Round(time.Millisecond))
	if o.profile != "" {
		stopProfile, err := startProfile(o.profile)
		if err != nil {
			return err
		}
		defer stopProfile()
	}
	targets := roomsTargets(o.rooms.roomsTargets, o.rooms.roomsLimit)
	run := 0
	// ours runs one mpimis per broadcast limit, kept across phases
	var stopOurs func()
	ourLimit := -1
	use := func(t roomsTarget) error {
		if t.muc || t.limit == ourLimit {
			return nil
		}
		if stopOurs != nil {
			stopOurs()
		}
		stopOurs, ourLimit = nil, -1
		s, err := e.startOurs(ctx, t.limit)
		if err != nil {
			return err
		}
		stopOurs, ourLimit = s, t.limit
		return nil
	}
	defer func() {
		if stopOurs != nil {
			stopOurs()
		}
	}()

	var joins []joinResult
	for _, n := range o.rooms.roomsN {
		for _, t := range targets {
			if err := use(t); err != nil {
				return err
			}
			run++
			r := e.joinFanout(ctx, t, n, fmt.Sprintf("join-%d-%d", run, n))
			fmt.Fprintf(out, "  %-18s N=%-5d joined in %s, fan-out p99 %s ms, all left in %s%s\n", t.name, n,
				r.join.Round(time.Millisecond), ms(r.fanP99), r.leave.Round(time.Millisecond), errSuffix(r.err))
			joins = append(joins, r)
			if r.err != nil && ctx.Err() != nil {
				return ctx.Err()
			}
		}
	}
	var churns []churnResult
	if o.rooms.churnUsers > 0 && o.rooms.churnRooms > 0 && o.rooms.churnDuration > 0 {
		for _, t := range targets {
			if t.limit == fullBroadcast {
				continue // churn rooms are small: the default limit is full broadcast there
			}
			if err := use(t); err != nil {
				return err
			}
			run++
			r := e.churn(ctx, t, o.rooms.churnUsers, o.rooms.churnRooms, o.rooms.churnDuration, fmt.Sprintf("churn-%d", run))
			fmt.Fprintf(out, "  %-18s churn %d users over %d rooms: %.0f joins+leaves/s, %d of %d occupant lists wrong%s\n",
				t.name, r.users, r.rooms, r.rate(), r.wrong, r.checked, errSuffix(r.err))
			churns = append(churns, r)
		}
	}
	linkRefs(joins, churns)
	fmt.Fprintln(out)
	if _, err := io.WriteString(out, joinTable(joins)); err != nil {
		return err
	}
	if len(churns) > 0 {
		fmt.Fprintf(out, "\nchurn: each user leaves its room and joins another at random, back to back, for %s\n", o.rooms.churnDuration)
		if _, err := io.WriteString(out, churnTable(churns)); err != nil {
			return err
		}
	}
	return nil
}

// linkRefs points every row of ours at Prosody MUC's row of the same
// size, whatever order the targets ran in.
func linkRefs(joins []joinResult, churns []churnResult) {
	for i := range joins {
		for j := range joins {
			if !joins[i].muc && joins[j].muc && joins[j].n == joins[i].n {
				joins[i].ref = &joins[j]
			}
		}
	}
	for i := range churns {
		for j := range churns {
			if !churns[i].muc && churns[j].muc {
				churns[i].ref = &churns[j]
			}
		}
	}
}

func errSuffix(err error) string {
	if err == nil {
		return ""
	}
	return " (" + err.Error() + ")"
}

// joinFanout lets n clients join one room one after the other (each
// waits for its own presence), sends one groupchat message and times its
// arrival at every occupant, then makes everybody leave at once.
func (e *roomsEnv) joinFanout(ctx context.Context, t roomsTarget, n int, tag string) (r joinResult) {
	r = joinResult{target: t.name, muc: t.muc, n: n}
	room, err := roomJID(t, tag)
	if err != nil {
		r.err = err
		return r
	}
	cs := e.clients[:n]
	for _, c := range cs {
		c.handler.Store(nil)
	}
	e.settle(200*time.Millisecond, 10*time.Second)
	clock := e.cpuClock()
	cpu0 := clock.now()
	recv0 := e.recv.Load()
	each := make([]time.Duration, 0, n)
	start := time.Now()
	for _, c := range cs {
		jctx, cancel := context.WithTimeout(ctx, time.Minute)
		t0 := time.Now()
		err := c.join(room)
		if err == nil {
			var at time.Time
			at, err = c.waitSelf(jctx, room, false)
			each = append(each, at.Sub(t0))
		}
		cancel()
		if err != nil {
			r.err = err
			break
		}
	}
	r.join = time.Since(start)
	r.cpu = clock.now().sub(cpu0)
	slices.Sort(each)
	r.joinP50, r.joinP99 = percentile(each, 50), percentile(each, 99)
	r.settle = e.settle(300*time.Millisecond, time.Minute)
	r.recv = e.recv.Load() - recv0

	if r.err == nil {
		r.fanP50, r.fanP99, r.fanMax, r.fanGot, r.err = fanout(ctx, cs, room, tag)
	}
	start = time.Now()
	if err := leaveAll(ctx, cs, func(*rclient) string { return room }); err != nil && r.err == nil {
		r.err = err
	}
	r.leave = time.Since(start)
	return r
}

// fanout sends one groupchat message from cs[0] and returns the
// percentiles of its arrival at each of cs.
func fanout(ctx context.Context, cs []*rclient, room, tag string) (p50, p99, mx time.Duration, got int, err error) {
	body := "fan-out " + tag
	var mu sync.Mutex
	arrived := make([]time.Time, len(cs))
	count := 0
	all := make(chan struct{})
	h := stanzaHandler(func(c *rclient, el []byte, at time.Time) {
		if elName(el) != "message" || elChildText(el, "body") != body {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if c.idx < len(arrived) && arrived[c.idx].IsZero() {
			arrived[c.idx] = at
			if count++; count == len(cs) {
				close(all)
			}
		}
	})
	for _, c := range cs {
		c.handler.Store(&h)
	}
	defer func() {
		for _, c := range cs {
			c.handler.Store(nil)
		}
	}()
	sent := time.Now()
	if err := cs[0].groupchat(room, body); err != nil {
		return 0, 0, 0, 0, err
	}
	select {
	case <-all:
	case <-time.After(time.Minute):
		err = fmt.Errorf("bench: fan-out did not reach all %d occupants in a minute", len(cs))
	case <-ctx.Done():
		err = ctx.Err()
	}
	var lat []time.Duration
	mu.Lock()
	for _, at := range arrived {
		if !at.IsZero() {
			lat = append(lat, at.Sub(sent))
		}
	}
	mu.Unlock()
	slices.Sort(lat)
	if len(lat) > 0 {
		mx = lat[len(lat)-1]
	}
	return percentile(lat, 50), percentile(lat, 99), mx, len(lat), err
}

// leaveAll makes every client leave roomOf(c) at once and waits until
// each has its own unavailable presence.
func leaveAll(ctx context.Context, cs []*rclient, roomOf func(*rclient) string) error {
	for _, c := range cs {
		if err := c.leave(roomOf(c)); err != nil {
			return err
		}
	}
	lctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	errs := make(chan error, len(cs))
	var wg sync.WaitGroup
	for _, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.waitSelf(lctx, roomOf(c), true); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// churn spreads users over rooms, then lets each user hop (leave its room,
// join another picked at random, wait for both answers) back to back for
// d, and finally checks every user's view of its room's occupants against
// where everybody is.
func (e *roomsEnv) churn(ctx context.Context, t roomsTarget, users, rooms int, d time.Duration, tag string) (r churnResult) {
	r = churnResult{target: t.name, muc: t.muc, users: users, rooms: rooms}
	jids := make([]string, rooms)
	for i := range jids {
		var err error
		if jids[i], err = roomJID(t, fmt.Sprintf("%s-%d", tag, i)); err != nil {
			r.err = err
			return r
		}
	}
	cs := e.clients[:users]
	where := make([]int, users) // room index of each user
	for i, c := range cs {
		c.handler.Store(nil)
		c.setTracking(true)
		where[i] = i % rooms
	}
	defer func() {
		for _, c := range cs {
			c.setTracking(false)
		}
	}()
	e.settle(200*time.Millisecond, 10*time.Second)
	// everybody in, a few at a time
	if err := forAll(ctx, cs, 16, func(ctx context.Context, c *rclient) error {
		if err := c.join(jids[where[c.idx]]); err != nil {
			return err
		}
		_, err := c.waitSelf(ctx, jids[where[c.idx]], false)
		return err
	}); err != nil {
		r.err = err
		return r
	}
	e.settle(200*time.Millisecond, 30*time.Second)

	clock := e.cpuClock()
	cpu0 := clock.now()
	var mu sync.Mutex
	var hops []time.Duration
	var ops int
	recv0 := e.recv.Load()
	start := time.Now()
	deadline := start.Add(d)
	err := forAll(ctx, cs, len(cs), func(ctx context.Context, c *rclient) error {
		rnd := rand.New(rand.NewPCG(uint64(c.idx), 7))
		var mine []time.Duration
		defer func() {
			mu.Lock()
			hops = append(hops, mine...)
			ops += 2 * len(mine)
			mu.Unlock()
		}()
		for time.Now().Before(deadline) {
			from := where[c.idx]
			to := rnd.IntN(rooms - 1)
			if to >= from {
				to++
			}
			t0 := time.Now()
			if err := c.leave(jids[from]); err != nil {
				return err
			}
			if err := c.join(jids[to]); err != nil {
				return err
			}
			if err := c.waitSelves(ctx, selfPresence{from: jids[from] + "/" + c.nick, unavailable: true},
				selfPresence{from: jids[to] + "/" + c.nick}); err != nil {
				return err
			}
			where[c.idx] = to // only this worker writes its slot
			mine = append(mine, time.Since(t0))
		}
		return nil
	})
	r.span = time.Since(start)
	r.cpu = clock.now().sub(cpu0)
	r.recv = e.recv.Load() - recv0
	r.ops = ops
	slices.Sort(hops)
	r.hopP50, r.hopP99 = percentile(hops, 50), percentile(hops, 99)
	if err != nil {
		r.err = err
	}

	// Occupant lists: every user's view of its room must be exactly the
	// users there. Presences to others may trail the self-presences:
	// allow them a few seconds.
	truth := make([]map[string]bool, rooms)
	for i := range truth {
		truth[i] = make(map[string]bool)
	}
	for i, c := range cs {
		truth[where[i]][c.nick] = true
	}
	r.checked = users
	for wait := time.Now(); ; {
		r.wrong = 0
		for i, c := range cs {
			if !sameSet(c.occupants(jids[where[i]]), truth[where[i]]) {
				r.wrong++
			}
		}
		if r.wrong == 0 || time.Since(wait) > 15*time.Second {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err := leaveAll(ctx, cs, func(c *rclient) string { return jids[where[c.idx]] }); err != nil && r.err == nil {
		r.err = err
	}
	return r
}

// waitSelves waits for all the given self-presences, in any order.
func (c *rclient) waitSelves(ctx context.Context, want ...selfPresence) error {
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	left := len(want)
	seen := make([]bool, len(want))
	for left > 0 {
		select {
		case p := <-c.self:
			for i, w := range want {
				if !seen[i] && w.from == p.from && w.unavailable == p.unavailable {
					seen[i] = true
					left--
					break
				}
			}
		case <-wctx.Done():
			return fmt.Errorf("bench: client %d: %d of %d self-presences missing: %w", c.idx, left, len(want), wctx.Err())
		}
	}
	return nil
}

// forAll runs fn for every client, at most par at once, and returns the
// first error.
func forAll(ctx context.Context, cs []*rclient, par int, fn func(context.Context, *rclient) error) error {
	fctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, len(cs))
	slots := make(chan struct{}, par)
	for _, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			if err := fn(fctx, c); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

func sameSet(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}
