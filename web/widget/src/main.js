// The "who's here" widget: <script src=".../widget.js" data-service=...>.
// It logs in over XMPP WebSocket (RFC 7395), joins the room of the current
// page (roomkey.js), shows who else is there and a chat with the page's
// notes, follows single-page-app navigation and leaves on page exit.
import { client, xml } from '@xmpp/client';
import { roomKeyFor } from './roomkey.js';
import { Occupants } from './occupants.js';
import { View } from './ui.js';

const NS_MUC = 'http://jabber.org/protocol/muc';
const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';
const NS_PAGE = 'urn:mpimis:page';
const NS_DELAY = 'urn:xmpp:delay';

// config reads the script tag's data-* attributes, overridden by a
// window.MPIMIS_WIDGET object if the page defines one.
function config() {
  const script = document.currentScript;
  const d = script ? script.dataset : {};
  const o = Object.assign({}, d, window.MPIMIS_WIDGET || {});
  return {
    service: o.service || '',
    domain: o.domain || '',
    rooms: o.rooms || '',
    nick: o.nick || '',
    username: o.username || '',
    password: o.password || '',
  };
}

function randomNick() {
  let stored = '';
  try {
    stored = localStorage.getItem('mpimis-nick') || '';
  } catch {
    // storage may be disabled
  }
  if (stored) return stored;
  const n = Math.floor(Math.random() * 0x10000).toString(16).padStart(4, '0');
  return `guest-${n}`;
}

function bareAndResource(from) {
  const s = String(from || '');
  const i = s.indexOf('/');
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

class Widget {
  constructor(cfg) {
    this.cfg = cfg;
    this.nick = cfg.nick || randomNick();
    this.occupants = new Occupants();
    this.room = ''; // the bare room JID joined or being joined
    this.href = '';
    this.view = new View((text) => this.send(text));
    this.xmpp = null;
  }

  async start() {
    const { service, domain, rooms, username, password } = this.cfg;
    if (!service || !domain || !rooms) {
      this.view.setState('error', 'data-service, data-domain and data-rooms are required');
      return;
    }
    const opts = { service, domain, resource: 'widget', userAgent: xml('user-agent', { id: 'mpimis-widget' }) };
    if (username) Object.assign(opts, { username, password });
    this.xmpp = client(opts);
    this.xmpp.on('error', (err) => this.view.setState('error', err.condition || err.message));
    this.xmpp.on('offline', () => this.view.setState('offline'));
    this.xmpp.on('stanza', (st) => this.onStanza(st));
    this.xmpp.on('online', () => {
      this.room = '';
      this.follow();
    });
    this.watchNavigation();
    try {
      await this.xmpp.start();
    } catch (err) {
      this.view.setState('error', err.condition || err.message);
    }
  }

  // follow joins the room of the current location, leaving the previous
  // one, if the page's room changed.
  follow() {
    if (!this.xmpp || this.xmpp.status !== 'online') return;
    let key;
    try {
      key = roomKeyFor(location.href);
    } catch (err) {
      this.leave();
      this.view.setState('error', err.message);
      return;
    }
    const room = `${key.room}@${this.cfg.rooms}`;
    if (room === this.room) return;
    this.leave();
    this.room = room;
    this.href = key.normalized;
    this.view.setRoom(key.room);
    this.view.clearLog();
    this.view.setState('joining');
    this.xmpp.send(
      xml('presence', { to: `${room}/${this.nick}` },
        xml('x', { xmlns: NS_MUC }),
        xml('page', { xmlns: NS_PAGE, url: key.normalized, title: document.title.slice(0, 200) })),
    );
  }

  leave() {
    if (!this.room) return;
    if (this.xmpp && this.xmpp.status === 'online') {
      this.xmpp.send(xml('presence', { to: `${this.room}/${this.nick}`, type: 'unavailable' }));
    }
    this.room = '';
    this.occupants.clear();
    this.view.setRoom('');
    this.view.showPeople([], '');
  }

  watchNavigation() {
    const check = () => queueMicrotask(() => this.follow());
    for (const name of ['pushState', 'replaceState']) {
      const orig = history[name];
      history[name] = function (...args) {
        const r = orig.apply(this, args);
        check();
        return r;
      };
    }
    window.addEventListener('popstate', check);
    window.addEventListener('hashchange', check);
    window.addEventListener('pagehide', () => {
      this.leave();
      if (this.xmpp) this.xmpp.stop().catch(() => {});
    });
  }

  send(text) {
    if (!this.room || this.view.root.dataset.state !== 'joined') return false;
    this.xmpp.send(xml('message', { to: this.room, type: 'groupchat' }, xml('body', {}, text)));
    return true;
  }

  onStanza(st) {
    const [bare, nick] = bareAndResource(st.attrs.from);
    if (!this.room || bare !== this.room) return;
    if (st.is('presence')) this.onPresence(st, nick);
    else if (st.is('message')) this.onMessage(st, nick);
  }

  onPresence(st, nick) {
    const type = st.attrs.type || '';
    if (type === 'error') {
      const err = st.getChild('error');
      if (err && err.getChild('conflict') && !this.occupants.self) {
        this.nick = `${this.nick.replace(/~\d+$/, '')}~${Math.floor(Math.random() * 1000)}`;
        const room = this.room;
        this.room = '';
        if (room) this.follow();
        return;
      }
      const cond = err && err.children[0] ? err.children[0].name : 'error';
      this.view.setState('error', cond);
      return;
    }
    const x = st.getChild('x', NS_MUC_USER);
    const codes = x ? x.getChildren('status').map((s) => s.attrs.code) : [];
    const self = this.occupants.apply(nick, type, codes);
    if (self && type !== 'unavailable') {
      this.nick = nick;
      this.view.setState('joined');
    }
    this.view.showPeople(this.occupants.nicks(), this.occupants.self);
  }

  onMessage(st, nick) {
    if (st.attrs.type !== 'groupchat' && st.attrs.type !== 'error') return;
    const body = st.getChildText('body');
    if (!body) return;
    this.view.addMessage(nick || 'room', body, !!st.getChild('delay', NS_DELAY));
  }
}

const widget = new Widget(config());
window.mpimisWidget = widget;
if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', () => widget.start());
} else {
  widget.start();
}
