// The legend: a row per series (click hides or shows it, double-click shows it alone, again restores all), under
// a header per run (producer) when there are several (a click hides or shows all its series), with the panel each
// series is drawn in: a header per panel when several panels are shown and one producer, else a small tag. Past
// FILTER_FROM series a filter box narrows the rows; a toggle widens the column so long names show whole.
import { swatch } from "./draw.js";
import { seriesLabel } from "./looks.js";

const fmt = new Intl.NumberFormat("en-US");

/** The legend offers its filter box once more series than this are listed. */
export const FILTER_FROM = 12;

let filterText = "";
let rerender = null;

// The filter box and the width toggle, made once above the list.
function tools(el) {
  let box = el.previousElementSibling;
  if (box && box.classList.contains("legend-tools")) return box;
  box = document.createElement("div");
  box.className = "legend-tools";
  const filter = document.createElement("input");
  filter.type = "search";
  filter.className = "legend-filter";
  filter.placeholder = "filter series";
  filter.title = "Show only the legend rows whose run or name holds this text";
  filter.addEventListener("input", () => { filterText = filter.value.trim().toLowerCase(); if (rerender) rerender(); });
  const wide = document.createElement("button");
  wide.type = "button";
  wide.className = "legend-wide";
  wide.textContent = "wide";
  wide.title = "Widen the legend so long names show whole";
  wide.setAttribute("aria-pressed", "false");
  wide.addEventListener("click", () => {
    const aside = el.closest("aside") || el.parentElement;
    const on = !aside.classList.contains("wide");
    aside.classList.toggle("wide", on);
    wide.setAttribute("aria-pressed", String(on));
    window.dispatchEvent(new Event("resize"));
  });
  // The heading above the list ("Series") shares the tools' row; the filter box takes a row of its own below.
  const heading = el.previousElementSibling;
  el.parentElement.insertBefore(box, el);
  if (heading && /^H\d$/.test(heading.tagName)) box.append(heading);
  box.append(wide, filter);
  return box;
}

const matches = (s) => !filterText || `${s.run ?? s.producer ?? ""} · ${s.name}`.toLowerCase().includes(filterText);

/**
 * Renders rows for `series` (meta rows) into `el`. `panels` are the panel definitions shown; `hidden` the hidden
 * series indexes; `actions`: toggle(indexes), solo(index). Rows are reused while their key stays the same.
 */
export function renderLegend(el, series, panels, hidden, actions) {
  rerender = () => renderLegend(el, series, panels, hidden, actions);
  const shownIds = new Set(panels.map((p) => p.id));
  const listed = series.filter((s) => shownIds.has(s.panel | 0));
  const box = tools(el);
  const filtering = listed.length > FILTER_FROM;
  box.querySelector(".legend-filter").hidden = !filtering;
  const visible = filtering ? listed.filter(matches) : listed;
  const producers = [];
  for (const s of listed) if (!producers.includes(s.producer)) producers.push(s.producer);
  const byProducer = producers.length >= 2;
  const byPanel = !byProducer && panels.length >= 2;
  const tagPanels = byProducer && panels.length >= 2;
  const title = (id) => {
    const p = panels.find((q) => q.id === id);
    return (p && p.title) || (id === 0 ? "Main" : `Panel ${id}`);
  };
  const rows = [];
  if (byProducer) {
    for (const p of producers) {
      const own = visible.filter((s) => s.producer === p);
      if (own.length === 0) continue;
      // A recording drawn to compare against is a run of baselines alone: its header says so once, leaving each row
      // the room a live run's row has (a tag on every row squeezed the names out when the panel tags were there too).
      const baseline = own.every((s) => s.baseline);
      rows.push({ header: "producer", label: p || "(unnamed)", own, baseline });
      for (const s of own) rows.push({ s, underBaseline: baseline });
    }
  } else if (byPanel) {
    for (const p of panels) {
      const own = visible.filter((s) => (s.panel | 0) === p.id);
      if (own.length === 0) continue;
      rows.push({ header: "panel-group", label: title(p.id), own });
      for (const s of own) rows.push({ s });
    }
  } else {
    for (const s of visible) rows.push({ s });
  }

  const have = el.children;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const s = row.s;
    const tag = s && tagPanels ? title(s.panel | 0) : "";
    const baselineTag = s ? !!s.baseline && !row.underBaseline : !!row.baseline;
    const key = s
      ? `s|${s.index}|${seriesLabel(s)}|${s.color}|${s.opacity}|${s.marker}|${s.line}|${tag}|${!!s.baseline}|${baselineTag}`
      : `${row.header}|${row.label}|${row.own.map((q) => q.index).join(",")}|${baselineTag}`;
    let li = have[i];
    if (!li || li.dataset.key !== key) {
      li = document.createElement("li");
      li.dataset.key = key;
      const name = document.createElement("span");
      name.className = "name";
      if (s) {
        li.dataset.index = String(s.index);
        li.appendChild(swatch(s));
        name.textContent = s.name;
        name.title = `${seriesLabel(s)} (${s.kind}, "${s.format}"): click to hide or show, double-click to show it alone`;
        li.addEventListener("click", () => actions.toggle([s.index]));
        li.addEventListener("dblclick", (e) => { e.preventDefault(); actions.solo(s.index); });
      } else {
        li.className = row.header;
        if (row.header === "producer") li.dataset.producer = row.label;
        name.textContent = row.label;
        name.title = row.header === "producer" ? `run ${row.label}: click to hide or show its series` : `${row.label}: click to hide or show its series`;
        const indexes = row.own.map((q) => q.index);
        li.addEventListener("click", () => actions.toggle(indexes));
      }
      li.appendChild(name);
      // A recording drawn muted to compare against, not live data: its producer names the file.
      if (s && s.baseline) li.classList.add("baseline");
      if (baselineTag) {
        const b = document.createElement("span");
        b.className = "baseline-tag";
        b.textContent = "baseline";
        b.title = `recorded in ${s ? s.producer : row.label}: drawn muted under the live runs, not counted in the status`;
        li.appendChild(b);
      }
      if (tag) {
        const t = document.createElement("span");
        t.className = "panel-tag";
        t.textContent = tag;
        li.appendChild(t);
      }
      const count = document.createElement("span");
      count.className = "count";
      li.appendChild(count);
      if (have[i]) el.replaceChild(li, have[i]);
      else el.appendChild(li);
    }
    const isHidden = s ? hidden.has(s.index) : row.own.every((q) => hidden.has(q.index));
    li.classList.toggle("hidden", isHidden);
    li.lastChild.textContent = fmt.format(s ? s.count : row.own.reduce((n, q) => n + q.count, 0));
  }
  while (el.children.length > rows.length) el.lastChild.remove();
}

/** Legend rows as drawn into a saved picture: [{ s } | { header }]. */
export function legendRows(el, series) {
  const out = [];
  for (const li of el.children) {
    // The picture has no tags: a baseline says so in words where the page tags it.
    const tagged = li.querySelector(".baseline-tag") !== null;
    const name = li.querySelector(".name").textContent + (tagged ? " (baseline)" : "");
    const hidden = li.classList.contains("hidden");
    if (li.dataset.index !== undefined) {
      const s = series.find((q) => String(q.index) === li.dataset.index);
      if (s) out.push({ s, name, hidden });
    } else {
      out.push({ header: name, hidden });
    }
  }
  return out;
}
