// The legend: a row per series (click hides or shows it, double-click shows it alone, again restores all), under
// a header per producer when there are several (a click hides or shows all its series), with the panel each
// series is drawn in: a header per panel when several panels are shown and one producer, else a small tag.
import { swatch } from "./draw.js";

const fmt = new Intl.NumberFormat("en-US");

/**
 * Renders rows for `series` (meta rows) into `el`. `panels` are the panel definitions shown; `hidden` the hidden
 * series indexes; `actions`: toggle(indexes), solo(index). Rows are reused while their key stays the same.
 */
export function renderLegend(el, series, panels, hidden, actions) {
  const shownIds = new Set(panels.map((p) => p.id));
  const visible = series.filter((s) => shownIds.has(s.panel | 0));
  const producers = [];
  for (const s of visible) if (!producers.includes(s.producer)) producers.push(s.producer);
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
      rows.push({ header: "producer", label: p || "(unnamed)", own });
      for (const s of own) rows.push({ s });
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
    const key = s
      ? `s|${s.index}|${s.producer}|${s.name}|${s.color}|${s.marker}|${s.line}|${tag}|${!!s.baseline}`
      : `${row.header}|${row.label}|${row.own.map((q) => q.index).join(",")}`;
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
        name.title = `${s.name} (${s.kind}, "${s.format}"): click to hide or show, double-click to show it alone`;
        li.addEventListener("click", () => actions.toggle([s.index]));
        li.addEventListener("dblclick", (e) => { e.preventDefault(); actions.solo(s.index); });
      } else {
        li.className = row.header;
        if (row.header === "producer") li.dataset.producer = row.label;
        name.textContent = row.label;
        name.title = `${row.label}: click to hide or show its series`;
        const indexes = row.own.map((q) => q.index);
        li.addEventListener("click", () => actions.toggle(indexes));
      }
      li.appendChild(name);
      if (s && s.baseline) {
        // A recording drawn muted to compare against, not live data: its producer names the file.
        li.classList.add("baseline");
        const b = document.createElement("span");
        b.className = "baseline-tag";
        b.textContent = "baseline";
        b.title = `recorded in ${s.producer}: drawn muted under the live runs, not counted in the status`;
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
    const name = li.querySelector(".name").textContent;
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
