// One rule for where a drawn line breaks, shared by the series and their smoothed curves: a NaN breaks it, as in
// matplotlib, and so does a value a log axis cannot show.

/** Adds the polyline of the first `count` points to the context's current path, with the gaps those rules make. */
export function tracePolyline(ctx, xs, ys, count, px, py, logX, logY) {
  let pen = false;
  for (let i = 0; i < count; i++) {
    const y = ys[i];
    if (y !== y || (logY && y <= 0) || (logX && xs[i] <= 0)) { pen = false; continue; }
    if (pen) ctx.lineTo(px(xs[i]), py(y));
    else { ctx.moveTo(px(xs[i]), py(y)); pen = true; }
  }
}
