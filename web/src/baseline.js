// Baselines: recordings drawn muted under the live runs, to compare against (plotpipe view --baseline run.arrow,
// or a .arrow file chosen here, sent to the viewer with the page's token). Each row says its points and its offset
// on x; on a time axis the offset starts as the one that puts the baseline's first point on the live run's, and
// can be typed, or put back with "auto". Calls: docs/page-protocol.md.
import { pp } from "./hooks.js";

const fmt = new Intl.NumberFormat("en-US");

/** Fills `el` with the baseline list and a file chooser. */
export function startBaselines(el) {
  el.innerHTML = "";
  const list = document.createElement("ul");
  list.id = "baseline-list";
  const choose = document.createElement("label");
  choose.className = "baseline-add button";
  choose.title = "Draw a recording (.arrow, made with --record) muted under the live runs; at most 256 MiB from here, larger with --baseline FILE";
  const input = document.createElement("input");
  input.type = "file";
  input.accept = ".arrow";
  input.id = "baseline-file";
  choose.append("Compare with a recording…", input);
  const problem = document.createElement("p");
  problem.className = "baseline-problem";
  problem.hidden = true;
  el.append(list, choose, problem);

  const say = (text) => {
    problem.hidden = !text;
    problem.textContent = text || "";
  };
  const render = (rows) => {
    pp.baselines = rows;
    list.innerHTML = "";
    for (const b of rows) {
      const li = document.createElement("li");
      li.dataset.name = b.name;
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = b.name;
      const count = document.createElement("span");
      count.className = "count";
      count.textContent = `${fmt.format(b.points)} points`;
      const offset = document.createElement("input");
      offset.type = "number";
      offset.step = "any";
      offset.className = "baseline-offset";
      offset.value = String(+b.offsetSeconds.toFixed(6));
      offset.title = b.time ? "Seconds added to its times (auto: its start meets the live run's start)" : "Added to its x";
      const auto = document.createElement("button");
      auto.type = "button";
      auto.textContent = "auto";
      auto.className = b.auto ? "on" : "";
      auto.title = b.time ? "Line its start up with the live run's start" : "No offset";
      offset.addEventListener("change", () => send(`name=${encodeURIComponent(b.name)}&offset=${encodeURIComponent(offset.value || "0")}`));
      auto.addEventListener("click", () => send(`name=${encodeURIComponent(b.name)}&offset=auto`));
      const shift = document.createElement("label");
      shift.className = "baseline-shift";
      shift.append(b.time ? "offset s" : "offset", offset, auto);
      li.append(name, count, shift);
      list.appendChild(li);
    }
  };
  const send = async (query, body) => {
    try {
      const r = await fetch(`/api/baselines?${query}`, { method: "POST", credentials: "same-origin", body });
      if (!r.ok) {
        say((await r.text()).trim());
        return;
      }
      say("");
      render(await r.json());
    } catch {
      say("the viewer did not answer");
    }
  };
  input.addEventListener("change", async () => {
    const file = input.files && input.files[0];
    if (!file) return;
    say(`reading ${file.name}…`);
    await send(`name=${encodeURIComponent(file.name)}`, file);
    input.value = "";
  });
  const refresh = async () => {
    try {
      const r = await fetch("/api/baselines", { credentials: "same-origin" });
      if (r.ok) render(await r.json());
    } catch {
      // Tried again on the next meta that changes the series.
    }
  };
  refresh();
  return { refresh };
}
