package main

import (
	"strconv"
	"strings"
)

// tokenMark delimits a token inside a message body.
const tokenMark = "#"

// token is the unique key of one measured message: the phase it belongs to
// and its sequence number inside that phase.
type token struct {
	phase int
	seq   int
}

// String renders t as it is embedded in a message body: "#phase.seq#".
func (t token) String() string {
	return tokenMark + strconv.Itoa(t.phase) + "." + strconv.Itoa(t.seq) + tokenMark
}

// parseToken finds the first token in s; ok is false when there is none.
func parseToken(s string) (t token, ok bool) {
	i := strings.Index(s, tokenMark)
	if i < 0 {
		return token{}, false
	}
	rest := s[i+len(tokenMark):]
	j := strings.Index(rest, tokenMark)
	if j < 0 {
		return token{}, false
	}
	p, q, found := strings.Cut(rest[:j], ".")
	if !found {
		return token{}, false
	}
	phase, err1 := strconv.Atoi(p)
	seq, err2 := strconv.Atoi(q)
	if err1 != nil || err2 != nil || phase < 0 || seq < 0 {
		return token{}, false
	}
	return token{phase: phase, seq: seq}, true
}
