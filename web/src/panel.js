// One panel: its title, its uPlot chart (axes, grid, cursor, selection) and what the viewer last sent for it.
import { axesFor, scalesFor } from "./axes.js";
import { AXIS } from "./decode.js";

/**
 * Creates the panel for definition `def` inside `host`. `names` are its axis labels, `colors` the theme's,
 * `hooks` the chart's callbacks: draw(panel), drawClear(panel), select(panel), cursor(panel), yAxisPx() (the
 * y axis width shared by all panels, so their plot areas line up); `yLabelRoom` keeps room for a y label.
 */
export function createPanel(def, names, colors, host, hooks, yLabelRoom) {
  const el = document.createElement("section");
  el.className = "panel";
  el.dataset.panel = String(def.id);
  // The title row: the panel's title, and at its right end the count of points a log axis cannot show, which sits
  // there rather than over the data (whose top line the y fit puts just under the data area's top).
  const titleEl = document.createElement("h3");
  titleEl.className = "panel-title";
  const nameEl = document.createElement("span");
  nameEl.className = "panel-name";
  nameEl.textContent = def.title || "";
  const notShownEl = document.createElement("span");
  notShownEl.className = "not-shown panel-note";
  notShownEl.hidden = true;
  titleEl.append(nameEl, notShownEl);
  titleEl.hidden = !def.title;
  const chartEl = document.createElement("div");
  chartEl.className = "panel-chart";
  el.append(titleEl, chartEl);
  host.appendChild(el);

  const logY = def.ykind === AXIS.LOG, logX = def.xkind === AXIS.LOG;
  const panel = {
    id: def.id, def, names, el, titleEl, nameEl, chartEl, notShownEl,
    u: null,
    want: { y: null }, // this panel's y; null fits (its x is its group's: view.groupX)
    shown: { x: logX ? [1, 10] : [0, 1], y: logY ? [1, 10] : [0, 1] }, // ranges on screen
    layers: new Map(), densityCanvases: new Map(),
    range: null, drawn: 0, inView: 0, notShown: 0, drewSeq: 0, yAxisNeed: 0,
    xWhole: false, // every x in view is a whole number: its x axis is not ticked between them (axes.js)
    dots: new Map(), // hover markers, by series index
  };
  const [xAxis, yAxis] = axesFor(def, names, colors, yLabelRoom, () => panel.xWhole);
  const ownSize = yAxis.size;
  yAxis.size = (u, values, i, cycle) => {
    panel.yAxisNeed = ownSize(u, values, i, cycle);
    return Math.max(panel.yAxisNeed, hooks.yAxisPx());
  };
  panel.u = new globalThis.uPlot(
    {
      width: Math.max(200, chartEl.clientWidth || host.clientWidth),
      height: Math.max(80, chartEl.clientHeight || 150),
      legend: { show: false },
      scales: scalesFor(def),
      series: [{}],
      axes: [xAxis, yAxis],
      cursor: {
        points: { show: false },
        drag: { x: true, y: true, uni: 24, setScale: false },
        bind: { dblclick: () => null },
      },
      hooks: {
        draw: [() => hooks.draw(panel)],
        drawClear: [() => hooks.drawClear(panel)],
        setSelect: [() => hooks.select(panel)],
        setCursor: [() => hooks.cursor(panel)],
      },
    },
    [[]],
    chartEl,
  );
  panel.u.setScale("x", { min: panel.shown.x[0], max: panel.shown.x[1] });
  panel.u.setScale("y", { min: panel.shown.y[0], max: panel.shown.y[1] });
  return panel;
}

/** Fits the chart to its box; returns whether the size changed. */
export function fitPanel(panel) {
  const width = Math.max(200, Math.floor(panel.chartEl.clientWidth));
  const height = Math.max(80, Math.floor(panel.chartEl.clientHeight - 4));
  if (width === panel.u.width && height === panel.u.height) return false;
  panel.u.setSize({ width, height });
  return true;
}

/** Releases the chart. */
export function destroyPanel(panel) {
  panel.u.destroy();
  panel.el.remove();
}
