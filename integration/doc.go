// Package integration holds the end-to-end tests of mpimis: each test
// starts a real Prosody (Debian's package) from a generated configuration
// on random loopback ports, attaches mpimis to it (in-process, or as the
// built binary where the CLI itself is under test) and talks to both with
// real XMPP clients. Scenarios are one small file each, written as
// send/expect steps, so they read as a protocol specification.
package integration
