// Markers the program sent (LivePlot.Mark, Span, alerts): a mark is a vertical line with its label, a span a shaded
// band with its label, drawn on every panel whose x is of the marker's kind (time or plain numbers). The sidebar
// lists them; a click centres the view on one, keeping the zoom width. The page reads /api/events?since=N only when
// the status says more arrived (its `events` count). Calls: docs/page-protocol.md.
import { pp } from "./hooks.js";
import { isDark } from "./looks.js";
import { isLogX, isTimeX } from "./view.js";

const SHOWN_KEY = "plotpipe.markers.shown";
const LABEL_CHARS = 40;
// Beyond these a page stays quick with tens of thousands of markers: the list shows the newest, a panel labels the first.
const LISTED = 500;
const LABELLED = 200;

// Each kind's ink on the light and the dark theme; an alert is in a warning colour on both.
const INK = {
  light: { mark: "#6639ba", span: "#0969da", alert: "#cf222e" },
  dark: { mark: "#c297ff", span: "#58a6ff", alert: "#ff7b72" },
};

/** The colour a marker of `kind` is drawn in on the theme shown (`dark`). */
export function markerInk(kind, dark) {
  const inks = dark ? INK.dark : INK.light;
  return inks[kind] || inks.mark;
}

/** Whether a marker belongs on `panel`: time markers on time x axes, plain ones on the others. */
export const markerFits = (marker, panel) => (marker.xKind === "time") === isTimeX(panel);

/**
 * Starts the marker list in `el` (the sidebar's section). `actions.redraw()` redraws the panels, `actions.jump(marker)`
 * centres the view on a marker.
 */
export function createMarkers(el, actions) {
  const markers = [];
  let lastSeq = 0, wanted = 0, busy = false;
  let shown = readShown();

  el.innerHTML = "";
  const head = document.createElement("div");
  head.className = "markers-head";
  const title = document.createElement("h2");
  title.textContent = "Markers";
  const toggle = document.createElement("button");
  toggle.type = "button";
  toggle.id = "markers-toggle";
  const list = document.createElement("ul");
  list.id = "marker-list";
  head.append(title, toggle);
  el.append(head, list);
  el.hidden = true;

  const state = { shown, count: 0, events: [], drawn: [] };
  pp.markers = state;

  const showToggle = () => {
    toggle.textContent = shown ? "Hide" : "Show";
    toggle.setAttribute("aria-pressed", String(shown));
    toggle.title = shown ? "Hide the markers on the panels" : "Show the markers on the panels";
    el.classList.toggle("markers-hidden", !shown);
    state.shown = shown;
  };
  toggle.addEventListener("click", () => {
    shown = !shown;
    try {
      localStorage.setItem(SHOWN_KEY, shown ? "1" : "0");
    } catch {
      // A page without storage forgets the choice on reload.
    }
    showToggle();
    actions.redraw();
  });
  showToggle();

  const render = () => {
    el.hidden = markers.length === 0;
    list.replaceChildren();
    const from = Math.max(0, markers.length - LISTED);
    if (from > 0) {
      const more = document.createElement("li");
      more.className = "marker-more";
      more.textContent = `${from} earlier not listed`;
      list.appendChild(more);
    }
    for (const m of markers.slice(from)) {
      const li = document.createElement("li");
      li.dataset.seq = String(m.seq);
      li.className = `marker-${m.kind}`;
      li.title = `${m.text} — ${m.producer}; click to centre the view on it`;
      const swatch = document.createElement("span");
      swatch.className = "marker-swatch";
      const text = document.createElement("span");
      text.className = "marker-text";
      text.textContent = m.text;
      li.append(swatch, text);
      li.addEventListener("click", () => actions.jump(m));
      list.appendChild(li);
    }
    state.count = markers.length;
    state.events = markers.map((m) => ({ seq: m.seq, kind: m.kind, x: m.x, x2: m.x2, xKind: m.xKind, text: m.text }));
  };

  const fetchNew = async () => {
    if (busy) return;
    busy = true;
    try {
      while (lastSeq < wanted) {
        const r = await fetch(`/api/events?since=${lastSeq}`, { credentials: "same-origin" });
        if (!r.ok) break;
        const rows = await r.json();
        if (rows.length === 0) break;
        for (const row of rows) markers.push(row);
        lastSeq = rows[rows.length - 1].seq;
      }
      render();
      actions.redraw();
    } catch {
      // Tried again on the next status that counts more markers.
    } finally {
      busy = false;
    }
  };

  return {
    /** Takes the status' marker count: reads the markers that arrived since the last read. */
    statusSeen(received) {
      const n = received | 0;
      if (n < lastSeq) {
        // Another viewer (or a replay started over): its markers are not these.
        markers.length = 0;
        lastSeq = 0;
        render();
        actions.redraw();
      }
      wanted = n;
      if (wanted > lastSeq) fetchNew();
    },
    /** Draws the markers that fit `panel` on its canvas, over its series. */
    draw(panel) {
      if (state.drawn.length) state.drawn = state.drawn.filter((d) => d.panel !== panel.id);
      if (!shown || markers.length === 0) return;
      drawOn(panel, markers, state.drawn);
    },
  };
}

function readShown() {
  try {
    return localStorage.getItem(SHOWN_KEY) !== "0";
  } catch {
    return true;
  }
}

// Draws on the panel's canvas (device pixels) and records where each marker went in CSS pixels of the plot area.
function drawOn(panel, markers, drawn) {
  const u = panel.u, ctx = u.ctx, b = u.bbox;
  const ratio = globalThis.uPlot.pxRatio || 1;
  const dark = isDark();
  const [xMin, xMax] = [u.scales.x.min, u.scales.x.max];
  if (!(xMax > xMin)) return;
  ctx.save();
  ctx.beginPath();
  ctx.rect(b.left, b.top, b.width, b.height);
  ctx.clip();
  ctx.font = `${Math.round(11 * ratio)}px system-ui, sans-serif`;
  ctx.textBaseline = "top";
  ctx.textAlign = "left";
  let row = 0; // labels step down so neighbours do not cover each other
  for (const m of markers) {
    if (!markerFits(m, panel)) continue;
    const span = m.x2 !== null && m.x2 !== undefined;
    const x2 = span ? m.x2 : m.x;
    if (x2 < xMin || m.x > xMax) continue;
    if (isLogX(panel) && m.x <= 0) continue;
    const ink = markerInk(m.kind, dark);
    const left = u.valToPos(m.x, "x", true), right = u.valToPos(x2, "x", true);
    ctx.strokeStyle = ink;
    ctx.fillStyle = ink;
    if (span) {
      ctx.globalAlpha = dark ? 0.2 : 0.14;
      ctx.fillRect(left, b.top, Math.max(right - left, ratio), b.height);
      ctx.globalAlpha = 1;
      ctx.lineWidth = ratio;
      ctx.setLineDash([]);
      for (const px of [left, right]) line(ctx, px, b);
    } else {
      ctx.lineWidth = 1.5 * ratio;
      ctx.setLineDash(m.kind === "alert" ? [] : [4 * ratio, 3 * ratio]);
      line(ctx, left, b);
      ctx.setLineDash([]);
    }
    if (row < LABELLED) label(ctx, m.text, Math.max(left, b.left) + 3 * ratio, b.top + (3 + 14 * (row % 4)) * ratio, ink, dark, b);
    row++;
    drawn.push({ seq: m.seq, panel: panel.id, kind: m.kind, left: (left - b.left) / ratio, right: (right - b.left) / ratio });
  }
  ctx.restore();
}

function line(ctx, px, b) {
  const x = Math.round(px) + 0.5;
  ctx.beginPath();
  ctx.moveTo(x, b.top);
  ctx.lineTo(x, b.top + b.height);
  ctx.stroke();
}

// A label on a backing of the page's colour, so it reads over lines and grid on either theme.
function label(ctx, text, x, y, ink, dark, b) {
  const shown = text.length > LABEL_CHARS ? `${text.slice(0, LABEL_CHARS - 1)}…` : text;
  const w = ctx.measureText(shown).width;
  const h = parseInt(ctx.font, 10) * 1.25;
  const left = Math.min(x, b.left + b.width - w - 4);
  ctx.globalAlpha = 0.85;
  ctx.fillStyle = dark ? "#0d1117" : "#ffffff";
  ctx.fillRect(left - 2, y - 1, w + 4, h);
  ctx.globalAlpha = 1;
  ctx.fillStyle = ink;
  ctx.fillText(shown, left, y);
}
