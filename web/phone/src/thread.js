// The pure part of the phone page: which simulator messages belong to the
// thread of one phone.

/** digits returns the digits of a phone number ("+49 151-1" -> "491511"). */
export function digits(s) {
  return String(s || '').replace(/\D/g, '');
}

/**
 * isForPhone reports whether a message of the simulator's /mt or /events
 * (fields from, to, text, complete) is an SMS that mpimis sent to phone.
 */
export function isForPhone(msg, phone) {
  const p = digits(phone);
  return !!msg && msg.complete !== false && p !== '' && digits(msg.to) === p;
}

/** messageKey identifies a message across /mt and /events. */
export function messageKey(msg) {
  const ids = msg.message_ids || [];
  return ids.length ? ids.join(',') : `${msg.at}|${msg.to}|${msg.text}`;
}
