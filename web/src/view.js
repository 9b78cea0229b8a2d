// What the user asks to see: the linked x range or follow span, each panel's y (and an unlinked panel's own x),
// and the hidden series. Requests to the viewer are built here (docs/page-protocol.md).

/** Server ranges answer an older request for this long after the user last zoomed or panned. */
export const LOCAL_HOLD_MS = 250;
const FOLLOW_SHARE = 0.1;

/** The shared view state: linked x, follow span, hidden series, the panels shown. */
export const view = {
  x: null, // linked panels' x; null fits
  follow: null, // a span of x-units, or null
  followTouched: false, // once the user chose, the default no longer applies
  spanAuto: true, // an empty span box means 10 % of the data's x extent
  xExtent: null,
  hidden: new Set(), // series indexes the page does not show
  localUntil: 0,
  panels: [],
};

/** Whether a panel's x moves with the others. */
export const isLinked = (panel) => panel.def.linkx !== false;

/** The view request for the panels shown; `width` is the plot width in device pixels shared by every panel. */
export function buildRequest(width) {
  const following = view.follow !== null;
  const first = view.panels[0];
  return {
    type: "view",
    x: following ? null : view.x,
    // Top-level y and height serve an older viewer, which knows one panel only.
    y: following || !first ? null : first.want.y,
    follow: view.follow,
    width,
    height: first ? plotHeight(first) : 1,
    panels: view.panels.map((p) => ({
      id: p.id,
      height: plotHeight(p),
      y: following ? null : p.want.y,
      x: isLinked(p) || following ? null : p.want.x,
    })),
    hidden: [...view.hidden],
  };
}

/** A panel's plot area height in device pixels. */
export const plotHeight = (p) => Math.max(1, Math.round(p.u.bbox.height));

/** 10 % of the data's x extent, rounded to 1, 2 or 5 times a power of ten so the window steps rather than creeps. */
export function autoSpan() {
  const e = view.xExtent;
  if (!e || !(e[1] > e[0])) return null;
  const raw = (e[1] - e[0]) * FOLLOW_SHARE;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

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
