// Command mpimis-bench is the load tool of mpimis: it starts a real Prosody,
// the SMSC simulator and mpimis on 127.0.0.1, drives real XMPP client
// sessions and SMPP traffic through them, and prints MT (XMPP -> SMSC) and MO
// (SMSC -> XMPP) throughput and latency at fixed offered rates and at
// saturation, each next to ceilings measured in the same run: a do-nothing
// component on the same Prosody (XMPP side) and a bare SMPP session against
// the simulator (SMS side).
//
// It owns nothing used by other packages; everything it starts is stopped
// before it exits.
package main
