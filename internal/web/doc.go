// Package web owns mpimis' HTTP side: the health check (/healthz), the
// Prometheus metrics (/metrics, names prefixed mpimis_), the JSON API
// (/api/status, /api/rooms, /api/rooms/live, /api/stats/pages) and the
// status page (/, its bundle embedded from package assets).
//
// It reads the running instance through small interfaces (Deps) that the
// application adapts; it never holds a lock of theirs, never sends on the
// network and bounds every request with a timeout. Metrics also implements
// internal/smsflow's Observer for the submit and delivery-report latency
// histograms and the throttling counter.
//
// Privacy: no response and no metric label holds a phone number, a
// person's JID or a secret. Labels are small fixed sets (link roles,
// queue states, relay counter names); free text that comes from elsewhere
// (last errors, page titles) passes through Redact, which blanks runs of
// seven or more digits.
package web
