import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Occupants } from '../src/occupants.js';

const cases = [
  { name: 'self join', steps: [['me', '', ['110']]], nicks: ['me'], self: 'me' },
  { name: 'other joins', steps: [['me', '', ['110']], ['bo', '', []]], nicks: ['bo', 'me'], self: 'me' },
  { name: 'other leaves', steps: [['me', '', ['110']], ['bo', '', []], ['bo', 'unavailable', []]], nicks: ['me'], self: 'me' },
  { name: 'self leaves', steps: [['me', '', ['110']], ['me', 'unavailable', ['110']]], nicks: [], self: '' },
  { name: 'nick change', steps: [['bo', '', []], ['bo', 'unavailable', ['303']], ['bob', '', []]], nicks: ['bob'], self: '' },
];
for (const [i, c] of cases.entries()) {
  test(`Occupants[${i}] ${c.name}`, () => {
    const o = new Occupants();
    for (const [nick, type, codes] of c.steps) o.apply(nick, type, codes);
    assert.deepEqual(o.nicks(), c.nicks);
    assert.equal(o.self, c.self);
    assert.equal(o.size, c.nicks.length);
  });
}
