package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/internal/smscsim"
	"github.com/mpimis/mpimis/internal/xmpptest"
)

// login writes n accounts and logs each in with initial presence; every
// client's arrivals go to s.
func (e *env) login(ctx context.Context, n int, s *sink) ([]*xmpptest.Client, error) {
	cs := make([]*xmpptest.Client, n)
	for i := range n {
		user, pw := fmt.Sprintf("u%d", i), fmt.Sprintf("pw%d", i)
		if err := e.pros.AddUser(user, pw); err != nil {
			return nil, fmt.Errorf("bench: %w", err)
		}
		c, err := xmpptest.Dial(ctx, e.pros.C2SAddr(), user, userHost, pw)
		if err != nil {
			return nil, fmt.Errorf("bench: %w", err)
		}
		e.stops = append(e.stops, func() { _ = c.Close() })
		if err := c.Send(ctx, component.NewElement(component.NSComponent, "presence")); err != nil {
			return nil, fmt.Errorf("bench: presence: %w", err)
		}
		cs[i] = c
		go readLoop(c, s)
	}
	return cs, nil
}

// readLoop hands every message body c receives to s until its stream ends.
func readLoop(c *xmpptest.Client, s *sink) {
	all := func(*component.Element) bool { return true }
	for {
		el, err := c.Expect(context.Background(), all)
		if err != nil {
			return
		}
		if el.Name.Local == "message" {
			s.got(el.ChildText("", "body"), time.Now())
		}
	}
}

// chat is a chat message with body.
func chat(to, body string) *component.Element {
	return component.NewElement(component.NSComponent, "message", "type", "chat", "to", to).
		Add(component.NewElement(component.NSComponent, "body").WithText(body))
}

var jidRe = regexp.MustCompile(`\d+@` + regexp.QuoteMeta(gwDomain))

// phone returns the i-th bench phone number (German mobile range).
func phone(i int) string { return fmt.Sprintf("+49151%08d", i) }

// register registers n phones ("REG") and returns the JID each was given,
// read from the reply SMS.
func (e *env) register(ctx context.Context, n int) ([]string, error) {
	from := e.sim.SubmittedCount()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	slots := make(chan struct{}, 16) // below mpimis's 32 MO workers
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			if err := e.sim.SendMO(ctx, smscsim.MO{Source: phone(i), Dest: "12345", Text: fmt.Sprintf("REG phone%d", i)}); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, fmt.Errorf("bench: REG: %w", err)
	}
	byDest := make(map[string]string, n)
	for {
		for _, m := range e.sim.Messages() {
			if j := jidRe.FindString(m.Text); j != "" && m.Complete {
				byDest[m.Dest] = j
			}
		}
		if len(byDest) >= n {
			break
		}
		_, next, err := e.sim.WaitSubmittedAfter(ctx, from)
		if err != nil {
			return nil, fmt.Errorf("bench: %d of %d registration replies: %w", len(byDest), n, err)
		}
		from = next
	}
	jids := make([]string, n)
	for i := range n {
		j, ok := byDest[strings.TrimPrefix(phone(i), "+")]
		if !ok {
			return nil, fmt.Errorf("bench: no registration reply for phone %d", i)
		}
		jids[i] = j
	}
	return jids, nil
}

// followSubmits hands every submit_sm the simulator receives to s, with
// the time it was read, until ctx ends.
func followSubmits(ctx context.Context, sim *smscsim.Server, s *sink) {
	from := sim.SubmittedCount()
	for {
		subs, next, err := sim.WaitSubmittedAfter(ctx, from)
		if err != nil {
			return
		}
		from = next
		for _, x := range subs {
			s.got(x.Text, x.At)
		}
	}
}
