// The PlotPipe live page: asks the viewer for a view of each panel over a WebSocket and draws what comes back.
// uPlot gives axes, grid, cursor and selection per panel; the series are drawn here (draw.js), because each
// PlotPipe series has its own x column and uPlot's own series share one. Message formats: docs/page-protocol.md.
import { drawnTicks, themeColors } from "./axes.js";
import { createCursors } from "./cursors.js";
import { AXIS, decodeView, nothingDefined, plotFromMeta } from "./decode.js";
import { startBaselines } from "./baseline.js";
import { startDerive } from "./derive.js";
import { drawLayers } from "./draw.js";
import { allWhole } from "./format.js";
import { createFlow } from "./flow.js";
import { bindKeys, bindMouse, onSelect } from "./gestures.js";
import { logDraw, pp } from "./hooks.js";
import { legendRows, renderLegend } from "./legend.js";
import { applyTheme, isDark } from "./looks.js";
import { createMarkers, markerFits } from "./markers.js";
import { createPanel, destroyPanel, fitPanel } from "./panel.js";
import { askNearest, createReadout, nearestRow } from "./readout.js";
import { exportUrl, savePng } from "./save.js";
import { connectSocket } from "./socket.js";
import { startTimeline } from "./timeline.js";
import { addSmoothControl } from "./smooth.js";
import { startHistogram } from "./histogram.js";
import { buildRequest, FOLLOW_AUTO, groupKey, isLogX, isTimeX, LOCAL_HOLD_MS, view } from "./view.js";

const $ = (id) => document.getElementById(id);
const statusEl = $("status");
const titleEl = $("title");
const legendEl = $("legend");
const chartsEl = $("chart");
const followEl = $("follow");
const spanEl = $("follow-span");

const fmt = new Intl.NumberFormat("en-US");

let plot = plotFromMeta(null);
let series = []; // meta rows, by position
let panelsKey = "";
let colors = themeColors();
let yAxisPx = 0; // the widest y axis any panel needs: every panel takes it, so linked x axes line up
let viewSeq = 0; // views taken to draw; each panel remembers the last one it drew
let redrawT0 = 0; // start of the whole redraw (scales, axes, grid, series), for drawLog
// The viewer's memory for views is shared: when this page's share is short, its views come coarser (density cells and
// line columns of cellPx device pixels, drawn stretched over the plot) or not at all, and the status line says why.
let viewLimit = null;

const readout = createReadout($("cursor"), () => series);
const cursors = createCursors({ box: $("delta"), seriesOf: () => series, ask: askNearest, nearestRow, pp });
const baselines = startBaselines($("baselines"));
startDerive($("derive"));
startTimeline($("timeline"));
const markers = createMarkers($("markers"), { redraw: () => redrawSoon(), jump: jumpTo });
let baselineKey = "";
// The histogram's panel, last in the plot area: showing or closing it gives the data panels a new height.
const histogram = startHistogram($("histogram-series"), {
  changed: () => {
    for (const p of view.panels) fitPanel(p);
    flow.requestSoon();
    redrawSoon();
  },
  redraw: () => redrawSoon(),
});

const app = {
  hovered: null,
  userView,
  fitAll,
  gestureEnded: () => flow.settle(),
  toggleFollow: () => chooseFollow(view.follow === null),
  save: () => savePng(plot.title, legendRows(legendEl, series)),
  // Delta cursors go where the mouse is; a tap shows the readout where the finger was, a touch gesture hides it.
  placeCursor: (which) => {
    const p = app.hovered, c = p && p.u.cursor;
    if (c && c.left != null && c.left >= 0) cursors.place(which, p, p.u.posToVal(c.left, "x"), p.u.posToVal(c.top, "y"));
  },
  clearCursors: () => cursors.clear(),
  tap: (panel, clientX, clientY) => {
    const r = panel.u.over.getBoundingClientRect();
    app.hovered = panel;
    panel.u.setCursor({ left: clientX - r.left, top: clientY - r.top });
  },
  // A finger held still puts cursor A, then B (moved on each later hold).
  holdAt: (panel, clientX, clientY) => {
    const r = panel.u.over.getBoundingClientRect();
    cursors.place(cursors.next, panel, panel.u.posToVal(clientX - r.left, "x"), panel.u.posToVal(clientY - r.top, "y"));
  },
  touchStarted: (panel) => panel.u.setCursor({ left: -10, top: -10 }),
};

pp.hidden = [];
Object.defineProperty(pp, "panels", { enumerable: true, get: panelStates });

// ---- panels ----------------------------------------------------------------------------------------------------

function rebuildPanels() {
  // The viewer's layout says which panels to show, their axis kinds and x groups.
  const defs = plot.panels;
  const bare = nothingDefined(plot);
  // A time axis needs no "x": its ticks say what it is (as in the pictures).
  const names = (d) => ({ x: d.xlabel ?? (bare && d.xkind !== AXIS.TIME ? "x" : null), y: d.ylabel ?? (bare ? "y" : null) });
  const key = JSON.stringify([defs, bare, colors]);
  if (key === panelsKey) return;
  panelsKey = key;
  // Keep what each panel asked for across a rebuild (a definition changed, or the theme).
  const before = new Map(view.panels.map((p) => [p.id, p]));
  for (const p of view.panels) destroyPanel(p);
  chartsEl.replaceChildren();
  const yLabelRoom = defs.some((d) => names(d).y);
  view.panels = defs.map((d) => {
    const p = createPanel(d, names(d), colors, chartsEl, chartHooks, yLabelRoom);
    const old = before.get(d.id);
    if (old && old.def.ykind === d.ykind && old.def.xkind === d.xkind) {
      p.want = old.want;
      p.shown = old.shown;
      p.layers = old.layers;
    }
    addSmoothControl(p, old ? old.smooth : 0, () => flow.requestSoon());
    bindMouse(app, p);
    chartsEl.appendChild(p.el);
    return p;
  });
  histogram.place(chartsEl, colors);
  // The help speaks of time zones only where a panel shows times.
  document.getElementById("time-zone").hidden = !view.panels.some(isTimeX);
  // A range kept for a group that no longer exists (its kind or its first panel changed) has nothing to move.
  const keys = new Set(view.panels.map(groupKey));
  for (const k of [...view.groupX.keys()]) if (!keys.has(k)) view.groupX.delete(k);
  for (const p of view.panels) fitPanel(p);
  collapsePanels();
  flow.requestSoon();
  redrawSoon();
}

// A panel whose series are all hidden shrinks to its title (named even without one), which shows them again on a
// click; the other panels take its room.
function collapsePanels() {
  let changed = false;
  for (const p of view.panels) {
    const own = series.filter((s) => (s.panel | 0) === p.id);
    const collapsed = own.length > 0 && own.every((s) => view.hidden.has(s.index));
    if (p.el.classList.contains("collapsed") !== collapsed) changed = true;
    p.el.classList.toggle("collapsed", collapsed);
    p.nameEl.textContent = p.def.title || (collapsed ? (p.id === 0 ? "Main" : `Panel ${p.id}`) : "");
    placeTitleRow(p);
    p.titleEl.title = collapsed ? "Every series of this panel is hidden: click to show them" : "";
    p.titleEl.onclick = collapsed ? () => legendActions.toggle(own.map((s) => s.index)) : null;
  }
  pp.collapsed = view.panels.filter((p) => p.el.classList.contains("collapsed")).map((p) => p.id);
  if (!changed) return;
  for (const p of view.panels) fitPanel(p);
  flow.requestSoon();
}

const chartHooks = {
  draw: drawPanel,
  drawClear: () => { if (!redrawT0) redrawT0 = performance.now(); },
  select: (panel) => onSelect(app, panel),
  cursor: (panel) => {
    const { left, top } = panel.u.cursor;
    if (left == null || left < 0) { readout.clear(); return; }
    app.hovered = panel;
    const r = panel.u.over.getBoundingClientRect();
    readout.hover(panel, panel.u.posToVal(left, "x"), panel.u.posToVal(top, "y"), r.left + left, r.top + top);
  },
  yAxisPx: () => yAxisPx,
};

function panelStates() {
  return view.panels.map((p) => ({
    id: p.id,
    title: p.def.title,
    xlabel: p.def.xlabel,
    ylabel: p.def.ylabel,
    axisNames: [p.names.x, p.names.y], // what the axes show: the labels, or "x" and "y" when nothing is defined
    xRange: [p.u.scales.x.min, p.u.scales.x.max],
    yRange: [p.u.scales.y.min, p.u.scales.y.max],
    xScale: p.def.xscale,
    yScale: p.def.yscale,
    xKind: p.def.xkind,
    yKind: p.def.ykind,
    xGroup: p.def.xgroup,
    time: isTimeX(p),
    linkX: p.def.linkx,
    drawn: p.drawn,
    inView: p.inView,
    notShown: p.notShown,
    series: [...p.layers.keys()],
    smooth: p.smooth, // the smoothing weight sent with the view request
    smoothDrawn: p.smoothDrawn || 0, // smoothed points drawn

    plotWidth: p.u.bbox.width,
    plotHeight: p.u.bbox.height,
    xTicks: drawnTicks(p.u, 0),
    yTicks: drawnTicks(p.u, 1),
  }));
}

// ---- drawing ---------------------------------------------------------------------------------------------------

let framePending = false;
function redrawSoon() {
  if (framePending) return;
  framePending = true;
  requestAnimationFrame(() => {
    framePending = false;
    redrawT0 = performance.now();
    for (const p of view.panels) {
      const u = p.u, sx = u.scales.x, sy = u.scales.y;
      if (sx.min !== p.shown.x[0] || sx.max !== p.shown.x[1] || sy.min !== p.shown.y[0] || sy.max !== p.shown.y[1]) {
        u.batch(() => {
          u.setScale("x", { min: p.shown.x[0], max: p.shown.x[1] });
          u.setScale("y", { min: p.shown.y[0], max: p.shown.y[1] });
        });
      } else {
        u.redraw(false, false);
      }
    }
    // A panel whose y labels grew (or shrank) sets the shared axis width; the others follow on the next frame.
    let need = histogram.yAxisNeed;
    for (const p of view.panels) need = Math.max(need, p.yAxisNeed);
    if (need !== yAxisPx && need > 0) {
      yAxisPx = need;
      for (const p of view.panels) p.u.redraw(false, true);
    }
    readout.placeDots();
    cursors.placeLines();
  });
}

const isHidden = (s) => view.hidden.has(s.index);

function drawPanel(panel) {
  const t0 = performance.now();
  const u = panel.u;
  const ranges = { x: [u.scales.x.min, u.scales.x.max], y: [u.scales.y.min, u.scales.y.max] };
  panel.drawn = drawLayers(u.ctx, u.bbox, ranges, panel, series, isHidden, globalThis.uPlot.pxRatio);
  markers.draw(panel);
  panel.drewSeq = viewSeq;
  let drawn = 0;
  for (const p of view.panels) drawn += p.drawn;
  pp.drawn = drawn;
  if (panel === view.panels[0]) {
    pp.xRange = ranges.x;
    pp.yRange = ranges.y;
  }
  let end = performance.now();
  const ms = end - t0;
  if (pp.rasterInDrawLog) {
    u.ctx.getImageData(0, 0, 1, 1);
    end = performance.now();
  }
  logDraw(ms, end, redrawT0 || t0, newestShown(panel));
  if (panel === view.panels[view.panels.length - 1]) redrawT0 = 0;
  if (view.panels.every((p) => p.drewSeq === viewSeq)) flow.drew();
}

// The x up to which every line drawn in the panel is on screen (the least of their last x), for measuring add → pixels.
function newestShown(panel) {
  let newest = Infinity;
  for (const s of series) {
    const layer = panel.layers.get(s.index);
    if (!layer || layer.mode !== 0 || layer.count === 0 || isHidden(s) || !s.line) continue;
    newest = Math.min(newest, layer.xs[layer.count - 1]);
  }
  return newest === Infinity ? null : newest;
}

// ---- messages from the viewer ----------------------------------------------------------------------------------

function applyView(buf) {
  const msg = decodeView(buf);
  if (!msg || view.panels.length === 0) return;
  if (!flow.take()) {
    pp.staleViews = flow.staleViews;
    return;
  }
  const local = performance.now() < view.localUntil;
  let inView = 0;
  const carried = [];
  for (const block of msg.panels) {
    const panel = block.id === null ? view.panels[0] : view.panels.find((p) => p.id === block.id);
    if (!panel) continue;
    const range = [block.xMin, block.xMax, block.yMin, block.yMax];
    const layers = new Map();
    let pin = 0, notShown = 0, whole = block.series.length > 0;
    for (const layer of block.series) {
      if (layer.mode === 1) { layer.range = range; layer.image = null; }
      whole = whole && layer.mode === 0 && (layer.count === 0 || allWhole(layer.xs, layer.count));
      layers.set(layer.index, layer);
      pin += layer.pointsInView;
      notShown += layer.notShown;
    }
    panel.layers = layers;
    panel.xWhole = whole;
    panel.range = range;
    panel.inView = pin;
    panel.notShown = notShown;
    inView += pin;
    carried.push({ id: panel.id, series: block.series.map((l) => l.index), grids: block.series.filter((l) => l.mode === 1).map((l) => [l.w, l.h]) });
    if (!local) {
      panel.shown.x = [block.xMin, block.xMax];
      panel.shown.y = [block.yMin, block.yMax];
    }
    showNotShown(panel);
  }
  const first = msg.panels[0];
  if (view.follow === FOLLOW_AUTO && first) showAutoSpan(first.xMax - first.xMin);
  pp.inView = inView;
  pp.serverRange = first ? [first.xMin, first.xMax, first.yMin, first.yMax] : null;
  pp.viewAt = performance.now();
  pp.lastView = { tag: msg.tag, bytes: msg.bytes, panels: carried, seq: flow.seq };
  pp.views++;
  viewSeq++;
  redrawSoon();
}

function showNotShown(panel) {
  const n = Math.round(panel.notShown);
  panel.notShownEl.hidden = n === 0;
  if (n) panel.notShownEl.textContent = `${fmt.format(n)} point${n === 1 ? "" : "s"} ≤ 0 not shown`;
  // The chart gives the row its height, or takes it back.
  if (placeTitleRow(panel)) fitPanel(panel);
}

// A panel's title row shows while it has a name (its title, or the one a collapsed panel gets) or a note; returns
// whether that changed.
function placeTitleRow(panel) {
  const hidden = !panel.nameEl.textContent && panel.notShownEl.hidden;
  if (panel.titleEl.hidden === hidden) return false;
  panel.titleEl.hidden = hidden;
  return true;
}

// What the charts draw of each series: meta every 250 ms while streaming changes only counts and status, which need
// no redraw.
let drawnLooks = "";
const looksOf = (rows) => rows.map((s) => `${s.index}|${s.panel}|${s.kind}|${s.color}|${s.line}|${s.marker}|${!!s.baseline}`).join(";");

function applyMeta(meta) {
  pp.metas++;
  series = applyTheme(meta.series || [], isDark());
  pp.series = series;
  plot = plotFromMeta(meta);
  pp.title = plot.title;
  rebuildPanels();
  renderAllLegend();
  histogram.refresh(series.filter((s) => !s.baseline));
  renderStatus(meta.status || {});
  markers.statusSeen((meta.status || {}).events || 0);
  // A baseline loaded, moved or sent from another page: its list says so.
  const baselineNow = series.filter((s) => s.baseline).map((s) => `${s.index}:${s.count}`).join(",");
  if (baselineNow !== baselineKey) {
    baselineKey = baselineNow;
    baselines.refresh();
  }
  followTheStream();
  const looks = looksOf(series);
  if (looks !== drawnLooks) {
    drawnLooks = looks;
    redrawSoon();
  }
}

// ---- status, title and legend ----------------------------------------------------------------------------------

function renderStatus(st) {
  pp.status = st;
  const state = st.state || "streaming";
  const parts = [];
  // A recording paused on its timeline receives nothing: it says so, not "streaming at 0 points/s".
  const paused = state === "streaming" && !!pp.timeline && !pp.timeline.playing;
  // Before the first point (no input yet, or no producer yet) nothing streams: it says so, with a grey dot.
  const waiting = state === "streaming" && !paused && !st.points;
  statusEl.dataset.state = waiting ? "waiting" : state;
  const shown = paused ? "paused" : waiting ? "waiting for data" : state;
  parts.push(shown);
  parts.push(`${fmt.format(st.points || 0)} points`);
  if (shown === "streaming") parts.push(`${fmt.format(Math.round(st.pointsPerSecond || 0))} points/s`);
  // Producers silent past --producer-timeout; when all connected ones are, the state itself says "stalled".
  if (st.stalledProducers && state !== "stalled") parts.push(`${fmt.format(st.stalledProducers)} stalled`);
  parts.push(`${fmt.format(st.dropped || 0)} dropped`);
  if (st.evicted) parts.push(`${fmt.format(st.evicted)} evicted`);
  if (st.outOfOrder) parts.push(`${fmt.format(st.outOfOrder)} out of order`);
  if (st.badLines) parts.push(`${fmt.format(st.badLines)} bad line${st.badLines === 1 ? "" : "s"}`);
  const rec = st.recording;
  if (rec) parts.push(`${rec.active ? "recording" : "recorded"} ${fmt.format(rec.points || 0)} points`);
  statusEl.textContent = parts.join(" · ");
  // --alert rules that fired: a badge counting the firings, the rules in its tooltip (each is in /api/events).
  if (st.alerts && st.alerts.fired) {
    const badge = document.createElement("span");
    badge.className = "error alert-badge";
    badge.textContent = ` — ${fmt.format(st.alerts.fired)} alert${st.alerts.fired === 1 ? "" : "s"}`;
    badge.title = `rules: ${st.alerts.rules.join("; ")}`;
    statusEl.appendChild(badge);
  }
  // The first bad line says why text input is skipped (a header taken for data, a wrong delimiter).
  const firstBad = st.badLine ? `first bad ${st.badLine}` : null;
  for (const why of [st.error, st.exportError, st.recordError, firstBad]) {
    if (!why) continue;
    const e = document.createElement("span");
    e.className = "error";
    e.textContent = ` — ${why}`;
    statusEl.appendChild(e);
  }
  if (viewLimit && viewLimit.reason) {
    const e = document.createElement("span");
    e.className = "limit";
    e.textContent = ` — ${viewLimit.reason}`;
    statusEl.appendChild(e);
  }
  showTitle(shown);
}

function applyLimit(msg) {
  viewLimit = msg.cellPx === 1 ? null : { cellPx: msg.cellPx, reason: msg.reason || null };
  pp.limit = viewLimit;
  renderStatus(pp.status || {});
}

function showTitle(state) {
  const name = plot.title || "PlotPipe";
  titleEl.textContent = name;
  document.title = `${name} — ${state}`;
}

// The legend and what hangs on the same hidden series: panels whose series are all hidden fold.
function renderAllLegend() {
  renderLegend(legendEl, series, view.panels.map((p) => p.def), view.hidden, legendActions);
  collapsePanels();
}

const legendActions = {
  // Hides the series given, or shows them all again when all were hidden.
  toggle(indexes) {
    const allHidden = indexes.every((i) => view.hidden.has(i));
    for (const i of indexes) {
      if (allHidden) view.hidden.delete(i);
      else view.hidden.add(i);
    }
    hiddenChanged();
  },
  // Shows one series alone; the same double-click on the one series shown shows all again. Judged from what is
  // hidden, not from a remembered click: a double-click's own two clicks have toggled the row twice by then.
  solo(index) {
    const others = series.filter((s) => s.index !== index).map((s) => s.index);
    const alone = others.length > 0 && !view.hidden.has(index) && others.every((i) => view.hidden.has(i));
    view.hidden.clear();
    if (!alone) for (const i of others) view.hidden.add(i);
    hiddenChanged();
  },
};

function hiddenChanged() {
  pp.hidden = [...view.hidden];
  renderAllLegend();
  histogram.hiddenChanged();
  if (cursors.placed) cursors.refresh();
  flow.requestSoon();
  redrawSoon();
}

// ---- what the user asks for ------------------------------------------------------------------------------------

// x (null: keep the window where it is), y (undefined: as the panel had it; null: fit). The x moves every panel of
// the panel's x group; leaving follow this way keeps the other groups' windows where they are.
function userView(panel, x, y) {
  if (!panel) return;
  view.followTouched = true;
  if (view.follow !== null) keepWindows();
  if (x === null) x = [...panel.shown.x];
  const key = groupKey(panel);
  view.groupX.set(key, x);
  for (const p of view.panels) if (groupKey(p) === key) p.shown.x = x;
  if (y !== undefined) {
    panel.want.y = y;
    if (y) panel.shown.y = y;
  }
  view.localUntil = performance.now() + LOCAL_HOLD_MS;
  flow.requestSoon();
  redrawSoon();
}

// Centres each x group that shows the marker on it, keeping the group's zoom width (widened to hold a longer span).
function jumpTo(marker) {
  const done = new Set();
  for (const p of view.panels) {
    const key = groupKey(p);
    if (done.has(key) || !markerFits(marker, p)) continue;
    done.add(key);
    const [a, b] = p.shown.x;
    const x2 = marker.x2 ?? marker.x;
    if (isLogX(p)) {
      if (marker.x <= 0) continue;
      const c = Math.sqrt(marker.x * x2), half = Math.max(Math.sqrt(b / a), Math.sqrt(x2 / marker.x) * 1.1);
      userView(p, [c / half, c * half]);
    } else {
      const c = (marker.x + x2) / 2, half = Math.max((b - a) / 2, (x2 - marker.x) * 0.55);
      userView(p, [c - half, c + half]);
    }
  }
}

function fitAll() {
  view.followTouched = true;
  showWhole();
}

// ---- follow ----------------------------------------------------------------------------------------------------

// Follow is for live streams. Until the user picks a view, a live plot of lines only follows its newest x (each x
// group over its automatic window, which the viewer picks) and any other plot, one whose stream has ended, or a
// recording paused on its timeline, is shown whole; once the user chooses (a zoom, a fit, the follow box or key, a span), their choice stays.
function followTheStream() {
  if (view.followTouched) return;
  // A recording paused on its timeline (after a seek, say) is a moment to look at whole, not a stream to follow.
  const paused = !!pp.timeline && !pp.timeline.playing;
  const live = (pp.status.state || "streaming") === "streaming" && !paused;
  const wanted = live && series.length > 0 && series.every((s) => s.kind === "line");
  if (wanted && view.follow === null) setFollow(FOLLOW_AUTO);
  else if (!wanted && view.follow !== null) showWhole();
}

// The user turns follow on (with the span typed, else the automatic window) or off (every window stays where it is).
function chooseFollow(on) {
  view.followTouched = true;
  if (on) setFollow(spanValue() ?? FOLLOW_AUTO);
  else keepWindows();
}

// Each group's range becomes the one on screen, and follow goes off.
function keepWindows() {
  for (const p of view.panels) view.groupX.set(groupKey(p), [...p.shown.x]);
  setFollow(null);
}

function showWhole() {
  setFollow(null);
  view.groupX.clear();
  for (const p of view.panels) p.want = { y: null };
  view.localUntil = 0;
  flow.requestSoon();
}

// mode: null (off), FOLLOW_AUTO or a span of x-units.
function setFollow(mode) {
  view.follow = mode;
  if (mode !== null) {
    view.groupX.clear();
    for (const p of view.panels) p.want = { y: null };
  }
  if (mode !== FOLLOW_AUTO) spanEl.placeholder = "auto";
  followEl.checked = mode !== null;
  pp.follow = mode !== null;
  pp.followSpan = mode;
  flow.requestSoon();
}

// The automatic window the viewer picked for the top panel's group, in the span box's placeholder.
function showAutoSpan(span) {
  spanEl.placeholder = `auto (${niceLabel(span)})`;
}

function spanValue() {
  const v = parseFloat(spanEl.value);
  return v > 0 && isFinite(v) ? v : null;
}

function niceLabel(v) {
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6 ? String(+v.toPrecision(6)) : v.toExponential(2);
}

followEl.addEventListener("change", () => chooseFollow(followEl.checked));
spanEl.addEventListener("change", () => chooseFollow(true));

$("save-png").addEventListener("click", () => app.save());
for (const [id, format, what] of [["save-csv", "csv"], ["save-arrow", "arrow"], ["save-markers", "csv", "markers"]]) {
  // The address is made at the click, so it carries the range on screen then.
  $(id).addEventListener("click", (e) => { e.currentTarget.href = exportUrl(format, series, what); });
}

bindKeys(app);

// Under 500 px wide the legend is folded away behind a button, and the status is one line that opens on a tap.
$("legend-toggle").addEventListener("click", () => {
  const open = document.body.classList.toggle("legend-open");
  $("legend-toggle").setAttribute("aria-expanded", String(open));
});
statusEl.addEventListener("click", () => statusEl.classList.toggle("open"));
// There the save buttons go into the folded legend too, leaving the header's one line to the status.
const narrow = window.matchMedia("(max-width: 500px)");
const placeSaves = () => {
  const saves = document.querySelector(".saves");
  if (narrow.matches) $("side").prepend(saves);
  else document.querySelector("header").append(saves);
};
placeSaves();
if (narrow.addEventListener) narrow.addEventListener("change", placeSaves);

new ResizeObserver(() => {
  let changed = false;
  for (const p of view.panels) changed = fitPanel(p) || changed;
  if (changed) flow.requestSoon();
}).observe(chartsEl);

// The theme follows the system: the charts are rebuilt with the new colours.
const dark = window.matchMedia("(prefers-color-scheme: dark)");
const themeChanged = () => {
  colors = themeColors();
  pp.colors = colors;
  // Series colours follow the theme too: density images are made again in the new colour.
  applyTheme(series, dark.matches);
  for (const p of view.panels) for (const layer of p.layers.values()) layer.image = null;
  rebuildPanels();
  renderAllLegend();
};
pp.colors = colors;
if (dark.addEventListener) dark.addEventListener("change", themeChanged);

// ---- the socket ------------------------------------------------------------------------------------------------

// The request for what the page shows now, or null before there is a panel to ask for.
function currentRequest() {
  if (view.panels.length === 0) return null;
  // Device pixels: decimation then matches what the canvas can show.
  let width = 1;
  for (const p of view.panels) width = Math.max(width, Math.round(p.u.bbox.width));
  const request = buildRequest(width);
  pp.plotWidth = width;
  pp.plotHeight = request.height;
  return request;
}

let socket = null;
const flow = createFlow({ get open() { return !!socket && socket.open; }, send: (text) => socket.send(text) }, currentRequest, {
  onSent: (request) => { pp.request = { ...request, at: performance.now() }; },
});
rebuildPanels();
socket = connectSocket({
  onOpen: () => {
    pp.connected = true;
    flow.reset();
    flow.requestNow();
  },
  onMeta: applyMeta,
  onAnswer: (msg) => {
    flow.answered(msg.seq);
    pp.answer = { seq: msg.seq, waitedMs: msg.waitedMs ?? null, builtMs: msg.builtMs ?? null, heldMs: msg.heldMs ?? null, at: performance.now() };
  },
  onLimit: applyLimit,
  onHistogram: (msg) => histogram.show(msg),
  onView: applyView,
  onClose: () => {
    pp.connected = false;
    viewLimit = pp.limit = null;
    statusEl.dataset.state = "gone";
    const kept = pp.status && pp.status.points ? ` · showing the last ${fmt.format(pp.status.points)} points` : "";
    statusEl.textContent = `viewer gone — retrying every second${kept}`;
    showTitle("viewer gone");
  },
});
