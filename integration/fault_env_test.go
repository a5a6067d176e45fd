package integration

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/conf"
	"github.com/mpimis/mpimis/internal/prosody"
	"github.com/mpimis/mpimis/internal/smscsim"
	"github.com/mpimis/mpimis/internal/xmpptest"
)

// The fault-injection tests (fault_*_test.go) run mpimis against a real
// Prosody and the SMSC simulator, break something while messages flow, and
// then check that every accepted message was delivered. What "accepted"
// means is fixed for all of them:
//
//   - MT (XMPP -> SMS): the sender got no error reply, and the gateway
//     answered a ping the sender sent after the message on the same
//     session. The gateway handles a link's stanzas in order and sends a
//     refusal before handling the next stanza, so once that ping is
//     answered the message is either refused (its error is already in the
//     sender's inbox) or in the durable MT queue. A message whose session
//     died before the ping was answered is "unknown": it may or may not
//     arrive, and is not counted either way.
//   - MO (SMS -> XMPP): the deliver_sm was answered with status 0. Every
//     other outcome (an error status, no answer, no bind) is sent again as
//     a new attempt with its own text, as an SMSC retries a deliver_sm it
//     got no positive answer for.
//
// Delivery is at least once: a copy is allowed, but all copies of one MO
// carry the same stanza id (mo-<queue id>), and the SMSC may see an MT
// again only if it was in flight when the fault hit.

// faultConfig tunes mpimis for the fault tests: no rate limit in the way
// of a stream, a 1 s SMPP response timeout, quick retries, and a lease
// short enough that what a killed process held is taken again within the
// test.
func faultConfig(c *conf.Config) {
	c.Limits.SMSPerMinute = 100000
	c.Limits.SMSPerDay = 1000000
	c.SMPP.ResponseTimeout = conf.Duration{Duration: time.Second}
	c.SMPP.RetryMin = conf.Duration{Duration: 50 * time.Millisecond}
	c.SMPP.RetryMax = conf.Duration{Duration: 500 * time.Millisecond}
	c.Store.Lease = conf.Duration{Duration: 3 * time.Second}
}

// faultEnv is Prosody and an in-process mpimis with faultConfig, bound to
// its SMSC simulator, with the phones of bob and carol registered and
// alice logged in.
type faultEnv struct {
	p                *prosody.Server
	m                *mpimis
	dbPath           string
	bobJID, carolJID string
	alice            *xmpptest.Client
}

func startFaultEnv(t *testing.T) *faultEnv {
	t.Helper()
	e := &faultEnv{p: startProsody(t)}
	e.m = startMpimis(t, e.p, func(c *conf.Config) { faultConfig(c); e.dbPath = c.Store.Path })
	must(t, e.m.sim.WaitBinds(ctxT(t), 1), "SMPP bind")
	e.bobJID = register(t, e.m, phoneBob, "bob")
	e.carolJID = register(t, e.m, phoneCarol, "carol")
	e.alice = login(t, e.p, "alice")
	return e
}

// verify checks the end state of a fault test: every accepted MT at the
// SMSC (with at most maxMTDups extra copies) and its receipt at alice,
// every accepted MO at alice with one stable id, no panic, and the gateway
// still serving. It returns the extra copies of MT and MO.
func (e *faultEnv) verify(t *testing.T, ctx context.Context, mt *mtStream, maxMTDups int, moAccepted []string) (mtDups, moDups int) {
	t.Helper()
	mtDups = checkMTCopies(t, mtCopies(t, e.m.sim, mt.accepted), maxMTDups)
	awaitReceipts(t, e.alice, mt.accepted)
	in := moInbox{}
	must(t, in.collect(ctx, e.alice, moAccepted), "collect MO")
	moDups = in.check(t, moAccepted)
	checkNoPanic(t, "mpimis", e.m.log.String())
	checkServing(t, e.alice)
	return mtDups, moDups
}

// mtPrefix is how mpimis prefixes an MT sent by alice.
const mtPrefix = "alice@" + userHost + ": "

// mtStream sends uniquely numbered MT messages from an XMPP user to SMS
// users and sorts them into accepted, refused and unknown (see above).
// Each message's body and stanza id are its token; each asks for a
// receipt.
type mtStream struct {
	name     string
	to       []string // SMS users' JIDs, used in turn
	n        int
	accepted []string
	refused  map[string]*component.Element
	unknown  []string
}

func newMTStream(name string, to ...string) *mtStream {
	return &mtStream{name: name, to: to, refused: map[string]*component.Element{}}
}

// batch sends k messages on c, then the confirming ping. It returns an
// error when the session failed; the batch is then unknown.
func (s *mtStream) batch(ctx context.Context, c *xmpptest.Client, k int) error {
	var toks []string
	for range k {
		s.n++
		tok := fmt.Sprintf("%s-%03d", s.name, s.n)
		toks = append(toks, tok)
		if err := c.Send(ctx, chat(s.to[s.n%len(s.to)], tok, tok, true)); err != nil {
			s.unknown = append(s.unknown, toks...)
			return err
		}
	}
	res, err := c.IQ(ctx, xmpptest.NewIQ("get", gwDomain, component.NewElement(component.NSPing, "ping")))
	if err == nil && res.Get("type") != "result" {
		err = fmt.Errorf("gateway answered the ping with %s", res)
	}
	if err != nil {
		s.unknown = append(s.unknown, toks...)
		return err
	}
	for _, tok := range toks {
		if e := takeNow(c, isRefusalOf(tok)); e != nil {
			s.refused[tok] = e
		} else {
			s.accepted = append(s.accepted, tok)
		}
	}
	return nil
}

// takeNow removes and returns the first stanza in c's inbox that match
// accepts, nil if there is none; it never waits.
func takeNow(c *xmpptest.Client, match func(*component.Element) bool) *component.Element {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e, _ := c.Expect(ctx, match)
	return e
}

// notDelivered starts the text of the error that reports a failed SMS
// (relay.Core.Report), as opposed to a refusal of the message.
const notDelivered = "SMS not delivered"

// isFailureOf matches the error that reports the SMS of message id as not
// delivered.
func isFailureOf(id string) func(*component.Element) bool {
	return func(e *component.Element) bool {
		se := component.ParseStanzaError(e)
		return e.Get("id") == id && e.Get("type") == "error" && se != nil && strings.HasPrefix(se.Text, notDelivered)
	}
}

// isRefusalOf matches any other error about message id: it was not
// accepted.
func isRefusalOf(id string) func(*component.Element) bool {
	return func(e *component.Element) bool {
		return e.Get("id") == id && e.Get("type") == "error" && !isFailureOf(id)(e)
	}
}

func isReceiptFor(id string) func(*component.Element) bool {
	return func(e *component.Element) bool {
		r := e.Child(component.NSReceipts, "received")
		return e.Name.Local == "message" && e.Get("type") != "error" && r != nil && r.Get("id") == id
	}
}

// mtCopies waits until the SMSC holds every token in want as a complete
// MT from alice and returns the number of copies of each token it holds.
func mtCopies(t *testing.T, sim *smscsim.Server, want []string) map[string]int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		got, complete := map[string]int{}, 0
		for _, m := range sim.Messages() {
			if !m.Complete {
				continue
			}
			complete++
			if tok, ok := strings.CutPrefix(m.Text, mtPrefix); ok {
				got[tok]++
			}
		}
		var missing []string
		for _, tok := range want {
			if got[tok] == 0 {
				missing = append(missing, tok)
			}
		}
		if len(missing) == 0 {
			return got
		}
		if _, err := sim.WaitMessages(ctx, complete+1); err != nil {
			t.Fatalf("%d of %d accepted MT never reached the SMSC: %v", len(missing), len(want), missing)
		}
	}
}

// checkMTCopies fails for every MT that reached the SMSC more than once
// beyond maxDups copies in all, and returns the number of extra copies.
func checkMTCopies(t *testing.T, copies map[string]int, maxDups int) int {
	t.Helper()
	dups := 0
	for _, n := range copies {
		dups += n - 1
	}
	if dups > maxDups {
		t.Errorf("%d duplicate MT at the SMSC, at most %d can have been in flight at the faults: %v", dups, maxDups, copies)
	}
	return dups
}

// awaitReceipts waits for a XEP-0184 receipt for every token on c.
func awaitReceipts(t *testing.T, c *xmpptest.Client, toks []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, tok := range toks {
		if _, err := c.Expect(ctx, isReceiptFor(tok)); err != nil {
			t.Fatalf("no receipt for accepted MT %s: %v", tok, err)
		}
	}
}

// moStream injects uniquely numbered MO messages "alice@localhost <token>"
// from phone. A token is "<name>-<message>.<attempt>": an attempt that is
// not acknowledged with 0 is sent again as the next attempt.
type moStream struct {
	sim         *smscsim.Server
	phone, name string

	mu       sync.Mutex
	accepted []string
	failed   []string       // attempts not acknowledged with 0
	statuses map[uint32]int // non-zero deliver_sm_resp statuses seen
	changed  chan struct{}  // closed and replaced after each attempt
}

func newMOStream(sim *smscsim.Server, phone, name string) *moStream {
	return &moStream{sim: sim, phone: phone, name: name, statuses: map[uint32]int{}, changed: make(chan struct{})}
}

// send sends message i until an attempt is acknowledged with 0.
func (s *moStream) send(ctx context.Context, i int) error {
	for attempt := 1; ; attempt++ {
		tok := fmt.Sprintf("%s-%03d.%d", s.name, i, attempt)
		binds := s.sim.Binds()
		err := s.sim.SendMO(ctx, smscsim.MO{Source: s.phone, Dest: "12345", Text: "alice@" + userHost + " " + tok})
		s.mu.Lock()
		if err == nil {
			s.accepted = append(s.accepted, tok)
		} else {
			s.failed = append(s.failed, tok)
		}
		var se *smscsim.StatusError
		if errors.As(err, &se) {
			s.statuses[se.Status]++
		}
		close(s.changed)
		s.changed = make(chan struct{})
		s.mu.Unlock()
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return fmt.Errorf("MO %s: %w", tok, err)
		case se != nil:
			// Refused: an SMSC waits a little before delivering again.
			select {
			case <-time.After(20 * time.Millisecond):
			case <-ctx.Done():
			}
		case s.sim.Sessions() == 0:
			// No bind, or it broke during the request: wait for mpimis
			// to bind again.
			if werr := s.sim.WaitBinds(ctx, binds+1); werr != nil {
				return fmt.Errorf("MO %s: %w (waiting for a bind: %w)", tok, err, werr)
			}
		}
	}
}

// run sends messages from..to-1, one after the other.
func (s *moStream) run(ctx context.Context, from, to int) error {
	for i := from; i < to; i++ {
		if err := s.send(ctx, i); err != nil {
			return err
		}
	}
	return nil
}

// moGap spaces the messages of a stream: a phone user's pace is
// irrelevant here, but an unpaced stream would only burn the CPU the
// faults need.
const moGap = 5 * time.Millisecond

// start sends messages 0, 1, ... in the background, moGap apart, until
// stop is called; stop returns the error that ended the stream early, if
// any.
func (s *moStream) start(ctx context.Context) (stop func() error) {
	quit, done := make(chan struct{}), make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-quit:
				done <- nil
				return
			case <-time.After(moGap):
			}
			if err := s.send(ctx, i); err != nil {
				done <- err
				return
			}
		}
	}()
	return func() error { close(quit); return <-done }
}

// count returns how many messages were accepted so far.
func (s *moStream) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.accepted)
}

// waitCount waits until n messages were accepted.
func (s *moStream) waitCount(ctx context.Context, n int) error {
	return s.waitFor(ctx, fmt.Sprintf("%d MO accepted", n), func() bool { return len(s.accepted) >= n })
}

// waitFor waits until cond, called with s.mu held after each attempt,
// holds.
func (s *moStream) waitFor(ctx context.Context, what string, cond func() bool) error {
	for {
		s.mu.Lock()
		ok, ch := cond(), s.changed
		s.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("%s %s: never (%d accepted): %w", s.name, what, s.count(), ctx.Err())
		}
	}
}

// result returns the accepted tokens, the failed attempts and the
// statuses counted.
func (s *moStream) result() (accepted, failed []string, statuses map[uint32]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := make(map[uint32]int, len(s.statuses))
	for k, v := range s.statuses {
		st[k] = v
	}
	return append([]string(nil), s.accepted...), append([]string(nil), s.failed...), st
}

// moInbox is what an XMPP client received from SMS users: body -> the
// stanza ids of its copies.
type moInbox map[string][]string

// collect takes messages from the gateway domain out of c's inbox until
// every body in want has arrived (waiting at most until ctx ends), and
// then whatever else is already there.
func (in moInbox) collect(ctx context.Context, c *xmpptest.Client, want []string) error {
	isMO := func(e *component.Element) bool {
		return e.Name.Local == "message" && e.Get("type") != "error" &&
			strings.HasSuffix(strings.SplitN(e.Get("from"), "/", 2)[0], "@"+gwDomain) && e.Child("", "body") != nil
	}
	add := func(e *component.Element) { body := e.ChildText("", "body"); in[body] = append(in[body], e.Get("id")) }
	for {
		var missing []string
		for _, w := range want {
			if len(in[w]) == 0 {
				missing = append(missing, w)
			}
		}
		if len(missing) == 0 {
			break
		}
		e, err := c.Expect(ctx, isMO)
		if err != nil {
			return fmt.Errorf("%d of %d accepted MO never arrived (%v): %w", len(missing), len(want), missing, err)
		}
		add(e)
	}
	for e := takeNow(c, isMO); e != nil; e = takeNow(c, isMO) {
		add(e)
	}
	return nil
}

var moIDRe = regexp.MustCompile(`^mo-[0-9]+$`)

// check fails unless every accepted body arrived, all copies of a body
// carry one stable id and no two bodies share an id. It returns the
// number of extra copies.
func (in moInbox) check(t *testing.T, accepted []string) int {
	t.Helper()
	for _, a := range accepted {
		if len(in[a]) == 0 {
			t.Errorf("accepted MO %s lost", a)
		}
	}
	owner := map[string]string{}
	dups := 0
	bodies := make([]string, 0, len(in))
	for b := range in {
		bodies = append(bodies, b)
	}
	sort.Strings(bodies)
	for _, body := range bodies {
		ids := in[body]
		dups += len(ids) - 1
		for _, id := range ids {
			if id != ids[0] || !moIDRe.MatchString(id) {
				t.Errorf("MO %q arrived with ids %v: copies must carry one stable mo-<id>", body, ids)
				break
			}
		}
		if o, ok := owner[ids[0]]; ok {
			t.Errorf("MO %q and %q share the id %s", o, body, ids[0])
		}
		owner[ids[0]] = body
	}
	return dups
}

// checkNoPanic fails if a log shows a panic.
func checkNoPanic(t *testing.T, who, log string) {
	t.Helper()
	if i := strings.Index(strings.ToLower(log), "panic"); i >= 0 {
		t.Errorf("%s logged a panic: %s", who, log[max(0, i-200):min(len(log), i+800)])
	}
}

// checkServing fails unless the gateway answers a ping from c.
func checkServing(t *testing.T, c *xmpptest.Client) {
	t.Helper()
	res, err := c.IQ(ctxT(t), xmpptest.NewIQ("get", gwDomain, component.NewElement(component.NSPing, "ping")))
	must(t, err, "ping the gateway after the fault")
	if res.Get("type") != "result" {
		t.Errorf("gateway no longer serving: %s", res)
	}
}
