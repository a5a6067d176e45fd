package ident

import (
	"fmt"
	"testing"
)

// The cache gives what parsing gives, for the same input only, and stays
// bounded.
func TestPhoneCache(t *testing.T) {
	for _, in := range []struct{ raw, region string }{
		{"+49 151 1234 5678", ""}, {"015112345678", "DE"}, {"4915112345678", ""},
	} {
		want, err := parsePhone(in.raw, in.region)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			got, err := ParsePhone(in.raw, in.region)
			if err != nil || got != want {
				t.Fatalf("ParsePhone(%q, %q) = %v, %v; want %v", in.raw, in.region, got, err, want)
			}
		}
	}
	// The same text without a region must not take the cached DE
	// reading.
	want, wantErr := parsePhone("015112345678", "")
	if got, err := ParsePhone("015112345678", ""); got != want || (err == nil) != (wantErr == nil) {
		t.Fatalf("cached reading crossed regions: %v, %v; want %v, %v", got, err, want, wantErr)
	}
	if _, err := ParsePhone("not a number", ""); err == nil {
		t.Fatal("garbage parsed")
	}
	for i := range phoneCacheSize + 10 {
		if _, err := ParsePhone(fmt.Sprintf("+4915112%06d", i), ""); err != nil {
			t.Fatal(err)
		}
	}
	phoneCache.mu.RLock()
	n := len(phoneCache.m)
	phoneCache.mu.RUnlock()
	if n > phoneCacheSize {
		t.Fatalf("%d numbers cached, bound %d", n, phoneCacheSize)
	}
}

func BenchmarkParsePhoneCached(b *testing.B) {
	for b.Loop() {
		if _, err := ParsePhone("4915112345678", ""); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParsePhoneUncached(b *testing.B) {
	for b.Loop() {
		if _, err := parsePhone("4915112345678", ""); err != nil {
			b.Fatal(err)
		}
	}
}
