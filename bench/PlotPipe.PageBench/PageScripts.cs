namespace PlotPipe.PageBench;

/// <summary>The JavaScript the harness runs in the page; it reads <c>window.plotpipe</c> (web/src/app.js) and never changes the page's behaviour.</summary>
internal static class PageScripts
{
    /// <summary>
    /// Takes every draw logged since the last call: [at, seriesMs, redrawMs, view's right edge, newest x drawn, view's
    /// arrival] rows, plus counters, and
    /// the frames and long tasks <see cref="WatchFrames"/> saw since the last call.
    /// </summary>
    public const string Drain =
        """
        () => {
          const p = window.plotpipe, b = window.__pageFrames;
          const log = p.drawLog.splice(0);
          return {
            draws: p.draws, views: p.views, drawn: p.drawn, inView: p.inView, follow: p.follow,
            points: (p.status && p.status.points) || 0,
            log: log.map(e => [e.at, e.ms, e.redrawMs, e.range ? e.range[1] : null, e.newestX ?? null, e.viewAt]),
            frames: b ? b.frames.splice(0) : [],
            longTasks: b ? b.longTasks.splice(0) : [],
            longFrames: b ? b.longFrames.splice(0) : [],
          };
        }
        """;

    /// <summary>
    /// Watches the page's frames: the interval between animation frames (a frame the page's thread held up shows as
    /// 33 or 50 ms instead of 16.7), the long tasks (over 50 ms) Chromium reports, and for each long animation frame
    /// where its time went (scripts by entry point, then style and layout, then paint), to find what to fix.
    /// </summary>
    public const string WatchFrames =
        """
        () => {
          const b = window.__pageFrames = { frames: [], longTasks: [], longFrames: [] };
          let last = 0;
          const tick = (t) => { if (last) b.frames.push(t - last); last = t; requestAnimationFrame(tick); };
          requestAnimationFrame(tick);
          new PerformanceObserver((list) => {
            for (const e of list.getEntries()) b.longTasks.push(e.duration);
          }).observe({ type: "longtask" });
          try {
            new PerformanceObserver((list) => {
              for (const e of list.getEntries()) {
                const parts = [];
                for (const s of e.scripts || [])
                  parts.push([`${s.invokerType} ${s.invoker} ${(s.sourceFunctionName || "")}@${(s.sourceURL || "").split("/").pop()}:${s.sourceCharPosition}`, s.duration]);
                const render = e.renderStart ? e.startTime + e.duration - e.renderStart : 0;
                const layout = e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0;
                parts.push(["rendering: rAF callbacks", Math.max(0, render - layout)]);
                parts.push(["rendering: style, layout and paint", layout]);
                b.longFrames.push({ ms: e.duration, blockingMs: e.blockingDuration || 0, parts });
              }
            }).observe({ type: "long-animation-frame" });
          } catch { /* an older Chromium: frames and long tasks only */ }
        }
        """;

    /// <summary>Remembers when the last input event of each kind happened, in the page's clock (event.timeStamp).</summary>
    public const string WatchInput =
        """
        () => {
          window.__pageBench = { wheel: 0, mousemove: 0, mouseup: 0, dblclick: 0 };
          for (const t of Object.keys(window.__pageBench))
            window.addEventListener(t, (e) => { window.__pageBench[t] = e.timeStamp; }, true);
        }
        """;

    /// <summary>The time of the last event of one kind.</summary>
    public const string InputTime = "(kind) => window.__pageBench[kind]";

    /// <summary>
    /// Null until the page has sent a request after the input at t0 and drawn a view whose server ranges are that request's;
    /// then the times of the input, the request, the first redraw after the input and the drawn answer, and from the
    /// viewer's answer mark how long the request waited there, how long its view took to build and then waited for the
    /// view before it to reach the page, and when the page took the mark (-1: not told).
    /// A fit-all request (x null) is answered by a view starting at the data's first x (0) and reaching at least minRight.
    /// </summary>
    public const string Answer =
        """
        ([t0, minRight]) => {
          const p = window.plotpipe, r = p.request;
          if (!r || r.at < t0) return null;
          const close = (a, b, span) => Math.abs(a - b) <= 1e-9 * Math.abs(span) + 1e-12;
          const matches = (g) => {
            if (!g) return false;
            if (r.x) {
              if (!close(g[0], r.x[0], r.x[1] - r.x[0]) || !close(g[1], r.x[1], r.x[1] - r.x[0])) return false;
            } else if (r.follow === null) {
              if (!(Math.abs(g[0]) <= 1e-9 && g[1] >= minRight)) return false;
            }
            if (r.y && (!close(g[2], r.y[0], r.y[1] - r.y[0]) || !close(g[3], r.y[1], r.y[1] - r.y[0]))) return false;
            return true;
          };
          const hit = p.drawLog.find((d) => d.at >= r.at && matches(d.range));
          if (!hit) return null;
          const first = p.drawLog.find((d) => d.at >= t0);
          const a = p.answer && p.answer.seq === r.seq ? p.answer : null;
          return { t0, sentAt: r.at, viewAt: hit.viewAt, firstAt: first ? first.at : hit.at, answeredAt: hit.at, fit: !r.x,
            waitedMs: a && a.waitedMs != null ? a.waitedMs : -1, builtMs: a && a.builtMs != null ? a.builtMs : -1,
            heldMs: a && a.heldMs != null ? a.heldMs : -1, markAt: a && a.at != null ? a.at : -1 };
        }
        """;

    /// <summary>
    /// The naive way, in the same page: a canvas of the plot's size and one path through every point of
    /// `series` lines of `points` points each (data shaped like the streamed series), stroked. Returns
    /// [ms to build and stroke the paths, ms including a read-back that forces the raster] per repeat.
    /// </summary>
    public const string NaiveLines =
        """
        async ([series, points, perX, w, h, repeats]) => {
          const xs = new Float64Array(points);
          for (let i = 0; i < points; i++) xs[i] = i / perX;
          const ys = [];
          for (let s = 0; s < series; s++) {
            const y = new Float64Array(points);
            let walk = 0;
            for (let i = 0; i < points; i++) {
              walk = 0.999 * walk + 0.05 * (Math.random() - 0.5);
              y[i] = 3 * s + Math.sin(xs[i] * (0.7 + 0.1 * s)) + walk;
            }
            ys.push(y);
          }
          const canvas = document.createElement("canvas");
          canvas.width = w; canvas.height = h;
          const ctx = canvas.getContext("2d", { willReadFrequently: false });
          const x0 = 0, x1 = xs[points - 1], y0 = -3, y1 = 3 * series;
          const kx = w / (x1 - x0), ky = h / (y1 - y0);
          const out = [];
          for (let r = 0; r < repeats; r++) {
            await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
            const t0 = performance.now();
            ctx.clearRect(0, 0, w, h);
            // One pixel, as the page strokes a dense line, so the comparison is about the points, not the pen.
            ctx.lineWidth = 1;
            ctx.lineJoin = "round";
            for (let s = 0; s < series; s++) {
              const y = ys[s];
              ctx.strokeStyle = `hsl(${(s * 36) % 360} 70% 40%)`;
              ctx.beginPath();
              ctx.moveTo((xs[0] - x0) * kx, (y1 - y[0]) * ky);
              for (let i = 1; i < points; i++) ctx.lineTo((xs[i] - x0) * kx, (y1 - y[i]) * ky);
              ctx.stroke();
            }
            const t1 = performance.now();
            ctx.getImageData(0, 0, 1, 1);
            out.push([t1 - t0, performance.now() - t0]);
          }
          return out;
        }
        """;

    /// <summary>The naive scatter: one filled path of a 1.8-pixel square per point, `points` points, then a read-back.</summary>
    public const string NaiveScatter =
        """
        async ([points, w, h]) => {
          const xs = new Float64Array(points), ys = new Float64Array(points);
          for (let i = 0; i < points; i++) { xs[i] = Math.random() * w; ys[i] = h / 2 + (Math.random() + Math.random() + Math.random() - 1.5) * h / 3; }
          const canvas = document.createElement("canvas");
          canvas.width = w; canvas.height = h;
          const ctx = canvas.getContext("2d");
          await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
          const t0 = performance.now();
          ctx.fillStyle = "#1f77b4";
          ctx.beginPath();
          for (let i = 0; i < points; i++) ctx.rect(xs[i] - 0.9, ys[i] - 0.9, 1.8, 1.8);
          ctx.fill();
          const t1 = performance.now();
          ctx.getImageData(0, 0, 1, 1);
          return [t1 - t0, performance.now() - t0];
        }
        """;
}
