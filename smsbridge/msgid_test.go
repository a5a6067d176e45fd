package smsbridge

import (
	"slices"
	"testing"
)

func TestNormalizeMessageID(t *testing.T) {
	cases := []struct{ in, want string }{
		{"000123", "123"},
		{" 123 \x00", "123"},
		{"ABC", "abc"},
		{"0A1B", "a1b"},
		{"000", "0"},
		{"0", "0"},
		{"", ""},
		{" \x00 ", ""},
		{"550E8400-E29B-41D4-A716-446655440000", "550e8400-e29b-41d4-a716-446655440000"},
		{"msg-0001", "msg-0001"},
	}
	for i, tc := range cases {
		if got := NormalizeMessageID(tc.in); got != tc.want {
			t.Errorf("case %d %q: got %q, want %q", i, tc.in, got, tc.want)
		}
	}
}

func TestMessageIDCandidates(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"0A1B", []string{"a1b", "2587"}},
		{"2587", []string{"2587", "9607", "a1b"}},
		{"000123", []string{"123", "291", "7b"}},
		{"ABC", []string{"abc", "2748"}},
		{"5", []string{"5"}},
		{"0", []string{"0"}},
		{"ffffffffffffffff", []string{"ffffffffffffffff", "18446744073709551615"}},
		{"1ffffffffffffffff", []string{"1ffffffffffffffff"}},       // 17 hex digits
		{"18446744073709551616", []string{"18446744073709551616"}}, // 2^64: too big for uint64, too long for hex
		{"550e8400-e29b-41d4-a716-446655440000", []string{"550e8400-e29b-41d4-a716-446655440000"}},
		{"", nil},
	}
	for i, tc := range cases {
		if got := MessageIDCandidates(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("case %d %q: got %q, want %q", i, tc.in, got, tc.want)
		}
	}
}

// TestMessageIDMatching plays the matcher: the submit_sm_resp id's
// candidates are stored, and a DLR id matches if any of its candidates is
// stored.
func TestMessageIDMatching(t *testing.T) {
	cases := []struct {
		name, submit, dlr string
		match             bool
	}{
		{"hex vs decimal", "0A1B", "2587", true},
		{"decimal vs hex", "2587", "0a1b", true},
		{"leading zeros", "000123", "123", true},
		{"case", "ABC", "abc", true},
		{"padded hex vs decimal", "00000000000000FF", "255", true},
		{"uuid same", "550E8400-E29B-41D4-A716-446655440000", "550e8400-e29b-41d4-a716-446655440000", true},
		{"different", "123", "124", false},
		{"different uuid", "550e8400-e29b-41d4-a716-446655440000", "550e8400-e29b-41d4-a716-446655440001", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stored := map[string]bool{}
			for _, c := range MessageIDCandidates(tc.submit) {
				stored[c] = true
			}
			found := false
			for _, c := range MessageIDCandidates(tc.dlr) {
				found = found || stored[c]
			}
			if found != tc.match {
				t.Errorf("match = %v, want %v", found, tc.match)
			}
		})
	}
}
