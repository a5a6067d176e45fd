// Package component is the XMPP side of mpimis: the XEP-0114 component links
// to the XMPP server (one per served domain), the stanza model the rest of the
// program sees, and the services answering on those links (the SMS gateway
// domain and the rooms domain).
//
// Only this package imports mellium. A Link owns one component connection:
// it dials, performs the handshake, reconnects with backoff and jitter, runs
// a keepalive that detects a dead link, and hands every received stanza to a
// Handler on a dispatch goroutine — never on the read loop, so a slow
// handler delays later stanzas of its own link but never stops the link from
// reading (and answering keepalives is done on the read loop itself).
//
// Stanzas are decoded into Element trees: a small, fully materialised form
// that handlers can inspect at leisure and that outlives the read loop.
package component
