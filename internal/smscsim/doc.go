// Package smscsim is an SMPP 3.4 SMSC simulator for tests, benchmarks and the
// sandbox: a real TCP peer that an ESME (mpimis) binds to, that answers
// submit_sm, sends delivery receipts and injects mobile-originated
// deliver_sm, and whose behaviour a test controls directly.
//
// It owns:
//
//   - the SMSC side of an SMPP session: bind_transmitter, bind_receiver and
//     bind_transceiver with system_id/password checks, submit_sm answered
//     with a fresh message id (hex, decimal or UUID), enquire_link in both
//     directions, unbind in both directions, generic_nack for commands it
//     does not implement;
//   - a record of every submit_sm received ([Submitted]) and of the texts a
//     handset would show after reassembly ([Message]), which a test can
//     await without polling ([Server.WaitSubmitted], [Server.WaitMessages]);
//   - delivery receipts ([Server.SetDLR]): Appendix B text in
//     short_message, receipted_message_id and message_state TLVs, or both,
//     with the id printed in another form than submit_sm_resp used
//     ([Config.DLRIDFormat]) to exercise id normalisation;
//   - MO injection ([Server.SendMO]) with single, UDH (8 and 16-bit
//     reference), SAR and message_payload segmentation in GSM 03.38, UCS-2
//     or Latin-1, parts in any order and duplicated, and raw deliver_sm with
//     a chosen sequence number ([Server.SendRawDeliver]);
//   - fault injection: throttling, chosen error statuses, swallowed
//     responses, response delay, abrupt disconnects and server-initiated
//     unbind.
//
// Design: each TCP session has a reader goroutine that decodes and answers
// requests and a writer goroutine that owns the connection's output. PDUs
// to send are encoded into pooled buffers and handed to the writer through
// a buffered channel; the writer flushes when the channel runs empty, so
// responses to a window of requests leave in few system calls. Requests
// the simulator sends itself (deliver_sm, enquire_link, unbind) take
// sequence numbers from a per-session counter and are matched with their
// responses by sequence number and command; a caller may pick the sequence
// number of an injected deliver_sm.
//
// Incoming bodies are decoded with the field and TLV codecs of
// github.com/fiorix/go-smpp (pdufield, pdutlv); outgoing PDUs are encoded
// by this package, because that library's deliver_sm encoder writes a
// spurious UDH length octet. Text codecs and segmentation come from
// github.com/mpimis/mpimis/smsbridge.
//
// Phone numbers in the simulator are test data, but they are still only
// logged at debug level.
package smscsim
