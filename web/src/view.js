// What the user asks to see: each x group's range or the follow mode, each panel's y, and the hidden series.
// Requests to the viewer are built here (docs/page-protocol.md).
import { AXIS } from "./decode.js";

/** Server ranges answer an older request for this long after the user last zoomed or panned. */
export const LOCAL_HOLD_MS = 250;

/** Follow with each x group's automatic window, which the viewer picks (docs/page-protocol.md). */
export const FOLLOW_AUTO = "auto";

/** The shared view state: each x group's range, the follow mode, hidden series, the panels shown. */
export const view = {
  groupX: new Map(), // x group (groupKey) → [min, max] the user chose; a group not in it is fitted
  follow: null, // null, FOLLOW_AUTO or a span of x-units the user typed
  followTouched: false, // once the user chose a view, the page no longer picks follow or the whole for them
  hidden: new Set(), // series indexes the page does not show
  localUntil: 0,
  panels: [],
};

/**
 * A panel's x group as a key: panels with the same key share their x range (linked panels of one x kind; an
 * unlinked panel alone). The kind is part of it, so a range kept across a change of layout never lands on another kind.
 */
export const groupKey = (panel) => `${panel.def.xgroup}/${panel.def.xkind}`;

/** Whether a panel's x axis is log (never for time). */
export const isLogX = (panel) => panel.def.xkind === AXIS.LOG;

/** Whether a panel's y axis is log. */
export const isLogY = (panel) => panel.def.ykind === AXIS.LOG;

/** Whether a panel's x axis shows time. */
export const isTimeX = (panel) => panel.def.xkind === AXIS.TIME;

/** The view request for the panels shown; `width` is the plot width in device pixels shared by every panel. */
export function buildRequest(width) {
  const following = view.follow !== null;
  const first = view.panels[0];
  const linked = view.panels.find((p) => p.def.linkx !== false);
  return {
    type: "view",
    // Each panel carries its group's x; the top-level x, the first linked panel's group's, is what older viewers read.
    x: following || !linked ? null : view.groupX.get(groupKey(linked)) ?? null,
    // Top-level y and height serve an older viewer, which knows one panel only.
    y: following || !first ? null : first.want.y,
    follow: view.follow,
    width,
    height: first ? plotHeight(first) : 1,
    panels: view.panels.map((p) => ({
      id: p.id,
      height: plotHeight(p),
      y: following ? null : p.want.y,
      x: following ? null : view.groupX.get(groupKey(p)) ?? null,
      ...(p.smooth > 0 ? { smooth: p.smooth } : {}),
    })),
    hidden: [...view.hidden],
    ...(view.histogram != null ? { histogram: view.histogram } : {}),
    // Points as float32 offsets: half the bytes a view takes to receive, placed far inside a pixel.
    coords: "f32",
  };
}

/** A panel's plot area height in device pixels. */
export const plotHeight = (p) => Math.max(1, Math.round(p.u.bbox.height));

/** A range zoomed by factor f around c (in the axis' own space: log10 on a log axis). */
export function zoomRange([a, b], c, f, log) {
  if (log) {
    const la = Math.log10(a), lb = Math.log10(b), lc = Math.log10(c);
    return [Math.pow(10, lc - (lc - la) * f), Math.pow(10, lc + (lb - lc) * f)];
  }
  return [c - (c - a) * f, c + (b - c) * f];
}

/** A range moved by `share` of its width (positive: towards larger values), evenly on a log axis. */
export function panRange([a, b], share, log) {
  if (log) {
    const la = Math.log10(a), lb = Math.log10(b), d = (lb - la) * share;
    return [Math.pow(10, la + d), Math.pow(10, lb + d)];
  }
  const d = (b - a) * share;
  return [a + d, b + d];
}

/** The centre of a range (geometric on a log axis). */
export const centre = ([a, b], log) => (log ? Math.sqrt(a * b) : (a + b) / 2);
