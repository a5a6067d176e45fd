// Package prosody starts a real Prosody (Debian's package) from a generated
// configuration for tests and the sandbox: data, logs and a self-signed
// certificate in one directory, every port a random loopback port, the two
// mpimis component domains and a few users. It never touches the system's
// Prosody configuration or service.
package prosody
