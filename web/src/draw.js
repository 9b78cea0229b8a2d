// Draws a panel's series onto its uPlot canvas: lines, markers and density images, in data units mapped to the
// panel's scales (linear or log10). uPlot's own series are not used: each PlotPipe series has its own x column.
import { isLogX, isLogY } from "./view.js";
import { tracePolyline } from "./polyline.js";
import { drawSmoothed, RAW_ALPHA, smoothedByDerived, smoothedOf } from "./smooth.js";

/** Maps data to canvas pixels for the box and ranges given; log axes map log10 of the value. */
export function mapper(box, x0, x1, y0, y1, logX, logY) {
  const { left, top, width, height } = box;
  const fx0 = logX ? Math.log10(x0) : x0, fx1 = logX ? Math.log10(x1) : x1;
  const fy0 = logY ? Math.log10(y0) : y0, fy1 = logY ? Math.log10(y1) : y1;
  const kx = width / (fx1 - fx0), ky = height / (fy1 - fy0);
  return {
    px: logX ? (x) => left + (Math.log10(x) - fx0) * kx : (x) => left + (x - fx0) * kx,
    py: logY ? (y) => top + (fy1 - Math.log10(y)) * ky : (y) => top + (fy1 - y) * ky,
    kx, ky, fx0, fx1, fy0, fy1,
  };
}

/**
 * Draws the layers of the panel's visible series (density first, then lines and markers); returns the number of
 * points drawn.
 */
export function drawLayers(ctx, box, ranges, panel, seriesRows, isHidden, dpr) {
  // A recorded baseline is drawn first and muted (its theme's opacity, looks.js), under the live runs it is compared with.
  if (seriesRows.some((s) => s.baseline)) seriesRows = [...seriesRows.filter((s) => s.baseline), ...seriesRows.filter((s) => !s.baseline)];
  const logX = isLogX(panel), logY = isLogY(panel);
  const [x0, x1] = ranges.x, [y0, y1] = ranges.y;
  const faint = smoothedByDerived(panel, seriesRows, isHidden);
  const { px, py, kx, ky, fx0, fy1 } = mapper(box, x0, x1, y0, y1, logX, logY);
  let drawn = 0;
  ctx.save();
  ctx.beginPath();
  ctx.rect(box.left, box.top, box.width, box.height);
  ctx.clip();

  // Density images go under every line and marker. On a log axis the grid is even in log10, as the canvas is.
  for (const s of seriesRows) {
    const layer = panel.layers.get(s.index);
    if (!layer || layer.mode !== 1 || layer.w === 0 || layer.h === 0 || isHidden(s)) continue;
    if (!layer.image) layer.image = densityImage(layer, s.color, s.index, panel.densityCanvases);
    ctx.globalAlpha = s.opacity ?? 1;
    const [rx0, rx1, ry0, ry1] = layer.range;
    const lx0 = logX ? Math.log10(rx0) : rx0, lx1 = logX ? Math.log10(rx1) : rx1;
    const ly0 = logY ? Math.log10(ry0) : ry0, ly1 = logY ? Math.log10(ry1) : ry1;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(layer.image, box.left + (lx0 - fx0) * kx, box.top + (fy1 - ly1) * ky, (lx1 - lx0) * kx, (ly1 - ly0) * ky);
  }

  for (const s of seriesRows) {
    const layer = panel.layers.get(s.index);
    if (!layer || layer.mode !== 0 || layer.count === 0 || isHidden(s)) continue;
    const { xs, ys, count } = layer;
    drawn += count;
    // Under its smoothed curve a raw line is faint.
    ctx.globalAlpha = (s.opacity ?? 1) * (s.line && (smoothedOf(panel, s.index) || faint.has(s.index)) ? RAW_ALPHA : 1);
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    if (s.line) {
      // A line with more points than the plot has columns is a band of M4 segments: one device pixel keeps Skia on
      // its hairline path, which rasterizes such a band some 30 times faster than a 1.5-pixel stroke with joins.
      // A derived series smoothing another is a curve, not a band: as wide as the slider's smoothed curve.
      ctx.lineWidth = count > box.width && s.smooths == null ? dpr : 1.5 * dpr;
      ctx.lineJoin = "round";
      ctx.setLineDash(dashes(s.line, dpr));
      ctx.beginPath();
      tracePolyline(ctx, xs, ys, count, px, py, logX, logY);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    if (s.marker) drawMarkers(ctx, s.marker, xs, ys, count, px, py, dpr * (count > 20000 ? 0.6 : 1), logX || logY);
  }
  drawSmoothed(ctx, panel, seriesRows, isHidden, px, py, logX, logY, dpr);
  ctx.restore();
  return drawn;
}

/** The canvas dash pattern of a matplotlib line style. */
export function dashes(style, dpr) {
  switch (style) {
    case "--": return [6 * dpr, 4 * dpr];
    case ":": return [1.5 * dpr, 3 * dpr];
    case "-.": return [6 * dpr, 3 * dpr, 1.5 * dpr, 3 * dpr];
    default: return [];
  }
}

/** One path per series and one fill or stroke: a path call per point, never a draw call per point. */
export function drawMarkers(ctx, marker, xs, ys, count, px, py, scale, skipNonFinite) {
  const r = 3 * scale;
  ctx.lineWidth = 1.2 * scale;
  ctx.beginPath();
  for (let i = 0; i < count; i++) {
    const y = ys[i];
    if (y !== y) continue;
    const cx = px(xs[i]), cy = py(y);
    if (skipNonFinite && !(isFinite(cx) && isFinite(cy))) continue;
    switch (marker) {
      case "o": ctx.moveTo(cx + r, cy); ctx.arc(cx, cy, r, 0, 2 * Math.PI); break;
      case ".": ctx.rect(cx - r / 2, cy - r / 2, r, r); break;
      case "s": ctx.rect(cx - r, cy - r, 2 * r, 2 * r); break;
      case "^": ctx.moveTo(cx, cy - r * 1.2); ctx.lineTo(cx + r * 1.1, cy + r * 0.8); ctx.lineTo(cx - r * 1.1, cy + r * 0.8); ctx.closePath(); break;
      case "v": ctx.moveTo(cx, cy + r * 1.2); ctx.lineTo(cx + r * 1.1, cy - r * 0.8); ctx.lineTo(cx - r * 1.1, cy - r * 0.8); ctx.closePath(); break;
      case "x": ctx.moveTo(cx - r, cy - r); ctx.lineTo(cx + r, cy + r); ctx.moveTo(cx - r, cy + r); ctx.lineTo(cx + r, cy - r); break;
      case "+": ctx.moveTo(cx - r, cy); ctx.lineTo(cx + r, cy); ctx.moveTo(cx, cy - r); ctx.lineTo(cx, cy + r); break;
      case "*":
        ctx.moveTo(cx - r, cy); ctx.lineTo(cx + r, cy); ctx.moveTo(cx, cy - r); ctx.lineTo(cx, cy + r);
        ctx.moveTo(cx - r * 0.7, cy - r * 0.7); ctx.lineTo(cx + r * 0.7, cy + r * 0.7);
        ctx.moveTo(cx - r * 0.7, cy + r * 0.7); ctx.lineTo(cx + r * 0.7, cy - r * 0.7);
        break;
    }
  }
  if (marker === "x" || marker === "+" || marker === "*") ctx.stroke();
  else ctx.fill();
}

// Counts become the series colour with opacity growing as log(1 + count), so one lone point still shows.
// Density canvases are kept per series and refilled in place: a fresh canvas, ImageData and a log per cell for
// every view cost more than the rest of the frame.
let alphaLut = new Uint8Array(0);

function densityImage(layer, color, index, canvases) {
  const { w, h, counts } = layer;
  let d = canvases.get(index);
  if (!d || d.canvas.width !== w || d.canvas.height !== h) {
    const canvas = document.createElement("canvas");
    canvas.width = w;
    canvas.height = h;
    const c2 = canvas.getContext("2d");
    const img = c2.createImageData(w, h);
    d = { canvas, c2, img, pixels: new Uint32Array(img.data.buffer) };
    canvases.set(index, d);
  }
  let max = 0;
  for (let i = 0; i < counts.length; i++) if (counts[i] > max) max = counts[i];
  // Opacity grows with log(1 + count); a table per view turns the log per cell into a lookup.
  const levels = Math.min(max, 65535) + 1;
  if (alphaLut.length < levels) alphaLut = new Uint8Array(Math.max(levels, alphaLut.length * 2));
  const scale = max > 0 ? 1 / Math.log1p(max) : 0;
  for (let c = 1; c < levels; c++) alphaLut[c] = 40 + 215 * Math.log1p(c) * scale;
  const [r, g, b] = rgb(color);
  const rgbBits = (b << 16) | (g << 8) | r; // ImageData is RGBA bytes: little-endian words are ABGR
  const px = d.pixels;
  const top = levels - 1;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    px[i] = c === 0 ? 0 : (rgbBits | (alphaLut[c < top ? c : top] << 24)) >>> 0;
  }
  d.c2.putImageData(d.img, 0, 0);
  return d.canvas;
}

function rgb(color) {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color || "");
  return m ? [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)] : [31, 119, 180];
}

/** A legend swatch: the series' line style and marker on a small canvas. */
export function swatch(s) {
  const dpr = window.devicePixelRatio || 1;
  const c = document.createElement("canvas");
  c.width = 28 * dpr;
  c.height = 12 * dpr;
  c.style.width = "28px";
  c.style.height = "12px";
  paintSwatch(c.getContext("2d"), s, 0, 0, dpr);
  return c;
}

/** Paints a 28 × 12 CSS-pixel swatch at (x, y) in device pixels. */
export function paintSwatch(ctx, s, x, y, dpr) {
  ctx.save();
  // A baseline's swatch is as muted as its lines.
  ctx.globalAlpha = s.opacity ?? 1;
  ctx.strokeStyle = ctx.fillStyle = s.color;
  if (s.line) {
    ctx.lineWidth = 1.5 * dpr;
    ctx.setLineDash(dashes(s.line, dpr));
    ctx.beginPath();
    ctx.moveTo(x + 1, y + 6 * dpr);
    ctx.lineTo(x + 27 * dpr, y + 6 * dpr);
    ctx.stroke();
    ctx.setLineDash([]);
  }
  if (s.marker) drawMarkers(ctx, s.marker, [14], [6], 1, (v) => x + v * dpr, (v) => y + v * dpr, dpr, false);
  ctx.restore();
}
