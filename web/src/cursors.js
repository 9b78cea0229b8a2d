// Delta cursors A and B (keys a and b at the mouse, Escape clears): a vertical line each on the panels of one x
// group, and Δx with each visible series' Δy between the stored points nearest to them, as the viewer answers
// (GET /api/nearest), never read back from pixels. Also the pure pieces the hover readout shares: where a tooltip
// goes, how a series is named, how differences read. No DOM at import, so node tests it.
import { formatTime, formatValue } from "./format.js";
import { groupKey, isTimeX, view } from "./view.js";

/** Series the delta box lists before "+N more". */
export const DELTA_ROWS = 8;

/** A series' name as the readout and the cursors show it. */
export const labelOf = (s) => s.name;

/**
 * Where a tooltip of size w × h goes beside a pointer at (x, y) in a viewport of vw × vh: right of and below the
 * pointer by `gap`, flipped to the left or above where it would leave the viewport, and never closer than `margin`
 * to an edge (a tooltip larger than the viewport keeps its top-left corner on screen).
 */
export function placeTip(x, y, w, h, vw, vh, gap = 14, margin = 4) {
  let left = x + gap, top = y + gap;
  const flipX = left + w > vw - margin, flipY = top + h > vh - margin;
  if (flipX) left = x - gap - w;
  if (flipY) top = y - gap - h;
  left = Math.max(margin, Math.min(left, vw - margin - w));
  top = Math.max(margin, Math.min(top, vh - margin - h));
  return { left: Math.max(margin, left), top: Math.max(margin, top), flipX, flipY };
}

/** Rows nearest first by `distance(row)`, at most `max` of them, and how many were left out. */
export function nearestFirst(rows, distance, max) {
  const ranked = rows.map((r) => ({ r, d: distance(r) }));
  ranked.sort((a, b) => (a.d - b.d) || 0);
  const shown = ranked.slice(0, max).map((e) => e.r);
  return { shown, more: rows.length - shown.length };
}

const trim = (v, digits) => String(+v.toFixed(digits));

/** A length of time in seconds as people say it: `850 ms`, `12.5 s`, `1 min 12.5 s`, `2 h 5 min`, `3 d 4 h`. */
export function formatDuration(seconds) {
  if (!isFinite(seconds)) return String(seconds);
  const sign = seconds < 0 ? "-" : "";
  const s = Math.abs(seconds);
  if (s === 0) return "0 s";
  if (s < 1e-3) return `${sign}${+(s * 1e6).toPrecision(4)} µs`;
  if (s < 1) return `${sign}${+(s * 1e3).toPrecision(4)} ms`;
  if (+s.toPrecision(4) < 60) return `${sign}${+s.toPrecision(4)} s`;
  if (s < 3600) {
    // Tenths of a second, carried into the minute when they round up to 60.
    let min = Math.floor(s / 60), sec = +(s - min * 60).toFixed(1);
    if (sec >= 60) { min++; sec = 0; }
    if (min === 60) return `${sign}1 h`;
    return sec ? `${sign}${min} min ${trim(sec, 1)} s` : `${sign}${min} min`;
  }
  const parts = [];
  if (s < 86400) {
    let whole = Math.round(s);
    const h = Math.floor(whole / 3600);
    whole -= h * 3600;
    const min = Math.floor(whole / 60), sec = whole - min * 60;
    parts.push(`${h} h`);
    if (min) parts.push(`${min} min`);
    if (sec) parts.push(`${sec} s`);
  } else {
    const whole = Math.round(s / 60);
    const d = Math.floor(whole / 1440), h = Math.floor((whole % 1440) / 60), min = whole % 60;
    parts.push(`${d} d`);
    if (h) parts.push(`${h} h`);
    if (min) parts.push(`${min} min`);
  }
  return sign + parts.join(" ");
}

/** A difference with its sign: `+0.5`, `-1.25e-6`, `0`. */
export function formatDelta(v) {
  if (!isFinite(v) || v === 0) return String(v === 0 ? 0 : v);
  return (v > 0 ? "+" : "-") + formatValue(Math.abs(v));
}

/** Δx as the axis reads it: a duration on a time axis, else a signed number. */
export function formatDeltaX(dx, time) {
  if (!time) return formatDelta(dx);
  return dx > 0 ? `+${formatDuration(dx)}` : formatDuration(dx);
}

/** An x value as the readout writes it: a time of day with milliseconds when it has them, else a number. */
export function formatX(x, time) {
  if (!time) return formatValue(x);
  return formatTime(x, Number.isInteger(x) ? 1 : 0.001, false);
}

/**
 * Pairs each series' stored point nearest to A with the one nearest to B: [{ index, panel, a, b, dx, dy }], in the
 * order of A's rows. A series with no point at one of them is left out.
 */
export function deltaRows(aRows, bRows) {
  const byIndex = new Map(bRows.map((r) => [r.index, r]));
  const out = [];
  for (const a of aRows) {
    const b = byIndex.get(a.index);
    if (!b) continue;
    out.push({ index: a.index, panel: a.panel | 0, a: { x: a.x, y: a.y }, b: { x: b.x, y: b.y }, dx: b.x - a.x, dy: b.y - a.y });
  }
  return out;
}

/**
 * The delta cursors. `deps`: box (the element that shows the differences), seriesOf() (meta rows), ask(panel, x)
 * (a promise of the viewer's nearest rows of the visible series in the panel's x group), nearestRow(panel, x, y, rows)
 * (the row nearest on screen to a position in the panel), pp (window.plotpipe).
 */
export function createCursors(deps) {
  const { box, seriesOf, ask, nearestRow, pp } = deps;
  // Each cursor: { key (x group), panel, x (a stored x), rows (each visible series' nearest stored point) }.
  const at = { a: null, b: null };
  const asked = { a: 0, b: 0 }; // answers to an older placement of a cursor are dropped
  let all = false; // the box lists every series, not the first DELTA_ROWS
  pp.delta = null;

  /** Places cursor `which` ("a" or "b") at the stored point nearest to (x, y) in `panel`. */
  async function place(which, panel, x, y) {
    if (!panel || x == null || !isFinite(x)) return;
    const key = groupKey(panel);
    const other = which === "a" ? "b" : "a";
    // The two cursors measure along one x: a cursor put on another x group starts over.
    if (at[other] && at[other].key !== key) at[other] = null;
    const mine = ++asked[which];
    const near = await ask(panel, x);
    if (mine !== asked[which] || !near || near.length === 0) return;
    // The line sits on a stored x (of the series nearest the pointer), so Δx is a difference of stored values.
    const snapped = nearestRow(panel, x, y, near).x;
    const rows = snapped === x ? near : await ask(panel, snapped);
    if (mine !== asked[which] || !rows) return;
    at[which] = { key, panel, x: snapped, rows };
    show();
  }

  /** Asks again for both cursors' points (series shown again, new data). */
  async function refresh() {
    for (const which of ["a", "b"]) {
      const c = at[which];
      if (!c) continue;
      const mine = ++asked[which];
      const panel = view.panels.find((p) => groupKey(p) === c.key);
      if (!panel) { at[which] = null; continue; }
      const rows = await ask(panel, c.x);
      if (mine !== asked[which]) continue;
      if (rows) at[which] = { ...c, panel, rows };
    }
    show();
  }

  function clear() {
    all = false;
    asked.a++;
    asked.b++;
    at.a = at.b = null;
    show();
  }

  function show() {
    const { a, b } = at;
    const time = !!(a || b) && isTimeX((a || b).panel);
    if (!a && !b) {
      pp.delta = null;
      box.hidden = true;
      box.replaceChildren();
      drawLines();
      return;
    }
    const series = seriesOf();
    const rows = a && b ? deltaRows(a.rows, b.rows).filter((r) => !view.hidden.has(r.index)) : [];
    pp.delta = {
      a: a ? { x: a.x } : null,
      b: b ? { x: b.x } : null,
      dx: a && b ? b.x - a.x : null,
      rows,
    };
    const head = document.createElement("div");
    head.className = "delta-head";
    const close = document.createElement("button");
    close.type = "button";
    close.className = "delta-close";
    close.title = "Clear the cursors (Escape)";
    close.textContent = "×";
    close.addEventListener("click", clear);
    const text = document.createElement("span");
    if (a && b) {
      text.textContent = `Δx ${formatDeltaX(b.x - a.x, time)} `;
      const span = document.createElement("span");
      span.className = "muted delta-span";
      span.textContent = `A ${formatX(a.x, time)} → B ${formatX(b.x, time)}`;
      text.appendChild(span);
    }
    else text.textContent = `${a ? "A" : "B"} at ${formatX((a || b).x, time)} · press ${a ? "b" : "a"} for ${a ? "B" : "A"}`;
    head.append(text, close);
    const table = document.createElement("table");
    const listed = all ? rows : rows.slice(0, DELTA_ROWS);
    for (const r of listed) {
      const s = series.find((q) => q.index === r.index);
      const tr = document.createElement("tr");
      const dot = document.createElement("td");
      const sw = document.createElement("span");
      sw.className = "dot";
      sw.style.background = s ? s.color : "#888";
      dot.appendChild(sw);
      const name = document.createElement("td");
      name.className = "name";
      name.textContent = s ? labelOf(s) : String(r.index);
      const dy = document.createElement("td");
      dy.className = "num";
      dy.textContent = `Δy ${formatDelta(r.dy)}`;
      tr.append(dot, name, dy);
      // A series whose points sit elsewhere than the cursors' x says over what x its Δy is.
      if (r.dx !== b.x - a.x) {
        const dx = document.createElement("td");
        dx.className = "num muted";
        dx.textContent = `over ${formatDeltaX(r.dx, time)}`;
        tr.appendChild(dx);
      }
      table.appendChild(tr);
    }
    const parts = [head, table];
    // Forty series would cover the plot: the box lists a few, and the rest on a click.
    if (rows.length > DELTA_ROWS) {
      const more = document.createElement("button");
      more.type = "button";
      more.className = "delta-more";
      more.textContent = all ? "fewer" : `+${rows.length - DELTA_ROWS} more`;
      more.addEventListener("click", () => { all = !all; show(); });
      parts.push(more);
    }
    box.replaceChildren(...parts);
    box.hidden = false;
    drawLines();
  }

  // The lines are DOM elements on the plot areas, moved each frame like the hover dots: the charts never repaint for them.
  function drawLines() {
    for (const p of view.panels) {
      for (const which of ["a", "b"]) {
        const c = at[which];
        const key = `deltaLine${which}`;
        let line = p[key];
        if (!c || groupKey(p) !== c.key) {
          if (line) { line.remove(); p[key] = null; }
          continue;
        }
        if (!line || line.parentNode !== p.u.over) {
          line = document.createElement("div");
          line.className = `delta-line delta-${which}`;
          line.dataset.label = which.toUpperCase();
          p.u.over.appendChild(line);
          p[key] = line;
        }
        const left = p.u.valToPos(c.x, "x");
        const ratio = globalThis.uPlot.pxRatio || 1;
        line.hidden = !(isFinite(left) && left >= 0 && left <= p.u.bbox.width / ratio);
        line.style.transform = `translateX(${left}px)`;
      }
    }
  }

  /** Moves the lines to where their x is now; costs nothing with no cursor placed. */
  function placeLines() {
    if (!at.a && !at.b && view.panels.every((p) => !p.deltaLinea && !p.deltaLineb)) return;
    drawLines();
  }

  return {
    place, refresh, clear, placeLines,
    get placed() { return !!(at.a || at.b); },
    /** The cursor a touch places next: A while there is none, else B. */
    get next() { return at.a ? "b" : "a"; },
  };
}
