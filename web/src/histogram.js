// The histogram panel: the user picks a series, the view request names it ("histogram", docs/page-protocol.md) and
// the viewer sends, after each view, the counts of that series' raw y over the x its panel shows, drawn here as bars.
import { pp } from "./hooks.js";
import { view } from "./view.js";

/**
 * Binds the series picker `selectEl` and the panel `sectionEl` (a title and a canvas); `changed` asks for a view.
 * Returns { refresh(seriesRows), show(msg) }: refresh lists the series after a meta, show draws an answer.
 */
export function startHistogram(selectEl, sectionEl, changed) {
  const canvas = sectionEl.querySelector("canvas");
  const caption = sectionEl.querySelector(".histogram-caption");
  let rows = [];
  pp.histogram = null;

  selectEl.addEventListener("change", () => {
    view.histogram = selectEl.value === "" ? null : Number(selectEl.value);
    pp.histogram = null;
    sectionEl.hidden = view.histogram === null;
    changed();
  });

  function refresh(seriesRows) {
    rows = seriesRows;
    const key = rows.map((s) => `${s.index}:${s.name}`).join("|");
    if (selectEl.dataset.key === key) return;
    selectEl.dataset.key = key;
    const chosen = view.histogram;
    selectEl.replaceChildren(new Option("none", ""));
    for (const s of rows) selectEl.append(new Option(s.run ? `${s.run} · ${s.name}` : s.name, String(s.index)));
    // A series that went away takes its histogram with it.
    const still = chosen !== null && chosen !== undefined && rows.some((s) => s.index === chosen);
    selectEl.value = still ? String(chosen) : "";
    if (!still && view.histogram != null) {
      view.histogram = null;
      sectionEl.hidden = true;
      changed();
    }
  }

  function show(msg) {
    if (msg.series !== view.histogram || !Array.isArray(msg.counts)) return;
    const row = rows.find((s) => s.index === msg.series);
    const color = row ? row.color : "#888";
    const dpr = globalThis.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(canvas.clientWidth * dpr)), h = Math.max(1, Math.round(canvas.clientHeight * dpr));
    if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
    const ctx = canvas.getContext("2d");
    ctx.clearRect(0, 0, w, h);
    const counts = msg.counts, bins = counts.length;
    let most = 0;
    for (const c of counts) most = Math.max(most, c);
    const bars = [];
    ctx.fillStyle = color;
    for (let k = 0; k < bins; k++) {
      const barH = most > 0 ? (counts[k] / most) * (h - 2 * dpr) : 0;
      bars.push(counts[k]);
      if (barH > 0) ctx.fillRect((k * w) / bins, h - barH, Math.max(1, w / bins - dpr), barH);
    }
    caption.textContent = `${row ? row.name : `series ${msg.series}`}: ${msg.total} points, y ${fmtNum(msg.low)} to ${fmtNum(msg.high)}`;
    // What tests read: the bins as drawn, and the range they cover.
    pp.histogram = { series: msg.series, x: msg.x, low: msg.low, high: msg.high, total: msg.total, bars };
  }

  return { refresh, show };
}

const fmtNum = (v) => (Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : String(+v.toPrecision(5)));
