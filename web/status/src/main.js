// The mpimis status page: polls /api/status every 2 s and shows the links,
// the numbers and four live charts. Nothing here knows a phone number or
// a JID: the API never returns any.
import './style.css';
import { Series, rate, formatRate, formatAge, linkStates, linkLevel, pageLabel } from './series.js';
import { linksChart, rateChart, queueChart, pagesChart, setSeries, setBars } from './charts.js';

const POLL_MS = 2000;
const TIMEOUT_MS = 5000;

const $ = (id) => document.getElementById(id);

function setText(id, text) {
  const el = $(id);
  if (el && el.textContent !== text) {
    el.textContent = text;
  }
}

const state = {
  prev: null, // { at, mt, mo } of the previous poll
  roles: null, // link roles, fixed by the first answer
  links: null,
  linkSeries: null,
  rates: new Series(['mt', 'mo']),
  queues: new Series(['mt', 'mo']),
  charts: null,
  polls: 0,
};

function ensureCharts(roles) {
  if (state.charts) {
    return;
  }
  state.roles = roles;
  state.linkSeries = new Series(roles);
  state.charts = {
    links: linksChart($('chart-links'), roles),
    rates: rateChart($('chart-throughput')),
    queues: queueChart($('chart-queues')),
    pages: pagesChart($('chart-rooms')),
  };
}

function renderLinks(links) {
  const box = $('links');
  box.replaceChildren(...links.map((l) => {
    const card = document.createElement('div');
    card.className = `link ${l.up ? 'up' : 'down'}`;
    card.id = `link-${l.role}`;
    const title = document.createElement('h3');
    title.textContent = l.role;
    const st = document.createElement('p');
    st.className = 'state';
    st.textContent = l.state;
    const since = document.createElement('p');
    since.className = 'since';
    since.textContent = l.since ? `since ${new Date(l.since).toLocaleTimeString()}` : '';
    card.append(title, st, since);
    if (l.error) {
      const err = document.createElement('p');
      err.className = 'error';
      err.textContent = l.error;
      card.append(err);
    }
    return card;
  }));
}

function render(status, now) {
  const links = linkStates(status);
  ensureCharts(links.map((l) => l.role));
  renderLinks(links);
  const ok = status.status === 'ok';
  setText('overall', ok ? 'all links up' : 'degraded');
  $('overall').className = `badge ${ok ? 'up' : 'down'}`;
  setText('version', status.version ? `version ${status.version}` : '');
  setText('updated', `updated ${new Date(now).toLocaleTimeString()}`);

  const label = new Date(now).toLocaleTimeString();
  const up = Object.fromEntries(links.map((l, i) => [l.role, linkLevel(l.up, i, links.length)]));
  state.linkSeries.push(label, up);

  const t = status.totals ?? { mt: null, mo: null };
  const p = state.prev;
  const mtRate = p ? rate(p.mt, p.at, t.mt, now) : 0;
  const moRate = p ? rate(p.mo, p.at, t.mo, now) : 0;
  state.prev = { at: now, mt: t.mt, mo: t.mo };
  state.rates.push(label, { mt: mtRate, mo: moRate });
  setText('rate-mt', formatRate(mtRate));
  setText('rate-mo', formatRate(moRate));
  setText('total-mt', String(t.mt ?? '–'));
  setText('total-mo', String(t.mo ?? '–'));

  const q = status.queues;
  state.queues.push(label, { mt: q?.mt.pending, mo: q?.mo.pending });
  setText('queue-mt', String(q?.mt.pending ?? '–'));
  setText('queue-mo', String(q?.mo.pending ?? '–'));
  setText('age-mt', formatAge(q?.mt.oldest_age_seconds));
  setText('smpp-window', String(status.smpp?.window_in_use ?? '–'));
  setText('bindings-active', String(status.counters?.bindings_active ?? '–'));

  const r = status.rooms;
  $('rooms-panel').hidden = !r;
  if (r) {
    setText('rooms-live', String(r.live));
    setText('rooms-occupants', String(r.occupants));
    setBars(state.charts.pages, r.top.map(pageLabel), r.top.map((x) => x.occupants));
  }
  setSeries(state.charts.links, state.linkSeries);
  setSeries(state.charts.rates, state.rates);
  setSeries(state.charts.queues, state.queues);
}

function showError(msg) {
  const el = $('error');
  el.hidden = !msg;
  el.textContent = msg;
  if (msg) {
    setText('overall', 'unreachable');
    $('overall').className = 'badge down';
  }
}

async function poll() {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), TIMEOUT_MS);
  try {
    const res = await fetch('/api/status', { cache: 'no-store', signal: ctl.signal });
    const body = await res.json();
    if (!res.ok) {
      throw new Error(body.error || `HTTP ${res.status}`);
    }
    render(body, Date.now());
    showError('');
  } catch (e) {
    showError(`cannot read /api/status: ${e.message}`);
  } finally {
    clearTimeout(timer);
    state.polls += 1;
    document.body.dataset.polls = String(state.polls);
    setTimeout(poll, POLL_MS);
  }
}

poll();
