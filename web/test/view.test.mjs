// The view request the page sends (docs/page-protocol.md) and the range arithmetic of zoom and pan.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildRequest, FOLLOW_AUTO, groupKey, panRange, view, zoomRange } from "../src/view.js";

const panel = (id, xgroup, xkind, y, height, linkx = true) => ({ id, def: { xgroup, xkind, linkx }, want: { y }, u: { bbox: { height } } });

test("Request lists panels top to bottom, each with its x group's range", () => {
  view.panels = [panel(1, 1, "linear", [0.1, 10], 300), panel(2, 1, "linear", null, 200), panel(3, 3, "time", null, 100), panel(4, 4, "linear", null, 100, false)];
  view.groupX = new Map([[groupKey(view.panels[0]), [0, 100]], [groupKey(view.panels[2]), [1.7e9, 1.7e9 + 60]]]);
  view.follow = null;
  view.hidden = new Set([3, 7]);
  const r = buildRequest(900);
  assert.deepEqual(r, {
    type: "view", x: [0, 100], y: [0.1, 10], follow: null, width: 900, height: 300,
    panels: [
      { id: 1, height: 300, y: [0.1, 10], x: [0, 100] },
      { id: 2, height: 200, y: null, x: [0, 100] },
      { id: 3, height: 100, y: null, x: [1.7e9, 1.7e9 + 60] },
      { id: 4, height: 100, y: null, x: null },
    ],
    hidden: [3, 7],
    coords: "f32",
  });
});

test("A group's range is kept by group and kind: a panel that turns to time does not take the steps' range", () => {
  const steps = panel(1, 1, "linear", null, 100);
  const nowTime = panel(1, 1, "time", null, 100);
  view.groupX = new Map([[groupKey(steps), [0, 100]]]);
  view.panels = [nowTime];
  view.follow = null;
  view.hidden = new Set();
  assert.equal(buildRequest(100).panels[0].x, null);
});

test("Follow sends no ranges: every group follows, over the automatic window or the span typed", () => {
  view.panels = [panel(1, 1, "linear", [0, 1], 100), panel(2, 2, "time", [2, 3], 100)];
  view.groupX = new Map([[groupKey(view.panels[0]), [0, 100]]]);
  view.hidden = new Set();
  for (const follow of [FOLLOW_AUTO, 50]) {
    view.follow = follow;
    const r = buildRequest(640);
    assert.equal(r.follow, follow);
    assert.equal(r.x, null);
    assert.equal(r.y, null);
    assert.deepEqual(r.panels.map((p) => [p.x, p.y]), [[null, null], [null, null]]);
  }
});

test("Zoom and pan keep log ranges positive and even in decades", () => {
  assert.deepEqual(zoomRange([0, 10], 5, 0.5, false), [2.5, 7.5]);
  const [a, b] = zoomRange([1, 10000], 100, 0.5, true);
  assert.ok(Math.abs(a - 10) < 1e-9 && Math.abs(b - 1000) < 1e-9, `${a}..${b}`);
  assert.deepEqual(panRange([10, 20], 0.1, false), [11, 21]);
  const [c, d] = panRange([1, 100], -0.5, true);
  assert.ok(Math.abs(c - 0.1) < 1e-12 && Math.abs(d - 10) < 1e-9, `${c}..${d}`);
});
