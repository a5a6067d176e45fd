// The phone simulator page: type as the phone number chosen at the top;
// texts go to mpimis through the SMSC simulator (POST /mo) and mpimis'
// answers arrive from its event stream (GET /events), both same-origin
// because smsc-sim serves this page.
import { isForPhone, messageKey } from './thread.js';

const $ = (id) => document.getElementById(id);
const seen = new Set();
let phone = '';

function bubble(text, dir) {
  const div = document.createElement('div');
  div.className = `bubble ${dir}`;
  div.textContent = text;
  $('thread').appendChild(div);
  $('thread').scrollTop = $('thread').scrollHeight;
  $('thread').dataset.count = String($('thread').children.length);
}

function status(text) {
  $('status').textContent = text;
}

function showMT(msg) {
  if (!isForPhone(msg, phone)) return;
  const key = messageKey(msg);
  if (seen.has(key)) return;
  seen.add(key);
  bubble(msg.text, 'in');
}

async function send(text) {
  bubble(text, 'out');
  const res = await fetch('mo', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ from: phone, to: $('service').value.trim(), text }),
  });
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    status(`not sent: ${body.error || res.status}`);
    return;
  }
  status('sent');
}

function usePhone() {
  phone = $('phone').value.trim();
  $('thread').replaceChildren();
  $('thread').dataset.count = '0';
  seen.clear();
  $('title').textContent = phone || 'No number';
  // Earlier messages to this phone: mpimis may have answered before.
  fetch('mt')
    .then((r) => r.json())
    .then((j) => (j.messages || []).forEach((m) => { seen.add(messageKey(m)); }))
    .catch(() => {});
}

function listen() {
  const es = new EventSource('events');
  es.addEventListener('message', (ev) => {
    try {
      showMT(JSON.parse(ev.data));
    } catch {
      // not a message event we understand
    }
  });
  es.onopen = () => {
    document.body.dataset.ready = 'true';
    status('connected to the SMSC simulator');
  };
  es.onerror = () => status('event stream interrupted, retrying…');
}

const params = new URLSearchParams(location.search);
if (params.get('phone')) $('phone').value = params.get('phone');
if (params.get('to')) $('service').value = params.get('to');
$('phone').addEventListener('change', usePhone);
$('compose').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const text = $('text').value.trim();
  if (!text || !phone) return;
  $('text').value = '';
  send(text).catch((err) => status(`not sent: ${err.message}`));
});
for (const b of document.querySelectorAll('button[data-cmd]')) {
  b.addEventListener('click', () => {
    $('text').value = b.dataset.cmd;
    $('text').focus();
  });
}
usePhone();
listen();
