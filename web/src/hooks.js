// What tests, benchmarks and curious users can read: window.plotpipe. Fields keep their meaning across versions
// (bench/PlotPipe.PageBench reads drawLog, request, views and friends).

const DRAW_TIMES_KEPT = 200;

/** The page's readable state. */
export const pp = (window.plotpipe = {
  views: 0, metas: 0, drawn: 0, inView: 0, xRange: [0, 1], yRange: [0, 1], follow: false,
  // What follow asks for: null (off), "auto" (each x group's automatic window) or the span typed.
  followSpan: null,
  lastDrawMs: 0, drawTimes: [], status: {}, connected: false, series: [], plotWidth: 0, plotHeight: 0,
  // The plot's title, the panels shown (top to bottom) with their ranges, scales and what they drew, and the
  // series indexes hidden from the legend.
  title: null, panels: [], hidden: [],
  // The last view message drawn: its tag, byte length, the series indexes it carried (per panel) and the number of
  // the request it answers (as request.seq).
  lastView: null,
  // Views that arrived for an older request than the last one sent, and were left undrawn.
  staleViews: 0,
  // The viewer's memory limit on this page's views: null at full resolution, else { cellPx, reason } (cellPx 0: no view).
  limit: null,
  // The last hover readout: [{ index, x, y, panel }] as the viewer answered, and how many were asked.
  readout: [], nearestAsked: 0,
  // The theme's colours in use (they follow prefers-color-scheme) and the last saved picture.
  colors: null, saved: null,
  // For measuring (bench/PlotPipe.PageBench): the ranges of the last view received, the last request sent,
  // and one entry per draw, so a reader can tell when the answer to a request reached the screen.
  serverRange: null, viewAt: 0, request: null, draws: 0, drawLog: [],
  // The viewer's last answer mark: { seq, waitedMs, builtMs, heldMs, at } (how long the request waited, how long its view
  // took, how long it then waited for the view before it to reach the page; when the page took the mark).
  answer: null,
  // Set true to read one pixel back after each draw, so drawLog's redrawMs includes the raster: a canvas without
  // a GPU records its drawing and rasterizes it later on this same thread, unseen by performance.now() around the calls.
  rasterInDrawLog: false,
});

/** Records one panel draw in drawTimes and drawLog; newestX: the x every line drawn reaches, or null. */
export function logDraw(ms, end, redrawT0, newestX = null) {
  pp.lastDrawMs = ms;
  pp.drawTimes.push(ms);
  if (pp.drawTimes.length > DRAW_TIMES_KEPT) pp.drawTimes.splice(0, pp.drawTimes.length - DRAW_TIMES_KEPT);
  pp.draws++;
  pp.drawLog.push({ at: end, ms, redrawMs: end - redrawT0, range: pp.serverRange, viewAt: pp.viewAt, newestX });
  if (pp.drawLog.length > DRAW_TIMES_KEPT) pp.drawLog.splice(0, pp.drawLog.length - DRAW_TIMES_KEPT);
}
