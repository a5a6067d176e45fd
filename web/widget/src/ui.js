// The widget's DOM: a small box in the corner of the page, with the count
// and names of the people on the page and a chat with its recent notes.

const CSS = `
#mpimis-widget{position:fixed;right:12px;bottom:12px;width:260px;z-index:2147483000;
 font:13px/1.4 system-ui,sans-serif;color:#222;background:#fff;border:1px solid #ccc;
 border-radius:8px;box-shadow:0 2px 10px rgba(0,0,0,.15);overflow:hidden}
#mpimis-widget header{background:#2d6cdf;color:#fff;padding:6px 10px;font-weight:600}
#mpimis-widget ul{list-style:none;margin:0;padding:6px 10px;max-height:90px;overflow:auto;border-bottom:1px solid #eee}
#mpimis-widget li.self{font-weight:600}
#mpimis-widget .mpimis-log{height:140px;overflow:auto;padding:6px 10px}
#mpimis-widget .mpimis-log p{margin:0 0 4px}
#mpimis-widget .mpimis-log p.note{color:#666}
#mpimis-widget .mpimis-log b{margin-right:4px}
#mpimis-widget form{display:flex;border-top:1px solid #eee}
#mpimis-widget input{flex:1;border:0;padding:6px 8px;font:inherit}
#mpimis-widget button{border:0;background:#2d6cdf;color:#fff;padding:0 10px;font:inherit}
#mpimis-widget .mpimis-status{padding:2px 10px;color:#888;font-size:11px}
`;

function el(tag, attrs = {}, text = '') {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}

/**
 * View renders the widget; onSend is called with the text typed.
 */
export class View {
  constructor(onSend) {
    const style = el('style');
    style.textContent = CSS;
    document.head.appendChild(style);
    this.root = el('div', { id: 'mpimis-widget', 'data-state': 'connecting', 'data-count': '0' });
    this.header = el('header', {}, 'Who is here');
    this.list = el('ul', { class: 'mpimis-who' });
    this.log = el('div', { class: 'mpimis-log' });
    this.status = el('div', { class: 'mpimis-status' }, 'connecting…');
    this.form = el('form');
    this.input = el('input', { class: 'mpimis-input', placeholder: 'Say something about this page', maxlength: '1000' });
    const send = el('button', { type: 'submit', class: 'mpimis-send' }, 'Send');
    this.form.append(this.input, send);
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const text = this.input.value.trim();
      if (text && onSend(text)) this.input.value = '';
    });
    this.root.append(this.header, this.list, this.log, this.form, this.status);
    (document.body || document.documentElement).appendChild(this.root);
  }

  /** setState shows the connection state ('connecting', 'joined', 'offline', 'error'). */
  setState(state, detail = '') {
    this.root.dataset.state = state;
    this.status.textContent = detail ? `${state}: ${detail}` : state;
  }

  /** setRoom records the room joined (a room key), '' for none. */
  setRoom(room) {
    this.root.dataset.room = room;
  }

  /** showPeople renders the people on the page. */
  showPeople(nicks, self) {
    this.root.dataset.count = String(nicks.length);
    this.root.dataset.self = self;
    const n = nicks.length;
    this.header.textContent = n === 1 ? '1 person on this page' : `${n} people on this page`;
    this.list.replaceChildren(
      ...nicks.map((nick) => el('li', nick === self ? { class: 'self' } : {}, nick)),
    );
  }

  /** addMessage appends a message; note is true for history (delayed) ones. */
  addMessage(nick, text, note) {
    const p = el('p', note ? { class: 'note' } : {});
    p.append(el('b', {}, nick), document.createTextNode(text));
    this.log.appendChild(p);
    this.log.scrollTop = this.log.scrollHeight;
  }

  /** clearLog empties the chat (when moving to another page's room). */
  clearLog() {
    this.log.replaceChildren();
  }
}
