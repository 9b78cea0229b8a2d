// Hover readout: a tooltip beside the cursor with the exact nearest stored point of each visible series at the
// cursor's x, asked of the viewer (GET /api/nearest), one request in flight and the latest position wins; the rows
// nearest the cursor on screen come first, a dot marks each point on its panel.
import { formatX, labelOf, nearestFirst, placeTip } from "./cursors.js";
import { formatTime, formatValue } from "./format.js";
import { pp } from "./hooks.js";
import { groupKey, isTimeX, view } from "./view.js";

const MIN_INTERVAL_MS = 40;
/** Rows the tooltip lists; the rest are counted as "+N more". */
export const TIP_ROWS = 8;

/** The stored points nearest to x of the visible series in the panel's x group: a promise of rows, or null. */
export function askNearest(panel, x) {
  const params = new URLSearchParams({ x: String(x) });
  const key = groupKey(panel);
  if (view.panels.filter((p) => groupKey(p) === key).length === 1) params.set("panel", String(panel.id));
  if (view.hidden.size) params.set("hidden", [...view.hidden].join(","));
  return fetch(`/api/nearest?${params}`, { credentials: "same-origin" })
    .then((r) => (r.status === 404 ? { missing: true } : r.ok ? r.json() : null))
    .then((body) => {
      if (body && body.missing) return body;
      return body && Array.isArray(body.series) ? inGroup(body.series, key) : null;
    })
    .catch(() => null);
}

// The cursor's x is the x of every panel in the hovered panel's x group, and of no other.
function inGroup(rows, key) {
  return rows.filter((r) => {
    if (view.hidden.has(r.index)) return false;
    const p = panelOf(r);
    return p && groupKey(p) === key;
  });
}

const panelOf = (r) => view.panels.find((q) => q.id === (r.panel | 0));

// Where a row's point is on the page, for ranking rows by how near the cursor they are.
function pagePos(r, rects) {
  const p = panelOf(r);
  if (!p) return null;
  let rect = rects.get(p);
  if (!rect) { rect = p.u.over.getBoundingClientRect(); rects.set(p, rect); }
  const left = p.u.valToPos(r.x, "x"), top = p.u.valToPos(r.y, "y");
  return { x: rect.left + left, y: rect.top + (isFinite(top) ? top : rect.height / 2) };
}

/** The row whose point is nearest on screen to (x, y) in `panel`'s data units. */
export function nearestRow(panel, x, y, rows) {
  const rect = panel.u.over.getBoundingClientRect();
  const cx = rect.left + panel.u.valToPos(x, "x");
  const cy = rect.top + (y == null ? rect.height / 2 : panel.u.valToPos(y, "y"));
  const rects = new Map([[panel, rect]]);
  return nearestFirst(rows, (r) => distance(pagePos(r, rects), cx, cy), 1).shown[0];
}

const distance = (pos, cx, cy) => (pos ? Math.hypot(pos.x - cx, pos.y - cy) : Infinity);

/** Creates the readout for the tooltip `el`; `seriesOf()` gives the meta rows. */
export function createReadout(el, seriesOf) {
  let inFlight = false;
  let pending = null; // { panel, x, y }
  let lastAt = 0;
  let timer = 0;
  let last = null;
  let at = null; // the pointer, in client pixels
  let size = null; // the tooltip's size, measured when its rows change
  let available = true; // an older viewer has no /api/nearest: then the tooltip shows the cursor's x and y

  /** The cursor is at (x, y) in `panel`'s data units and at (clientX, clientY) on the page. */
  function hover(panel, x, y, clientX, clientY) {
    if (x == null || !isFinite(x)) { clear(); return; }
    pending = { panel, x, y };
    if (clientX != null) { at = { x: clientX, y: clientY }; move(); }
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
    askNearest(ask.panel, ask.x)
      .then((rows) => {
        if (rows && rows.missing) { available = false; showCursor(ask.panel, ask.x, ask.y); }
        else if (rows && at) show(ask, rows);
      })
      .finally(() => {
        inFlight = false;
        if (pending) pump();
      });
  }

  function show(ask, rows) {
    const series = seriesOf();
    last = { ask, rows };
    pp.readout = rows.map((r) => ({ index: r.index, x: r.x, y: r.y, panel: r.panel | 0 }));
    const time = isTimeX(ask.panel);
    const rects = new Map();
    const { shown, more } = nearestFirst(rows, (r) => distance(pagePos(r, rects), at.x, at.y), TIP_ROWS);
    pp.readoutShown = shown.map((r) => r.index);
    const parts = [];
    // Series sampled together share their x: it is said once, above them, with the date on a time axis; rows of
    // series with x of their own each give theirs (a time axis' as the time of day).
    const oneX = shown.length > 0 && shown.every((r) => r.x === shown[0].x);
    const date = time && shown.length ? formatTime(shown[0].x, 86400, true).replace("\n", " ") : null;
    if (oneX) parts.push(line("tip-head", `x ${formatX(shown[0].x, time)}${date ? ` · ${date}` : ""}`));
    else if (date) parts.push(line("tip-head", date));
    const table = document.createElement("table");
    for (const r of shown) {
      const s = series.find((q) => q.index === r.index);
      table.appendChild(row(s ? s.color : "#888", s ? labelOf(s) : String(r.index), oneX ? null : formatX(r.x, time), formatValue(r.y)));
    }
    parts.push(table);
    if (more > 0) parts.push(line("tip-more", `+${more} more`));
    el.replaceChildren(...parts);
    el.hidden = shown.length === 0;
    size = null;
    move();
    placeDots();
  }

  function showCursor(panel, x, y) {
    const t = isTimeX(panel) ? formatTime(x, 0.001, true).replace("\n", " ") : formatValue(x);
    const table = document.createElement("table");
    table.appendChild(row(null, "cursor", t, formatValue(y)));
    el.replaceChildren(table);
    el.hidden = false;
    size = null;
    move();
  }

  // Beside the pointer, flipped at the window's edges; measured once per content, moved with a transform.
  function move() {
    if (el.hidden || !at) return;
    if (!size) size = { w: el.offsetWidth, h: el.offsetHeight };
    const { left, top } = placeTip(at.x, at.y, size.w, size.h, document.documentElement.clientWidth, document.documentElement.clientHeight);
    el.style.transform = `translate(${Math.round(left)}px, ${Math.round(top)}px)`;
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
      const p = panelOf(r);
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
    at = null;
    pp.readout = [];
    el.hidden = true;
    el.replaceChildren();
    placeDots();
  }

  return { hover, clear, placeDots };
}

function line(className, text) {
  const d = document.createElement("div");
  d.className = className;
  d.textContent = text;
  return d;
}

function row(color, name, x, y) {
  const tr = document.createElement("tr");
  const dot = document.createElement("td");
  if (color) {
    const sw = document.createElement("span");
    sw.className = "dot";
    sw.style.background = color;
    dot.appendChild(sw);
  }
  const n = document.createElement("td");
  n.className = "name";
  n.textContent = name;
  tr.append(dot, n);
  if (x !== null) {
    const xs = document.createElement("td");
    xs.className = "num";
    xs.textContent = `x ${x}`;
    tr.appendChild(xs);
  }
  const ys = document.createElement("td");
  ys.className = "num";
  ys.textContent = `y ${y}`;
  tr.appendChild(ys);
  return tr;
}
