// Package smsbridge is the SMPP side of mpimis: session, window, throttle,
// segmentation, reassembly, delivery reports and text codecs.
//
// The text layer (files text_*, segment*, udh*, dlr*, msgid*) is pure
// functions without network access:
//
//   - GSM 03.38 (default alphabet plus extension table), UCS-2/UTF-16 and
//     Latin-1/ASCII codecs; [DecodeShortMessage] maps an SMPP data_coding to
//     the right decoder.
//   - [Encode] chooses GSM 03.38 when the whole text fits it, else UCS-2, and
//     splits long texts into segments carrying an 8-bit or 16-bit
//     concatenation UDH, SAR TLV values, or one message_payload. It never
//     splits a GSM escape pair or a UTF-16 surrogate pair and enforces
//     limits.max_segments before anything is queued.
//   - [ParseUDH] and [PartKey] are what reassembly of concatenated MO
//     messages is keyed on.
//   - [ParseDLRText], [StatFromMessageState] and [IsDeliveryReceipt] read
//     delivery reports; [NormalizeMessageID] and [MessageIDCandidates] match
//     the id in a report with the id that submit_sm_resp returned.
//
// Privacy: nothing in this layer formats a phone number into an error or a
// String result; [PartKey] redacts its addresses when printed.
//
// The session (session*.go, pdu*.go, window.go, throttle.go) is the ESME
// side of one SMPP 3.4 transceiver bind, built on go-smpp's pdufield and
// pdutlv codecs with framing of our own: bind with backoff on refusal,
// enquire_link both ways, responses matched by command and sequence number
// (so a deliver_sm that shares a sequence number with an outstanding
// submit_sm is never taken for its response), a window of outstanding
// submit_sm that waits rather than fails, a TPS cap on submits only, MO
// handed to an MOHandler whose returned status becomes the deliver_sm_resp
// (so the SMSC is acknowledged only once the message is durable), and
// reconnect with backoff after any loss of the link.
package smsbridge
