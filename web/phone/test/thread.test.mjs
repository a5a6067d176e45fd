import { test } from 'node:test';
import assert from 'node:assert/strict';
import { digits, isForPhone, messageKey } from '../src/thread.js';

const cases = [
  { name: 'same number', msg: { to: '+15550100001', complete: true }, phone: '+15550100001', want: true },
  { name: 'without plus', msg: { to: '15550100001', complete: true }, phone: '+1 555 0100 001', want: true },
  { name: 'other phone', msg: { to: '+15550100002', complete: true }, phone: '+15550100001', want: false },
  { name: 'incomplete', msg: { to: '+15550100001', complete: false }, phone: '+15550100001', want: false },
  { name: 'no phone chosen', msg: { to: '', complete: true }, phone: '', want: false },
  { name: 'no message', msg: null, phone: '+1', want: false },
];
for (const [i, c] of cases.entries()) {
  test(`isForPhone[${i}] ${c.name}`, () => assert.equal(isForPhone(c.msg, c.phone), c.want));
}

test('digits', () => assert.equal(digits('+49 (151) 12-34'), '491511234'));

test('messageKey prefers message ids', () => {
  assert.equal(messageKey({ message_ids: ['a', 'b'], text: 'x' }), 'a,b');
  assert.notEqual(messageKey({ at: 1, to: '1', text: 'x' }), messageKey({ at: 1, to: '1', text: 'y' }));
});
