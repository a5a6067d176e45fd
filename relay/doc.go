// Package relay is the inter-working core of mpimis: who is who (phone
// numbers bound to instant-messenger identities that never reveal them),
// where a message goes (SMS -> XMPP, XMPP -> SMS, SMS -> SMS through
// identities), the SMS command language, presence, receipts and abuse
// policy. It depends on small interfaces defined where they are used, never
// on the XMPP or SMPP libraries, so it can be tested alone.
//
// The boundary is api.go: the XMPP side calls [Core] as a [Gateway], the
// SMS side as an [Inbound], and the Core answers through the [XMPP] and
// [SMS] interfaces it is given in [Deps]. Its state (bindings, buddies,
// blocks, suspensions, sticky correspondents, daily counts, counters)
// lives in the store; only short-lived limiter state is in memory.
//
// Files by concern: command.go and dest.go parse SMS; sms_in.go dispatches
// an MO; identity.go binds, unbinds, opts out; route.go relays from SMS;
// xmpp_in.go relays from XMPP; buddies.go is WHO/ADD/DEL/LIST/BLOCK;
// presence.go and receipts.go answer the XMPP side; limits.go and loop.go
// are the abuse limits; admin.go the administrator's view; replies.go holds
// every text the gateway sends on its own account.
//
// Privacy: a phone number is read from the store only to address an SMS.
// It is never put in a stanza, an error, a reply or a log record (SMS users
// are logged by imid); replies never repeat an address the user typed
// unless it names a known identity, since it might be a number.
package relay
