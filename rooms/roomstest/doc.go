// Package roomstest is the conformance suite of rooms.Store: every
// implementation (rooms.MemStore, the SQLite adapter of internal/app)
// runs [Run] so that they all keep the same semantics.
package roomstest
