// Package smsflow moves SMS between the SMPP session (smsbridge), the
// durable queues (store) and the relay core (relay):
//
//   - MO: a deliver_sm is decoded enough to be stored (single, or one part
//     of a concatenated message: UDH, SAR TLVs or message_payload) and is
//     acknowledged only once it is durable; an MO worker leases stored
//     messages, decodes them after reassembly and hands them to the relay,
//     marking them done only when the relay has taken them.
//   - MT: the relay's SMS.Send writes to the MT queue; an MT worker leases,
//     segments, submits each part not yet accepted, records the SMSC ids,
//     retries transient failures with backoff and gives permanent ones up
//     with a reason the relay reports to the sender.
//   - Delivery reports are matched to the parts they concern by normalised
//     message id; the relay learns of a message's final fate once.
//
// Restarting resumes both queues: leases of a crashed worker expire and
// the messages are taken again.
package smsflow
