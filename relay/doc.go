// Package relay is the inter-working core of mpimis: who is who (phone
// numbers bound to instant-messenger identities that never reveal them),
// where a message goes (SMS -> XMPP, XMPP -> SMS, SMS -> SMS through
// identities), the SMS command language, presence, receipts and abuse
// policy. It depends on small interfaces defined where they are used, never
// on the XMPP or SMPP libraries, so it can be tested alone.
package relay
