// The view request the page sends (docs/page-protocol.md) and the range arithmetic of zoom and pan.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildRequest, panRange, view, zoomRange } from "../src/view.js";

const panel = (id, linkx, want, height) => ({ id, def: { linkx }, want, u: { bbox: { height } } });

test("Request lists panels top to bottom: linked ones share the top-level x, an unlinked one sends its own", () => {
  view.panels = [panel(1, true, { x: null, y: [0.1, 10] }, 300), panel(2, false, { x: [5, 6], y: null }, 200)];
  view.x = [0, 100];
  view.follow = null;
  view.hidden = new Set([3, 7]);
  const r = buildRequest(900);
  assert.deepEqual(r, {
    type: "view", x: [0, 100], y: [0.1, 10], follow: null, width: 900, height: 300,
    panels: [{ id: 1, height: 300, y: [0.1, 10], x: null }, { id: 2, height: 200, y: null, x: [5, 6] }],
    hidden: [3, 7],
  });
});

test("Follow sends no ranges: every panel shows the last T x-units", () => {
  view.panels = [panel(1, true, { x: null, y: [0, 1] }, 100), panel(2, false, { x: [5, 6], y: [2, 3] }, 100)];
  view.x = [0, 100];
  view.follow = 50;
  view.hidden = new Set();
  const r = buildRequest(640);
  assert.equal(r.follow, 50);
  assert.equal(r.x, null);
  assert.equal(r.y, null);
  assert.deepEqual(r.panels.map((p) => [p.x, p.y]), [[null, null], [null, null]]);
  assert.deepEqual(r.hidden, []);
});

test("Zoom and pan keep log ranges positive and even in decades", () => {
  assert.deepEqual(zoomRange([0, 10], 5, 0.5, false), [2.5, 7.5]);
  const [a, b] = zoomRange([1, 10000], 100, 0.5, true);
  assert.ok(Math.abs(a - 10) < 1e-9 && Math.abs(b - 1000) < 1e-9, `${a}..${b}`);
  assert.deepEqual(panRange([10, 20], 0.1, false), [11, 21]);
  const [c, d] = panRange([1, 100], -0.5, true);
  assert.ok(Math.abs(c - 0.1) < 1e-12 && Math.abs(d - 10) < 1e-9, `${c}..${d}`);
});
