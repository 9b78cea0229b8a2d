// The PlotPipe live page: asks the viewer for a view over a WebSocket and draws what comes back.
// uPlot gives axes, grid, cursor and selection; the series are drawn here, because each PlotPipe series has
// its own x column and uPlot's own series share one. Message formats: docs/page-protocol.md.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const statusEl = $("status");
  const legendEl = $("legend");
  const chartEl = $("chart");
  const followEl = $("follow");
  const spanEl = $("follow-span");
  const cursorEl = $("cursor");

  const SEND_DEBOUNCE_MS = 30;
  // Server ranges answer an older request for this long after the user last zoomed or panned.
  const LOCAL_HOLD_MS = 250;
  const RETRY_MS = 1000;
  const FOLLOW_SHARE = 0.1;
  const DRAW_TIMES_KEPT = 200;

  // What tests and curious users can read.
  const pp = (window.plotpipe = {
    views: 0, metas: 0, drawn: 0, inView: 0, xRange: [0, 1], yRange: [0, 1], follow: false,
    lastDrawMs: 0, drawTimes: [], status: {}, connected: false, series: [], plotWidth: 0, plotHeight: 0,
    // For measuring (bench/PlotPipe.PageBench): the ranges of the last view received, the last request sent,
    // and one entry per draw, so a reader can tell when the answer to a request reached the screen.
    serverRange: null, viewAt: 0, request: null, draws: 0, drawLog: [],
    // Set true to read one pixel back after each draw, so drawLog's redrawMs includes the raster: a canvas without
    // a GPU records its drawing and rasterizes it later on this same thread, unseen by performance.now() around the calls.
    rasterInDrawLog: false,
  });

  // What the user asks for: null ranges fit the data; follow is a span of x-units or null.
  const want = { x: null, y: null, follow: null };
  let followTouched = false; // once the user chose, the default no longer applies
  let spanAuto = true; // an empty span box means 10 % of the data's x extent
  let xExtent = null;
  let series = []; // meta rows, by position
  // Producers whose series the user hid by clicking their legend header; the page just skips drawing them.
  const hiddenProducers = new Set();
  pp.hiddenProducers = hiddenProducers;
  const layers = new Map(); // series index -> decoded view part
  const shown = { x: [0, 1], y: [0, 1] }; // ranges on screen
  let localUntil = 0;
  let socket = null;
  // The viewer sends the next view only once this page says it drew the last one, so views never queue behind a
  // slow draw and the answer to a zoom is the next view to arrive.
  let drawnOwed = false;

  // ---- chart -------------------------------------------------------------------------------------------------

  const identity = (u, min, max) => [min, max];
  const u = new uPlot(
    {
      width: Math.max(200, chartEl.clientWidth),
      height: Math.max(150, chartEl.clientHeight),
      legend: { show: false },
      scales: { x: { time: false, auto: false, range: identity }, y: { auto: false, range: identity } },
      series: [{}],
      axes: [
        { label: "x", stroke: "#1f2328", grid: { stroke: "#eaeef2", width: 1 }, ticks: { stroke: "#d0d7de", width: 1 } },
        { label: "y", stroke: "#1f2328", grid: { stroke: "#eaeef2", width: 1 }, ticks: { stroke: "#d0d7de", width: 1 }, size: 60 },
      ],
      cursor: {
        points: { show: false },
        drag: { x: true, y: true, uni: 24, setScale: false },
        bind: { dblclick: () => null },
      },
      hooks: {
        draw: [drawSeries],
        drawClear: [() => { if (!redrawT0) redrawT0 = performance.now(); }],
        setSelect: [onSelect],
        setCursor: [showCursor],
      },
    },
    [[]],
    chartEl,
  );
  u.setScale("x", { min: 0, max: 1 });
  u.setScale("y", { min: 0, max: 1 });

  // ---- drawing -----------------------------------------------------------------------------------------------

  let framePending = false;
  let redrawT0 = 0; // start of the whole redraw (scales, axes, grid, series), for drawLog
  function redrawSoon() {
    if (framePending) return;
    framePending = true;
    requestAnimationFrame(() => {
      framePending = false;
      redrawT0 = performance.now();
      const sx = u.scales.x, sy = u.scales.y;
      if (sx.min !== shown.x[0] || sx.max !== shown.x[1] || sy.min !== shown.y[0] || sy.max !== shown.y[1]) {
        u.batch(() => {
          u.setScale("x", { min: shown.x[0], max: shown.x[1] });
          u.setScale("y", { min: shown.y[0], max: shown.y[1] });
        });
      } else {
        u.redraw(false, false);
      }
    });
  }

  function drawSeries(u) {
    const t0 = performance.now();
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    const x0 = u.scales.x.min, x1 = u.scales.x.max, y0 = u.scales.y.min, y1 = u.scales.y.max;
    const kx = width / (x1 - x0), ky = height / (y1 - y0);
    const px = (x) => left + (x - x0) * kx;
    const py = (y) => top + (y1 - y) * ky;
    let drawn = 0;

    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();

    // Density images go under every line and marker.
    for (const s of series) {
      const layer = layers.get(s.index);
      if (!layer || layer.mode !== 1 || layer.w === 0 || layer.h === 0 || hiddenProducers.has(s.producer)) continue;
      if (!layer.image) layer.image = densityImage(layer, s.color, s.index);
      const [rx0, rx1, ry0, ry1] = layer.range;
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(layer.image, px(rx0), py(ry1), (rx1 - rx0) * kx, (ry1 - ry0) * ky);
    }

    const dpr = uPlot.pxRatio;
    for (const s of series) {
      const layer = layers.get(s.index);
      if (!layer || layer.mode !== 0 || layer.count === 0 || hiddenProducers.has(s.producer)) continue;
      const { xs, ys, count } = layer;
      drawn += count;
      ctx.strokeStyle = s.color;
      ctx.fillStyle = s.color;
      if (s.line) {
        // A line with more points than the plot has columns is a band of M4 segments: one device pixel keeps Skia on
        // its hairline path, which rasterizes such a band some 30 times faster than a 1.5-pixel stroke with joins.
        ctx.lineWidth = count > width ? dpr : 1.5 * dpr;
        ctx.lineJoin = "round";
        ctx.setLineDash(dashes(s.line, dpr));
        ctx.beginPath();
        let pen = false;
        for (let i = 0; i < count; i++) {
          const y = ys[i];
          // NaN breaks the line, as in matplotlib.
          if (y !== y) { pen = false; continue; }
          if (pen) ctx.lineTo(px(xs[i]), py(y));
          else { ctx.moveTo(px(xs[i]), py(y)); pen = true; }
        }
        ctx.stroke();
        ctx.setLineDash([]);
      }
      if (s.marker) drawMarkers(ctx, s.marker, xs, ys, count, px, py, dpr * (count > 20000 ? 0.6 : 1));
    }
    ctx.restore();

    pp.drawn = drawn;
    pp.xRange = [x0, x1];
    pp.yRange = [y0, y1];
    let end = performance.now();
    const ms = end - t0;
    if (pp.rasterInDrawLog) {
      ctx.getImageData(0, 0, 1, 1);
      end = performance.now();
    }
    pp.lastDrawMs = ms;
    pp.drawTimes.push(ms);
    if (pp.drawTimes.length > DRAW_TIMES_KEPT) pp.drawTimes.splice(0, pp.drawTimes.length - DRAW_TIMES_KEPT);
    pp.draws++;
    pp.drawLog.push({ at: end, ms, redrawMs: end - (redrawT0 || t0), range: pp.serverRange, viewAt: pp.viewAt });
    if (pp.drawLog.length > DRAW_TIMES_KEPT) pp.drawLog.splice(0, pp.drawLog.length - DRAW_TIMES_KEPT);
    redrawT0 = 0;
    if (drawnOwed && socket && socket.readyState === WebSocket.OPEN) {
      drawnOwed = false;
      socket.send('{"type":"drawn"}');
    }
  }

  function dashes(style, dpr) {
    switch (style) {
      case "--": return [6 * dpr, 4 * dpr];
      case ":": return [1.5 * dpr, 3 * dpr];
      case "-.": return [6 * dpr, 3 * dpr, 1.5 * dpr, 3 * dpr];
      default: return [];
    }
  }

  // One path per series and one fill or stroke: a path call per point, never a draw call per point.
  function drawMarkers(ctx, marker, xs, ys, count, px, py, scale) {
    const r = 3 * scale;
    ctx.lineWidth = 1.2 * scale;
    ctx.beginPath();
    for (let i = 0; i < count; i++) {
      const y = ys[i];
      if (y !== y) continue;
      const cx = px(xs[i]), cy = py(y);
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
  const densityCanvases = new Map();
  let alphaLut = new Uint8Array(0);

  function densityImage(layer, color, index) {
    const { w, h, counts } = layer;
    let d = densityCanvases.get(index);
    if (!d || d.canvas.width !== w || d.canvas.height !== h) {
      const canvas = document.createElement("canvas");
      canvas.width = w;
      canvas.height = h;
      const c2 = canvas.getContext("2d");
      const img = c2.createImageData(w, h);
      d = { canvas, c2, img, pixels: new Uint32Array(img.data.buffer) };
      densityCanvases.set(index, d);
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

  // ---- messages from the viewer ------------------------------------------------------------------------------

  function applyView(buf) {
    const dv = new DataView(buf);
    if (buf.byteLength < 40 || dv.getUint32(0, true) !== 1) return;
    const n = dv.getUint32(4, true);
    const range = Array.from(new Float64Array(buf, 8, 4));
    let at = 40;
    let inView = 0;
    const present = new Set();
    for (let i = 0; i < n; i++) {
      const index = dv.getUint32(at, true);
      const mode = dv.getUint32(at + 4, true);
      const a = dv.getUint32(at + 8, true);
      const b = dv.getUint32(at + 12, true);
      const pointsInView = dv.getFloat64(at + 16, true);
      at += 24;
      inView += pointsInView;
      present.add(index);
      if (mode === 0) {
        // Views on the message's own buffer: nothing is copied.
        const xs = new Float64Array(buf, at, a);
        const ys = new Float64Array(buf, at + 8 * a, a);
        at += 16 * a;
        layers.set(index, { mode, count: a, xs, ys, pointsInView });
      } else {
        const counts = new Uint32Array(buf, at, a * b);
        at += (4 * a * b + 7) & ~7;
        layers.set(index, { mode, w: a, h: b, counts, range, image: null, pointsInView });
      }
    }
    for (const key of [...layers.keys()]) if (!present.has(key)) layers.delete(key);

    if (want.x === null && want.follow === null) xExtent = [range[0], range[1]];
    if (performance.now() >= localUntil) {
      shown.x = [range[0], range[1]];
      shown.y = [range[2], range[3]];
    }
    pp.inView = inView;
    pp.serverRange = range;
    pp.viewAt = performance.now();
    pp.views++;
    drawnOwed = true;
    maybeDefaultFollow();
    redrawSoon();
  }

  function applyMeta(meta) {
    pp.metas++;
    series = meta.series || [];
    pp.series = series;
    if (meta.xExtent) xExtent = meta.xExtent;
    renderLegend();
    renderStatus(meta.status || {});
    maybeDefaultFollow();
    if (want.follow !== null && spanAuto) {
      const span = autoSpan();
      if (span && span !== want.follow) setFollow(true, span);
    }
    redrawSoon();
  }

  // ---- status and legend -------------------------------------------------------------------------------------

  const fmt = new Intl.NumberFormat("en-US");
  function renderStatus(st) {
    pp.status = st;
    const state = st.state || "streaming";
    statusEl.dataset.state = state;
    const parts = [];
    parts.push(state === "disconnected" ? "disconnected" : state);
    parts.push(`${fmt.format(st.points || 0)} points`);
    if (state === "streaming") parts.push(`${fmt.format(Math.round(st.pointsPerSecond || 0))} points/s`);
    parts.push(`${fmt.format(st.dropped || 0)} dropped`);
    if (st.evicted) parts.push(`${fmt.format(st.evicted)} evicted`);
    if (st.outOfOrder) parts.push(`${fmt.format(st.outOfOrder)} out of order`);
    statusEl.textContent = parts.join(" · ");
    for (const why of [st.error, st.exportError]) {
      if (!why) continue;
      const e = document.createElement("span");
      e.className = "error";
      e.textContent = ` — ${why}`;
      statusEl.appendChild(e);
    }
  }

  // With two or more producers the legend groups their series under a header per producer; clicking a header
  // hides or shows all of that producer's series. Rows are reused by position while their key stays the same.
  function renderLegend() {
    const producers = [];
    for (const s of series) if (!producers.includes(s.producer)) producers.push(s.producer);
    const grouped = producers.length >= 2;
    const rows = [];
    for (const p of producers) {
      const own = series.filter((s) => s.producer === p);
      if (grouped) rows.push({ header: p, count: own.reduce((n, s) => n + s.count, 0) });
      for (const s of own) rows.push({ s, count: s.count });
    }
    const have = legendEl.children;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      const s = row.s;
      let li = have[i];
      const key = s ? `s|${s.producer}|${s.name}|${s.color}|${s.marker}|${s.line}` : `p|${row.header}`;
      if (!li || li.dataset.key !== key) {
        li = document.createElement("li");
        li.dataset.key = key;
        const name = document.createElement("span");
        name.className = "name";
        if (s) {
          li.appendChild(swatch(s));
          name.textContent = s.name;
          name.title = `${s.name} (${s.kind}, "${s.format}")`;
        } else {
          li.className = "producer";
          li.dataset.producer = row.header;
          name.textContent = row.header || "(unnamed)";
          name.title = `${row.header}: click to hide or show its series`;
          li.addEventListener("click", () => {
            const p = li.dataset.producer;
            if (hiddenProducers.has(p)) hiddenProducers.delete(p);
            else hiddenProducers.add(p);
            renderLegend();
            redrawSoon();
          });
        }
        const count = document.createElement("span");
        count.className = "count";
        li.append(name, count);
        if (have[i]) legendEl.replaceChild(li, have[i]);
        else legendEl.appendChild(li);
      }
      li.classList.toggle("hidden", hiddenProducers.has(s ? s.producer : row.header));
      li.lastChild.textContent = fmt.format(row.count);
    }
    while (legendEl.children.length > rows.length) legendEl.lastChild.remove();
  }

  function swatch(s) {
    const dpr = window.devicePixelRatio || 1;
    const c = document.createElement("canvas");
    c.width = 28 * dpr;
    c.height = 12 * dpr;
    c.style.width = "28px";
    c.style.height = "12px";
    const ctx = c.getContext("2d");
    ctx.strokeStyle = ctx.fillStyle = s.color;
    if (s.line) {
      ctx.lineWidth = 1.5 * dpr;
      ctx.setLineDash(dashes(s.line, dpr));
      ctx.beginPath();
      ctx.moveTo(1, 6 * dpr);
      ctx.lineTo(27 * dpr, 6 * dpr);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    if (s.marker) drawMarkers(ctx, s.marker, [14], [6], 1, (x) => x * dpr, (y) => y * dpr, dpr);
    return c;
  }

  function showCursor(u) {
    const { left, top } = u.cursor;
    if (left == null || left < 0) { cursorEl.textContent = ""; return; }
    const x = u.posToVal(left, "x"), y = u.posToVal(top, "y");
    cursorEl.textContent = `x ${x.toPrecision(6)}\ny ${y.toPrecision(6)}`;
  }

  // ---- what the user asks for --------------------------------------------------------------------------------

  function userView(x, y) {
    setFollow(false);
    want.x = x;
    want.y = y;
    shown.x = x;
    if (y) shown.y = y;
    localUntil = performance.now() + LOCAL_HOLD_MS;
    sendSoon();
    redrawSoon();
  }

  function setFollow(on, span) {
    if (on) {
      const t = span ?? spanValue() ?? autoSpan();
      if (!t) return false;
      want.follow = t;
      want.x = null;
      want.y = null;
      if (spanAuto) spanEl.placeholder = `auto (${niceLabel(t)})`;
    } else {
      want.follow = null;
    }
    followEl.checked = on;
    pp.follow = on;
    sendSoon();
    return true;
  }

  function spanValue() {
    const v = parseFloat(spanEl.value);
    return v > 0 && isFinite(v) ? v : null;
  }

  // 10 % of the data's x extent, rounded to 1, 2 or 5 times a power of ten so the window steps rather than creeps.
  function autoSpan() {
    if (!xExtent || !(xExtent[1] > xExtent[0])) return null;
    const raw = (xExtent[1] - xExtent[0]) * FOLLOW_SHARE;
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    const m = raw / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
  }

  function niceLabel(v) {
    return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6 ? String(+v.toPrecision(6)) : v.toExponential(2);
  }

  // A plot of lines only starts as an oscilloscope, until the user picks something else.
  function maybeDefaultFollow() {
    if (followTouched || want.follow !== null || series.length === 0) return;
    if (!series.every((s) => s.kind === "line")) return;
    if (want.x !== null) return;
    if (setFollow(true)) followTouched = true;
  }

  followEl.addEventListener("change", () => {
    followTouched = true;
    if (followEl.checked) {
      if (!setFollow(true)) followEl.checked = false;
    } else {
      // Leaving follow keeps the window where it is.
      userView([...shown.x], null);
    }
  });
  spanEl.addEventListener("change", () => {
    spanAuto = spanValue() === null;
    if (!spanAuto) spanEl.placeholder = "auto";
    followTouched = true;
    setFollow(true);
  });

  function onSelect(u) {
    const s = u.select;
    if (s.width < 3 && s.height < 3) return;
    const w = u.over.clientWidth, h = u.over.clientHeight;
    const x = s.width >= w - 1 ? [...shown.x] : [u.posToVal(s.left, "x"), u.posToVal(s.left + s.width, "x")];
    // A selection spanning the full height zoomed x only: y keeps fitting the data in view.
    const y = s.height >= h - 1 ? null : [u.posToVal(s.top + s.height, "y"), u.posToVal(s.top, "y")];
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    followTouched = true;
    userView(x, y);
  }

  const over = u.over;
  over.addEventListener("wheel", (e) => {
    e.preventDefault();
    const delta = e.deltaMode === 1 ? e.deltaY * 33 : e.deltaMode === 2 ? e.deltaY * 400 : e.deltaY;
    const f = Math.min(4, Math.max(0.25, Math.pow(1.002, delta)));
    const rect = over.getBoundingClientRect();
    const cx = u.posToVal(e.clientX - rect.left, "x");
    const cy = u.posToVal(e.clientY - rect.top, "y");
    const x = [cx - (cx - shown.x[0]) * f, cx + (shown.x[1] - cx) * f];
    // Wheel zooms x; y zooms too only once the user has pinned it, else it keeps fitting what is in view.
    const y = want.y ? [cy - (cy - shown.y[0]) * f, cy + (shown.y[1] - cy) * f] : null;
    followTouched = true;
    userView(x, y);
  }, { passive: false });

  over.addEventListener("dblclick", (e) => {
    e.preventDefault();
    followTouched = true;
    setFollow(false);
    want.x = null;
    want.y = null;
    localUntil = 0;
    sendSoon();
  });

  // Pan: shift-drag or middle-drag. Captured on the root so uPlot never starts a selection for it.
  u.root.addEventListener("mousedown", (e) => {
    if (!(e.shiftKey || e.button === 1) || !over.contains(e.target)) return;
    e.preventDefault();
    e.stopPropagation();
    const start = { cx: e.clientX, cy: e.clientY, x: [...shown.x], y: [...shown.y] };
    const w = over.clientWidth, h = over.clientHeight;
    let pinY = want.y !== null;
    chartEl.classList.add("panning");
    const move = (m) => {
      const dx = ((m.clientX - start.cx) * (start.x[1] - start.x[0])) / w;
      const dyPx = m.clientY - start.cy;
      // A mostly sideways pan leaves y fitting the data; a vertical one pins it.
      if (Math.abs(dyPx) > 8) pinY = true;
      const dy = (dyPx * (start.y[1] - start.y[0])) / h;
      followTouched = true;
      userView([start.x[0] - dx, start.x[1] - dx], pinY ? [start.y[0] + dy, start.y[1] + dy] : null);
    };
    const up = () => {
      chartEl.classList.remove("panning");
      window.removeEventListener("mousemove", move, true);
      window.removeEventListener("mouseup", up, true);
    };
    window.addEventListener("mousemove", move, true);
    window.addEventListener("mouseup", up, true);
  }, true);

  new ResizeObserver(() => {
    const width = Math.max(200, Math.floor(chartEl.clientWidth));
    const height = Math.max(150, Math.floor(chartEl.clientHeight - 8));
    if (width !== u.width || height !== u.height) {
      u.setSize({ width, height });
      sendSoon();
    }
  }).observe(chartEl);

  // ---- the socket --------------------------------------------------------------------------------------------

  // At most one request per SEND_DEBOUNCE_MS, the latest one; a gesture after a quiet spell goes out at once
  // rather than waiting out the interval (a wheel notch or a drag-zoom is one event, not a burst).
  let sendTimer = 0;
  let lastSentAt = -Infinity;
  function sendSoon() {
    clearTimeout(sendTimer);
    sendTimer = setTimeout(sendView, Math.max(0, lastSentAt + SEND_DEBOUNCE_MS - performance.now()));
  }

  function sendView() {
    clearTimeout(sendTimer);
    lastSentAt = performance.now();
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    // Device pixels: decimation then matches what the canvas can show.
    pp.plotWidth = Math.max(1, Math.round(u.bbox.width));
    pp.plotHeight = Math.max(1, Math.round(u.bbox.height));
    const request = {
      type: "view",
      x: want.follow !== null ? null : want.x,
      y: want.follow !== null ? null : want.y,
      follow: want.follow,
      width: pp.plotWidth,
      height: pp.plotHeight,
    };
    socket.send(JSON.stringify(request));
    pp.request = { ...request, at: performance.now() };
  }

  function connect() {
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
    const ws = new WebSocket(url);
    ws.binaryType = "arraybuffer";
    socket = ws;
    ws.onopen = () => {
      pp.connected = true;
      sendView();
    };
    ws.onmessage = (e) => {
      if (typeof e.data === "string") {
        let msg;
        try { msg = JSON.parse(e.data); } catch { return; }
        if (msg.type === "meta") applyMeta(msg);
      } else {
        applyView(e.data);
      }
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      pp.connected = false;
      statusEl.dataset.state = "gone";
      const kept = pp.status && pp.status.points ? ` · showing the last ${fmt.format(pp.status.points)} points` : "";
      statusEl.textContent = `viewer gone — retrying every second${kept}`;
      setTimeout(connect, RETRY_MS);
    };
  }

  connect();
})();
