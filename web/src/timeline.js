// The timeline of a recording the viewer plays (plotpipe view run.arrow, plotpipe replay run.arrow): play or pause,
// a slider over the recording's receive times and a speed. The viewer holds the whole file; the play head is a
// receive time, and the views, counts and status show what was received up to it. Calls: docs/page-protocol.md.
import { pp } from "./hooks.js";

const SPEEDS = ["0.1", "0.25", "0.5", "1", "2", "5", "10", "100", "max"];
const POLL_MS = 250;

/** Shows the timeline in `el` when the viewer plays a recording (GET /api/timeline answers 200); else leaves it hidden. */
export async function startTimeline(el) {
  let state;
  try {
    const r = await fetch("/api/timeline", { credentials: "same-origin" });
    // 204: a live viewer, no timeline (404 from a viewer before that answer).
    if (r.status !== 200) return;
    state = await r.json();
  } catch {
    return;
  }
  el.hidden = false;
  el.innerHTML = "";
  const play = button("▶", "Play or pause the recording (key space)");
  play.id = "timeline-play";
  const slider = document.createElement("input");
  slider.type = "range";
  slider.id = "timeline-slider";
  slider.min = "0";
  slider.step = "any";
  slider.title = "The play head: what the viewer had received by then";
  const at = document.createElement("span");
  at.className = "timeline-at";
  const speed = document.createElement("select");
  speed.id = "timeline-speed";
  speed.title = "How many times faster than recorded";
  for (const s of SPEEDS) {
    const o = document.createElement("option");
    o.value = s;
    o.textContent = s === "max" ? "max" : `${s}×`;
    speed.appendChild(o);
  }
  const label = document.createElement("span");
  label.className = "timeline-label";
  label.textContent = "Replay";
  el.append(label, play, slider, at, speed);

  let dragging = false;
  let seekTimer = 0;
  const show = (s) => {
    state = s;
    pp.timeline = s;
    // A recording received at once (the viewer says which) has nothing to play.
    const atOnce = !!s.atOnce;
    for (const c of [play, slider, at, speed]) c.hidden = atOnce;
    if (atOnce) {
      label.textContent = "Received at once: nothing to replay";
      return;
    }
    play.textContent = s.playing ? "❚❚" : "▶";
    // The status line says streaming until the end: the label says whether the head moves.
    label.textContent = s.playing ? "Replaying" : s.headSeconds < s.lengthSeconds ? "Paused" : "Replay";
    play.setAttribute("aria-label", s.playing ? "pause" : "play");
    slider.max = String(s.lengthSeconds);
    if (!dragging) slider.value = String(s.headSeconds);
    at.textContent = `${seconds(dragging ? +slider.value : s.headSeconds)} / ${seconds(s.lengthSeconds)}`;
    const chosen = s.speed === 0 ? "max" : String(s.speed);
    if (document.activeElement !== speed) speed.value = SPEEDS.includes(chosen) ? chosen : "1";
    el.classList.toggle("problem", !!s.problem);
    el.title = s.problem || "";
  };
  const post = async (query) => {
    try {
      const r = await fetch(`/api/timeline?${query}`, { method: "POST", credentials: "same-origin" });
      if (r.ok) show(await r.json());
    } catch {
      // The viewer is gone: the status line says so; the timeline keeps its last state.
    }
  };
  play.addEventListener("click", () => post(`play=${!state.playing}`));
  speed.addEventListener("change", () => post(`speed=${encodeURIComponent(speed.value)}`));
  slider.addEventListener("input", () => {
    dragging = true;
    at.textContent = `${seconds(+slider.value)} / ${seconds(state.lengthSeconds)}`;
    // Seeks while dragging, a few times a second: the plot follows the hand without a request per pixel.
    clearTimeout(seekTimer);
    seekTimer = setTimeout(() => post(`seek=${slider.value}`), 120);
  });
  slider.addEventListener("change", async () => {
    clearTimeout(seekTimer);
    await post(`seek=${slider.value}`);
    dragging = false;
  });
  document.addEventListener("keydown", (e) => {
    if (e.key !== " " || e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.target instanceof HTMLButtonElement) return;
    if (state.atOnce) return;
    e.preventDefault();
    post(`play=${!state.playing}`);
  });
  show(state);
  const poll = async () => {
    try {
      const r = await fetch("/api/timeline", { credentials: "same-origin" });
      if (r.ok) show(await r.json());
    } catch {
      // Tried again next time.
    }
    setTimeout(poll, POLL_MS);
  };
  setTimeout(poll, POLL_MS);
}

function button(text, title) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  b.title = title;
  return b;
}

function seconds(s) {
  if (!(s >= 0)) return "0 s";
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m}:${(s - m * 60).toFixed(1).padStart(4, "0")}`;
}
