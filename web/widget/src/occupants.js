// Occupants of the joined room, kept from MUC presence (XEP-0045).

/**
 * Occupants is the list of people in one room, keyed by nickname.
 */
export class Occupants {
  constructor() {
    this.byNick = new Map();
    this.self = '';
  }

  /**
   * apply updates the list from a presence of the room; it returns true if
   * the presence was our own (status 110).
   * @param {string} nick the resource of the presence's from
   * @param {string} type the presence type ('' or 'unavailable')
   * @param {string[]} codes the muc#user status codes
   */
  apply(nick, type, codes) {
    const self = codes.includes('110');
    if (type === 'unavailable') {
      this.byNick.delete(nick);
      if (codes.includes('303')) return self; // nick change: a new presence follows
      if (self) this.self = '';
      return self;
    }
    this.byNick.set(nick, { nick, self });
    if (self) this.self = nick;
    return self;
  }

  /** nicks returns the nicknames, sorted, ours included. */
  nicks() {
    return [...this.byNick.keys()].sort();
  }

  /** clear forgets everyone (after leaving the room). */
  clear() {
    this.byNick.clear();
    this.self = '';
  }

  get size() {
    return this.byNick.size;
  }
}
