// The chart module's axis arithmetic (the drawing itself is checked in the browser tests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { niceMax } from '../../../crates/ghtraf/templates/docs/stats/charts.js';

test('axis maxima are round and split into five whole-number steps', () => {
  assert.deepEqual([0, 3, 5, 6, 41, 100, 101, 251, 12000].map(niceMax), [5, 5, 5, 10, 50, 100, 200, 500, 20000]);
  for (const max of [7, 19, 26, 333, 4999, 123456]) {
    const top = niceMax(max);
    assert.ok(top >= max, `${top} covers ${max}`);
    assert.ok(Number.isInteger(top / 5), `${top}/5 is a whole number`);
  }
});
