import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Series, rate, formatRate, formatAge, linkStates, linkLevel, pageLabel } from '../src/series.js';

test('rate', () => {
  const cases = [
    { name: 'first sample', args: [null, 0, 10, 1000], want: 0 },
    { name: 'steady', args: [10, 0, 20, 2000], want: 5 },
    { name: 'no time elapsed', args: [10, 1000, 20, 1000], want: 0 },
    { name: 'counter went back', args: [20, 0, 5, 2000], want: 0 },
    { name: 'no change', args: [7, 0, 7, 2000], want: 0 },
  ];
  for (const c of cases) {
    assert.equal(rate(...c.args), c.want, c.name);
  }
});

test('Series keeps a sliding window and turns non-numbers into gaps', () => {
  const s = new Series(['a', 'b'], 3);
  s.push('t1', { a: 1, b: 2 });
  s.push('t2', { a: NaN });
  s.push('t3', { a: 3, b: 'x' });
  s.push('t4', { a: 4, b: 5 });
  assert.equal(s.length, 3);
  assert.deepEqual(s.labels, ['t2', 't3', 't4']);
  assert.deepEqual(s.data.a, [null, 3, 4]);
  assert.deepEqual(s.data.b, [null, null, 5]);
});

test('formatRate', () => {
  const cases = [[0, '0'], [-1, '0'], [NaN, '0'], [0.04, '0'], [2.46, '2.5'], [150.4, '150']];
  for (const [i, [r, want]] of cases.entries()) {
    assert.equal(formatRate(r), want, `case ${i}: ${r}`);
  }
});

test('formatAge', () => {
  const cases = [[0, '0s'], [0.5, '0s'], [42.9, '42s'], [185, '3m 5s'], [7800, '2h 10m'], [undefined, '0s']];
  for (const [i, [sec, want]] of cases.entries()) {
    assert.equal(formatAge(sec), want, `case ${i}: ${sec}`);
  }
});

test('linkStates lists XMPP links then the SMPP bind', () => {
  const got = linkStates({
    xmpp: [{ role: 'gateway', state: 'up', since: 's1' }, { role: 'rooms', state: 'connecting', since: 's2', last_error: 'refused' }],
    smpp: { state: 'bound', since: 's3' },
  });
  assert.deepEqual(got.map((l) => [l.role, l.up, l.error]), [['gateway', true, ''], ['rooms', false, 'refused'], ['smpp', true, '']]);
  assert.deepEqual(linkStates(undefined), []);
});

test('pageLabel', () => {
  const cases = [
    [{ title: ' A page ', site: 'example.org' }, 'A page'],
    [{ title: '', site: 'example.org' }, 'example.org'],
    [{}, '(unknown page)'],
    [{ title: 'x'.repeat(50) }, `${'x'.repeat(39)}…`],
  ];
  for (const [i, [p, want]] of cases.entries()) {
    assert.equal(pageLabel(p), want, `case ${i}`);
  }
});

test('linkLevel keeps lines apart and on the right side', () => {
  const cases = [
    { args: [true, 0, 1], want: 1 },
    { args: [false, 0, 1], want: 0 },
    { args: [true, 0, 3], want: 1 },
    { args: [true, 2, 3], want: 0.9 },
    { args: [false, 1, 3], want: 0.05 },
  ];
  for (const [i, c] of cases.entries()) {
    assert.ok(Math.abs(linkLevel(...c.args) - c.want) < 1e-9, `case ${i}: ${linkLevel(...c.args)}`);
  }
});
