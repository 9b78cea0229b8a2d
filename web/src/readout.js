// Hover readout: the exact nearest stored point of each visible series at the cursor's x, asked of the viewer
// (GET /api/nearest), one request in flight and the latest position wins; a dot marks each point on its panel.
import { formatTime, formatValue } from "./format.js";
import { pp } from "./hooks.js";
import { seriesLabel } from "./looks.js";
import { groupKey, isTimeX, view } from "./view.js";

const MIN_INTERVAL_MS = 40;

/** Creates the readout for the box `el`; `seriesOf()` gives the meta rows. */
export function createReadout(el, seriesOf) {
  let inFlight = false;
  let pending = null; // { panel, x }
  let lastAt = 0;
  let timer = 0;
  let last = null;
  let available = true; // an older viewer has no /api/nearest: then the box shows the cursor's x and y

  function hover(panel, x, y) {
    if (x == null || !isFinite(x)) { clear(); return; }
    pending = { panel, x, y };
    if (!available) { showCursor(panel, x, y); return; }
    pump();
  }

  function pump() {
    if (inFlight || !pending) return;
    const wait = lastAt + MIN_INTERVAL_MS - performance.now();
    if (wait > 0) {
      clearTimeout(timer);
      timer = setTimeout(pump, wait);
      return;
    }
    const ask = pending;
    pending = null;
    inFlight = true;
    lastAt = performance.now();
    pp.nearestAsked++;
    const params = new URLSearchParams({ x: String(ask.x) });
    const key = groupKey(ask.panel);
    if (view.panels.filter((p) => groupKey(p) === key).length === 1) params.set("panel", String(ask.panel.id));
    if (view.hidden.size) params.set("hidden", [...view.hidden].join(","));
    fetch(`/api/nearest?${params}`, { credentials: "same-origin" })
      .then((r) => {
        if (r.status === 404) { available = false; return null; }
        return r.ok ? r.json() : null;
      })
      .then((body) => {
        if (body && Array.isArray(body.series)) show(ask, body.series);
        else if (!available) showCursor(ask.panel, ask.x, ask.y);
      })
      .catch(() => {})
      .finally(() => {
        inFlight = false;
        if (pending) pump();
      });
  }

  function show(ask, rows) {
    const series = seriesOf();
    // The cursor's x is the x of every panel in the hovered panel's x group, and of no other.
    const key = groupKey(ask.panel);
    const wanted = rows.filter((r) => {
      if (view.hidden.has(r.index)) return false;
      const p = view.panels.find((q) => q.id === (r.panel | 0));
      return p && groupKey(p) === key;
    });
    last = { ask, rows: wanted };
    pp.readout = wanted.map((r) => ({ index: r.index, x: r.x, y: r.y, panel: r.panel | 0 }));
    const timeOf = (id) => { const p = view.panels.find((q) => q.id === id); return p && isTimeX(p); };
    const lines = [];
    for (const r of wanted) {
      const s = series.find((q) => q.index === r.index);
      const xText = timeOf(r.panel | 0) ? formatTime(r.x, 0.001, true).replace("\n", " ") : formatValue(r.x);
      lines.push({ color: s ? s.color : "#888", text: `${s ? seriesLabel(s) : r.index}  x ${xText}  y ${formatValue(r.y)}` });
    }
    el.replaceChildren(...lines.map((l) => {
      const d = document.createElement("div");
      const dot = document.createElement("span");
      dot.className = "dot";
      dot.style.background = l.color;
      d.append(dot, l.text);
      return d;
    }));
    placeDots();
  }

  function showCursor(panel, x, y) {
    const t = isTimeX(panel) ? formatTime(x, 0.001, true).replace("\n", " ") : formatValue(x);
    el.textContent = `x ${t}\ny ${formatValue(y)}`;
  }

  // Dots sit on the panels' plot areas as DOM elements, so hovering never repaints a chart.
  function placeDots() {
    // Called every frame: nothing to place and nothing shown costs nothing.
    if (!last && view.panels.every((p) => p.dots.size === 0)) return;
    const series = seriesOf();
    const want = new Map();
    if (last) for (const r of last.rows) want.set(`${r.panel | 0}|${r.index}`, r);
    for (const p of view.panels) {
      for (const [index, dot] of p.dots) {
        if (!want.has(`${p.id}|${index}`)) { dot.remove(); p.dots.delete(index); }
      }
    }
    for (const r of want.values()) {
      const p = view.panels.find((q) => q.id === (r.panel | 0));
      if (!p) continue;
      let dot = p.dots.get(r.index);
      if (!dot) {
        dot = document.createElement("div");
        dot.className = "hover-dot";
        p.u.over.appendChild(dot);
        p.dots.set(r.index, dot);
      }
      const s = series.find((q) => q.index === r.index);
      dot.style.borderColor = s ? s.color : "#888";
      const left = p.u.valToPos(r.x, "x"), top = p.u.valToPos(r.y, "y");
      // The plot area's size from uPlot's box, not the element's: reading layout here would force it every frame.
      const ratio = globalThis.uPlot.pxRatio || 1;
      const inside = isFinite(left) && isFinite(top) && left >= 0 && top >= 0 && left <= p.u.bbox.width / ratio && top <= p.u.bbox.height / ratio;
      dot.hidden = !inside;
      dot.style.transform = `translate(${left}px, ${top}px)`;
    }
  }

  function clear() {
    pending = null;
    last = null;
    el.textContent = "";
    placeDots();
  }

  return { hover, clear, placeDots };
}
