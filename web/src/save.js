// Saving from the page: the current view as a PNG (every panel, its title, and the legend drawn into the image),
// and the exact points of the visible x range as CSV or Arrow from the viewer's export endpoint.
import { paintSwatch } from "./draw.js";
import { pp } from "./hooks.js";
import { themeColors } from "./axes.js";
import { groupKey, view } from "./view.js";

const LEGEND_CSS_PX = 200;
const TITLE_FONT = '600 13px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const TEXT_FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

/** The picture of the panels and the legend rows, on one canvas in device pixels. */
export function composePicture(plotTitle, legend) {
  const dpr = window.devicePixelRatio || 1;
  const colors = themeColors();
  const panels = view.panels;
  const titleH = Math.round(24 * dpr);
  const headH = plotTitle ? Math.round(30 * dpr) : 0;
  let width = 0, height = headH;
  for (const p of panels) {
    width = Math.max(width, p.u.ctx.canvas.width);
    height += (titled(p) ? titleH : 0) + p.u.ctx.canvas.height;
  }
  const legendW = Math.round(LEGEND_CSS_PX * dpr);
  const rowH = Math.round(18 * dpr);
  height = Math.max(height, headH + legend.length * rowH + Math.round(16 * dpr));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, width + legendW);
  canvas.height = Math.max(1, height);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = colors.background;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.textBaseline = "middle";
  ctx.fillStyle = colors.text;
  if (plotTitle) {
    ctx.font = scaleFont(TITLE_FONT, dpr * 1.15);
    ctx.fillText(plotTitle, Math.round(12 * dpr), headH / 2);
  }
  let y = headH;
  for (const p of panels) {
    if (titled(p)) {
      ctx.font = scaleFont(TITLE_FONT, dpr);
      ctx.fillStyle = colors.text;
      if (p.def.title) ctx.fillText(p.def.title, Math.round(12 * dpr), y + titleH / 2);
      if (!p.notShownEl.hidden) {
        // The page's title row: the note at its right end, where the data area ends.
        ctx.font = scaleFont(TEXT_FONT, dpr);
        ctx.fillStyle = colors.muted;
        ctx.textAlign = "right";
        ctx.fillText(p.notShownEl.textContent, p.u.ctx.canvas.width - Math.round(10 * dpr), y + titleH / 2);
        ctx.textAlign = "left";
      }
      y += titleH;
    }
    ctx.drawImage(p.u.ctx.canvas, 0, y);
    y += p.u.ctx.canvas.height;
  }
  // The legend, as the page lists it.
  let ly = headH + Math.round(8 * dpr);
  const lx = width + Math.round(10 * dpr);
  for (const row of legend) {
    ctx.globalAlpha = row.hidden ? 0.4 : 1;
    ctx.fillStyle = colors.text;
    if (row.s) {
      paintSwatch(ctx, row.s, lx, ly + (rowH - 12 * dpr) / 2, dpr);
      ctx.font = scaleFont(TEXT_FONT, dpr);
      ctx.fillStyle = colors.text;
      ctx.fillText(row.name, lx + Math.round(34 * dpr), ly + rowH / 2, legendW - 44 * dpr);
    } else {
      ctx.font = scaleFont(TITLE_FONT, dpr * 0.92);
      ctx.fillText(row.header, lx, ly + rowH / 2, legendW - 20 * dpr);
    }
    ly += rowH;
  }
  ctx.globalAlpha = 1;
  return canvas;
}

// A panel whose title row shows: it has a title, or a note of points its log axis cannot show.
const titled = (p) => !!p.def.title || !p.notShownEl.hidden;

function scaleFont(font, k) {
  return font.replace(/(\d+(?:\.\d+)?)px/, (m, n) => `${Math.round(+n * k)}px`);
}

/** A file name from the plot's title: letters, digits and a few marks kept, the rest as "_". */
export function fileName(title, ext) {
  const base = (title || "plotpipe").replace(/[^\p{L}\p{N} ._-]+/gu, "_").trim() || "plotpipe";
  return `${base}.${ext}`;
}

/** Saves the picture as `<title>.png` through a download link. */
export function savePng(plotTitle, legend) {
  const canvas = composePicture(plotTitle, legend);
  const name = fileName(plotTitle, "png");
  canvas.toBlob((blob) => {
    if (!blob) return;
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    pp.saved = { name, width: canvas.width, height: canvas.height, bytes: blob.size, legend: legend.map((r) => r.header ?? r.name) };
  }, "image/png");
}

/**
 * The export address for the visible series, over the x range on screen when every panel shares one x group; panels
 * on several x ranges (steps and times, say) have no one range to cut by, so their series go whole. `what` is
 * "markers" for the markers of that range instead of the points.
 */
export function exportUrl(format, series, what) {
  const p = view.panels[0];
  const params = new URLSearchParams({ format });
  if (what) params.set("what", what);
  if (p && view.panels.every((q) => groupKey(q) === groupKey(p))) {
    params.set("from", String(p.shown.x[0]));
    params.set("to", String(p.shown.x[1]));
  }
  const ids = new Set(view.panels.map((q) => q.id));
  const visible = series.filter((s) => ids.has(s.panel | 0) && !view.hidden.has(s.index)).map((s) => s.index);
  params.set("series", visible.join(","));
  return `/api/export?${params}`;
}
