// The room of a web page: normalizeURL and roomKeyFor implement the
// algorithm of ident/roomkey.go (DESIGN.md, "Identities and addressing")
// and are tested against the same vectors (ident/testdata/roomkeys.json).
import { sha256 } from '@noble/hashes/sha2.js';

// Go's strings.TrimSpace set (unicode.IsSpace), which differs from
// String.prototype.trim (U+0085 is space, U+FEFF is not).
const SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const TRIM = new RegExp(`^[${SPACE}]+|[${SPACE}]+$`, 'g');
const TRACKING = ['fbclid', 'gclid', 'mc_cid', 'mc_eid'];
const HEX = '0123456789ABCDEF';
const B32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** URLError is thrown for a URL that has no room; code names the problem. */
export class URLError extends Error {
  constructor(code, message) {
    super(`roomkey: ${message}`);
    this.name = 'URLError';
    this.code = code;
  }
}

const isUnreserved = (c) =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) ||
  c === 0x2d || c === 0x2e || c === 0x5f || c === 0x7e;
const isSubDelim = (c) => "!$&'()*+,;=".includes(String.fromCharCode(c));
const isPathByte = (c) => isUnreserved(c) || isSubDelim(c) || c === 0x3a || c === 0x40 || c === 0x2f;
const isQueryByte = (c) => isPathByte(c) || c === 0x3f;

function unhex(c) {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

// triplet returns the byte encoded by b[i..i+2] or -1.
function triplet(b, i) {
  if (i + 2 >= b.length || b[i] !== 0x25) return -1;
  const hi = unhex(b[i + 1]);
  const lo = unhex(b[i + 2]);
  return hi < 0 || lo < 0 ? -1 : (hi << 4) | lo;
}

const lowerASCII = (s) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

// normalizePercent works on the UTF-8 bytes of s and returns ASCII.
function normalizePercent(s, keep) {
  const b = new TextEncoder().encode(s);
  let out = '';
  for (let i = 0; i < b.length; i++) {
    let c = b[i];
    const v = triplet(b, i);
    if (v >= 0) {
      i += 2;
      if (isUnreserved(v)) {
        out += String.fromCharCode(v);
        continue;
      }
      c = v;
    } else if (keep(c)) {
      out += String.fromCharCode(c);
      continue;
    }
    out += '%' + HEX[c >> 4] + HEX[c & 15];
  }
  return out;
}

// percentDecode decodes the valid triplets of an ASCII string into a
// string of byte values.
function percentDecode(s) {
  const b = new TextEncoder().encode(s);
  let out = '';
  for (let i = 0; i < b.length; i++) {
    const v = triplet(b, i);
    if (v >= 0) {
      out += String.fromCharCode(v);
      i += 2;
    } else {
      out += String.fromCharCode(b[i]);
    }
  }
  return out;
}

function removeDotSegments(path) {
  const segs = path.slice(1).split('/');
  const out = [];
  segs.forEach((seg, i) => {
    if (seg !== '.' && seg !== '..') {
      out.push(seg);
      return;
    }
    if (seg === '..') out.pop();
    if (i === segs.length - 1) out.push('');
  });
  return '/' + out.join('/');
}

function normalizePath(path) {
  return path === '' ? '/' : removeDotSegments(normalizePercent(path, isPathByte));
}

function isTracking(name) {
  const n = lowerASCII(percentDecode(name));
  return n.startsWith('utm_') || TRACKING.includes(n);
}

const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

function normalizeQuery(query) {
  const parts = [];
  for (let p of query.split('&')) {
    if (p === '') continue;
    p = normalizePercent(p, isQueryByte);
    const eq = p.indexOf('=');
    const name = eq < 0 ? p : p.slice(0, eq);
    const value = eq < 0 ? '' : p.slice(eq + 1);
    if (!isTracking(name)) parts.push({ whole: p, name, value });
  }
  parts.sort((a, b) => cmp(a.name, b.name) || cmp(a.value, b.value) || cmp(a.whole, b.whole));
  return parts.map((p) => p.whole).join('&');
}

function normalizeIPv6(lit) {
  const inner = lit.slice(1, -1);
  if (!/^[0-9A-Fa-f:.]+$/.test(inner) || !inner.includes(':')) {
    throw new URLError('host', 'url host is not valid: not an IPv6 address in brackets');
  }
  let h;
  try {
    h = new URL(`http://${lit}/`).hostname;
  } catch {
    throw new URLError('host', 'url host is not valid: not an IPv6 address in brackets');
  }
  if (!h.startsWith('[')) {
    throw new URLError('host', 'url host is not valid: not an IPv6 address in brackets');
  }
  return lowerASCII(lit);
}

// validLabel applies the STD3 and hyphen rules of IDNA's Lookup profile to
// an ASCII label.
function validLabel(l) {
  if (!/^[a-z0-9-]+$/.test(l)) return false;
  if (l.startsWith('-') || l.endsWith('-')) return false;
  return !(l.length >= 4 && l.slice(2, 4) === '--' && !l.startsWith('xn--'));
}

function normalizeDomain(host) {
  if (host === '') throw new URLError('nohost', 'url has no host');
  let a = host;
  if (/[^\x00-\x7f]/.test(host)) {
    if (/[%\s/\\?#@:[\]<>^|]/.test(host)) {
      throw new URLError('host', 'url host is not valid');
    }
    try {
      a = new URL(`http://${host}/`).hostname;
    } catch {
      throw new URLError('host', 'url host is not valid');
    }
  }
  a = lowerASCII(a);
  if (a.endsWith('.')) a = a.slice(0, -1);
  if (a === '') throw new URLError('nohost', 'url has no host');
  if (!a.split('.').every(validLabel)) {
    throw new URLError('host', 'url host is not valid');
  }
  return a;
}

function normalizePort(port) {
  if (!/^[0-9]*$/.test(port)) throw new URLError('port', 'url port is not a number from 0 to 65535');
  if (port === '') return '';
  port = port.replace(/^0+/, '') || '0';
  if (port.length > 5 || (port.length === 5 && port > '65535')) {
    throw new URLError('port', 'url port is not a number from 0 to 65535');
  }
  return port;
}

function normalizeAuthority(auth, scheme) {
  const at = auth.lastIndexOf('@');
  if (at >= 0) auth = auth.slice(at + 1);
  let host;
  let port = '';
  if (auth.startsWith('[')) {
    const end = auth.indexOf(']');
    if (end < 0) throw new URLError('host', "url host is not valid: '[' without ']'");
    const after = auth.slice(end + 1);
    if (after !== '' && after[0] !== ':') {
      throw new URLError('host', "url host is not valid: characters after ']'");
    }
    port = after.replace(/^:/, '');
    host = normalizeIPv6(auth.slice(0, end + 1));
  } else {
    host = auth;
    const i = auth.lastIndexOf(':');
    if (i >= 0) {
      host = auth.slice(0, i);
      port = auth.slice(i + 1);
    }
    host = normalizeDomain(host);
  }
  port = normalizePort(port);
  if (port === '' || (scheme === 'http' && port === '80') || (scheme === 'https' && port === '443')) {
    return host;
  }
  return `${host}:${port}`;
}

/**
 * normalizeURL returns the normalized form of an http or https URL, the
 * input of roomKeyFor, or throws a URLError.
 * @param {string} raw
 * @returns {string}
 */
export function normalizeURL(raw) {
  const s = String(raw).replace(TRIM, '');
  if (s === '') throw new URLError('empty', 'url is empty');
  if (/[\x00-\x1f\x7f]/.test(s)) throw new URLError('control', 'url has a control character');
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(s);
  if (!m) throw new URLError('relative', 'url is not absolute (it has no scheme)');
  const scheme = lowerASCII(m[1]);
  if (scheme !== 'http' && scheme !== 'https') {
    throw new URLError('scheme', `url scheme ${JSON.stringify(scheme)} is not http or https`);
  }
  let rest = s.slice(m[0].length);
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  if (!rest.startsWith('//')) throw new URLError('nohost', 'url has no host (no "//" after the scheme)');
  rest = rest.slice(2);
  let end = rest.search(/[/?]/);
  if (end < 0) end = rest.length;
  const hostport = normalizeAuthority(rest.slice(0, end), scheme);
  const tail = rest.slice(end);
  const q = tail.indexOf('?');
  const path = q < 0 ? tail : tail.slice(0, q);
  const query = q < 0 ? '' : normalizeQuery(tail.slice(q + 1));
  return `${scheme}://${hostport}${normalizePath(path)}${query ? '?' + query : ''}`;
}

// base32 is lowercase RFC 4648 base32 without padding.
function base32(bytes) {
  let out = '';
  let bits = 0;
  let acc = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32[(acc >> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += B32[(acc << (5 - bits)) & 31];
  return out;
}

/**
 * roomKeyFor returns the room key (the room's localpart) of a page and its
 * normalized URL, or throws a URLError.
 * @param {string} raw
 * @returns {{room: string, normalized: string}}
 */
export function roomKeyFor(raw) {
  const normalized = normalizeURL(raw);
  const sum = sha256(new TextEncoder().encode(normalized));
  return { room: base32(sum.subarray(0, 16)), normalized };
}
