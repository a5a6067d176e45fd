package smscsim

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// idGen hands out message ids: a counter printed per IDFormat.
type idGen struct {
	next   atomic.Uint64
	format idFormat
	dlr    dlrIDFormat
	prefix [8]byte // random first half of UUID ids
}

func newIDGen(first uint64, f idFormat, d dlrIDFormat) *idGen {
	g := &idGen{format: f, dlr: d}
	if first == 0 {
		// Seconds since the epoch shifted left leave room for a million
		// ids a second while keeping ids of successive runs apart.
		first = uint64(time.Now().Unix()) << 20
	}
	g.next.Store(first)
	_, _ = rand.Read(g.prefix[:])
	return g
}

// newID returns the next id as submit_sm_resp carries it, and its number.
func (g *idGen) newID() (string, uint64) {
	n := g.next.Add(1) - 1
	switch g.format {
	case idDecimal:
		return strconv.FormatUint(n, 10), n
	case idUUID:
		var u [16]byte
		copy(u[:8], g.prefix[:])
		for i := 0; i < 8; i++ {
			u[15-i] = byte(n >> (8 * i))
		}
		u[6] = u[6]&0x0F | 0x40 // version 4
		u[8] = u[8]&0x3F | 0x80 // RFC 4122 variant
		return formatUUID(u), n
	}
	return strconv.FormatUint(n, 16), n
}

// dlrText returns the id as the text of a delivery receipt prints it.
func (g *idGen) dlrText(id string, n uint64) string {
	switch g.dlr {
	case dlrIDDecimal:
		return strconv.FormatUint(n, 10)
	case dlrIDHex:
		return strconv.FormatUint(n, 16)
	case dlrIDHexUpperPadded:
		s := strings.ToUpper(strconv.FormatUint(n, 16))
		if len(s) < 16 {
			s = strings.Repeat("0", 16-len(s)) + s
		}
		return s
	}
	return id
}

func formatUUID(u [16]byte) string {
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:36], u[10:16])
	return string(b[:])
}
