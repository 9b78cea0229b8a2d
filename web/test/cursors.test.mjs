// The readout tooltip's place beside the pointer and how the delta cursors write their differences.
import { test } from "node:test";
import assert from "node:assert/strict";
import { deltaRows, formatDelta, formatDeltaX, formatDuration, formatX, nearestFirst, placeTip } from "../src/cursors.js";

process.env.TZ = "UTC";

test("The tooltip goes right of and below the pointer when it fits", () => {
  assert.deepEqual(placeTip(100, 100, 200, 80, 1280, 800), { left: 114, top: 114, flipX: false, flipY: false });
});

test("At the right and bottom edges the tooltip flips to the pointer's other side", () => {
  const p = placeTip(1200, 760, 200, 80, 1280, 800);
  assert.deepEqual(p, { left: 1200 - 14 - 200, top: 760 - 14 - 80, flipX: true, flipY: true });
});

test("The tooltip never leaves the viewport, even wider than the room on both sides of the pointer", () => {
  for (const [x, y] of [[0, 0], [195, 400], [389, 843], [200, 10], [10, 830]]) {
    const { left, top } = placeTip(x, y, 300, 120, 390, 844);
    assert.ok(left >= 4 && left + 300 <= 390 - 4, `x ${x}: left ${left}`);
    assert.ok(top >= 4 && top + 120 <= 844 - 4, `y ${y}: top ${top}`);
  }
  // Larger than the viewport: its top-left corner stays on screen.
  assert.deepEqual(placeTip(200, 200, 500, 1000, 390, 844), { left: 4, top: 4, flipX: true, flipY: true });
});

test("Rows come nearest first, capped, with the rest counted", () => {
  const rows = [{ i: 0, d: 30 }, { i: 1, d: 5 }, { i: 2, d: Infinity }, { i: 3, d: 12 }];
  const { shown, more } = nearestFirst(rows, (r) => r.d, 2);
  assert.deepEqual(shown.map((r) => r.i), [1, 3]);
  assert.equal(more, 2);
  assert.deepEqual(nearestFirst(rows, (r) => r.d, 8).shown.map((r) => r.i), [1, 3, 0, 2]);
});

test("Durations read as people say them", () => {
  assert.equal(formatDuration(72.5), "1 min 12.5 s");
  assert.equal(formatDuration(72), "1 min 12 s");
  assert.equal(formatDuration(60), "1 min");
  assert.equal(formatDuration(59.99), "59.99 s");
  assert.equal(formatDuration(59.99996), "1 min");
  assert.equal(formatDuration(12.5), "12.5 s");
  assert.equal(formatDuration(0.85), "850 ms");
  assert.equal(formatDuration(0.0000125), "12.5 µs");
  assert.equal(formatDuration(3599.96), "1 h");
  assert.equal(formatDuration(7384), "2 h 3 min 4 s");
  assert.equal(formatDuration(7200), "2 h");
  assert.equal(formatDuration(3 * 86400 + 4 * 3600), "3 d 4 h");
  assert.equal(formatDuration(-72.5), "-1 min 12.5 s");
  assert.equal(formatDuration(0), "0 s");
});

test("Differences carry their sign; on a time axis Δx is a duration", () => {
  assert.equal(formatDelta(0.5), "+0.5");
  assert.equal(formatDelta(-1.25e-6), "-1.25e-6");
  assert.equal(formatDelta(0), "0");
  assert.equal(formatDelta(0.1 + 0.2 - 0.3 + 1), "+1");
  assert.equal(formatDeltaX(72.5, true), "+1 min 12.5 s");
  assert.equal(formatDeltaX(-72.5, true), "-1 min 12.5 s");
  assert.equal(formatDeltaX(120, false), "+120");
});

test("An x on a time axis reads as the time of day, with milliseconds only when it has them", () => {
  const t = Date.UTC(2026, 4, 20, 10, 0, 5) / 1000;
  assert.equal(formatX(t, true), "10:00:05");
  assert.equal(formatX(t + 0.25, true), "10:00:05.250");
  assert.equal(formatX(1799, false), "1799");
  assert.equal(formatX(0.008346255, false), "0.008346255");
});

test("Delta rows pair each series' points at A and B and leave out a series missing at one of them", () => {
  const a = [{ index: 0, x: 1, y: 2, panel: 0 }, { index: 1, x: 1, y: 5, panel: 1 }, { index: 2, x: 1.5, y: 0 }];
  const b = [{ index: 1, x: 4, y: 3, panel: 1 }, { index: 0, x: 4, y: 2.5, panel: 0 }];
  assert.deepEqual(deltaRows(a, b), [
    { index: 0, panel: 0, a: { x: 1, y: 2 }, b: { x: 4, y: 2.5 }, dx: 3, dy: 0.5 },
    { index: 1, panel: 1, a: { x: 1, y: 5 }, b: { x: 4, y: 3 }, dx: 3, dy: -2 },
  ]);
});
