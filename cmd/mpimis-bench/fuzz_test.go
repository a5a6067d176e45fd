package main

import "testing"

// FuzzParseToken checks that parseToken never panics and that whatever it
// accepts renders back to a token it parses identically.
func FuzzParseToken(f *testing.F) {
	for _, s := range []string{"#1.2#", "u@localhost: #0.0#", "##", "#1.#", "#.1#", "#99999999999999999999.1#", "no token", "#1.2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tok, ok := parseToken(s)
		if !ok {
			return
		}
		again, ok := parseToken(tok.String())
		if !ok || again != tok {
			t.Fatalf("%q parsed as %v, whose rendering %q parses as %v, %v", s, tok, tok.String(), again, ok)
		}
	})
}
