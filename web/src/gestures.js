// Mouse, touch and keyboard: drag to zoom, wheel, shift- or middle-drag to pan, double-click to fit; one finger pans,
// two pinch, a tap reads out, a held finger puts a delta cursor; keys f, 0/Home, arrows, + and -, s, a/b (delta cursors), Escape. Each gesture becomes a
// call on `app` (userView, fitAll, toggleFollow, save, tap, holdAt, touchStarted, placeCursor, clearCursors).
import { centre, isLogX as logX, isLogY as logY, panRange, view, zoomRange } from "./view.js";

const ARROW_SHARE = 0.1;
const KEY_ZOOM = 1.25;

/** The x range a gesture on this panel starts from. */
const xOf = (panel) => panel.shown.x;

/** uPlot's selection on a panel: zoom there (a full-height selection zooms x only, y keeps fitting). */
export function onSelect(app, panel) {
  const u = panel.u;
  const s = u.select;
  if (s.width < 3 && s.height < 3) return;
  const w = u.over.clientWidth, h = u.over.clientHeight;
  const x = s.width >= w - 1 ? [...xOf(panel)] : [u.posToVal(s.left, "x"), u.posToVal(s.left + s.width, "x")];
  const y = s.height >= h - 1 ? null : [u.posToVal(s.top + s.height, "y"), u.posToVal(s.top, "y")];
  u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
  app.userView(panel, x, y);
}

/** Wheel, double-click and pan on one panel's plot area. */
export function bindMouse(app, panel) {
  const u = panel.u;
  const over = u.over;
  over.addEventListener("wheel", (e) => {
    e.preventDefault();
    const delta = e.deltaMode === 1 ? e.deltaY * 33 : e.deltaMode === 2 ? e.deltaY * 400 : e.deltaY;
    const f = Math.min(4, Math.max(0.25, Math.pow(1.002, delta)));
    const rect = over.getBoundingClientRect();
    const cx = u.posToVal(e.clientX - rect.left, "x");
    const cy = u.posToVal(e.clientY - rect.top, "y");
    const x = zoomRange(xOf(panel), cx, f, logX(panel));
    // Wheel zooms x; y zooms too only once the user has pinned it, else it keeps fitting what is in view.
    const y = panel.want.y ? zoomRange(panel.shown.y, cy, f, logY(panel)) : null;
    app.userView(panel, x, y);
  }, { passive: false });

  over.addEventListener("dblclick", (e) => {
    e.preventDefault();
    app.fitAll();
  });

  // Pan: shift-drag or middle-drag. Captured on the root so uPlot never starts a selection for it.
  u.root.addEventListener("mousedown", (e) => {
    if (!(e.shiftKey || e.button === 1) || !over.contains(e.target)) return;
    e.preventDefault();
    e.stopPropagation();
    const start = { cx: e.clientX, cy: e.clientY, x: [...panel.shown.x], y: [...panel.shown.y] };
    const w = over.clientWidth, h = over.clientHeight;
    let pinY = panel.want.y !== null;
    panel.el.classList.add("panning");
    const move = (m) => {
      const dxShare = -(m.clientX - start.cx) / w;
      const dyPx = m.clientY - start.cy;
      // A mostly sideways pan leaves y fitting the data; a vertical one pins it.
      if (Math.abs(dyPx) > 8) pinY = true;
      app.userView(panel, panRange(start.x, dxShare, logX(panel)), pinY ? panRange(start.y, dyPx / h, logY(panel)) : null);
    };
    const up = () => {
      panel.el.classList.remove("panning");
      window.removeEventListener("mousemove", move, true);
      window.removeEventListener("mouseup", up, true);
      app.gestureEnded();
    };
    window.addEventListener("mousemove", move, true);
    window.addEventListener("mouseup", up, true);
  }, true);

  over.addEventListener("mouseenter", () => { app.hovered = panel; });
  bindTouch(app, panel);
}

const TAP_SLOP_PX = 10;
const HOLD_MS = 500;
const TOUCH_PIN_Y_PX = 30;

/**
 * Touch on one panel's plot area, by Pointer Events (the area has touch-action: none, so the browser neither scrolls
 * nor zooms the page for them): one finger pans x (and y once it moves far up or down), two fingers pinch x about
 * their middle (and y where the wheel zooms y: once y is pinned), a tap shows the readout there, and a finger held
 * still puts a delta cursor there (A, then B): a phone has no keys a and b.
 */
function bindTouch(app, panel) {
  const over = panel.u.over;
  const fingers = new Map(); // pointerId → { x, y } in the plot area's pixels
  let start = null; // the ranges and fingers when the current gesture (one or two fingers) began
  let tap = null;
  let hold = 0;
  const stopHold = () => { clearTimeout(hold); hold = 0; };

  const local = (e) => {
    const r = over.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  const begin = () => {
    start = {
      x: [...panel.shown.x], y: [...panel.shown.y], w: over.clientWidth || 1, h: over.clientHeight || 1,
      fingers: [...fingers.values()].slice(0, 2).map((f) => ({ ...f })), pinY: panel.want.y !== null,
    };
  };

  over.addEventListener("pointerdown", (e) => {
    if (e.pointerType !== "touch") return;
    e.preventDefault();
    over.setPointerCapture(e.pointerId);
    fingers.set(e.pointerId, local(e));
    tap = fingers.size === 1 ? { ...local(e), clientX: e.clientX, clientY: e.clientY } : null;
    stopHold();
    if (tap) {
      app.touchStarted(panel);
      const at = tap;
      hold = setTimeout(() => {
        hold = 0;
        if (tap !== at) return;
        tap = null;
        app.holdAt(panel, at.clientX, at.clientY);
      }, HOLD_MS);
    }
    begin();
  });

  over.addEventListener("pointermove", (e) => {
    if (e.pointerType !== "touch" || !fingers.has(e.pointerId) || !start) return;
    const now = local(e);
    fingers.set(e.pointerId, now);
    if (tap && Math.hypot(now.x - tap.x, now.y - tap.y) > TAP_SLOP_PX) { tap = null; stopHold(); }
    if (tap) return;
    const logx = logX(panel), logy = logY(panel);
    if (start.fingers.length === 1) {
      const f0 = start.fingers[0];
      const dx = now.x - f0.x, dy = now.y - f0.y;
      if (Math.abs(dy) > TOUCH_PIN_Y_PX) start.pinY = true;
      app.userView(panel, panRange(start.x, -dx / start.w, logx), start.pinY ? panRange(start.y, dy / start.h, logy) : null);
      return;
    }
    const [a0, b0] = start.fingers;
    const [a1, b1] = [...fingers.values()];
    if (!b1) return;
    const spread0 = Math.hypot(b0.x - a0.x, b0.y - a0.y), spread1 = Math.hypot(b1.x - a1.x, b1.y - a1.y);
    if (spread0 < 1 || spread1 < 1) return;
    const f = Math.min(20, Math.max(0.05, spread0 / spread1));
    const m0 = { x: (a0.x + b0.x) / 2, y: (a0.y + b0.y) / 2 }, m1 = { x: (a1.x + b1.x) / 2, y: (a1.y + b1.y) / 2 };
    // What was under the fingers' middle stays under it: zoom about it, then move with it.
    const cx = valueAt(start.x, m0.x / start.w, logx);
    const x = panRange(zoomRange(start.x, cx, f, logx), -(m1.x - m0.x) / start.w, logx);
    let y = null;
    if (start.pinY) {
      const cy = valueAt(start.y, 1 - m0.y / start.h, logy);
      y = panRange(zoomRange(start.y, cy, f, logy), (m1.y - m0.y) / start.h, logy);
    }
    app.userView(panel, x, y);
  });

  const lift = (e) => {
    if (e.pointerType !== "touch" || !fingers.has(e.pointerId)) return;
    fingers.delete(e.pointerId);
    stopHold();
    if (tap && e.type === "pointerup") app.tap(panel, tap.clientX, tap.clientY);
    tap = null;
    // The fingers left go on from where the view is now.
    if (fingers.size > 0) begin();
    else { start = null; app.gestureEnded(); }
  };
  // A held finger is a cursor here, not the browser's context menu.
  over.addEventListener("contextmenu", (e) => { if (fingers.size > 0) e.preventDefault(); });
  over.addEventListener("pointerup", lift);
  over.addEventListener("pointercancel", lift);
}

/** The value at `share` of a range from its low end (evenly in log10 on a log axis). */
function valueAt([a, b], share, log) {
  if (log) return Math.pow(10, Math.log10(a) + (Math.log10(b) - Math.log10(a)) * share);
  return a + (b - a) * share;
}

/** Keys on the whole page, ignored while the user types in a field. */
export function bindKeys(app) {
  window.addEventListener("keydown", (e) => {
    const t = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    const panel = app.hovered && view.panels.includes(app.hovered) ? app.hovered : view.panels[0];
    if (!panel) return;
    let done = true;
    switch (e.key) {
      case "f": case "F": app.toggleFollow(); break;
      case "0": case "Home": app.fitAll(); break;
      case "s": case "S": app.save(); break;
      case "a": case "A": app.placeCursor("a"); break;
      case "b": case "B": app.placeCursor("b"); break;
      case "Escape": app.clearCursors(); break;
      case "ArrowLeft": case "ArrowRight": {
        const share = e.key === "ArrowRight" ? ARROW_SHARE : -ARROW_SHARE;
        app.userView(panel, panRange(xOf(panel), share, logX(panel)), undefined);
        break;
      }
      case "ArrowUp": case "ArrowDown": {
        const share = e.key === "ArrowUp" ? ARROW_SHARE : -ARROW_SHARE;
        app.userView(panel, [...xOf(panel)], panRange(panel.shown.y, share, logY(panel)));
        break;
      }
      case "+": case "=": case "-": case "_": {
        const f = e.key === "+" || e.key === "=" ? 1 / KEY_ZOOM : KEY_ZOOM;
        app.userView(panel, zoomRange(xOf(panel), centre(xOf(panel), logX(panel)), f, logX(panel)), undefined);
        break;
      }
      default: done = false;
    }
    if (done) e.preventDefault();
  });
}
