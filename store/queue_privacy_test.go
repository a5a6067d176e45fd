package store

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestQueueOutputHidesPhoneAndText(t *testing.T) {
	const text = "meet me at the secret place"
	mt := MT{ID: 4242, Dest: phoneMT, Source: "alice@example.org", Text: text, Sent: []int{1}, State: MTSending}
	mo := MO{ID: 4242, Source: phoneMO, Dest: phoneMT, Payload: []byte(text), Parts: 2, Missing: []int{2}}
	part := MOPart{Source: phoneMO, Dest: phoneMT, Ref: 4242, Total: 2, Seq: 1, Payload: []byte(text)}
	out := DLROutcome{MT: mt, Seq: 1, FirstTime: true}
	logged := func(h func(*bytes.Buffer) slog.Handler) string {
		var buf bytes.Buffer
		slog.New(h(&buf)).Info("x", "mt", mt, "mo", mo, "part", part, "ptr", &mt, "outcome", out)
		return buf.String()
	}
	text1 := logged(func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) })
	json1 := logged(func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) })

	for i, tc := range []struct {
		name string
		out  string
	}{
		{"MT String", mt.String()},
		{"MT %v", fmt.Sprintf("%v", mt)},
		{"MT %+v", fmt.Sprintf("%+v", mt)},
		{"MT %#v", fmt.Sprintf("%#v", mt)},
		{"MT pointer", fmt.Sprintf("%v", &mt)},
		{"MT slice", fmt.Sprintf("%v", []MT{mt})},
		{"MO String", mo.String()},
		{"MO %+v", fmt.Sprintf("%+v", mo)},
		{"MO %#v", fmt.Sprintf("%#v", mo)},
		{"MO slice", fmt.Sprintf("%v", []MO{mo})},
		{"part %v", fmt.Sprintf("%v", part)},
		{"part %#v", fmt.Sprintf("%#v", part)},
		{"outcome %+v", fmt.Sprintf("%+v", out)},
		{"outcome pointer", fmt.Sprintf("%v", &out)},
		{"outcome %#v", fmt.Sprintf("%#v", out)},
		{"slog text", text1},
		{"slog json", json1},
	} {
		for _, secret := range []string{"4915112345678", "4915187654321", "secret place"} {
			if strings.Contains(tc.out, secret) {
				t.Errorf("%d %s: output contains %q: %s", i, tc.name, secret, tc.out)
			}
		}
		if !strings.Contains(tc.out, "4242") {
			t.Errorf("%d %s: output lacks the id or reference: %s", i, tc.name, tc.out)
		}
	}
}

func TestQueueErrorsHidePhone(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	m := enqueueMT(t, s, "x")
	for i, err := range []error{
		func() error { _, err := s.EnqueueMT(ctx, &MT{Dest: phoneMT}); return err }(),
		func() error { _, err := s.EnqueueMO(ctx, &MO{Dest: phoneMT, Parts: 300}); return err }(),
		func() error {
			_, err := s.AddMOPart(ctx, MOPart{Source: phoneMO, Dest: phoneMT, Total: 1, Seq: 2}, clk.t)
			return err
		}(),
		func() error { _, err := s.RecordDLR(ctx, []string{phoneMT}, "DELIVRD", true); return err }(),
		s.MTPartSent(ctx, m.ID, 2, 1, []string{phoneMT}),
	} {
		if err == nil {
			t.Errorf("%d: no error", i)
			continue
		}
		if strings.Contains(err.Error(), "49151") {
			t.Errorf("%d: error contains a phone number: %v", i, err)
		}
	}
}
