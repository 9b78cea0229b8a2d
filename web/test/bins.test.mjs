// The histogram panel's bars: where each bin stands on the value axis and what a hover over it says.
import { test } from "node:test";
import assert from "node:assert/strict";
import { barsOf, binOf } from "../src/bins.js";

const answer = (low, high, counts) => ({ low, high, total: counts.reduce((a, b) => a + b, 0), counts });

test("Bars stand at their bins' centres across the range counted, under a count axis from 0", () => {
  const bars = barsOf(answer(0, 10, [1, 4, 0, 2, 3]));
  assert.deepEqual(bars.xs, [1, 3, 5, 7, 9]);
  assert.deepEqual(bars.ys, [1, 4, 0, 2, 3]);
  assert.deepEqual(bars.x, [0, 10]);
  assert.equal(bars.y[0], 0);
  assert.ok(bars.y[1] > 4 && bars.y[1] < 5, `count axis to ${bars.y[1]}`);
  assert.equal(bars.single, false);
});

test("A hovered bin names its value range, the last one holding the highest value", () => {
  const msg = answer(-1, 1, [5, 0, 7, 2]);
  assert.deepEqual(binOf(msg, 0), { from: -1, to: -0.5, count: 5, last: false });
  assert.deepEqual(binOf(msg, 3), { from: 0.5, to: 1, count: 2, last: true });
});

test("Points of one value make one bar at that value, in a range widened around it", () => {
  const bars = barsOf(answer(4, 4, [9, 0, 0]));
  assert.deepEqual(bars.xs, [4]);
  assert.deepEqual(bars.ys, [9]);
  assert.deepEqual(bars.x, [3.8, 4.2]);
  assert.equal(bars.single, true);
  assert.deepEqual(barsOf(answer(0, 0, [3, 0])).x, [-0.5, 0.5]);
  assert.deepEqual(binOf(answer(4, 4, [9, 0, 0]), 0), { from: 4, to: 4, count: 9, last: true });
});

test("No point in view leaves no bar and a count axis of 0 to 1", () => {
  const bars = barsOf({ low: 0, high: 0, total: 0, counts: new Array(50).fill(0) });
  assert.deepEqual(bars.ys, [0]);
  assert.deepEqual(bars.y, [0, 1]);
});
