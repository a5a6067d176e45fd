package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/mpimis/mpimis/component"
	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/rooms"
	"github.com/mpimis/mpimis/smsbridge"
	"github.com/mpimis/mpimis/store"
)

// testNow is the fixed clock of the tests.
var testNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

type fakeLink struct {
	mu sync.Mutex
	st component.LinkStatus
}

func (f *fakeLink) Status() component.LinkStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.st
}

func (f *fakeLink) set(state component.LinkState, lastErr string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.st.State, f.st.LastError = state, lastErr
}

type fakeBind struct {
	mu sync.Mutex
	st smsbridge.BindStatus
}

func (f *fakeBind) Status() smsbridge.BindStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.st
}

func (f *fakeBind) set(state smsbridge.BindState, lastErr string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.st.State, f.st.LastError = state, lastErr
}

type fakeQueues struct {
	mt       map[store.MTState]int
	mo       map[store.MOState]int
	mtOldest time.Time
	err      error
}

func (f *fakeQueues) MTStats(ctx context.Context) (map[store.MTState]int, time.Time, error) {
	return f.mt, f.mtOldest, f.err
}

func (f *fakeQueues) MOStats(ctx context.Context) (map[store.MOState]int, time.Time, error) {
	return f.mo, time.Time{}, f.err
}

func (f *fakeQueues) CountMOParts(ctx context.Context) (int, int, error) { return 1, 2, f.err }

// fakeCounters serves a counter map; with block set, it waits for the
// request's context (or release) first.
type fakeCounters struct {
	mu      sync.Mutex
	m       map[string]int64
	err     error
	block   bool
	release chan struct{}
	entered chan struct{} // if not nil, told when a call starts blocking
}

func (f *fakeCounters) Counters(ctx context.Context) (map[string]int64, error) {
	f.mu.Lock()
	block, rel, entered := f.block, f.release, f.entered
	f.mu.Unlock()
	if block {
		if entered != nil {
			select {
			case entered <- struct{}{}:
			default:
			}
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-rel:
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]int64, len(f.m))
	for k, v := range f.m {
		out[k] = v
	}
	return out, f.err
}

func (f *fakeCounters) add(name string, d int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.m[name] += d
}

type fakeRooms struct {
	live   []rooms.LiveRoom
	top    []rooms.PageStats
	err    error // from Lookup, Stats and PageStats
	lookup []string
}

func (f *fakeRooms) Lookup(ctx context.Context, url string) (string, int, error) {
	if f.err != nil {
		return "", 0, f.err
	}
	f.lookup = append(f.lookup, url)
	key, _, err := ident.RoomKeyFor(url)
	if err != nil {
		return "", 0, err
	}
	return string(key) + "@rooms.localhost", 3, nil
}

func (f *fakeRooms) Live() []rooms.LiveRoom { return f.live }

func (f *fakeRooms) Stats(ctx context.Context, since time.Time, limit int) (rooms.Stats, error) {
	if f.err != nil {
		return rooms.Stats{}, f.err
	}
	st := rooms.Stats{Rooms: len(f.live), Now: f.live, Top: f.top}
	for _, l := range f.live {
		st.Occupants += l.Occupants
	}
	return st, nil
}

func (f *fakeRooms) PageStats(ctx context.Context, url string, since time.Time) (rooms.PageStats, error) {
	if f.err != nil {
		return rooms.PageStats{}, f.err
	}
	for _, p := range f.top {
		if p.URL == url {
			return p, nil
		}
	}
	return rooms.PageStats{}, rooms.ErrUnknownRoom
}

// env is a Server over fakes.
type env struct {
	gw, rm   *fakeLink
	bind     *fakeBind
	queues   *fakeQueues
	counters *fakeCounters
	rooms    *fakeRooms
	srv      *Server
}

const secretRoomJID = "n5xgk2lsmvzgk3ttmvqxe2lonrxw4ztt@rooms.localhost"

func newEnv(t *testing.T, tweak func(*Deps)) *env {
	t.Helper()
	since := testNow.Add(-time.Hour)
	e := &env{
		gw:   &fakeLink{st: component.LinkStatus{Domain: "sms.localhost", State: component.StateUp, Since: since, Connects: 2}},
		rm:   &fakeLink{st: component.LinkStatus{Domain: "rooms.localhost", State: component.StateUp, Since: since, Connects: 1, Stalls: 1}},
		bind: &fakeBind{st: smsbridge.BindStatus{State: smsbridge.BindBound, Since: since, Binds: 3, WindowInUse: 4}},
		queues: &fakeQueues{
			mt:       map[store.MTState]int{store.MTQueued: 5, store.MTSending: 2, store.MTSent: 1, store.MTDelivered: 10, store.MTFailed: 1},
			mo:       map[store.MOState]int{store.MOQueued: 1, store.MOProcessing: 0, store.MODone: 7},
			mtOldest: testNow.Add(-90 * time.Second),
		},
		counters: &fakeCounters{m: map[string]int64{
			"relayed_xmpp_to_sms": 3, "relayed_sms_to_xmpp": 4, "relayed_sms_to_sms": 1,
			"refused_rate_limited": 2, "reports_delivered": 3, "registrations": 5, "optouts": 1,
			"bindings_active": 4, "bindings_suspended": 0, "Weird Name +4915112345678": 9,
		}},
		rooms: &fakeRooms{
			live: []rooms.LiveRoom{
				{Key: "n5xgk2lsmvzgk3ttmvqxe2lonrxw4ztt", JID: secretRoomJID, URL: "https://example.org/private?token=4915112345678",
					Title: "Busy page", Occupants: 7, Since: since},
				{Key: "k2", JID: "k2@rooms.localhost", URL: "https://example.net/b", Occupants: 2, Since: since},
			},
			top: []rooms.PageStats{{Key: "k3", URL: "https://example.com/top", Title: "Top page", Visits: 12,
				UniqueVisitors: 5, PeakOccupants: 4, TotalDwell: 120 * time.Second, Messages: 6, LastVisit: since}},
		},
	}
	d := Deps{
		Links:    []Link{{Role: "gateway", Source: e.gw}, {Role: "rooms", Source: e.rm}},
		SMPP:     e.bind,
		Queues:   e.queues,
		Counters: e.counters,
		Rooms:    e.rooms,
		Version:  "test-1",
		Timeout:  2 * time.Second,
		Now:      func() time.Time { return testNow },
	}
	if tweak != nil {
		tweak(&d)
	}
	srv, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	return e
}

// get performs a request on the handler and returns the status and body.
func (e *env) do(method, target string) (int, http.Header, string) {
	req := httptest.NewRequest(method, target, nil)
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

func (e *env) get(target string) (int, string) {
	code, _, body := e.do(http.MethodGet, target)
	return code, body
}

// decode unmarshals a JSON body into v, failing the test if it is not JSON.
func decode(t *testing.T, what, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("%s: body is not JSON (%v): %q", what, err, body)
	}
}

var errBoom = errors.New("store is on fire")
