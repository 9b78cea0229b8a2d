// The view-message decoder against messages built byte by byte as docs/page-protocol.md lays them out.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AXIS, decodeView, nothingDefined, plotFromMeta } from "../src/decode.js";

// A little-endian message writer that pads like the viewer: every block starts at a multiple of 8.
class Bytes {
  constructor() { this.buf = new ArrayBuffer(1 << 16); this.dv = new DataView(this.buf); this.at = 0; }
  u32(v) { this.dv.setUint32(this.at, v, true); this.at += 4; return this; }
  f64(v) { this.dv.setFloat64(this.at, v, true); this.at += 8; return this; }
  f32(v) { this.dv.setFloat32(this.at, v, true); this.at += 4; return this; }
  pad8() { while (this.at % 8) this.dv.setUint8(this.at++, 0); return this; }
  done() { return this.buf.slice(0, this.at); }
}

function twoPanelMessage() {
  const b = new Bytes();
  b.u32(2).u32(2); // tag 2, two panels
  // Panel 1: one points series and one density series.
  b.u32(1).u32(2).f64(0).f64(10).f64(0.5).f64(2.5);
  b.u32(4).u32(0).u32(3).u32(0).f64(3).f64(0); // series 4: 3 points
  for (const x of [1, 2, 3]) b.f64(x);
  for (const y of [2.5, 1.5, 0.5]) b.f64(y);
  b.u32(7).u32(1).u32(3).u32(1).f64(1234).f64(12); // series 7: a 3 × 1 density grid, 12 not shown
  b.u32(5).u32(0).u32(9); // three counts: 12 bytes, padded to 16
  b.pad8();
  // Panel 3: no visible series, ranges only.
  b.u32(3).u32(0).f64(-1).f64(1).f64(1).f64(1000);
  return b.done();
}

test("Decoder reads two panels with points and density layers", () => {
  const msg = decodeView(twoPanelMessage());
  assert.equal(msg.tag, 2);
  assert.equal(msg.panels.length, 2);
  const [p1, p3] = msg.panels;
  assert.deepEqual([p1.id, p1.xMin, p1.xMax, p1.yMin, p1.yMax], [1, 0, 10, 0.5, 2.5]);
  assert.equal(p1.series.length, 2);
  const [points, density] = p1.series;
  assert.equal(points.index, 4);
  assert.equal(points.mode, 0);
  assert.deepEqual([...points.xs], [1, 2, 3]);
  assert.deepEqual([...points.ys], [2.5, 1.5, 0.5]);
  assert.equal(points.pointsInView, 3);
  assert.equal(density.index, 7);
  assert.deepEqual([density.mode, density.w, density.h], [1, 3, 1]);
  assert.deepEqual([...density.counts], [5, 0, 9]);
  assert.equal(density.notShown, 12);
  assert.equal(density.pointsInView, 1234);
  assert.deepEqual([p3.id, p3.xMin, p3.xMax, p3.yMin, p3.yMax, p3.series.length], [3, -1, 1, 1, 1000, 0]);
});

test("Decoder reads columns in place, every block on an 8-byte boundary", () => {
  const buf = twoPanelMessage();
  const [points, density] = decodeView(buf).panels[0].series;
  assert.equal(points.xs.buffer, buf, "columns are views on the message, not copies");
  assert.equal(points.xs.byteOffset % 8, 0);
  assert.equal(points.ys.byteOffset % 8, 0);
  assert.equal(density.counts.byteOffset % 8, 0);
  // The panel after the padded density block was read at the right place: its ranges came out exact above.
  assert.equal(buf.byteLength % 8, 0);
});

test("Decoder makes float32 offsets (mode 2) float64 points again, and reads the block after them in place", () => {
  const b = new Bytes();
  b.u32(2).u32(1);
  b.u32(0).u32(2).f64(1.7e9 + 0.25).f64(1.7e9 + 10).f64(20.5).f64(21.5);
  // Series 3: three points from the bases 1.7e9 (x) and 20 (y), whole seconds and a quarter.
  b.u32(3).u32(2).u32(3).u32(0).f64(3).f64(0).f64(1.7e9).f64(20);
  for (const dx of [1, 2, 3.25]) b.f32(dx);
  for (const dy of [0.5, 1, 1.5]) b.f32(dy);
  // Series 4 after it, as float64.
  b.u32(4).u32(0).u32(1).u32(0).f64(1).f64(0).f64(1.7e9 + 5).f64(21);
  const [relative, plain] = decodeView(b.done()).panels[0].series;
  assert.equal(relative.mode, 0, "given to the page as points");
  assert.deepEqual([...relative.xs], [1.7e9 + 1, 1.7e9 + 2, 1.7e9 + 3.25]);
  assert.deepEqual([...relative.ys], [20.5, 21, 21.5]);
  assert.ok(relative.xs instanceof Float64Array);
  assert.deepEqual([plain.index, ...plain.xs, ...plain.ys], [4, 1.7e9 + 5, 21]);
});

test("Decoder gives a tag-1 message of an older viewer as one panel without an id", () => {
  const b = new Bytes();
  b.u32(1).u32(1).f64(0).f64(1).f64(-1).f64(1);
  b.u32(0).u32(0).u32(2).u32(0).f64(2);
  b.f64(0).f64(1).f64(-1).f64(1);
  const msg = decodeView(b.done());
  assert.equal(msg.tag, 1);
  assert.equal(msg.panels.length, 1);
  assert.equal(msg.panels[0].id, null);
  assert.deepEqual([...msg.panels[0].series[0].xs], [0, 1]);
  assert.deepEqual([...msg.panels[0].series[0].ys], [-1, 1]);
  assert.equal(msg.panels[0].series[0].notShown, 0);
});

test("Decoder refuses unknown tags and messages cut short", () => {
  const b = new Bytes();
  b.u32(9).u32(0);
  assert.equal(decodeView(b.done()), null);
  const whole = twoPanelMessage();
  for (const cut of [4, 8, 30, 48, 80, 120, whole.byteLength - 8]) {
    assert.equal(decodeView(whole.slice(0, cut)), null, `cut at ${cut}`);
  }
});

test("Plot definition fills in what an older viewer leaves out", () => {
  const plot = plotFromMeta({ type: "meta", series: [{ index: 0, name: "a" }] });
  assert.equal(plot.title, null);
  assert.deepEqual(plot.panels.map((p) => p.id), [0]);
  assert.ok(nothingDefined(plot));
  const named = plotFromMeta({ plot: { title: "PlotPipe", panels: [{ id: 0, title: null }] }, series: [] });
  assert.equal(named.title, null, "the viewer's default title is no title");
  assert.ok(nothingDefined(named));
});

test("The page takes the viewer's layout as it is: its panels, axis kinds and x groups", () => {
  const meta = {
    plot: {
      title: "Training",
      panels: [
        { id: 0, xscale: "linear", yscale: "linear", linkx: true, xkind: "time", ykind: "linear", xgroup: 0 },
        { id: 1, title: "Loss", xscale: "log", yscale: "log", linkx: true, xkind: "log", ykind: "log", xgroup: 1 },
        { id: 2, title: "Accuracy", linkx: true, xkind: "linear", ykind: "linear", xgroup: 2 },
        { id: 3, title: "Clock", linkx: false, xscale: "log", xkind: "time", ykind: "linear", xgroup: 3 },
      ],
    },
    series: [{ index: 0, panel: 1 }, { index: 1, panel: 2, time: true }],
  };
  const plot = plotFromMeta(meta);
  assert.deepEqual(plot.panels.map((p) => p.id), [0, 1, 2, 3], "no panel is added or left out by the page");
  assert.deepEqual(plot.panels.map((p) => p.xkind), [AXIS.TIME, AXIS.LOG, AXIS.LINEAR, AXIS.TIME]);
  assert.deepEqual(plot.panels.map((p) => p.ykind), [AXIS.LINEAR, AXIS.LOG, AXIS.LINEAR, AXIS.LINEAR]);
  assert.deepEqual(plot.panels.map((p) => p.xgroup), [0, 1, 2, 3]);
  // The definition is kept as given, but it is the kinds the axes draw: a log scale on a time axis stays time.
  assert.equal(plot.panels[3].xscale, AXIS.LOG);
  assert.equal(plot.panels[3].linkx, false);
  assert.ok(!nothingDefined(plot));
});

test("Unknown axis kinds from a newer viewer are drawn linear", () => {
  const plot = plotFromMeta({ plot: { panels: [{ id: 4, xkind: "polar", ykind: "time" }] } });
  assert.equal(plot.panels[0].xkind, AXIS.LINEAR);
  assert.equal(plot.panels[0].ykind, AXIS.LINEAR, "time is an x kind only");
  assert.equal(plot.panels[0].xgroup, 4, "without a group a panel is its own");
});
