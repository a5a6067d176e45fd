// Pure helpers of the status page, free of the DOM and of Chart.js so
// that `npm test` can check them in Node.

// How many samples the charts keep: 150 polls of 2 s are 5 minutes.
export const WINDOW = 150;

// The link roles shown, in order; the SMPP bind is "smpp".
export function linkStates(status) {
  const out = [];
  for (const l of status?.xmpp ?? []) {
    out.push({ role: l.role, up: l.state === 'up', state: l.state, since: l.since, error: l.last_error ?? '' });
  }
  if (status?.smpp) {
    const s = status.smpp;
    out.push({ role: 'smpp', up: s.state === 'bound', state: s.state, since: s.since, error: s.last_error ?? '' });
  }
  return out;
}

// linkLevel is where link number i of n is drawn: near 1 when up, near 0
// when down, each a little apart from the others.
export function linkLevel(up, i, n) {
  const off = n > 1 ? (0.1 * i) / (n - 1) : 0;
  return up ? 1 - off : off;
}

// rate returns the per-second rate between two cumulative counts taken
// at times a and b (milliseconds), 0 when it cannot be known: no previous
// sample, no time elapsed, or a counter that went back (a new database).
export function rate(prevCount, prevAt, count, at) {
  if (prevCount == null || count == null || !(at > prevAt) || count < prevCount) {
    return 0;
  }
  return (count - prevCount) / ((at - prevAt) / 1000);
}

// Series is a sliding window of labelled samples for the charts.
export class Series {
  constructor(names, size = WINDOW) {
    this.size = size;
    this.labels = [];
    this.data = Object.fromEntries(names.map((n) => [n, []]));
  }

  // push adds one sample (values by name; missing ones are null, which
  // Chart.js draws as a gap) and drops the oldest beyond the window.
  push(label, values) {
    this.labels.push(label);
    for (const [name, arr] of Object.entries(this.data)) {
      const v = values[name];
      arr.push(typeof v === 'number' && Number.isFinite(v) ? v : null);
    }
    if (this.labels.length > this.size) {
      this.labels.shift();
      for (const arr of Object.values(this.data)) {
        arr.shift();
      }
    }
  }

  get length() {
    return this.labels.length;
  }
}

// formatRate shows a rate with at most one decimal ("0", "2.5", "120").
export function formatRate(r) {
  if (!Number.isFinite(r) || r <= 0) {
    return '0';
  }
  return r >= 100 ? String(Math.round(r)) : String(Math.round(r * 10) / 10);
}

// formatAge shows an age in seconds as "0s", "42s", "3m 5s", "2h 10m".
export function formatAge(sec) {
  if (!Number.isFinite(sec) || sec < 1) {
    return '0s';
  }
  const s = Math.floor(sec);
  if (s < 60) {
    return `${s}s`;
  }
  if (s < 3600) {
    return `${Math.floor(s / 60)}m ${s % 60}s`;
  }
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

// pageLabel names a live page for the chart: its title, else its site.
export function pageLabel(p) {
  const t = (p.title ?? '').trim();
  if (t) {
    return t.length > 40 ? `${t.slice(0, 39)}…` : t;
  }
  return p.site || '(unknown page)';
}
