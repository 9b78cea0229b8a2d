// Mouse and keyboard: drag to zoom, wheel, shift- or middle-drag to pan, double-click to fit; keys f, 0/Home,
// arrows, + and -, s. Each gesture becomes a call on `app` (userView, fitAll, toggleFollow, save).
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
