// The histogram panel: the user picks a series, the view request names it ("histogram", docs/page-protocol.md) and
// the viewer sends, after each view, the counts of that series' raw y over the x its panel shows. They are drawn in
// a panel of their own in the plot area, under the data panels, as uPlot bars: x the series' values, y the count.
// It is not one of view.panels: its x is a value axis, linked to no other panel's x range, zoom or cursors.
import { axesFor, drawnTicks } from "./axes.js";
import { barsOf, binOf } from "./bins.js";
import { AXIS } from "./decode.js";
import { formatNumber, formatTime, formatValue, NUMBER_INCRS } from "./format.js";
import { pp } from "./hooks.js";
import { fitPanel } from "./panel.js";
import { isTimeX, view } from "./view.js";

const VALUE_AXES = { xkind: AXIS.LINEAR, ykind: AXIS.LINEAR };
// Counts are whole: no tick between two counts.
const COUNT_INCRS = NUMBER_INCRS.filter((v) => v >= 1);
const fmt = new Intl.NumberFormat("en-US");

/**
 * Binds the series picker `selectEl` and makes the panel; hooks.changed() hears a pick or a close (the panels' room
 * and the request change), hooks.redraw() a new width of its y axis labels. Returns { refresh(seriesRows), show(msg),
 * place(host, colors), hiddenChanged(), yAxisNeed }: refresh lists the series after a meta, show draws an answer,
 * place puts the panel last in `host` and takes the theme's colours, hiddenChanged hears the legend hide series.
 */
export function startHistogram(selectEl, hooks) {
  const el = document.createElement("section");
  el.id = "histogram";
  el.className = "panel histogram-panel";
  el.hidden = true;
  const titleEl = document.createElement("h3");
  titleEl.className = "panel-title";
  const nameEl = document.createElement("span");
  const noteEl = document.createElement("span");
  noteEl.className = "histogram-note";
  const closeEl = document.createElement("button");
  closeEl.type = "button";
  closeEl.className = "panel-close";
  closeEl.textContent = "×";
  closeEl.title = "Close the histogram";
  closeEl.setAttribute("aria-label", "Close the histogram");
  titleEl.append(nameEl, noteEl, closeEl);
  const chartEl = document.createElement("div");
  chartEl.className = "panel-chart";
  el.append(titleEl, chartEl);
  const tipEl = document.createElement("div");
  tipEl.className = "histogram-tip";
  tipEl.hidden = true;
  const barEl = document.createElement("div");
  barEl.className = "histogram-bar";
  barEl.hidden = true;
  const emptyEl = document.createElement("div");
  emptyEl.className = "not-shown";
  emptyEl.hidden = true;

  let rows = [];
  let colors = null;
  let u = null; // the chart, made while the panel shows
  let last = null; // the answer drawn
  let single = false; // every point of it has one value
  let hovered = null;
  let needPx = 0, reportedPx = 0; // the width its y axis labels need, and the last told to the data panels
  pp.histogram = null;
  Object.defineProperty(pp, "histogramPanel", { enumerable: true, get: panelState });

  const rowOf = (index) => rows.find((s) => s.index === index);
  const label = (s) => (s.run ? `${s.run} · ${s.name}` : s.name);
  const colorOf = () => (rowOf(view.histogram) || {}).color || (colors ? colors.muted : "#888");
  const sourcePanel = () => {
    const row = rowOf(view.histogram);
    return row ? view.panels.find((p) => p.id === (row.panel | 0)) : undefined;
  };
  const many = globalThis.uPlot.paths.bars({ size: [1, Infinity, 1], gap: 1 });
  const one = globalThis.uPlot.paths.bars({ size: [0.06, 48, 3] });

  function pick(index) {
    view.histogram = index;
    selectEl.value = index === null ? "" : String(index);
    pp.histogram = null;
    last = null;
    el.hidden = index === null;
    dropChart();
    if (index !== null) {
      nameEl.textContent = `Histogram of ${rowOf(index) ? label(rowOf(index)) : `series ${index}`}`;
      noteEl.textContent = " · counting…";
      makeChart();
      hiddenChanged();
    }
    hooks.changed();
  }

  selectEl.addEventListener("change", () => pick(selectEl.value === "" ? null : Number(selectEl.value)));
  closeEl.addEventListener("click", () => pick(null));

  function refresh(seriesRows) {
    rows = seriesRows;
    const key = rows.map((s) => `${s.index}:${s.run}:${s.name}`).join("|");
    if (selectEl.dataset.key === key) return;
    selectEl.dataset.key = key;
    const chosen = view.histogram;
    selectEl.replaceChildren(new Option("none", ""));
    for (const s of rows) selectEl.append(new Option(label(s), String(s.index)));
    // A series that went away takes its histogram with it.
    const still = chosen != null && rows.some((s) => s.index === chosen);
    selectEl.value = still ? String(chosen) : "";
    if (still) nameEl.textContent = `Histogram of ${label(rowOf(chosen))}`;
    else if (chosen != null) pick(null);
  }

  function show(msg) {
    if (msg.series !== view.histogram || !Array.isArray(msg.counts)) return;
    last = msg;
    if (!u) makeChart();
    if (u) draw();
    // What tests read: the bins as drawn, and the range they cover.
    pp.histogram = { series: msg.series, x: msg.x, low: msg.low, high: msg.high, total: msg.total, bars: [...msg.counts] };
  }

  // The viewer counts no hidden series: hiding the one shown empties the panel until it is shown again.
  function hiddenChanged() {
    if (view.histogram == null || !view.hidden.has(view.histogram)) return;
    last = { series: view.histogram, x: [0, 0], low: 0, high: 0, ...last, total: 0, counts: new Array(50).fill(0) };
    pp.histogram = null;
    if (u) draw();
    noteEl.textContent = " · hidden in the legend";
    emptyEl.textContent = "this series is hidden: show it in the legend to count it";
  }

  function place(host, themeColors) {
    host.appendChild(el);
    if (JSON.stringify(themeColors) === JSON.stringify(colors)) return;
    colors = themeColors;
    if (!u) return;
    dropChart();
    makeChart();
  }

  function makeChart() {
    if (el.hidden || !colors || !el.isConnected) return;
    const source = sourcePanel();
    const [xAxis, yAxis] = axesFor(VALUE_AXES, { x: (source && source.def.ylabel) || "y", y: "count" }, colors, false);
    yAxis.incrs = COUNT_INCRS;
    // As wide as the data panels' shared y axis, so its plot area lines up under theirs.
    const ownSize = yAxis.size;
    yAxis.size = (self, values, i, cycle) => {
      needPx = ownSize(self, values, i, cycle);
      let width = needPx;
      for (const p of view.panels) width = Math.max(width, p.yAxisNeed || 0);
      return width;
    };
    const identity = (self, min, max) => [min, max];
    u = new globalThis.uPlot(
      {
        width: Math.max(200, Math.floor(chartEl.clientWidth)),
        height: Math.max(80, Math.floor(chartEl.clientHeight - 4)),
        legend: { show: false },
        scales: { x: { time: false, auto: false, range: identity }, y: { auto: false, range: identity } },
        series: [
          {},
          { fill: colorOf, stroke: colorOf, width: 0, points: { show: false }, paths: (self, i, i0, i1) => (single ? one : many)(self, i, i0, i1) },
        ],
        axes: [xAxis, yAxis],
        // No zoom, no cursor lines: a hover names the bar under the mouse.
        cursor: { x: false, y: false, points: { show: false }, drag: { x: false, y: false, setScale: false }, bind: { dblclick: () => null } },
        hooks: { setCursor: [hover], draw: [axisWidthSeen] },
      },
      [[], []],
      chartEl,
    );
    u.over.append(barEl, tipEl, emptyEl);
    if (last) draw();
  }

  // The data panels take a y axis as wide as this one needs too (hooks.redraw lays them out again).
  function axisWidthSeen() {
    if (needPx === reportedPx) return;
    reportedPx = needPx;
    hooks.redraw();
  }

  function dropChart() {
    hideHover();
    if (!u) return;
    u.destroy();
    u = null;
  }

  function draw() {
    const bars = barsOf(last);
    single = bars.single;
    u.batch(() => {
      u.setData([bars.xs, bars.ys], false);
      u.setScale("x", { min: bars.x[0], max: bars.x[1] });
      u.setScale("y", { min: bars.y[0], max: bars.y[1] });
    });
    const source = sourcePanel();
    const xText = (v) => (source && isTimeX(source) ? formatTime(v, 1, false) : formatValue(v));
    noteEl.textContent = ` · ${fmt.format(last.total)} point${last.total === 1 ? "" : "s"} in view, x ${xText(last.x[0])} to ${xText(last.x[1])}`;
    emptyEl.hidden = last.total > 0;
    emptyEl.textContent = "no point of this series in view";
    if (hovered) hover(u);
  }

  // The bar under the mouse: lit, and its value range and count beside it.
  function hover(self) {
    const { idx, left } = self.cursor;
    if (!last || last.total === 0 || idx == null || left == null || left < 0) { hideHover(); return; }
    const bin = binOf(last, single ? 0 : idx);
    hovered = bin;
    const share = last.total > 0 ? (100 * bin.count) / last.total : 0;
    // Edges as precise as a tenth of a bin's width tells them apart.
    const step = Math.pow(10, Math.floor(Math.log10((last.high - last.low) / last.counts.length)) - 1);
    const mag = Math.max(Math.abs(last.low), Math.abs(last.high));
    const edge = (v) => formatNumber(v, step, mag);
    const range = single ? `y = ${formatValue(bin.from)}` : `${edge(bin.from)} ≤ y ${bin.last ? "≤" : "<"} ${edge(bin.to)}`;
    tipEl.textContent = `${range} · ${fmt.format(bin.count)} point${bin.count === 1 ? "" : "s"} (${share.toFixed(1)} %)`;
    tipEl.hidden = false;
    const width = self.over.clientWidth;
    let centre = self.valToPos(single ? bin.from : (bin.from + bin.to) / 2, "x");
    if (!single) {
      const a = self.valToPos(bin.from, "x"), b = self.valToPos(bin.to, "x");
      barEl.style.left = `${a}px`;
      barEl.style.width = `${Math.max(1, b - a)}px`;
      barEl.style.top = `${Math.min(self.valToPos(bin.count, "y"), self.over.clientHeight - 2)}px`;
      barEl.hidden = false;
      centre = (a + b) / 2;
    }
    // Above the pointer, so it hides neither the bar's top nor what the pointer is on.
    const w = tipEl.offsetWidth;
    tipEl.style.left = `${Math.max(0, Math.min(width - w, centre - w / 2))}px`;
    tipEl.style.top = `${Math.max(2, (self.cursor.top ?? 0) - tipEl.offsetHeight - 14)}px`;
  }

  function hideHover() {
    hovered = null;
    tipEl.hidden = true;
    barEl.hidden = true;
  }

  new ResizeObserver(() => {
    if (u && fitPanel({ u, chartEl })) hideHover();
  }).observe(chartEl);

  function panelState() {
    if (!u || el.hidden) return null;
    return {
      title: nameEl.textContent,
      note: noteEl.textContent,
      axisNames: [u.axes[0].label ?? null, u.axes[1].label ?? null],
      xRange: [u.scales.x.min, u.scales.x.max],
      yRange: [u.scales.y.min, u.scales.y.max],
      plotWidth: u.bbox.width,
      plotHeight: u.bbox.height,
      xTicks: drawnTicks(u, 0),
      yTicks: drawnTicks(u, 1),
      barColor: colorOf(),
      hover: hovered && { from: hovered.from, to: hovered.to, count: hovered.count, text: tipEl.textContent },
    };
  }

  return {
    refresh, show, place, hiddenChanged,
    /** The width its y axis labels need, in CSS pixels (0 while it is closed): the data panels' y axes take it too. */
    get yAxisNeed() { return u && !el.hidden ? needPx : 0; },
  };
}
