// The JS room algorithm must agree with ident/roomkey.go on every shared
// vector in ident/testdata/roomkeys.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { normalizeURL, roomKeyFor, URLError } from '../src/roomkey.js';

const vectors = JSON.parse(
  readFileSync(new URL('../../../ident/testdata/roomkeys.json', import.meta.url), 'utf8'),
);

test('the vectors file has cases', () => {
  assert.ok(vectors.valid.length > 10);
  assert.ok(vectors.invalid.length > 10);
});

vectors.valid.forEach((v, i) => {
  test(`valid[${i}] ${JSON.stringify(v.url)}`, () => {
    const got = roomKeyFor(v.url);
    assert.equal(got.normalized, v.normalized);
    assert.equal(got.room, v.room);
    assert.equal(normalizeURL(v.normalized), v.normalized, 'idempotent');
  });
});

vectors.invalid.forEach((v, i) => {
  test(`invalid[${i}] ${JSON.stringify(v.url)}`, () => {
    assert.throws(() => normalizeURL(v.url), URLError);
  });
});

test('room keys are 26 characters ending 128 bits', () => {
  const { room } = roomKeyFor('https://example.org/');
  assert.match(room, /^[a-z2-7]{25}[aeimquy4]$/);
});
