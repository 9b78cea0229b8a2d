// Derived series defined from the page: a rule such as "loss_ema = ema(loss, 0.9)" (grammar: docs/markers-alerts-derived.md) is
// sent to the viewer with the page's cookie (POST /api/derived). The viewer computes it over the points it holds, then
// live; the new series comes into the legend with the next meta, as any other. A refused rule shows the viewer's
// reason under the box, the box keeps the text to mend, and the fault the reason points at is selected.
import { pp } from "./hooks.js";

const POSITION = /^at position (\d+):/;

/** Fills `el` with the rule box, its add button and the place for the viewer's refusal. */
export function startDerive(el) {
  el.innerHTML = "";
  const form = document.createElement("form");
  form.className = "derive-form";
  const input = document.createElement("input");
  input.type = "text";
  input.id = "derive-rule";
  input.placeholder = "s = ema(loss, 0.9)";
  input.spellcheck = false;
  input.autocomplete = "off";
  input.setAttribute("aria-label", "New derived series: name = expression");
  input.title = "name = expression, from the series of each run: + − * /, ema(s, w), mean(s, N), min(s, N), max(s, N), " +
    "rate(s), abs(e); a name with spaces or / goes in 'quotes'";
  const add = document.createElement("button");
  add.type = "submit";
  add.textContent = "Derive";
  add.title = "Compute this series over the points held, then as points arrive";
  form.append(input, add);
  const problem = document.createElement("p");
  problem.className = "derive-problem";
  problem.id = "derive-problem";
  problem.setAttribute("role", "alert");
  problem.hidden = true;
  input.setAttribute("aria-describedby", problem.id);
  el.append(form, problem);
  pp.derive = { added: [], problem: null };

  const say = (text) => {
    pp.derive.problem = text || null;
    problem.hidden = !text;
    problem.textContent = text || "";
    input.setAttribute("aria-invalid", text ? "true" : "false");
  };
  // The viewer counts positions from 1 in the text as sent.
  const pointAt = (text) => {
    const m = POSITION.exec(text);
    if (!m) return;
    const at = Math.min(+m[1] - 1, input.value.length);
    input.focus();
    input.setSelectionRange(at, Math.min(at + 1, input.value.length));
  };
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const rule = input.value;
    if (!rule.trim()) return;
    add.disabled = true;
    try {
      const r = await fetch("/api/derived", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "text/plain; charset=utf-8" },
        body: rule,
      });
      if (!r.ok) {
        const why = (await r.text()).trim() || `the viewer answered ${r.status}`;
        say(why);
        pointAt(why);
        return;
      }
      await r.json();
      say("");
      pp.derive.added.push(rule.trim());
      input.value = "";
    } catch {
      say("the viewer did not answer");
    } finally {
      add.disabled = false;
    }
  });
  input.addEventListener("input", () => {
    if (pp.derive.problem) say("");
  });
}
