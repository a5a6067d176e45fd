package ident

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// draws returns the bytes a reader must produce for NewIMID to draw the
// given 64-bit values in order.
func draws(vs ...uint64) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.BigEndian.AppendUint64(b, v)
	}
	return b
}

func TestNewIMIDDeterministic(t *testing.T) {
	tests := []struct {
		digits int
		source []byte
		want   IMID
	}{
		{6, draws(0), "100000"},
		{6, draws(899999), "999999"},
		{6, draws(123456), "223456"},
		// Only the low 20 bits count for 6 digits (span 900000 < 2^20):
		{6, draws(1<<20 | 5), "100005"},
		// 900000..2^20-1 are rejected; the next draw is used.
		{6, draws(900000, 1<<20-1, 7), "100007"},
		{8, draws(0), "10000000"},
		{8, draws(89999999), "99999999"},
		{18, draws(0), "100000000000000000"},
		{18, draws(899999999999999999), "999999999999999999"},
		{18, draws(900000000000000000, 42), "100000000000000042"},
	}
	for i, tc := range tests {
		got, err := NewIMID(bytes.NewReader(tc.source), tc.digits)
		if err != nil || got != tc.want {
			t.Errorf("%d: NewIMID(%d) = %q, %v; want %q", i, tc.digits, got, err, tc.want)
		}
	}
}

type failingReader struct{ err error }

func (r failingReader) Read([]byte) (int, error) { return 0, r.err }

type constReader byte

func (c constReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(c)
	}
	return len(p), nil
}

func TestNewIMIDErrors(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name   string
		r      io.Reader
		digits int
		want   error
	}{
		{"too short", constReader(0), 5, ErrIMIDLength},
		{"too long", constReader(0), 19, ErrIMIDLength},
		{"zero", constReader(0), 0, ErrIMIDLength},
		{"negative", constReader(0), -8, ErrIMIDLength},
		{"reader fails", failingReader{boom}, 8, boom},
		{"reader short", bytes.NewReader([]byte{1, 2, 3}), 8, io.ErrUnexpectedEOF},
		{"reader empty", bytes.NewReader(nil), 8, io.EOF},
		{"all rejected then EOF", bytes.NewReader(draws(1<<27-1, 1<<27-1)), 8, io.EOF},
		{"never random", constReader(0xff), 8, ErrRandomSource},
	}
	for _, tc := range tests {
		got, err := NewIMID(tc.r, tc.digits)
		if !errors.Is(err, tc.want) || got != "" {
			t.Errorf("%s: NewIMID = %q, %v; want error %v", tc.name, got, err, tc.want)
		}
	}
}

// TestNewIMIDUniform draws many 6-digit imids from a seeded generator and
// checks that they are valid and that leading digits and last digits are
// spread evenly (a chi-squared bound far above chance, far below a bias
// such as modulo reduction or a fixed digit).
func TestNewIMIDUniform(t *testing.T) {
	r := rand.NewChaCha8([32]byte{1, 2, 3})
	const n = 90000
	var first, last [10]int
	seen := map[IMID]bool{}
	for range n {
		id, err := NewIMID(r, 6)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseIMID(string(id)); err != nil {
			t.Fatalf("NewIMID gave %q: %v", id, err)
		}
		first[id[0]-'0']++
		last[id[5]-'0']++
		seen[id] = true
	}
	if first[0] != 0 {
		t.Errorf("%d imids start with 0", first[0])
	}
	chi := func(counts []int, expected float64) float64 {
		var s float64
		for _, c := range counts {
			d := float64(c) - expected
			s += d * d / expected
		}
		return s
	}
	// 99.99th percentile of chi-squared: 8 dof ~ 31.8, 9 dof ~ 33.7.
	if c := chi(first[1:], n/9); c > 32 {
		t.Errorf("first digits not uniform: %v (chi2 %.1f)", first, c)
	}
	if c := chi(last[:], n/10); c > 34 {
		t.Errorf("last digits not uniform: %v (chi2 %.1f)", last, c)
	}
	// 90000 draws from 900000 values: about 85600 distinct expected.
	if len(seen) < 84000 {
		t.Errorf("only %d distinct imids in %d draws", len(seen), n)
	}
}

func TestParseIMID(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"45678901", true},
		{"100000", true},
		{"999999999999999999", true},
		{"123456789", true},
		{"", false},
		{"12345", false},
		{"1000000000000000000", false}, // 19 digits
		{"04567890", false},
		{"000000", false},
		{"4567890a", false},
		{"4567 8901", false},
		{" 45678901", false},
		{"45678901\n", false},
		{"+4567890", false},
		{"-4567890", false},
		{"٤٥٦٧٨٩٠١", false}, // Arabic-Indic digits
		{"alice123", false},
	}
	for i, tc := range tests {
		id, err := ParseIMID(tc.in)
		if tc.ok != (err == nil) {
			t.Errorf("%d %q: error %v, want ok=%v", i, tc.in, err, tc.ok)
			continue
		}
		if err != nil {
			if !errors.Is(err, ErrIMIDSyntax) {
				t.Errorf("%d %q: error %v does not wrap ErrIMIDSyntax", i, tc.in, err)
			}
			if len(tc.in) >= 4 && strings.Contains(err.Error(), tc.in) {
				t.Errorf("%d %q: error %q echoes the input", i, tc.in, err)
			}
			continue
		}
		if id.String() != tc.in {
			t.Errorf("%d %q: String() = %q", i, tc.in, id)
		}
	}
}
