// The smoothing control of each panel, as TensorBoard's slider: the weight goes to the viewer with the view request
// (docs/page-protocol.md, "smooth"), which sends the exponential moving average of each line series' raw points
// beside its view; the page draws that in the series colour over the faint raw line.
import { tracePolyline } from "./polyline.js";

/** Largest weight the viewer takes. */
export const SMOOTH_MAX = 0.999;

/** Added to a series index in a view's series block: that block is the smoothed curve of the series. */
export const SMOOTHED_BIT = 0x80000000;

/** How opaque a raw line is under its smoothed curve. */
export const RAW_ALPHA = 0.25;

/** The smoothed curve the viewer sent for series `index` of the panel, or undefined. */
export const smoothedOf = (panel, index) => panel.layers.get(SMOOTHED_BIT + index);

/**
 * The series drawn faint because a derived series shown in the panel smooths them (`ema(s, w)` or `mean(s, N)` of
 * one series: meta's `smooths`), as the slider's curve does: a Set of series indexes.
 */
export function smoothedByDerived(panel, seriesRows, isHidden) {
  const faint = new Set();
  for (const s of seriesRows) if (s.smooths != null && !isHidden(s) && panel.layers.has(s.index)) faint.add(s.smooths);
  return faint;
}

/**
 * Adds the slider to `panel` (weight 0 to SMOOTH_MAX, shown beside it); `weight` is where it starts, `changed`
 * hears each move. The weight lives on the panel as `panel.smooth`.
 */
export function addSmoothControl(panel, weight, changed) {
  panel.smooth = weight || 0;
  const box = document.createElement("label");
  box.className = "smooth";
  box.title = "Smoothing: exponential moving average of the raw points (weight 0 = off)";
  const name = document.createElement("span");
  name.textContent = "smooth";
  const slider = document.createElement("input");
  slider.type = "range";
  slider.min = "0";
  slider.max = String(SMOOTH_MAX);
  slider.step = "0.001";
  slider.value = String(panel.smooth);
  slider.className = "smooth-weight";
  const shown = document.createElement("output");
  const show = () => { shown.textContent = panel.smooth.toFixed(3); };
  show();
  slider.addEventListener("input", () => {
    panel.smooth = Math.min(SMOOTH_MAX, Math.max(0, Number(slider.value) || 0));
    show();
    changed(panel);
  });
  box.append(name, slider, shown);
  panel.el.appendChild(box);
  panel.smoothEl = slider;
}

/** Draws the smoothed curves of the panel's visible line series; returns the number of points drawn. */
export function drawSmoothed(ctx, panel, seriesRows, isHidden, px, py, logX, logY, dpr) {
  let drawn = 0;
  for (const s of seriesRows) {
    const layer = smoothedOf(panel, s.index);
    if (!layer || layer.mode !== 0 || layer.count === 0 || isHidden(s) || !s.line) continue;
    const { xs, ys, count } = layer;
    drawn += count;
    ctx.globalAlpha = s.opacity ?? 1;
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 1.5 * dpr;
    ctx.lineJoin = "round";
    ctx.beginPath();
    tracePolyline(ctx, xs, ys, count, px, py, logX, logY);
    ctx.stroke();
  }
  panel.smoothDrawn = drawn;
  return drawn;
}
