package relay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mpimis/mpimis/ident"
	"github.com/mpimis/mpimis/store"
)

// Test phones: possible German mobile numbers.
var (
	phoneA = mustPhone("+4915112345678")
	phoneB = mustPhone("+4915223456789")
	phoneC = mustPhone("+4917612345678")
	phoneD = mustPhone("+4916098765432")
)

func mustPhone(s string) ident.Phone {
	p, err := ident.ParsePhone(s, "")
	if err != nil {
		panic(err)
	}
	return p
}

// xcall is one call to the fake XMPP side.
type xcall struct {
	Kind string // message, presence, receipt, error
	Msg  OutMessage
	Pres OutPresence
	From ident.IMID
	To   string
	ID   string
	Err  *Error
}

func (x xcall) String() string {
	switch x.Kind {
	case "message":
		return fmt.Sprintf("message %+v", x.Msg)
	case "presence":
		return fmt.Sprintf("presence %+v", x.Pres)
	case "error":
		return fmt.Sprintf("error from=%s to=%s id=%s kind=%s text=%q", x.From, x.To, x.ID, x.Err.Kind, x.Err.Text)
	}
	return fmt.Sprintf("%s from=%s to=%s id=%s", x.Kind, x.From, x.To, x.ID)
}

// fakeXMPP records every call; fail makes the next calls fail.
type fakeXMPP struct {
	mu    sync.Mutex
	calls []xcall
	fail  error
}

func (f *fakeXMPP) add(x xcall) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return f.fail
	}
	f.calls = append(f.calls, x)
	return nil
}

func (f *fakeXMPP) Message(_ context.Context, m OutMessage) error {
	return f.add(xcall{Kind: "message", Msg: m})
}

func (f *fakeXMPP) Presence(_ context.Context, p OutPresence) error {
	return f.add(xcall{Kind: "presence", Pres: p})
}

func (f *fakeXMPP) Receipt(_ context.Context, from ident.IMID, to, id string) error {
	return f.add(xcall{Kind: "receipt", From: from, To: to, ID: id})
}

func (f *fakeXMPP) MessageError(_ context.Context, from ident.IMID, to, id string, err *Error) error {
	return f.add(xcall{Kind: "error", From: from, To: to, ID: id, Err: err})
}

// take returns the calls so far and forgets them.
func (f *fakeXMPP) take() []xcall {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.calls
	f.calls = nil
	return c
}

func (f *fakeXMPP) setFail(err error) {
	f.mu.Lock()
	f.fail = err
	f.mu.Unlock()
}

// sent is one SMS queued through the fake SMS side.
type sent struct {
	To   ident.Phone
	Body string
	Meta SMSMeta
}

// fakeSMS records sent SMS and counts segments by the GSM 03.38 rules;
// what the relay records with a message runs in a transaction of st, as
// the real SMS side does.
type fakeSMS struct {
	mu   sync.Mutex
	sent []sent
	fail error
	st   *store.Store
}

func (f *fakeSMS) Segments(body string) (int, error) { return gsmSegments(body), nil }

func (f *fakeSMS) Send(ctx context.Context, to ident.Phone, body string, meta SMSMeta, with func(*store.Tx) error) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return f.fail
	}
	if with != nil {
		if err := f.st.WriteTx(ctx, with); err != nil {
			return err
		}
	}
	f.sent = append(f.sent, sent{to, body, meta})
	return nil
}

func (f *fakeSMS) take() []sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.sent
	f.sent = nil
	return s
}

func (f *fakeSMS) setFail(err error) {
	f.mu.Lock()
	f.fail = err
	f.mu.Unlock()
}

// GSM 03.38 default alphabet and its extension table (two septets each).
const (
	gsmBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
		"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsmExt = "\f^{}\\[~]|€"
)

// gsmSegments counts segments as an SMSC does: GSM 7-bit when every
// character is in the alphabet (160 septets, 153 per part), otherwise
// UCS-2 (70 UTF-16 units, 67 per part).
func gsmSegments(body string) int {
	septets, gsm := 0, true
	for _, r := range body {
		switch {
		case strings.ContainsRune(gsmBasic, r):
			septets++
		case strings.ContainsRune(gsmExt, r):
			septets += 2
		default:
			gsm = false
		}
	}
	if gsm {
		if septets <= 160 {
			return 1
		}
		return (septets + 152) / 153
	}
	units := 0
	for _, r := range body {
		units++
		if r > 0xFFFF {
			units++
		}
	}
	if units <= 70 {
		return 1
	}
	return (units + 66) / 67
}

// testClock is a settable clock safe for concurrent use.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// logCapture keeps every log record as text.
type logCapture struct {
	mu      sync.Mutex
	records []slog.Record
}

func (l *logCapture) Enabled(context.Context, slog.Level) bool { return true }
func (l *logCapture) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	l.records = append(l.records, r.Clone())
	l.mu.Unlock()
	return nil
}
func (l *logCapture) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logCapture) WithGroup(string) slog.Handler      { return l }

// lines renders the records at or above level.
func (l *logCapture) lines(level slog.Level) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, r := range l.records {
		if r.Level < level {
			continue
		}
		var b strings.Builder
		b.WriteString(r.Level.String() + " " + r.Message)
		r.Attrs(func(a slog.Attr) bool {
			fmt.Fprintf(&b, " %s=%v", a.Key, a.Value.Resolve())
			return true
		})
		out = append(out, b.String())
	}
	return out
}

// harness is a Core on a real store in a temporary directory.
type harness struct {
	t    testing.TB
	c    *Core
	st   *store.Store
	x    *fakeXMPP
	s    *fakeSMS
	clk  *testClock
	logs *logCapture
	cfg  Config
	path string
	moID int64
}

// testConfig is the configuration scenarios start from.
func testConfig() Config {
	return Config{
		GatewayDomain: "sms.example.org",
		Admins:        []string{"admin@example.net"},
		AutoRegister:  true,
		IMIDDigits:    8,
		StickyWindow:  time.Hour,
		SMSPerMinute:  20,
		SMSPerDay:     500,
		MaxSegments:   3,
	}
}

func newHarness(t testing.TB, mod func(*Config)) *harness {
	t.Helper()
	cfg := testConfig()
	if mod != nil {
		mod(&cfg)
	}
	h := &harness{t: t, x: &fakeXMPP{}, s: &fakeSMS{}, logs: &logCapture{}, cfg: cfg,
		clk:  &testClock{t: time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)},
		path: filepath.Join(t.TempDir(), "mpimis.db")}
	h.open()
	t.Cleanup(func() {
		if err := h.st.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return h
}

// open (re)opens the store and builds a fresh Core on it.
func (h *harness) open() {
	h.t.Helper()
	st, err := store.Open(context.Background(), h.path)
	if err != nil {
		h.t.Fatalf("open store: %v", err)
	}
	h.st = st
	h.s.st = st
	c, err := New(h.cfg, Deps{Store: st, XMPP: h.x, SMS: h.s, Log: slog.New(h.logs), Now: h.clk.now})
	if err != nil {
		h.t.Fatalf("New: %v", err)
	}
	h.c = c
}

// reopen simulates a restart: the store is closed and opened again and the
// Core rebuilt (in-memory limiters are lost).
func (h *harness) reopen() {
	h.t.Helper()
	if err := h.st.Close(); err != nil {
		h.t.Fatalf("close store: %v", err)
	}
	h.open()
}

// mo hands an SMS to the Core with a fresh MO id and fails on error.
func (h *harness) mo(from ident.Phone, text string) int64 {
	h.t.Helper()
	h.moID++
	if err := h.c.FromSMS(context.Background(), SMSMessage{ID: h.moID, From: from, Text: text, ReceivedAt: h.clk.now()}); err != nil {
		h.t.Fatalf("FromSMS(%q): %v", text, err)
	}
	return h.moID
}

// replies returns the bodies of the SMS sent to phone since the last take,
// and fails if any SMS went to another phone.
func (h *harness) replies(to ident.Phone) []string {
	h.t.Helper()
	var out []string
	for _, s := range h.s.take() {
		if s.To != to {
			h.t.Errorf("SMS to an unexpected phone %v: %q", s.To, s.Body)
			continue
		}
		out = append(out, s.Body)
	}
	return out
}

// register binds phone with REG [nick] and returns its imid.
func (h *harness) register(phone ident.Phone, nick string) string {
	h.t.Helper()
	h.mo(phone, strings.TrimSpace("REG "+nick))
	h.s.take()
	b, err := h.st.GetBindingByPhone(context.Background(), phone.E164())
	if err != nil {
		h.t.Fatalf("register: %v", err)
	}
	return b.IMID
}

// binding returns phone's live binding or nil.
func (h *harness) binding(phone ident.Phone) *store.Binding {
	h.t.Helper()
	b, err := h.st.GetBindingByPhone(context.Background(), phone.E164())
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		h.t.Fatal(err)
	}
	return b
}

// kindOf returns the ErrorKind of a refusal, or -1 for nil / another error.
func kindOf(err error) ErrorKind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return -1
}
