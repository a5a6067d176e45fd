package ident

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

// roomVectors is the layout of testdata/roomkeys.json, shared with the web
// widget.
type roomVectors struct {
	Valid []struct {
		URL        string `json:"url"`
		Normalized string `json:"normalized"`
		Room       string `json:"room"`
	} `json:"valid"`
	Invalid []struct {
		URL   string `json:"url"`
		Error string `json:"error"`
	} `json:"invalid"`
}

func loadRoomVectors(t testing.TB) roomVectors {
	t.Helper()
	data, err := os.ReadFile("testdata/roomkeys.json")
	if err != nil {
		t.Fatal(err)
	}
	var v roomVectors
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Valid) == 0 || len(v.Invalid) == 0 {
		t.Fatal("testdata/roomkeys.json has no vectors")
	}
	return v
}

// independentRoom computes a room key with the standard library only, not
// with the package's encoder.
func independentRoom(normalized string) string {
	sum := sha256.Sum256([]byte(normalized))
	enc := base32.StdEncoding.EncodeToString(sum[:16])
	return strings.ToLower(strings.TrimRight(enc, "="))
}

func TestRoomKeyVectorsValid(t *testing.T) {
	for i, tc := range loadRoomVectors(t).Valid {
		key, norm, err := RoomKeyFor(tc.URL)
		if err != nil {
			t.Errorf("%d %q: RoomKeyFor error %v", i, tc.URL, err)
			continue
		}
		if norm != tc.Normalized {
			t.Errorf("%d %q: normalized %q, want %q", i, tc.URL, norm, tc.Normalized)
		}
		if want := independentRoom(tc.Normalized); tc.Room != want {
			t.Errorf("%d %q: vector room %q, but sha256+base32 of %q is %q", i, tc.URL, tc.Room, tc.Normalized, want)
		}
		if string(key) != tc.Room {
			t.Errorf("%d %q: room %q, want %q", i, tc.URL, key, tc.Room)
		}
		if n2, err := NormalizeURL(norm); err != nil || n2 != norm {
			t.Errorf("%d %q: not idempotent: NormalizeURL(%q) = %q, %v", i, tc.URL, norm, n2, err)
		}
		if _, err := ParseRoomKey(string(key)); err != nil {
			t.Errorf("%d %q: ParseRoomKey(%q): %v", i, tc.URL, key, err)
		}
	}
}

func TestRoomKeyVectorsInvalid(t *testing.T) {
	for i, tc := range loadRoomVectors(t).Invalid {
		norm, err := NormalizeURL(tc.URL)
		if err == nil {
			t.Errorf("%d %q: accepted as %q, want error %q", i, tc.URL, norm, tc.Error)
			continue
		}
		if !strings.HasPrefix(err.Error(), tc.Error) {
			t.Errorf("%d %q: error %q, want prefix %q", i, tc.URL, err, tc.Error)
		}
		if key, n, err := RoomKeyFor(tc.URL); err == nil || key != "" || n != "" {
			t.Errorf("%d %q: RoomKeyFor = %q, %q, %v; want an error", i, tc.URL, key, n, err)
		}
	}
}

// TestRoomKeyPinned pins literal keys (computed with coreutils sha256sum and
// base32), so that a change of the algorithm is caught even if the vectors
// file were regenerated.
func TestRoomKeyPinned(t *testing.T) {
	tests := []struct{ url, key string }{
		{"https://example.org/", "qgmndowebiidgzj2pdsiqago7q"},
		{"http://example.com", "finuajba55dfo5drzxdubgypui"},
		{"HTTPS://User:pw@Example.COM:443/A/./b/../C?utm_source=x&b=2&a=1#top", "zqxvxopbt4jjf7igb576oc4dmi"},
		{"https://bücher.example/", "pfy2rptcm7hcjppiccibzaxiyq"},
	}
	for i, tc := range tests {
		key, _, err := RoomKeyFor(tc.url)
		if err != nil || string(key) != tc.key {
			t.Errorf("%d %q: RoomKeyFor = %q, %v; want %q", i, tc.url, key, err, tc.key)
		}
	}
}

func TestNormalizeURLSentinels(t *testing.T) {
	tests := []struct {
		url  string
		want error
	}{
		{"", ErrURLEmpty},
		{"https://a.example/\x00", ErrURLControl},
		{"https://a.example/\x7f", ErrURLControl},
		{"a.example/x", ErrURLRelative},
		{"1http://a.example/", ErrURLRelative},
		{"gopher://a.example/", ErrScheme},
		{"http:a.example", ErrNoHost},
		{"http://", ErrNoHost},
		{"http://a_b.example/", ErrHost},
		{"http://[::g]/", ErrHost},
		{"http://\x89/", ErrHost}, // invalid UTF-8: IDNA maps it to a label it refuses (fuzz)
		{"http://a.example:-1/", ErrPort},
		{"http://a.example:000065536/", ErrPort},
	}
	for i, tc := range tests {
		_, err := NormalizeURL(tc.url)
		if !errors.Is(err, tc.want) {
			t.Errorf("%d %q: error %v, want %v", i, tc.url, err, tc.want)
		}
	}
}

// TestNormalizeURLErrorsDoNotEchoURL checks that errors never repeat the
// URL's userinfo, path or query (a password, a phone number in a path).
func TestNormalizeURLErrorsDoNotEchoURL(t *testing.T) {
	const secret = "4915112345678"
	urls := []string{
		"ftp://u:" + secret + "@a.example/",
		"https://u:" + secret + "@/",
		"https://u:" + secret + "@a.example:" + secret + "/",
		"https://u:" + secret + "@[::g]/" + secret,
		"https://a.example/" + secret + "\nx",
		"u:" + secret + "@a.example/" + secret,
	}
	for i, u := range urls {
		_, err := NormalizeURL(u)
		if err == nil {
			t.Errorf("%d: %q accepted", i, u)
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("%d: error %q echoes the secret", i, err)
		}
	}
}

func TestNormalizeURLDropsUserinfo(t *testing.T) {
	norm, err := NormalizeURL("https://alice:hunter2@a.example/x")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(norm, "alice") || strings.Contains(norm, "hunter2") || strings.Contains(norm, "@") {
		t.Errorf("userinfo kept: %q", norm)
	}
}

func TestParseRoomKey(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"qgmndowebiidgzj2pdsiqago7q", true},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaa", true},
		{"777777777777777777777777y4", true},
		{"", false},
		{"qgmndowebiidgzj2pdsiqago7", false},   // 25
		{"qgmndowebiidgzj2pdsiqago7qa", false}, // 27
		{"QGMNDOWEBIIDGZJ2PDSIQAGO7Q", false},  // uppercase
		{"qgmndowebiidgzj2pdsiqago1q", false},  // '1' not base32
		{"qgmndowebiidgzj2pdsiqago8q", false},  // '8' not base32
		{"qgmndowebiidgzj2pdsiqago7=", false},  // padding
		{"qgmndowebiidgzj2pdsiqago7r", false},  // last char has non-zero pad bits
		{"qgmndowebiidgzj2pdsiqago7b", false},
		{"qgmndowebiidgzj2pdsiqago77", false},
	}
	for i, tc := range tests {
		k, err := ParseRoomKey(tc.in)
		if tc.ok != (err == nil) {
			t.Errorf("%d %q: error %v, want ok=%v", i, tc.in, err, tc.ok)
			continue
		}
		if err != nil && !errors.Is(err, ErrRoomKey) {
			t.Errorf("%d %q: error %v does not wrap ErrRoomKey", i, tc.in, err)
		}
		if err == nil && k.String() != tc.in {
			t.Errorf("%d %q: String() = %q", i, tc.in, k.String())
		}
	}
}

// TestParseRoomKeyLastChars checks that the accepted last characters are
// exactly those RFC 4648 produces for 128 bits.
func TestParseRoomKeyLastChars(t *testing.T) {
	produced := map[byte]bool{}
	var b [16]byte
	for v := range 8 { // the last 3 bits of the 16 bytes
		b[15] = byte(v)
		k := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
		produced[k[25]] = true
	}
	for _, c := range []byte("abcdefghijklmnopqrstuvwxyz234567") {
		_, err := ParseRoomKey(strings.Repeat("a", 25) + string(c))
		if (err == nil) != produced[c] {
			t.Errorf("last char %q: ParseRoomKey error %v, produced by base32: %v", c, err, produced[c])
		}
	}
}
