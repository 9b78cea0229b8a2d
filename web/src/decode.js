// Decodes the viewer's messages (docs/page-protocol.md) into plain objects. Pure: no DOM, so node tests it.

/** Tag of the one-panel view message older viewers send. */
export const TAG_VIEW_V1 = 1;
/** Tag of the per-panel view message. */
export const TAG_VIEW = 2;

const PANEL_HEADER = 40; // id, seriesCount, then four f64 ranges
const MODE_F32 = 2; // a series block's points as float32 offsets from two float64 bases
const SERIES_HEADER_V1 = 24;
const SERIES_HEADER = 32;

/**
 * A binary view message as { tag, panels: [{ id, xMin, xMax, yMin, yMax, series: [layer] }] }, where a layer is
 * { index, mode: 0, count, xs, ys, pointsInView, notShown } or { index, mode: 1, w, h, counts, pointsInView, notShown }.
 * Columns are views on the message's own buffer: nothing is copied. A tag-1 message becomes one panel with id null
 * (the page gives it to its only panel). Returns null for a message it cannot read (unknown tag, cut short).
 */
export function decodeView(buf) {
  if (!(buf instanceof ArrayBuffer) || buf.byteLength < 8) return null;
  const dv = new DataView(buf);
  const tag = dv.getUint32(0, true);
  try {
    if (tag === TAG_VIEW_V1) return decodeV1(buf, dv);
    if (tag === TAG_VIEW) return decodeV2(buf, dv);
  } catch (e) {
    if (e instanceof RangeError) return null; // a typed array past the end: a message cut short
    throw e;
  }
  return null;
}

function decodeV1(buf, dv) {
  if (buf.byteLength < 40) return null;
  const n = dv.getUint32(4, true);
  const panel = readRanges(dv, 8, null, n);
  let at = 40;
  for (let i = 0; i < n; i++) at = readSeries(buf, dv, at, SERIES_HEADER_V1, panel.series);
  return { tag: TAG_VIEW_V1, panels: [panel], bytes: buf.byteLength };
}

function decodeV2(buf, dv) {
  const panelCount = dv.getUint32(4, true);
  const panels = [];
  let at = 8;
  for (let p = 0; p < panelCount; p++) {
    if (at + PANEL_HEADER > buf.byteLength) return null;
    const id = dv.getUint32(at, true);
    const n = dv.getUint32(at + 4, true);
    const panel = readRanges(dv, at + 8, id, n);
    at += PANEL_HEADER;
    for (let i = 0; i < n; i++) at = readSeries(buf, dv, at, SERIES_HEADER, panel.series);
    panels.push(panel);
  }
  return { tag: TAG_VIEW, panels, bytes: buf.byteLength };
}

function readRanges(dv, at, id, n) {
  return {
    id,
    xMin: dv.getFloat64(at, true),
    xMax: dv.getFloat64(at + 8, true),
    yMin: dv.getFloat64(at + 16, true),
    yMax: dv.getFloat64(at + 24, true),
    series: new Array(0),
    seriesCount: n,
  };
}

// One series block at `at`; returns where the next block starts.
function readSeries(buf, dv, at, headerSize, out) {
  if (at + headerSize > buf.byteLength) throw new RangeError("series header past the end");
  const index = dv.getUint32(at, true);
  const mode = dv.getUint32(at + 4, true);
  const a = dv.getUint32(at + 8, true);
  const b = dv.getUint32(at + 12, true);
  const pointsInView = dv.getFloat64(at + 16, true);
  const notShown = headerSize === SERIES_HEADER ? dv.getFloat64(at + 24, true) : 0;
  at += headerSize;
  if (mode === 0) {
    const xs = new Float64Array(buf, at, a);
    const ys = new Float64Array(buf, at + 8 * a, a);
    out.push({ index, mode, count: a, xs, ys, pointsInView, notShown });
    return at + 16 * a;
  }
  if (mode === MODE_F32) {
    // Points as float32 offsets from two float64 bases (the page asks with "coords":"f32"): half the bytes to
    // receive; made float64 again here, so the rest of the page reads one kind of layer.
    const bx = dv.getFloat64(at, true), by = dv.getFloat64(at + 8, true);
    const fx = new Float32Array(buf, at + 16, a), fy = new Float32Array(buf, at + 16 + 4 * a, a);
    const xs = new Float64Array(a), ys = new Float64Array(a);
    for (let i = 0; i < a; i++) {
      xs[i] = bx + fx[i];
      ys[i] = by + fy[i];
    }
    out.push({ index, mode: 0, count: a, xs, ys, pointsInView, notShown });
    return at + 16 + 8 * a;
  }
  const counts = new Uint32Array(buf, at, a * b);
  out.push({ index, mode, w: a, h: b, counts, pointsInView, notShown });
  return at + ((4 * a * b + 7) & ~7);
}

/** The kinds of axis the viewer's layout gives a panel (meta's xkind and ykind); the page compares with these alone. */
export const AXIS = Object.freeze({ LINEAR: "linear", LOG: "log", TIME: "time" });

const kindOf = (name, allowed) => (allowed.includes(name) ? name : AXIS.LINEAR);

/**
 * The plot from a meta message: its title and the panels to show, top to bottom, as the viewer's layout resolved
 * them (docs/page-protocol.md). Each panel: { id, title, xlabel, ylabel, xscale, yscale, linkx, xkind, ykind,
 * xgroup }: xscale and yscale as the producer defined them; xkind (time, log or linear) and ykind (log or linear)
 * are what its axes draw; panels with the same xgroup share their x range. Without meta: one linear panel 0.
 */
export function plotFromMeta(meta) {
  const given = meta && meta.plot && Array.isArray(meta.plot.panels) && meta.plot.panels.length ? meta.plot.panels : [{ id: 0 }];
  const panels = given.map((p) => ({
    id: p.id | 0,
    title: p.title || null,
    xlabel: p.xlabel || null,
    ylabel: p.ylabel || null,
    xscale: kindOf(p.xscale, [AXIS.LOG]),
    yscale: kindOf(p.yscale, [AXIS.LOG]),
    linkx: p.linkx !== false,
    xkind: kindOf(p.xkind, [AXIS.LOG, AXIS.TIME]),
    ykind: kindOf(p.ykind, [AXIS.LOG]),
    xgroup: Number.isInteger(p.xgroup) ? p.xgroup : p.id | 0,
  }));
  const title = meta && meta.plot && meta.plot.title;
  // The viewer names an untitled plot by its default title: that is no title of the producer's.
  return { title: title && title !== DEFAULT_TITLE ? title : null, panels };
}

/** The title the viewer gives a plot its producer did not name. */
export const DEFAULT_TITLE = "PlotPipe";

/** True when the producer defined nothing about the plot: then the page keeps its "x" and "y" axis names. */
export function nothingDefined(plot) {
  return !plot.title && plot.panels.length === 1 && !plot.panels[0].title && !plot.panels[0].xlabel && !plot.panels[0].ylabel;
}
