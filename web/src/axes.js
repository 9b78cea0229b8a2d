// uPlot axes for a panel: labels, time and log scales, and tick spacing chosen from the labels' measured widths
// so neighbouring labels never touch. Colours come from the page's CSS variables (light or dark theme).
import { AXIS } from "./decode.js";
import {
  horizontalSpace, logLabels, logSplits, numberLabels, timeLabels, wholeSpace, NUMBER_INCRS, TIME_INCRS,
} from "./format.js";

/** The axes' font, in CSS pixels (uPlot scales it by the device pixel ratio). */
export const AXIS_FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const LABEL_FONT = '600 12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const LINE_PX = 18; // 12 px × uPlot's 1.5 line gap
const GAP_PX = 14; // between two x labels

let measureCtx = null;
// Tick labels repeat from frame to frame (a following view shifts by a tick at a time): widths are kept, so the
// spacing search costs a lookup per label, not a text layout.
const widths = new Map();
const WIDTHS_KEPT = 4096;
/** The width in CSS pixels of text in the axes' font. */
export function measureText(text) {
  let w = widths.get(text);
  if (w !== undefined) return w;
  if (!measureCtx) {
    measureCtx = document.createElement("canvas").getContext("2d");
    measureCtx.font = AXIS_FONT;
  }
  w = measureCtx.measureText(text).width;
  if (widths.size >= WIDTHS_KEPT) widths.clear();
  widths.set(text, w);
  return w;
}

/** The theme's colours, read from the CSS variables (they change with prefers-color-scheme). */
export function themeColors() {
  const css = getComputedStyle(document.documentElement);
  const v = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  return {
    background: v("--bg", "#ffffff"),
    text: v("--ink", "#1f2328"),
    muted: v("--muted", "#656d76"),
    axis: v("--axis", "#1f2328"),
    grid: v("--grid", "#eaeef2"),
    tick: v("--tick", "#d0d7de"),
  };
}

/** The labels a panel's axis shows for its splits, by the kind the layout gave that axis. */
export function labelsFor(def, axis, splits, incr) {
  const kind = axis === "x" ? def.xkind : def.ykind;
  if (kind === AXIS.TIME) return timeLabels(splits, incr);
  if (kind === AXIS.LOG) return logLabels(splits);
  return numberLabels(splits, incr);
}

/** uPlot scale options for a panel: log10 (distr 3), time or linear, as its layout says; ranges are set by the page. */
export function scalesFor(def) {
  const identity = (u, min, max) => [min, max];
  return {
    x: { time: def.xkind === AXIS.TIME, auto: false, range: identity, distr: def.xkind === AXIS.LOG ? 3 : 1, log: 10 },
    y: { auto: false, range: identity, distr: def.ykind === AXIS.LOG ? 3 : 1, log: 10 },
  };
}

/**
 * uPlot axis options for a panel; names.x / names.y are the axis labels (null: none). With `yLabelRoom`, a panel
 * without a y label keeps the room for one, so stacked panels' plot areas line up.
 */
export function axesFor(def, names, colors, yLabelRoom, xWhole = () => false) {
  const common = {
    font: AXIS_FONT,
    labelFont: LABEL_FONT,
    stroke: colors.axis,
    grid: { stroke: colors.grid, width: 1 },
    ticks: { stroke: colors.tick, width: 1 },
    border: { show: false },
  };
  const time = def.xkind === AXIS.TIME;
  const logX = def.xkind === AXIS.LOG;
  const logY = def.ykind === AXIS.LOG;
  const x = {
    ...common,
    scale: "x",
    label: names.x ?? undefined,
    labelSize: names.x ? 22 : 0,
    incrs: time ? TIME_INCRS : NUMBER_INCRS,
    space: (u, i, min, max, dim) => {
      if (logX) return logSpace(min, max, dim, (s) => logLabels(s), measureText, GAP_PX);
      const space = horizontalSpace(min, max, dim, time ? TIME_INCRS : NUMBER_INCRS, (s, incr) => labelsFor(def, "x", s, incr), measureText, GAP_PX);
      return !time && xWhole() ? wholeSpace(min, max, dim, space) : space;
    },
    values: (u, splits, i, space, incr) => labelsFor(def, "x", splits, incr),
    size: (u, values) => {
      let lines = 1;
      if (values) for (const v of values) if (v) lines = Math.max(lines, v.split("\n").length);
      return lines * LINE_PX + 14;
    },
  };
  if (logX) {
    // uPlot passes the space its own step search found; the minimum asked for is the axis' _space.
    x.splits = (u, i, min, max) => logSplits(min, max, u.bbox.width / devicePixelRatioOf(u), u.axes[i]._space);
    x.filter = (u, splits) => splits;
  }
  const y = {
    ...common,
    scale: "y",
    label: names.y ?? (yLabelRoom ? "" : undefined),
    labelSize: names.y || yLabelRoom ? 22 : 0,
    incrs: NUMBER_INCRS,
    space: 36,
    values: (u, splits, i, space, incr) => labelsFor(def, "y", splits, incr),
    // As wide as the widest label, so a label never runs into the axis name or off the canvas.
    size: (u, values) => {
      let widest = 24;
      if (values) for (const v of values) if (v) widest = Math.max(widest, measureText(v));
      return Math.ceil(widest) + 22;
    },
  };
  if (logY) {
    y.splits = (u, i, min, max) => logSplits(min, max, u.bbox.height / devicePixelRatioOf(u), u.axes[i]._space);
    y.filter = (u, splits) => splits;
  }
  return [x, y];
}

function devicePixelRatioOf() {
  return globalThis.uPlot.pxRatio || 1;
}

// The spacing log ticks need: their labels' widest, tried until the labels fit.
function logSpace(min, max, dim, labelsOf, measure, gap) {
  let space = 40;
  for (let round = 0; round < 6; round++) {
    const labels = labelsOf(logSplits(min, max, dim, space));
    let widest = 0;
    for (const l of labels) if (l != null) widest = Math.max(widest, measure(l));
    const need = Math.ceil(widest + gap);
    if (need <= space) return space;
    space = need;
  }
  return space;
}

/**
 * The tick labels a panel's axis drew, with their positions and measured widths in CSS pixels (uPlot draws axes on
 * its canvas, so tests read them here): [{ text, at, left, width }], `at` the tick's position from the plot's left
 * (x) or top (y).
 */
export function drawnTicks(u, axisIdx) {
  const axis = u.axes[axisIdx];
  const splits = axis._splits || [];
  const values = axis._values || [];
  const scale = axisIdx === 0 ? "x" : "y";
  const out = [];
  for (let i = 0; i < splits.length; i++) {
    const text = values[i];
    if (text == null || text === "") continue;
    const at = u.valToPos(splits[i], scale, false);
    const lines = String(text).split("\n");
    let width = 0;
    for (const l of lines) width = Math.max(width, measureText(l));
    out.push({ text: String(text), at, left: axisIdx === 0 ? at - width / 2 : 0, width, lines: lines.length });
  }
  return out;
}
