package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

// fuzzPart is one AddMOPart call decoded from fuzz input.
type fuzzPart struct {
	key  string // model key: source, dest, ref, total
	part MOPart
}

// decodeFuzzParts turns data into at most 64 parts: 4 bytes of header
// (address and reference selector, total, seq, payload length) and then
// the payload. References differ only above the low byte, totals and seqs
// include invalid values, payloads are short so that equal ones are common.
func decodeFuzzParts(data []byte, iter int) []fuzzPart {
	var parts []fuzzPart
	for len(data) >= 4 && len(parts) < 64 {
		sel, total, seq, n := data[0], data[1]%6, data[2]%7, int(data[3]%6)
		data = data[4:]
		n = min(n, len(data))
		p := MOPart{
			Source:     fmt.Sprintf("+49151%07d%d", iter, sel&1),
			Dest:       fmt.Sprintf("1234%d", sel>>1&1),
			Ref:        uint16(sel>>2%3) * 256,
			Total:      total,
			Seq:        seq,
			DataCoding: sel >> 4,
			Payload:    slices.Clone(data[:n]),
		}
		data = data[n:]
		parts = append(parts, fuzzPart{fmt.Sprint(p.Source, p.Dest, p.Ref, p.Total), p})
	}
	return parts
}

// modelGroup is the fuzz model of one reassembly group.
type modelGroup struct {
	total int
	parts map[int][]byte
}

// concat returns the model's payload and missing list of g.
func (g *modelGroup) concat() ([]byte, []int) {
	var payload []byte
	var missing []int
	for seq := 1; seq <= g.total; seq++ {
		if b, ok := g.parts[seq]; ok {
			payload = append(payload, b...)
		} else {
			missing = append(missing, seq)
		}
	}
	return payload, missing
}

// FuzzAddMOPart feeds arbitrary sequences of parts to AddMOPart and checks
// them against a model: invalid parts are refused, duplicates (in an open
// group, or the same seq and payload in a group already closed) are
// reported, every group completes exactly once with the concatenation of
// its distinct parts in order, and expiry delivers exactly what is left,
// with the right missing parts.
func FuzzAddMOPart(f *testing.F) {
	for _, seed := range [][]byte{
		{0, 2, 1, 1, 'a', 0, 2, 2, 1, 'b'},
		{0, 2, 2, 1, 'b', 0, 2, 1, 1, 'a', 0, 2, 2, 1, 'b'},
		{0, 3, 1, 0, 4, 3, 3, 0, 0, 3, 2, 1, 'x', 4, 3, 1, 0},
		{0, 1, 1, 2, 0xD8, 0x3D, 0, 1, 1, 2, 0xD8, 0x3D},
		{0, 0, 0, 0, 0, 2, 3, 0, 1, 5, 5, 5, 1, 2, 3, 4, 5},
		{0, 2, 1, 1, 'a', 0, 2, 2, 1, 'b', 0, 2, 1, 1, 'c', 0, 2, 2, 1, 'b', 0, 2, 2, 1, 'd'},
	} {
		f.Add(seed)
	}
	ctx := context.Background()
	s, clk := openTest(f)
	iter := 0
	f.Fuzz(func(t *testing.T, data []byte) {
		iter++
		open := map[string]*modelGroup{}
		var order []string // open groups by creation
		closed := map[string][]*modelGroup{}
		seen := map[int64]bool{}
		t0 := clk.t.Add(time.Duration(iter) * time.Hour)

		for k, fp := range decodeFuzzParts(data, iter) {
			p := fp.part
			res, err := s.AddMOPart(ctx, p, t0.Add(time.Duration(k)*time.Millisecond))
			if p.Total == 0 || p.Seq == 0 || p.Seq > p.Total {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("%d: invalid part %v: %+v, %v", k, p, res, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%d: AddMOPart(%v): %v", k, p, err)
			}
			seq := int(p.Seq)
			g := open[fp.key]
			dup := g != nil && g.parts[seq] != nil
			for _, c := range closed[fp.key] {
				if b, ok := c.parts[seq]; ok && bytes.Equal(b, p.Payload) {
					dup = true
				}
			}
			if res.Duplicate != dup {
				t.Fatalf("%d: %v: duplicate %t, model says %t", k, p, res.Duplicate, dup)
			}
			if dup {
				if res.Completed != 0 {
					t.Fatalf("%d: a duplicate completed message %d", k, res.Completed)
				}
				continue
			}
			if g == nil {
				g = &modelGroup{total: int(p.Total), parts: map[int][]byte{}}
				open[fp.key] = g
				order = append(order, fp.key)
			}
			g.parts[seq] = p.Payload
			if (res.Completed != 0) != (len(g.parts) == g.total) {
				t.Fatalf("%d: %v: completed %d with %d of %d parts", k, p, res.Completed, len(g.parts), g.total)
			}
			if res.Completed == 0 {
				continue
			}
			if seen[res.Completed] {
				t.Fatalf("%d: message %d completed twice", k, res.Completed)
			}
			seen[res.Completed] = true
			want, _ := g.concat()
			if m := getMO(t, s, res.Completed); !bytes.Equal(m.Payload, want) || len(m.Missing) != 0 || m.Parts != g.total {
				t.Fatalf("%d: message %d payload %q missing %v parts %d; want %q, none, %d",
					k, res.Completed, m.Payload, m.Missing, m.Parts, want, g.total)
			}
			delete(open, fp.key)
			order = slices.DeleteFunc(order, func(key string) bool { return key == fp.key })
			closed[fp.key] = append(closed[fp.key], g)
		}

		groups, parts, err := s.CountMOParts(ctx)
		wantParts := 0
		for _, g := range open {
			wantParts += len(g.parts)
		}
		if err != nil || groups != len(open) || parts != wantParts {
			t.Fatalf("CountMOParts = %d, %d, %v; model %d, %d", groups, parts, err, len(open), wantParts)
		}
		// Expire everything: one message per open group, in creation order.
		ids, err := s.ExpireMOParts(ctx, t0.Add(time.Minute))
		if err != nil || len(ids) != len(order) {
			t.Fatalf("ExpireMOParts = %v, %v; want %d messages", ids, err, len(order))
		}
		for k, id := range ids {
			if seen[id] {
				t.Fatalf("expiry reused message id %d", id)
			}
			want, missing := open[order[k]].concat()
			if m := getMO(t, s, id); !bytes.Equal(m.Payload, want) || !slices.Equal(m.Missing, missing) {
				t.Fatalf("expired %d: payload %q missing %v; want %q %v", k, m.Payload, m.Missing, want, missing)
			}
		}
		if groups, _, err := s.CountMOParts(ctx); err != nil || groups != 0 {
			t.Fatalf("after expiry %d groups, %v", groups, err)
		}
	})
}

// FuzzSeqs checks that the missing-parts column decodes to what was
// encoded, and that parseSeqs never panics on arbitrary text.
func FuzzSeqs(f *testing.F) {
	for _, seed := range []string{"", "\x01", "\x02\x04", "\xff\x01\x00"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		seqs := make([]int, len(raw))
		for i := range len(raw) {
			seqs[i] = int(raw[i])
		}
		if len(seqs) == 0 {
			seqs = nil
		}
		got, err := parseSeqs(formatSeqs(seqs))
		if err != nil || !slices.Equal(got, seqs) {
			t.Fatalf("parseSeqs(formatSeqs(%v)) = %v, %v", seqs, got, err)
		}
		_, _ = parseSeqs(raw)
	})
}
